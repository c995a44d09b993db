/**
 * Twilio Programmable Messaging (https://www.twilio.com/docs/messaging/api/message-resource):
 * sends with the Messages API, receives incoming messages and status callbacks as signed
 * webhooks. SPEC.md beside this file lists the parts of the API used.
 *
 *   const twilio = createTwilioProvider({ channelId, sender: '+15005550006', baseUrl?,
 *     credentials: { accountSid: 'AC…', authToken: '…' }, statusCallbackUrl? });
 *   const { providerMessageIds: [sid] } = await twilio.send({ to, encoded, reference });
 *   if (twilio.verifyWebhook(req)) { const { inbound, receipts, reply } = twilio.parseWebhook(req); }
 */
import {
  SmsSendError,
  type OutgoingSms,
  type ProviderSettings,
  type SendResult,
  type SmsProvider,
  type WebhookContent,
  type WebhookRequest,
} from '../provider.js';
import { classifyTwilioResponse, networkError, type TwilioApiError } from './errors.js';
import { verifyTwilioSignature } from './signature.js';
import { parseTwilioWebhook } from './webhook.js';

export const TWILIO_API_BASE = 'https://api.twilio.com';
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export interface TwilioProviderOptions {
  /** Give up on an API call after this long (a transient 'timeout'); default 15 s. */
  timeoutMs?: number;
  /** The clock for receipts and inbound messages (Twilio's webhooks carry no time). */
  now?: () => Date;
  /** fetch to use (tests). */
  fetch?: typeof fetch;
}

/** The Message resource as the API returns it (the fields used). */
interface TwilioMessage {
  sid?: string;
  status?: string;
  num_segments?: string | number;
  error_code?: number | null;
  error_message?: string | null;
}

export class TwilioProvider implements SmsProvider {
  readonly kind = 'twilio' as const;
  private readonly accountSid: string;
  private readonly authToken: string;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly now: () => Date;
  private readonly fetch: typeof fetch;

  constructor(
    readonly settings: ProviderSettings,
    options: TwilioProviderOptions = {},
  ) {
    const { accountSid, authToken } = settings.credentials;
    if (!accountSid || !authToken) throw new Error(`Twilio channel ${settings.channelId}: credentials need accountSid and authToken`);
    this.accountSid = accountSid;
    this.authToken = authToken;
    this.baseUrl = (settings.baseUrl ?? TWILIO_API_BASE).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.now = options.now ?? (() => new Date());
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** The Messages endpoint of the account. */
  get messagesUrl(): string {
    return `${this.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(this.accountSid)}/Messages.json`;
  }

  /**
   * One API call per message (Twilio splits and concatenates it): To, From or
   * MessagingServiceSid (a sender starting with "MG"), Body, and StatusCallback when the service
   * has a public URL. Twilio has no idempotency key for messages: a call that timed out may
   * still have been sent, and is reported transient like any network failure.
   */
  async send(sms: OutgoingSms): Promise<SendResult> {
    const form = new URLSearchParams();
    form.set('To', sms.to);
    const sender = this.settings.sender;
    if (/^MG[0-9a-f]{32}$/i.test(sender)) form.set('MessagingServiceSid', sender);
    else form.set('From', sender);
    form.set('Body', sms.encoded.segments.join(''));
    if (this.settings.statusCallbackUrl) form.set('StatusCallback', this.settings.statusCallbackUrl);

    let res: Response;
    let text: string;
    try {
      res = await this.fetch(this.messagesUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          accept: 'application/json',
        },
        body: form.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw networkError(err);
    }
    const body = parseJson(text);
    if (!res.ok) throw classifyTwilioResponse(res.status, body as TwilioApiError | undefined);
    const message = body as TwilioMessage | undefined;
    if (typeof message?.sid !== 'string' || !message.sid) {
      // Twilio took the call but its answer names no message: retrying could send it twice.
      throw new SmsSendError('permanent', 'bad-response', `Twilio answered ${res.status} without a message sid: ${text.slice(0, 200)}`);
    }
    if (message.status === 'failed' && message.error_code) {
      throw new SmsSendError('permanent', String(message.error_code), `Twilio failed the message at once: ${message.error_message ?? message.error_code}`);
    }
    return { providerMessageIds: [message.sid] };
  }

  /** Whether the call carries Twilio's X-Twilio-Signature for its URL and POST parameters (a missing one is false). */
  verifyWebhook(req: WebhookRequest): boolean {
    return verifyTwilioSignature(this.authToken, header(req.headers, TWILIO_SIGNATURE_HEADER), req.url, req.params);
  }

  /** An incoming message (answered with empty TwiML) or a status callback (a receipt). */
  parseWebhook(req: WebhookRequest): WebhookContent {
    return parseTwilioWebhook(req.params, this.now());
  }
}

export function createTwilioProvider(settings: ProviderSettings, options?: TwilioProviderOptions): TwilioProvider {
  return new TwilioProvider(settings, options);
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** A request header by name, whatever its case; the first one if repeated. */
export function header(headers: WebhookRequest['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
