import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A form session proves when a visitor opened the form, so a submission sent faster than a person
 * can type is refused. `<issued at, base 36>.<nonce>.<HMAC>`; the HMAC binds it to one form.
 */
export class SessionTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
    private readonly minFillMs: number,
  ) {}

  issue(formId: string, now = Date.now()): string {
    const issued = now.toString(36);
    const nonce = randomBytes(9).toString('base64url');
    return `${issued}.${nonce}.${this.sign(formId, issued, nonce)}`;
  }

  /**
   * `ok`, or why the token is refused: `invalid` (forged, damaged, another form's), `expired`,
   * or `too_fast` with the milliseconds still to wait.
   */
  check(formId: string, token: string, now = Date.now()): { ok: true } | { ok: false; reason: 'invalid' | 'expired' } | { ok: false; reason: 'too_fast'; waitMs: number } {
    const [issued, nonce, sig, extra] = token.split('.');
    if (!issued || !nonce || !sig || extra !== undefined || !/^[0-9a-z]{1,12}$/.test(issued)) return { ok: false, reason: 'invalid' };
    const expected = Buffer.from(this.sign(formId, issued, nonce));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
    const age = now - parseInt(issued, 36);
    if (age > this.ttlMs) return { ok: false, reason: 'expired' };
    if (age < this.minFillMs) return { ok: false, reason: 'too_fast', waitMs: this.minFillMs - Math.max(age, 0) };
    return { ok: true };
  }

  private sign(formId: string, issued: string, nonce: string): string {
    return createHmac('sha256', this.secret).update(`session\n${formId}\n${issued}\n${nonce}`).digest('base64url').slice(0, 32);
  }
}
