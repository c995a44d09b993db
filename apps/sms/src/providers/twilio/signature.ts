/**
 * Twilio's webhook signature (X-Twilio-Signature), as Twilio documents it
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security): take the full URL Twilio called
 * (scheme, host, path, query string), append every POST parameter sorted by name as name + value
 * with no separators, HMAC-SHA1 that (UTF-8) with the account's Auth Token as the key, and
 * base64 the digest. A parameter sent more than once contributes each distinct value, sorted, as
 * Twilio's own helper libraries do.
 *
 * Written here rather than imported from the `twilio` package: its helper is small, but the
 * package brings in its whole REST client and dependencies (axios, dayjs, jsonwebtoken, …).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** POST parameters as a form parser gives them: one value, or several for a repeated name. */
export type SignedParams = Record<string, unknown>;

/** The string Twilio signs: the URL, then each parameter (sorted by name) as name + value. */
export function twilioSignedString(url: string, params: SignedParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    for (const value of paramValues(params[name])) data += name + value;
  }
  return data;
}

/** The X-Twilio-Signature Twilio sends with a request to `url` carrying `params` (its POST body fields). */
export function computeTwilioSignature(authToken: string, url: string, params: SignedParams): string {
  return createHmac('sha1', authToken).update(twilioSignedString(url, params), 'utf8').digest('base64');
}

/**
 * Whether `signature` (the X-Twilio-Signature header; missing or empty is false) is Twilio's for
 * this URL and these POST parameters. Like Twilio's helpers, the URL is also tried with its
 * default port spelled out (`https://host:443/…`) and with its port removed, since Twilio signs
 * the URL as it was configured. Compared in constant time.
 */
export function verifyTwilioSignature(authToken: string, signature: string | undefined, url: string, params: SignedParams): boolean {
  if (!authToken || !signature) return false;
  const given = Buffer.from(signature, 'utf8');
  let ok = false;
  for (const candidate of urlVariants(url)) {
    const expected = Buffer.from(computeTwilioSignature(authToken, candidate, params), 'utf8');
    // No short-circuit: every variant is compared, whatever the result.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/** The URL as given, with its default port added, and with its port removed (duplicates dropped). */
export function urlVariants(url: string): string[] {
  const variants = [url];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return variants;
  }
  const withoutPort = new URL(parsed.href);
  withoutPort.port = '';
  variants.push(withoutPort.href);
  if (!parsed.port && (parsed.protocol === 'https:' || parsed.protocol === 'http:')) {
    // URL drops default ports, so the one with the port is put together by hand.
    const port = parsed.protocol === 'https:' ? '443' : '80';
    const auth = parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : '';
    variants.push(`${parsed.protocol}//${auth}${parsed.hostname}:${port}${parsed.pathname}${parsed.search}${parsed.hash}`);
  }
  return [...new Set(variants)];
}

function paramValues(value: unknown): string[] {
  if (Array.isArray(value)) return [...new Set(value.map(scalar))].sort();
  return [scalar(value)];
}

function scalar(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}
