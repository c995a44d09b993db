import { inboundMessageSchema, type InboundMessageInput } from '@switchboard/contracts';
import { ThreadedBy } from '@switchboard/db';
import { threadProbes, type ThreadProbeRow } from './thread-matcher.js';

const row = (matched: string | null = null): ThreadProbeRow => ({
  id: '7d3c1c1e-0000-4000-8000-000000000001',
  number: 5,
  contactId: null,
  statusKind: 'open' as ThreadProbeRow['statusKind'],
  resolvedAt: null,
  closedAt: null,
  matched,
});

const probes = (threadHints: Partial<NonNullable<InboundMessageInput['threadHints']>>) =>
  threadProbes(
    inboundMessageSchema.parse({
      v: 1,
      channel: 'email',
      channelAccountId: 'mbx',
      externalId: '<m@x>',
      receivedAt: new Date().toISOString(),
      sender: { email: 'a@example.com' },
      text: 'hi',
      threadHints: { messageIds: [], ...threadHints },
    }),
  );

describe('threadProbes', () => {
  it('tries ticket id, Message-IDs, signed number, ticket number, thread key, in that order', () => {
    const all = probes({
      ticketId: '7d3c1c1e-0000-4000-8000-000000000001',
      messageIds: ['<a@x>'],
      signedTicketNumber: 7,
      ticketNumber: 8,
      ticketNumberSource: 'subject',
      threadKey: 'k',
    });
    expect(all.map((p) => p.name)).toEqual(['ticket-id', 'message-id', 'signed-ticket-number', 'ticket-number', 'thread-key']);
    expect(all.map((p) => p.params)).toEqual([['7d3c1c1e-0000-4000-8000-000000000001'], [['<a@x>']], [7], [8], ['mbx', 'k']]);
  });

  it('tells In-Reply-To from References when the channel names In-Reply-To', () => {
    const [withHeader] = probes({ messageIds: ['<a@x>', '<b@x>'], inReplyTo: '<a@x>' });
    expect(withHeader.toMatch(row('<a@x>'))).toMatchObject({ by: ThreadedBy.InReplyTo, value: '<a@x>' });
    expect(withHeader.toMatch(row('<b@x>'))).toMatchObject({ by: ThreadedBy.References, value: '<b@x>' });
    const [generic] = probes({ messageIds: ['<a@x>'] });
    expect(generic.toMatch(row('<a@x>')).by).toBe(ThreadedBy.MessageId);
  });

  it('names where a ticket number was found, and skips a number already tried as the signed one', () => {
    const reason = (hints: Parameters<typeof probes>[0]) => probes(hints).map((p) => p.toMatch(row()).by);
    expect(reason({ ticketNumber: 3, ticketNumberSource: 'subject' })).toEqual([ThreadedBy.SubjectMarker]);
    expect(reason({ ticketNumber: 3, ticketNumberSource: 'body' })).toEqual([ThreadedBy.BodyMarker]);
    expect(reason({ ticketNumber: 3 })).toEqual([ThreadedBy.TicketNumber]);
    expect(reason({ signedTicketNumber: 3, ticketNumber: 3, ticketNumberSource: 'subject' })).toEqual([ThreadedBy.SignedId]);
    expect(probes({ signedTicketNumber: 3 })[0].toMatch(row())).toMatchObject({ by: ThreadedBy.SignedId, value: '3' });
  });
});
