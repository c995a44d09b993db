/**
 * What Twilio's webhooks carry: an incoming message (the number's "A message comes in" webhook)
 * or a status callback about a message we sent (the StatusCallback given when sending). Both are
 * form posts; see SPEC.md beside this file for the fields.
 */
import type { DeliveryReceipt, InboundSms, WebhookContent } from '../provider.js';

/** An empty TwiML document: "received, reply nothing" (replies go out through the API instead). */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** Status callback values and what they mean for a receipt; those not listed (queued, sending, accepted, scheduled …) produce none. */
const RECEIPT_STATUS: Record<string, DeliveryReceipt['status']> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/** The first value of a form field (a repeated one gives an array), or undefined. */
export function field(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (typeof first === 'number') return String(first);
  return undefined;
}

/**
 * Inbound messages and receipts in one (verified) webhook call. A status callback has a
 * MessageStatus; an incoming message has SmsStatus "received" (or just a Body) and is answered
 * with empty TwiML. Anything else (e.g. a callback about another product) yields nothing.
 */
export function parseTwilioWebhook(params: Record<string, unknown>, now: Date = new Date()): WebhookContent {
  const sid = field(params, 'MessageSid') ?? field(params, 'SmsSid') ?? field(params, 'SmsMessageSid');
  const messageStatus = field(params, 'MessageStatus');
  const status = (messageStatus ?? field(params, 'SmsStatus'))?.toLowerCase();
  if (!sid) return { inbound: [], receipts: [] };

  const isInbound = status === 'received' || status === 'receiving' || (messageStatus === undefined && field(params, 'Body') !== undefined);
  if (isInbound) {
    const sms: InboundSms = {
      providerMessageId: sid,
      from: field(params, 'From') ?? '',
      to: field(params, 'To') ?? '',
      text: inboundText(params),
      receivedAt: now,
    };
    return { inbound: [sms], receipts: [], reply: { contentType: 'text/xml', body: EMPTY_TWIML } };
  }

  const mapped = status ? RECEIPT_STATUS[status] : undefined;
  if (!mapped) return { inbound: [], receipts: [] };
  const receipt: DeliveryReceipt = { providerMessageId: sid, status: mapped, at: now };
  if (mapped === 'failed') {
    const code = field(params, 'ErrorCode');
    receipt.error = code ? `${code}${field(params, 'ErrorMessage') ? ` ${field(params, 'ErrorMessage')}` : ''}` : status;
  }
  return { inbound: [], receipts: [receipt] };
}

/**
 * The message's text: Body (Twilio has already joined a concatenated SMS), then one line per MMS
 * attachment (`[attachment: <url>]`), so that nothing the customer sent is silently lost.
 */
function inboundText(params: Record<string, unknown>): string {
  const body = field(params, 'Body') ?? '';
  const media = Number(field(params, 'NumMedia') ?? 0);
  const lines: string[] = [];
  for (let i = 0; i < media && i < 10; i++) {
    const url = field(params, `MediaUrl${i}`);
    if (url) lines.push(`[attachment: ${url}]`);
  }
  return lines.length ? [body, ...lines].filter(Boolean).join('\n') : body;
}
