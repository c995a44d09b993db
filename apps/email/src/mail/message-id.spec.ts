import { threadHintsSchema } from '@switchboard/contracts';
import { providerMessageIds, signMessageId, threadHintsFor, verifyMessageId, type ThreadSource } from './message-id.js';

const secret = 'test-secret-0123456789';
const sign = (ticketNumber: number, messageKey: string | number = 'a1', domain = 'support.example.com') =>
  signMessageId({ ticketNumber, messageKey, domain, secret });

describe('signMessageId / verifyMessageId', () => {
  it('signs in the form <t123.m456.SIGNATURE@domain>', () => {
    const id = sign(123, 456);
    expect(id).toMatch(/^<t123\.m456\.[0-9a-z]{16}@support\.example\.com>$/);
    expect(sign(123, 456)).toBe(id);
    expect(verifyMessageId(id, secret)).toEqual({ ticketNumber: 123, messageKey: '456' });
  });

  it('gives different signatures to different tickets, keys and secrets', () => {
    const sigOf = (id: string) => id.split('.')[2].split('@')[0];
    expect(new Set([sigOf(sign(1, 'a')), sigOf(sign(2, 'a')), sigOf(sign(1, 'b')), sigOf(signMessageId({ ticketNumber: 1, messageKey: 'a', domain: 'x.example', secret: 'other' }))]).size).toBe(4);
  });

  it('accepts any domain, no brackets and another case: providers rewrite ids', () => {
    const id = sign(77, '7c1e0b5a9d2f4e3b8a6c1d0e9f8a7b6c-2');
    const rewritten = id.replace('@support.example.com', '@eur01.mail-relay.example.net');
    expect(verifyMessageId(rewritten, secret)?.ticketNumber).toBe(77);
    expect(verifyMessageId(id.slice(1, -1), secret)?.ticketNumber).toBe(77);
    expect(verifyMessageId(id.toUpperCase(), secret)?.ticketNumber).toBe(77);
    expect(verifyMessageId(`  ${id}  `, secret)?.ticketNumber).toBe(77);
  });

  it('rejects forged, altered and foreign ids', () => {
    const id = sign(77);
    expect(verifyMessageId(id, 'wrong-secret')).toBeUndefined();
    expect(verifyMessageId(id.replace('t77.', 't78.'), secret)).toBeUndefined();
    expect(verifyMessageId(id.replace('.ma1.', '.ma2.'), secret)).toBeUndefined();
    expect(verifyMessageId('<t77.ma1.0000000000000000@support.example.com>', secret)).toBeUndefined();
    expect(verifyMessageId('<CAF=abc@mail.gmail.example>', secret)).toBeUndefined();
    expect(verifyMessageId('<t77.ma1.abc@support.example.com>', secret)).toBeUndefined();
    expect(verifyMessageId('', secret)).toBeUndefined();
    expect(verifyMessageId('<t0.ma1.0000000000000000@x>', secret)).toBeUndefined();
  });

  it('verifies with any of several secrets while one is rotated', () => {
    const id = sign(5);
    expect(verifyMessageId(id, ['new-secret', secret])?.ticketNumber).toBe(5);
    expect(verifyMessageId(id, ['new-secret', ''])).toBeUndefined();
    expect(verifyMessageId(id, [])).toBeUndefined();
  });

  it.each([
    [{ ticketNumber: 0 }],
    [{ ticketNumber: 1.5 }],
    [{ messageKey: 'has.dot' }],
    [{ messageKey: '' }],
    [{ messageKey: 'x'.repeat(65) }],
    [{ domain: 'not a domain' }],
    [{ domain: '' }],
    [{ secret: '' }],
  ])('rejects bad input %j', (bad) => {
    expect(() => signMessageId({ ticketNumber: 1, messageKey: 'a', domain: 'support.example.com', secret, ...bad })).toThrow(RangeError);
  });
});

