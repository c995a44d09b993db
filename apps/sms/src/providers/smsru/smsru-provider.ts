/**
 * SMS.ru (https://sms.ru/api): sends with POST /sms/send, receives status callbacks (and incoming
 * messages, where the account has them) at a callback URL set up in the SMS.ru account. SMS.ru
 * signs callbacks only with a hash of the api_id and the data (documented in its PHP example, not
 * as a guaranteed field), so each channel's callback URL ends in a secret of its own
 * (`…/<secret>`): verifyWebhook requires that, and checks the hash too when there is one.
 * SPEC.md beside this file lists the parts of the API used.
 *
 *   const smsru = createSmsRuProvider({ channelId, sender: 'Acme', baseUrl?, credentials: { apiId } },
 *     { webhookSecret });
 *   const { providerMessageIds: [smsId] } = await smsru.send({ to, encoded, reference });
 *   if (smsru.verifyWebhook(req)) { const { inbound, receipts, reply } = smsru.parseWebhook(req); } // reply: "100"
 */
import { SmsSendError, type OutgoingSms, type ProviderSettings, type SendResult, type SmsProvider, type WebhookContent, type WebhookRequest } from '../provider.js';
import { callbackEntries, callbackHash, lastPathSegment, parseCallbackEntries, safeEqual, SMSRU_CALLBACK_REPLY } from './callback.js';
import { classifySmsRuError } from './status-codes.js';

export const SMSRU_API_BASE = 'https://sms.ru';

export interface SmsRuProviderOptions {
  /**
   * The channel's callback secret: the last path segment of the callback URL the service gave
   * SMS.ru. Without one, verifyWebhook refuses every call.
   */
  webhookSecret?: string;
  /** Give up on an API call after this long (a transient 'timeout'); default 15 s. */
  timeoutMs?: number;
  /** The clock for entries without a usable time. */
  now?: () => Date;
  /** fetch to use (tests). */
  fetch?: typeof fetch;
}

/** The JSON answer of /sms/send with json=1 (the fields used). */
interface SendAnswer {
  status?: string;
  status_code?: number;
  status_text?: string;
  sms?: Record<string, { status?: string; status_code?: number; status_text?: string; sms_id?: string }>;
}

export class SmsRuProvider implements SmsProvider {
  readonly kind = 'smsru' as const;
  private readonly apiId: string;
  private readonly baseUrl: string;
  private readonly webhookSecret: string | undefined;
  private readonly timeoutMs: number;
  private readonly now: () => Date;
  private readonly fetch: typeof fetch;

  constructor(
    readonly settings: ProviderSettings,
    options: SmsRuProviderOptions = {},
  ) {
    const { apiId } = settings.credentials;
    if (!apiId) throw new Error(`SMS.ru channel ${settings.channelId}: credentials need apiId`);
    this.apiId = apiId;
    this.baseUrl = (settings.baseUrl ?? SMSRU_API_BASE).replace(/\/+$/, '');
    this.webhookSecret = options.webhookSecret || undefined;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.now = options.now ?? (() => new Date());
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * One call per message: api_id, to (digits, no "+"), msg (the whole text; SMS.ru splits it),
   * from (when the channel has a sender), json=1. SMS.ru answers HTTP 200 with a request-wide
   * status and one result per number; either can carry the error. SMS.ru has no idempotency key.
   */
  async send(sms: OutgoingSms): Promise<SendResult> {
    const to = sms.to.replace(/^\+/, '');
    const form = new URLSearchParams();
    form.set('api_id', this.apiId);
    form.set('to', to);
    form.set('msg', sms.encoded.segments.join(''));
    if (this.settings.sender) form.set('from', this.settings.sender);
    form.set('json', '1');

    let res: Response;
    let text: string;
    try {
      res = await this.fetch(`${this.baseUrl}/sms/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw networkError(err);
    }
    if (!res.ok) {
      const transient = res.status === 429 || res.status >= 500;
      throw new SmsSendError(transient ? 'transient' : 'permanent', `http-${res.status}`, `SMS.ru answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    const answer = parseJson(text) as SendAnswer | undefined;
    if (!answer || typeof answer !== 'object') {
      throw new SmsSendError('permanent', 'bad-response', `SMS.ru answered without JSON: ${text.slice(0, 200)}`);
    }
    if (answer.status !== 'OK') throw classifySmsRuError(numberOf(answer.status_code), answer.status_text);
    const result = answer.sms?.[to] ?? Object.values(answer.sms ?? {})[0];
    if (!result) throw new SmsSendError('permanent', 'bad-response', `SMS.ru's answer has no result for ${to}: ${text.slice(0, 200)}`);
    if (result.status !== 'OK' || !result.sms_id) throw classifySmsRuError(numberOf(result.status_code), result.status_text, sms.to);
    return { providerMessageIds: [String(result.sms_id)] };
  }

  /**
   * Whether a callback comes from SMS.ru for this channel: the URL's last path segment must be
   * the channel's secret, and a `hash` field, when there is one, must be SHA-256 of the api_id
   * and the entries (both compared in constant time).
   */
  verifyWebhook(req: WebhookRequest): boolean {
    if (!this.webhookSecret) return false;
    const segment = lastPathSegment(req.url);
    if (segment === undefined || !safeEqual(segment, this.webhookSecret)) return false;
    const hash = firstString(req.params.hash);
    if (hash === undefined || hash === '') return true;
    const entries = callbackEntries(req.params);
    const given = hash.toLowerCase();
    // Also over the entries with CRLF turned back into LF, in case something on the way (a
    // multipart encoder following the HTML form rules) rewrote SMS.ru's line breaks.
    const matches = safeEqual(given, callbackHash(this.apiId, entries));
    const matchesLf = safeEqual(given, callbackHash(this.apiId, entries.map((e) => e.replace(/\r\n/g, '\n'))));
    return matches || matchesLf;
  }

  /** Receipts and incoming messages in the call's data[] entries; the reply is always "100". */
  parseWebhook(req: WebhookRequest): WebhookContent {
    const { inbound, receipts } = parseCallbackEntries(callbackEntries(req.params), this.settings.sender, this.now());
    return { inbound, receipts, reply: { ...SMSRU_CALLBACK_REPLY } };
  }
}

export function createSmsRuProvider(settings: ProviderSettings, options?: SmsRuProviderOptions): SmsRuProvider {
  return new SmsRuProvider(settings, options);
}

/** A call that got no answer: connection refused or reset, DNS, timeout. Always transient. */
function networkError(err: unknown): SmsSendError {
  // Duck-typed: fetch's errors may come from another realm (e.g. under jest), failing instanceof.
  const e = err as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | null | undefined;
  const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError';
  const code = timedOut ? 'timeout' : typeof e?.cause?.code === 'string' ? e.cause.code : 'network';
  const detail = typeof e?.cause?.message === 'string' ? e.cause.message : typeof e?.message === 'string' ? e.message : String(err);
  return new SmsSendError('transient', code, `SMS.ru could not be reached: ${detail}`, { cause: err });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function firstString(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}
