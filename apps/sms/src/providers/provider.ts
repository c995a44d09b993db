/**
 * What every SMS provider (SMPP, Twilio, SMS.ru) offers the SMS service. HTTP providers receive
 * inbound messages and delivery receipts as webhooks (verifyWebhook, then parseWebhook); SMPP
 * receives them over its session (start's handlers). Everything else (pacing, retries, opt-out,
 * segment counting, queues) is the service's, the same for every provider.
 */
import type { EncodedText } from '../encoding/segments.js';

export type ProviderKind = 'smpp' | 'twilio' | 'smsru';

/** A channel's settings as the provider needs them (secrets already opened). */
export interface ProviderSettings {
  /** The channel's id (core's sms_channels.id): the channelAccountId of its messages. */
  channelId: string;
  /** Sender number (E.164) or alphanumeric sender name. */
  sender: string;
  /** HTTP providers: the API base URL (tests point it at loopback). */
  baseUrl?: string;
  /** Provider-specific credentials: Twilio { accountSid, authToken }, SMS.ru { apiId }, SMPP { host, port, systemId, password, systemType? }. */
  credentials: Record<string, string>;
  /** Where the provider should send status callbacks for this channel (HTTP providers), when the service has a public URL. */
  statusCallbackUrl?: string;
}

export interface OutgoingSms {
  /** E.164. */
  to: string;
  /** The text as split and encoded (segments, encoding, UDH reference). */
  encoded: EncodedText;
  /** Core's message id: an idempotency key where the provider offers one. */
  reference: string;
  /**
   * Awaited before each segment goes out, by providers that send segments one by one (SMPP):
   * the service's pacing. Providers that send the whole text in one call ignore it; the service
   * paces their segments before calling send.
   */
  beforeSegment?: () => Promise<void>;
}

export interface SendResult {
  /** The provider's id(s) of what was sent: one per segment for SMPP, one per message for HTTP APIs. Receipts name one of these. */
  providerMessageIds: string[];
}

/** Why a send failed; `transient` ones are retried with backoff, `permanent` ones fail the message with `code`. */
export class SmsSendError extends Error {
  override readonly name = 'SmsSendError';
  constructor(
    readonly kind: 'transient' | 'permanent',
    /** The provider's code (Twilio 21211, SMS.ru 202, SMPP command_status 0x0000000B …). */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A customer's SMS as received (one part of a concatenated message carries `part`). */
export interface InboundSms {
  providerMessageId: string;
  /**
   * The id is a digest of the content (SMPP gives inbound messages none): the same text sent
   * twice gets the same id, so it only tells redeliveries apart within a short window.
   */
  idFromContent?: boolean;
  /** E.164 or as the provider wrote it (the service normalises). */
  from: string;
  to: string;
  text: string;
  receivedAt: Date;
  /** One part of a concatenated SMS: parts with the same from/ref are joined in seq order. */
  part?: { ref: number; total: number; seq: number };
}

export interface DeliveryReceipt {
  /** One of the SendResult ids. */
  providerMessageId: string;
  status: 'sent' | 'delivered' | 'failed';
  /** The provider's error code or status text when failed. */
  error?: string;
  at: Date;
}

/** A webhook request as the service received it. */
export interface WebhookRequest {
  /** The full public URL the provider called (signatures cover it). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Form or JSON fields, parsed. */
  params: Record<string, unknown>;
}

export interface WebhookContent {
  inbound: InboundSms[];
  receipts: DeliveryReceipt[];
  /** What to answer the provider with (e.g. SMS.ru wants the text "100"). */
  reply?: { contentType: string; body: string };
}

export interface SessionHandlers {
  onInbound(sms: InboundSms): Promise<void>;
  onReceipt(receipt: DeliveryReceipt): Promise<void>;
  /** The session's state changed (bound, reconnecting, refused credentials …), for logs and the channel's state. */
  onState(state: 'up' | 'down' | 'refused', detail: string): void;
}

export interface SmsProvider {
  readonly kind: ProviderKind;
  /** True when send() awaits OutgoingSms.beforeSegment before each segment. */
  readonly pacesSegments?: boolean;
  send(sms: OutgoingSms): Promise<SendResult>;
  /** HTTP providers: whether a webhook call really comes from the provider (signature, secret). */
  verifyWebhook?(req: WebhookRequest): boolean;
  /** HTTP providers: inbound messages and receipts in a (verified) webhook call. */
  parseWebhook?(req: WebhookRequest): WebhookContent;
  /** Session providers (SMPP): connect and keep connected, delivering what arrives to the handlers. */
  start?(handlers: SessionHandlers): Promise<void>;
  stop?(): Promise<void>;
}
