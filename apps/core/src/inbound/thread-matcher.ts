import type { InboundMessage } from '@switchboard/contracts';
import { StatusKind, ThreadedBy } from '@switchboard/db';
import type { EntityManager } from 'typeorm';
import { preparedQuery } from './prepared-query.js';

/** The ticket an inbound message threads onto, and which hint found it. */
export interface ThreadMatch {
  ticket: MatchedTicket;
  by: ThreadedBy;
  value: string;
}

export interface MatchedTicket {
  id: string;
  number: number;
  contactId: string | null;
  statusKind: StatusKind;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

const TICKET_COLUMNS = `t.id, t.number::int AS number, t.contact_id AS "contactId", t.status_kind AS "statusKind",
  t.resolved_at AS "resolvedAt", t.closed_at AS "closedAt"`;

/** A row of a thread probe: the ticket, and for Message-IDs the one that matched. */
export interface ThreadProbeRow extends MatchedTicket {
  matched: string | null;
}

/**
 * One hint's lookup. `sql(first)` numbers its parameters from `$first`, so a caller can run it
 * inside a bigger statement; its rows are ThreadProbeRow, and the ticket row is locked
 * (FOR UPDATE) until the inbound transaction ends, so a customer reply and an agent's status
 * change on the same ticket cannot interleave.
 */
export interface ThreadProbe {
  name: string;
  sql(first: number): string;
  params: unknown[];
  toMatch(row: ThreadProbeRow): ThreadMatch;
}

const ticket = ({ matched: _, ...t }: ThreadProbeRow): MatchedTicket => t;

/**
 * The lookups for the hints a message carries, from most to least specific: an explicit ticket
 * id, the Message-IDs the message answers (In-Reply-To/References; ours, or aliases a provider
 * gave our sent messages), the ticket number inside one
 * of our own signed Message-IDs, the ticket number (e.g. a subject marker), then the channel's
 * conversation key. The first hint that names an existing ticket wins. The message lookups pick
 * their one message before joining tickets, so the plan stays a few index lookups even when the
 * statistics are stale (joining first was planned as a full scan of tickets on a fast-growing
 * database).
 */
export function threadProbes(msg: InboundMessage): ThreadProbe[] {
  const h = msg.threadHints;
  const probes: ThreadProbe[] = [];
  if (h.ticketId) {
    const ticketId = h.ticketId;
    probes.push({
      name: 'ticket-id',
      sql: (p) => `SELECT ${TICKET_COLUMNS}, NULL::text AS matched FROM tickets t WHERE t.id = $${p} FOR UPDATE OF t`,
      params: [ticketId],
      toMatch: (row) => ({ ticket: ticket(row), by: ThreadedBy.TicketId, value: ticketId }),
    });
  }
  if (h.messageIds.length) {
    // In-Reply-To or References, when the channel says which id is In-Reply-To; else the generic reason.
    const by = (matched: string) =>
      h.inReplyTo === undefined ? ThreadedBy.MessageId : matched === h.inReplyTo ? ThreadedBy.InReplyTo : ThreadedBy.References;
    probes.push({
      name: 'message-id',
      // A referenced id is ours, or an alias a provider gave one of our sent messages: the whole
      // id, or (for providers that report a bare token) its local part.
      sql: (p) => `SELECT ${TICKET_COLUMNS}, m.matched
         FROM (SELECT x.ticket_id, x.matched FROM (
                 SELECT ticket_id, external_id AS matched, created_at FROM messages
                  WHERE external_id = ANY($${p}::text[])
                 UNION ALL
                 SELECT msg.ticket_id, r.id, msg.created_at
                   FROM unnest($${p}::text[]) AS r(id)
                   JOIN message_aliases a ON a.alias = r.id OR a.alias = split_part(btrim(r.id, '<>'), '@', 1)
                   JOIN messages msg ON msg.id = a.message_id) AS x
                ORDER BY array_position($${p}::text[], x.matched), x.created_at DESC LIMIT 1) AS m
         JOIN tickets t ON t.id = m.ticket_id
          FOR UPDATE OF t`,
      params: [h.messageIds],
      toMatch: (row) => ({ ticket: ticket(row), by: by(row.matched!), value: row.matched! }),
    });
  }
  if (h.signedTicketNumber) {
    probes.push(ticketNumberProbe('signed-ticket-number', h.signedTicketNumber, ThreadedBy.SignedId));
  }
  // The same number again would find nothing new.
  if (h.ticketNumber && h.ticketNumber !== h.signedTicketNumber) {
    const by = h.ticketNumberSource === 'subject' ? ThreadedBy.SubjectMarker : h.ticketNumberSource === 'body' ? ThreadedBy.BodyMarker : ThreadedBy.TicketNumber;
    probes.push(ticketNumberProbe('ticket-number', h.ticketNumber, by));
  }
  if (h.threadKey) {
    const threadKey = h.threadKey;
    probes.push({
      name: 'thread-key',
      sql: (p) => `SELECT ${TICKET_COLUMNS}, NULL::text AS matched
         FROM (SELECT ticket_id FROM messages
                WHERE channel_account_id = $${p} AND thread_key = $${p + 1}
                ORDER BY created_at DESC LIMIT 1) AS m
         JOIN tickets t ON t.id = m.ticket_id
          FOR UPDATE OF t`,
      params: [msg.channelAccountId, threadKey],
      toMatch: (row) => ({ ticket: ticket(row), by: ThreadedBy.ThreadKey, value: threadKey }),
    });
  }
  return probes;
}

/** The ticket with a number; `name` names the prepared statement, so each reason keeps its own. */
function ticketNumberProbe(name: string, ticketNumber: number, by: ThreadedBy): ThreadProbe {
  return {
    name,
    sql: (p) => `SELECT ${TICKET_COLUMNS}, NULL::text AS matched FROM tickets t WHERE t.number = $${p} FOR UPDATE OF t`,
    params: [ticketNumber],
    toMatch: (row) => ({ ticket: ticket(row), by, value: String(ticketNumber) }),
  };
}

/** The ticket the message threads onto, trying `probes` in order (default: all its hints). */
export async function matchThread(em: EntityManager, msg: InboundMessage, probes = threadProbes(msg)): Promise<ThreadMatch | undefined> {
  for (const probe of probes) {
    const [row] = await preparedQuery<ThreadProbeRow>(em, `inbound-thread-${probe.name}`, probe.sql(1), probe.params);
    if (row) return probe.toMatch(row);
  }
  return undefined;
}
