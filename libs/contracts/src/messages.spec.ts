import { randomUUID } from 'node:crypto';
import {
  Channel,
  ContractViolation,
  deliveryJobId,
  inboundJobId,
  JobName,
  parseJobPayload,
  type InboundMessageInput,
  type OutboundMessageInput,
} from './index.js';

const inbound = (over: Partial<InboundMessageInput> = {}): InboundMessageInput => ({
  v: 1,
  channel: Channel.Email,
  channelAccountId: 'support@example.com',
  externalId: '<abc@mail.example.com>',
  receivedAt: '2026-11-28T10:00:00Z',
  sender: { email: 'Ann@Example.COM', displayName: 'Ann' },
  subject: 'Printer',
  text: 'It is on fire',
  ...over,
});

function violation(fn: () => unknown): ContractViolation {
  try {
    fn();
  } catch (err) {
    if (err instanceof ContractViolation) return err;
    throw err;
  }
  throw new Error('expected a ContractViolation');
}

describe('InboundMessage contract', () => {
  it('accepts a minimal message and fills defaults', () => {
    const parsed = parseJobPayload(JobName.InboundMessage, inbound());
    expect(parsed.sender.email).toBe('ann@example.com');
    expect(parsed.attachmentIds).toEqual([]);
    expect(parsed.threadHints).toEqual({ messageIds: [] });
    expect(parsed.autoSubmitted).toBe(false);
    expect(parsed.cc).toEqual([]);
  });

  it('carries every channel need: phone, telegram, thread key, metadata, attachments', () => {
    const att = randomUUID();
    const parsed = parseJobPayload(
      JobName.InboundMessage,
      inbound({
        channel: Channel.Telegram,
        sender: { telegramId: '123456789', phone: '+14155550123', displayName: 'Bob' },
        threadHints: { ticketNumber: 42, messageIds: ['a@b'], threadKey: 'chat:123456789' },
        attachmentIds: [att],
        metadata: { 'Order number': 'A-1', consent: true },
        autoSubmitted: true,
      }),
    );
    expect(parsed.threadHints.threadKey).toBe('chat:123456789');
    expect(parsed.attachmentIds).toEqual([att]);
  });

  it.each([
    ['a wrong version', { v: 2 }, 'v:'],
    ['an unknown channel', { channel: 'fax' }, 'channel:'],
    ['a sender with no identity', { sender: { displayName: 'Nobody' } }, 'sender: sender needs at least one identity'],
    ['a phone that is not E.164', { sender: { phone: '8 (415) 555' } }, 'sender.phone: phone must be in E.164 form'],
    ['a bad e-mail', { sender: { email: 'not-an-address' } }, 'sender.email:'],
    ['an empty message', { text: '  ' }, 'text: a message needs text or at least one attachment'],
    ['a non-uuid attachment', { attachmentIds: ['42'] }, 'attachmentIds.0:'],
    ['an unknown field', { colour: 'red' } as never, 'colour'],
    ['a date that is not ISO', { receivedAt: 'yesterday' }, 'receivedAt:'],
    ['a negative ticket number', { threadHints: { ticketNumber: -1, messageIds: [] } }, 'threadHints.ticketNumber:'],
  ])('rejects %s with a readable reason', (_label, over, reason) => {
    const err = violation(() => parseJobPayload(JobName.InboundMessage, inbound(over as Partial<InboundMessageInput>)));
    expect(err.message).toContain('invalid inbound-message payload');
    expect(err.message).toContain(reason);
  });

  it('rejects something that is not an object at all', () => {
    expect(violation(() => parseJobPayload(JobName.InboundMessage, 'hello')).message).toMatch(/expected object/);
  });
});

describe('OutboundMessage contract', () => {
  const outbound = (over: Partial<OutboundMessageInput> = {}): OutboundMessageInput => ({
    v: 1,
    messageId: randomUUID(),
    ticketId: randomUUID(),
    ticketNumber: 7,
    channel: Channel.Sms,
    recipient: { phone: '+442071838750' },
    subject: 'Re: Printer',
    text: 'We are on it',
    createdAt: new Date().toISOString(),
    ...over,
  });

  it('accepts a reply with its recipient', () => {
    expect(parseJobPayload(JobName.OutboundMessage, outbound()).threading).toEqual({ references: [] });
  });

  it('rejects a reply whose channel has no matching recipient address', () => {
    const err = violation(() => parseJobPayload(JobName.OutboundMessage, outbound({ channel: Channel.Email })));
    expect(err.message).toContain('recipient.email: a email message needs recipient.email');
  });

  it('rejects the web form as an outbound channel', () => {
    expect(violation(() => parseJobPayload(JobName.OutboundMessage, outbound({ channel: Channel.Webform as never }))).message).toContain('channel:');
  });
});

describe('DeliveryReport contract', () => {
  it('needs a reason for a failure', () => {
    const err = violation(() =>
      parseJobPayload(JobName.DeliveryReport, { v: 1, messageId: randomUUID(), status: 'failed', at: new Date().toISOString() }),
    );
    expect(err.message).toContain('reason: a failed delivery needs a reason');
  });

  it('rejects an unknown status', () => {
    const err = violation(() =>
      parseJobPayload(JobName.DeliveryReport, { v: 1, messageId: randomUUID(), status: 'read', at: new Date().toISOString() }),
    );
    expect(err.message).toContain('status:');
  });
});

describe('job ids', () => {
  it('never contain a colon nor look like an integer (BullMQ rejects both)', () => {
    const id = inboundJobId({ channelAccountId: 'tg:1', externalId: '12345' });
    expect(id).not.toContain(':');
    expect(Number.isInteger(Number(id))).toBe(false);
    expect(deliveryJobId({ messageId: 'm', status: 'sent' } as never)).toBe('dlv__m__1__sent');
    expect(deliveryJobId({ messageId: 'm', status: 'failed', attempt: 2 } as never)).toBe('dlv__m__2__failed');
  });

  it('keeps distinct external ids distinct', () => {
    expect(inboundJobId({ channelAccountId: 'a', externalId: 'x__y' })).not.toBe(inboundJobId({ channelAccountId: 'a__x', externalId: 'y' }));
  });
});
