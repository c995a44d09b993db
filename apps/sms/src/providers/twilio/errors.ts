/**
 * How a failed Twilio API call is classified: retried later (transient) or given up at once
 * (permanent). See SPEC.md beside this file for the codes.
 */
import { SmsSendError } from '../provider.js';

/** Twilio's error body: `{ code, message, more_info, status }`. */
export interface TwilioApiError {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

/**
 * 4xx codes that are worth retrying: the request was fine, Twilio could not take it just now.
 * 20429 too many requests, 21611 the sender's queue is full (10 hours of messages), 14107 send
 * rate limit, 63017/63038 account rate and daily limits, 20500/20503 Twilio trouble.
 */
const TRANSIENT_CODES = new Set([14107, 20429, 20500, 20503, 21611, 63017, 63038]);

/** What a non-2xx answer from Twilio means for the message. */
export function classifyTwilioResponse(httpStatus: number, body: TwilioApiError | undefined): SmsSendError {
  const code = typeof body?.code === 'number' ? body.code : undefined;
  const text = body?.message?.trim() || `HTTP ${httpStatus}`;
  const message = `Twilio answered ${httpStatus}${code !== undefined ? ` (${code})` : ''}: ${text}`;
  const transient = httpStatus === 429 || httpStatus >= 500 || (code !== undefined && TRANSIENT_CODES.has(code));
  return new SmsSendError(transient ? 'transient' : 'permanent', String(code ?? `http-${httpStatus}`), message);
}

/** A call that got no answer: connection refused or reset, DNS, timeout. Always transient. */
export function networkError(err: unknown): SmsSendError {
  // Duck-typed: fetch's errors may come from another realm (e.g. under jest), failing instanceof.
  const e = err as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | null | undefined;
  const timedOut = e?.name === 'TimeoutError' || e?.name === 'AbortError';
  const code = timedOut ? 'timeout' : typeof e?.cause?.code === 'string' ? e.cause.code : 'network';
  const detail = typeof e?.cause?.message === 'string' ? e.cause.message : typeof e?.message === 'string' ? e.message : String(err);
  return new SmsSendError('transient', code, `Twilio could not be reached: ${detail}`, { cause: err });
}
