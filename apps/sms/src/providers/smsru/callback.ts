/**
 * SMS.ru's callbacks (https://sms.ru/api/cb): a form post with up to 100 `data[]` entries, each a
 * newline-separated record whose first line names it, and `hash` = hex SHA-256 of the api_id
 * followed by all the entries in order. The handler must answer with the text "100" or SMS.ru
 * retries. See SPEC.md beside this file.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { DeliveryReceipt, InboundSms } from '../provider.js';
import { FAILURE_TEXT, receiptStatus } from './status-codes.js';

/** What SMS.ru wants to hear back, whatever the callback carried. */
export const SMSRU_CALLBACK_REPLY = { contentType: 'text/plain', body: '100' } as const;

/**
 * The `data[]` entries of a callback, in order, from form fields as a parser gives them:
 * `{ 'data[]': [...] }` (Node's querystring / URLSearchParams), `{ data: [...] }` (qs, Express's
 * extended parser), or indexed `{ 'data[0]': …, 'data[1]': … }` / `{ data: { 0: …, 1: … } }`.
 */
export function callbackEntries(params: Record<string, unknown>): string[] {
  const entries: string[] = [];
  const take = (value: unknown): void => {
    if (typeof value === 'string') entries.push(value);
    else if (Array.isArray(value)) value.forEach(take);
    else if (value && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      for (const key of Object.keys(obj).sort((a, b) => Number(a) - Number(b))) take(obj[key]);
    }
  };
  take(params['data[]']);
  take(params.data);
  const indexed = Object.keys(params)
    .map((key) => /^data\[(\d+)\]$/.exec(key))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  for (const m of indexed) take(params[m[0]]);
  return entries;
}

/** The `hash` SMS.ru sends with a callback: hex SHA-256 of api_id + the entries concatenated. */
export function callbackHash(apiId: string, entries: string[]): string {
  return createHash('sha256').update(apiId + entries.join(''), 'utf8').digest('hex');
}

/** Constant-time string equality (different lengths are simply unequal). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The last non-empty path segment of a URL, percent-decoded; undefined for a URL that does not parse. */
export function lastPathSegment(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const segment = pathname.split('/').filter(Boolean).pop();
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export interface ParsedCallback {
  inbound: InboundSms[];
  receipts: DeliveryReceipt[];
}

/**
 * The receipts and incoming messages in a callback's entries:
 * - `sms_status\n<sms_id>\n<status code>\n<unix time>`: a receipt (102 sent, 103/110 delivered,
 *   104–108/150 failed; other codes, e.g. 100/101, give none);
 * - `sms_in\n<sms_id>\n<from>\n<text…>\n<unix time>`: an incoming message (the text may span
 *   lines; an empty sms_id gets a stable id made from the entry);
 * - anything else (`callcheck_status`, …) is ignored.
 */
export function parseCallbackEntries(entries: string[], to: string, now: Date = new Date()): ParsedCallback {
  const inbound: InboundSms[] = [];
  const receipts: DeliveryReceipt[] = [];
  for (const raw of entries) {
    const entry = raw.replace(/\r\n/g, '\n');
    const lines = entry.split('\n');
    const kind = lines[0]?.trim();
    if (kind === 'sms_status') {
      const id = lines[1]?.trim();
      const code = Number(lines[2]?.trim());
      if (!id || !Number.isInteger(code)) continue;
      const status = receiptStatus(code);
      if (!status) continue;
      const receipt: DeliveryReceipt = { providerMessageId: id, status, at: unixTime(lines[3], now) };
      if (status === 'failed') receipt.error = `${code} ${FAILURE_TEXT[code] ?? 'cannot be delivered'}`;
      receipts.push(receipt);
    } else if (kind === 'sms_in') {
      if (lines.length < 4) continue;
      const last = lines[lines.length - 1].trim();
      const hasTime = lines.length >= 5 && /^\d+$/.test(last);
      const textLines = lines.slice(3, hasTime ? -1 : undefined);
      const raw = lines[2].trim();
      if (!raw) continue;
      // SMS.ru writes numbers internationally without the plus.
      const from = /^\d{10,15}$/.test(raw) ? `+${raw}` : raw;
      const id = lines[1].trim() || `smsru-in-${createHash('sha256').update(entry, 'utf8').digest('hex').slice(0, 24)}`;
      inbound.push({ providerMessageId: id, from, to, text: textLines.join('\n'), receivedAt: hasTime ? unixTime(last, now) : now });
    }
  }
  return { inbound, receipts };
}

function unixTime(value: string | undefined, fallback: Date): Date {
  const seconds = Number(value?.trim());
  return value && Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : fallback;
}
