/** The ticket page's pure helpers (apps/console/src/components/ticket/ticket-helpers.ts): mentions and reply channels. */
import { MENTION, customerChannel, mentionAt, mentionToken, replyChannels } from '../../apps/console/src/components/ticket/ticket-helpers.js';

const id = '0b9c2f5e-6a43-4f0e-9a57-1c0e7c1b2d3e';
const identity = (kind: string, value: string, optedOutAt: string | null = null) => ({ id: value, kind, value, optedOutAt });

describe('console ticket helpers', () => {
  it('finds the @word being typed before the caret, not an e-mail address or a finished token', () => {
    expect(mentionAt('Hi @an', 6)).toEqual({ start: 3, query: 'an' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('Hi @An more', 6)).toEqual({ start: 3, query: 'an' });
    expect(mentionAt('mail anna@desk.test', 19)).toBeNull();
    expect(mentionAt('Hi @an done', 11)).toBeNull();
    expect(mentionAt(`${mentionToken({ id, name: 'Anna' })}`, 45)).toBeNull();
  });

  it('writes the token core reads, and reads it back', () => {
    const token = mentionToken({ id, name: 'Anna [2nd] Petrova' });
    expect(token).toBe(`@[Anna 2nd Petrova](agent:${id})`);
    expect([...`x ${token} y`.matchAll(MENTION)].map((m) => [m[1], m[2]])).toEqual([['Anna 2nd Petrova', id]]);
  });

  it('offers the channels the identities allow, a phone as SMS, opted out when every address is', () => {
    expect(replyChannels([])).toEqual([]);
    expect(replyChannels([identity('phone', '+442071838750', '2030-01-01T00:00:00Z'), identity('email', 'a@x.org'), identity('telegram', '42')])).toEqual([
      { channel: 'email', optedOut: false },
      { channel: 'telegram', optedOut: false },
      { channel: 'sms', optedOut: true },
    ]);
    expect(replyChannels([identity('phone', '+442071838750', '2030-01-01T00:00:00Z'), identity('phone', '+442071838751')])).toEqual([{ channel: 'sms', optedOut: false }]);
  });

  it('defaults to the channel of the customer’s last message, a web form to e-mail', () => {
    const msg = (direction: 'inbound' | 'outbound', channel: string | null) => ({ direction, channel });
    expect(customerChannel([msg('inbound', 'email'), msg('inbound', 'telegram'), msg('outbound', 'email')], ['email', 'telegram'])).toBe('telegram');
    expect(customerChannel([msg('inbound', 'webform')], ['telegram', 'email'])).toBe('email');
    expect(customerChannel([msg('inbound', 'sms')], ['email'])).toBe('email');
    expect(customerChannel([], [])).toBeUndefined();
  });
});
