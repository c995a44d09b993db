import { SessionTokens } from './session-token.js';

describe('SessionTokens', () => {
  const tokens = new SessionTokens('s'.repeat(32), 60_000, 3_000);
  const t0 = 1_800_000_000_000;

  it('accepts a token once the minimum fill time has passed', () => {
    const token = tokens.issue('form-a', t0);
    expect(tokens.check('form-a', token, t0 + 3_000)).toEqual({ ok: true });
  });

  it('refuses a form sent too fast and says how long to wait', () => {
    const token = tokens.issue('form-a', t0);
    expect(tokens.check('form-a', token, t0 + 1_000)).toEqual({ ok: false, reason: 'too_fast', waitMs: 2_000 });
  });

  it('refuses an expired token', () => {
    expect(tokens.check('form-a', tokens.issue('form-a', t0), t0 + 60_001)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses another form’s token, a forged one and garbage', () => {
    const token = tokens.issue('form-a', t0);
    expect(tokens.check('form-b', token, t0 + 5_000)).toEqual({ ok: false, reason: 'invalid' });
    const [, nonce, sig] = token.split('.');
    const backdated = `${(t0 - 10_000).toString(36)}.${nonce}.${sig}`;
    expect(tokens.check('form-a', backdated, t0 + 5_000)).toEqual({ ok: false, reason: 'invalid' });
    expect(tokens.check('form-a', 'a.b', t0)).toEqual({ ok: false, reason: 'invalid' });
    expect(tokens.check('form-a', `${token}.x`, t0 + 5_000)).toEqual({ ok: false, reason: 'invalid' });
    expect(new SessionTokens('t'.repeat(32), 60_000, 0).check('form-a', token, t0 + 5_000)).toEqual({ ok: false, reason: 'invalid' });
  });
});