describe('threadHintsFor', () => {
  const base: ThreadSource = { references: [], subject: '', text: '' };

  it('lists In-Reply-To first, then References nearest first, de-duplicated', () => {
    const hints = threadHintsFor(
      { ...base, inReplyTo: '<c@x>', references: ['<a@x>', '<b@x>', '<c@x>'] },
      secret,
      '[#{number}]',
    );
    expect(hints).toEqual({ messageIds: ['<c@x>', '<b@x>', '<a@x>'], inReplyTo: '<c@x>' });
    expect(() => threadHintsSchema.parse(hints)).not.toThrow();
  });

  it('keeps at most 100 ids', () => {
    const references = Array.from({ length: 150 }, (_, i) => `<r${i}@x>`);
    const hints = threadHintsFor({ ...base, references }, secret, '[#{number}]');
    expect(hints.messageIds).toHaveLength(100);
    expect(hints.messageIds[0]).toBe('<r149@x>');
  });

  it('finds the first validly signed id among them', () => {
    const hints = threadHintsFor(
      { ...base, inReplyTo: '<t9.ma1.0000000000000000@support.example.com>', references: [sign(4), '<other@x>', sign(3)] },
      secret,
      '[#{number}]',
    );
    expect(hints.signedTicketNumber).toBe(3);
  });

  it('takes the ticket number from the subject marker first, else the body marker', () => {
    const subject = threadHintsFor({ ...base, subject: 'Re: [#41] x', text: '##- Please type your reply above this line -## [ref:42]' }, secret, '[#{number}]');
    expect(subject).toMatchObject({ ticketNumber: 41, ticketNumberSource: 'subject' });
    const body = threadHintsFor({ ...base, subject: 'x', text: '> ##- Please type your reply above this line -## [ref:42]' }, secret, '[#{number}]');
    expect(body).toMatchObject({ ticketNumber: 42, ticketNumberSource: 'body' });
    const parsedMarker = threadHintsFor({ ...base, bodyMarker: 43 }, secret, '[#{number}]');
    expect(parsedMarker).toMatchObject({ ticketNumber: 43, ticketNumberSource: 'body' });
    const custom = threadHintsFor({ ...base, subject: 'AW: [Ticket#44] x' }, secret, '[Ticket#{number}]');
    expect(custom).toMatchObject({ ticketNumber: 44, ticketNumberSource: 'subject' });
  });

  it('gives empty hints for a mail that answers nothing', () => {
    expect(threadHintsFor(base, secret, '[#{number}]')).toEqual({ messageIds: [] });
  });
});

describe('providerMessageIds', () => {
  const ours = '<t7.m3.0123456789abcdef@support.example.com>';

  it('takes the id Amazon SES gives the mail (its reply names the local part)', () => {
    expect(providerMessageIds('250 Ok 0100018c5f8a7b2e-1a2b3c4d-5e6f-4a1b-9c8d-7e6f5a4b3c2d-000000', ours)).toEqual([
      '0100018c5f8a7b2e-1a2b3c4d-5e6f-4a1b-9c8d-7e6f5a4b3c2d-000000',
    ]);
  });

  it('takes a full Message-ID named in the reply (Microsoft 365 style), but not our own', () => {
    expect(providerMessageIds('250 2.0.0 OK <AM0PR01MB1234.eurprd01.prod.outlook.com@outlook.com> [Hostname=AM0PR01MB1234]', ours)).toEqual([
      '<AM0PR01MB1234.eurprd01.prod.outlook.com@outlook.com>',
    ]);
    expect(providerMessageIds(`250 2.0.0 OK ${ours}`, ours)).toEqual([]);
  });

  it('ignores short queue ids and replies without an id', () => {
    expect(providerMessageIds('250 2.0.0 Ok: queued as 4Fx1yZ2abc', ours)).toEqual([]);
    expect(providerMessageIds('250 2.0.0 OK  1700000000 a1-20020a05600c - gsmtp', ours)).toEqual([]);
    expect(providerMessageIds('250 Great success', ours)).toEqual([]);
    expect(providerMessageIds(undefined, ours)).toEqual([]);
  });

  it('takes a long relay id after "queued as" or "id="', () => {
    expect(providerMessageIds('250 Ok: queued as 20261128071633.ABCDEF1234567890', ours)).toEqual(['20261128071633.ABCDEF1234567890']);
    expect(providerMessageIds('250 2.0.0 Ok id=1q2w3e4r5t6y7u8i9o0p1a2s3d', ours)).toEqual(['1q2w3e4r5t6y7u8i9o0p1a2s3d']);
  });
});
