import { createHmac } from 'node:crypto';

/** Crockford's base 32: no I, L, O or U, so a reference read out over the phone is not misheard. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The reference a visitor can quote for a submission (`WF-7K2QD-M9XTR`). Derived from the form
 * and the widget's idempotency key, so a resubmission gets the same one; it is also the message's
 * external id, which makes core store the submission once.
 */
export function submissionReference(secret: string, formId: string, idempotencyKey: string): string {
  const digest = createHmac('sha256', secret).update(`reference\n${formId}\n${idempotencyKey.toLowerCase()}`).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 7)) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return `WF-${out.slice(0, 5)}-${out.slice(5)}`;
}

export const REFERENCE_PATTERN = /^WF-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;
