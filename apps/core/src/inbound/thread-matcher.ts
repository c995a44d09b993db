import type { InboundMessage } from '@switchboard/contracts';
import { StatusKind, ThreadedBy } from '@switchboard/db';
import type { EntityManager } from 'typeorm';

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

/**
 * The matched ticket row is locked (FOR UPDATE) until the inbound transaction ends, so a
 * customer reply and an agent's status change on the same ticket cannot interleave.
 *
 * Tries the hints from most to least specific: an explicit ticket id, the Message-IDs the
 * message answers (In-Reply-To/References), the ticket number (e.g. a subject marker), then the
 * channel's conversation key. The first hint that names an existing ticket wins.
 */
export async function matchThread(em: EntityManager, msg: InboundMessage): Promise<ThreadMatch | undefined> {
  const h = msg.threadHints;
  if (h.ticketId) {
    const t = await one(em, `SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id = $1 FOR UPDATE OF t`, [h.ticketId]);
    if (t) return { ticket: t, by: ThreadedBy.TicketId, value: h.ticketId };
  }
  if (h.messageIds.length) {
    const row = await one<MatchedTicket & { externalId: string }>(
      em,
      `SELECT ${TICKET_COLUMNS}, m.external_id AS "externalId"
         FROM messages m JOIN tickets t ON t.id = m.ticket_id
        WHERE m.external_id = ANY($1::text[])
        ORDER BY array_position($1::text[], m.external_id), m.created_at DESC
        LIMIT 1 FOR UPDATE OF t`,
      [h.messageIds],
    );
    if (row) {
      const { externalId, ...ticket } = row;
      return { ticket, by: ThreadedBy.MessageId, value: externalId };
    }
  }
  if (h.ticketNumber) {
    const t = await one(em, `SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.number = $1 FOR UPDATE OF t`, [h.ticketNumber]);
    if (t) return { ticket: t, by: ThreadedBy.TicketNumber, value: String(h.ticketNumber) };
  }
  if (h.threadKey) {
    const t = await one(
      em,
      `SELECT ${TICKET_COLUMNS} FROM messages m JOIN tickets t ON t.id = m.ticket_id
        WHERE m.channel_account_id = $1 AND m.thread_key = $2
        ORDER BY m.created_at DESC LIMIT 1 FOR UPDATE OF t`,
      [msg.channelAccountId, h.threadKey],
    );
    if (t) return { ticket: t, by: ThreadedBy.ThreadKey, value: h.threadKey };
  }
  return undefined;
}

async function one<T = MatchedTicket>(em: EntityManager, sql: string, params: unknown[]): Promise<T | undefined> {
  const rows = await em.query<T[]>(sql, params);
  return rows[0];
}
