import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sanitizeMessageHtml } from '@switchboard/common';
import type { InboundMessage } from '@switchboard/contracts';
import { ActorKind, MessageDirection, StatusKind, ThreadedBy, Visibility } from '@switchboard/db';
import type { DataSource, EntityManager } from 'typeorm';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { inTransaction, pgCode, UNIQUE_VIOLATION } from '../database/transaction.js';
import { recordEvents, type Actor, type HistoryEvent } from '../history/history.js';
import { reopenDecision } from '../tickets/status-lifecycle.js';
import { ConcurrentContactCreation, resolveContact, senderIdentities } from './contact-resolver.js';
import { matchThread, type ThreadMatch } from './thread-matcher.js';

export type InboundOutcome = 'created' | 'appended' | 'reopened' | 'follow_up' | 'duplicate';

export interface InboundResult {
  outcome: InboundOutcome;
  ticketId: string | null;
  ticketNumber: number | null;
  messageId: string | null;
}

const SUBJECT_MAX = 250;

/** Subject of a new ticket: the message's subject, else its first non-empty line. */
export function ticketSubject(msg: Pick<InboundMessage, 'subject' | 'text'>): string {
  const subject = msg.subject?.replace(/\s+/g, ' ').trim();
  if (subject) return subject.slice(0, SUBJECT_MAX);
  const firstLine = msg.text.split('\n').map((l) => l.trim()).find(Boolean);
  return firstLine ? firstLine.slice(0, SUBJECT_MAX) : '(no subject)';
}

class DuplicateMessage extends Error {}

/**
 * Turns one InboundMessage into a ticket message, all in one transaction: contact, thread,
 * reopen rule, message, attachments, history. Redelivery of the same (account, external id)
 * finds the message already stored and changes nothing.
 */
@Injectable()
export class InboundService {
  private readonly logger = new Logger(InboundService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  async process(msg: InboundMessage): Promise<InboundResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.ds, (em) => this.apply(em, msg));
      } catch (err) {
        if (err instanceof DuplicateMessage || pgCode(err) === UNIQUE_VIOLATION) {
          const existing = await this.findExisting(msg);
          if (existing) return existing;
        }
        if (err instanceof ConcurrentContactCreation && attempt < 3) continue;
        throw err;
      }
    }
  }

  private async findExisting(msg: InboundMessage): Promise<InboundResult | undefined> {
    const rows = await this.ds.query<{ id: string; ticketId: string; number: number }[]>(
      `SELECT m.id, m.ticket_id AS "ticketId", t.number::int AS number FROM messages m JOIN tickets t ON t.id = m.ticket_id
        WHERE m.channel_account_id = $1 AND m.external_id = $2 AND m.direction = 'inbound'`,
      [msg.channelAccountId, msg.externalId],
    );
    const row = rows[0];
    return row && { outcome: 'duplicate', ticketId: row.ticketId, ticketNumber: row.number, messageId: row.id };
  }

  private async apply(em: EntityManager, msg: InboundMessage): Promise<InboundResult> {
    const dup = await em.query<unknown[]>(
      `SELECT 1 FROM messages WHERE channel_account_id = $1 AND external_id = $2 AND direction = 'inbound'`,
      [msg.channelAccountId, msg.externalId],
    );
    if (dup.length) throw new DuplicateMessage();

    const receivedAt = new Date(msg.receivedAt);
    const contact = await resolveContact(em, msg.sender, msg.channel);
    const actor: Actor = { kind: ActorKind.Contact, contactId: contact.id };
    const events: HistoryEvent[] = [];
    const match = await matchThread(em, msg);

    let ticketId: string;
    let ticketNumber: number;
    let outcome: InboundOutcome;
    let visibility = Visibility.Public;
    let warning: string | undefined;

    const decision = match ? reopenDecision(match.ticket, receivedAt, this.config.REOPEN_WINDOW_DAYS, msg.autoSubmitted) : undefined;
    if (match && decision !== 'follow_up') {
      ticketId = match.ticket.id;
      ticketNumber = match.ticket.number;
      if (!isParticipant(match, contact.id)) {
        // A guessed ticket number must not let a stranger into someone else's conversation.
        visibility = Visibility.Internal;
        warning = `sender is not a participant of ticket #${ticketNumber}; kept as an internal note`;
        this.logger.warn({ ticketNumber, contactId: contact.id, by: match.by }, warning);
      }
      outcome = 'appended';
      if (visibility === Visibility.Public) {
        outcome = await this.applyCustomerReply(em, match, decision === 'reopen', receivedAt, msg.autoSubmitted, actor, events);
      }
    } else {
      // A follow-up links to the old ticket only for its own contact: a stranger quoting a number gets a ticket of their own.
      const parent = match && isParticipant(match, contact.id) ? match.ticket : undefined;
      const created = await this.createTicket(em, msg, contact.id, contact.companyId, parent?.id ?? null);
      ticketId = created.id;
      ticketNumber = created.number;
      outcome = parent ? 'follow_up' : 'created';
      events.push({ ticketId, actor, kind: 'created', data: { channel: msg.channel, ...(parent ? { followUpOf: parent.number } : {}) } });
      if (parent) {
        events.push({ ticketId: parent.id, actor, kind: 'follow_up_created', data: { ticketNumber, ticketId } });
      }
    }

    const [message] = await em.query<{ id: string }[]>(
      `INSERT INTO messages (ticket_id, direction, author_kind, author_contact_id, visibility, channel, channel_account_id,
                             external_id, thread_key, subject, text, html, threaded_by, threaded_by_value, auto_submitted,
                             raw_attachment_id, metadata, received_at, contact_address)
       VALUES ($1, 'inbound', 'contact', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17)
       ON CONFLICT (channel_account_id, external_id) WHERE direction = 'inbound' DO NOTHING
       RETURNING id`,
      [
        ticketId,
        contact.id,
        visibility,
        msg.channel,
        msg.channelAccountId,
        msg.externalId,
        msg.threadHints.threadKey ?? null,
        msg.subject ?? null,
        msg.text,
        msg.html ? sanitizeMessageHtml(msg.html) : null,
        match && decision !== 'follow_up' ? match.by : ThreadedBy.New,
        match && decision !== 'follow_up' ? match.value : null,
        msg.autoSubmitted,
        msg.rawAttachmentId ?? null,
        msg.metadata || warning ? JSON.stringify({ ...msg.metadata, ...(warning ? { warning } : {}) }) : null,
        receivedAt,
        senderIdentities(msg.sender, msg.channel)[0][1],
      ],
    );
    if (!message) throw new DuplicateMessage();

    const attachmentIds = [...msg.attachmentIds, ...(msg.rawAttachmentId ? [msg.rawAttachmentId] : [])];
    if (attachmentIds.length) {
      await em.query(
        `UPDATE attachments SET message_id = $1, ticket_id = $2 WHERE id = ANY($3::uuid[]) AND message_id IS NULL`,
        [message.id, ticketId, attachmentIds],
      );
    }
    events.push({
      ticketId,
      actor,
      kind: 'message_added',
      data: { messageId: message.id, direction: MessageDirection.Inbound, channel: msg.channel, visibility, ...(warning ? { warning } : {}) },
    });
    await recordEvents(em, events);
    return { outcome, ticketId, ticketNumber, messageId: message.id };
  }

  private async createTicket(em: EntityManager, msg: InboundMessage, contactId: string, companyId: string | null, parentTicketId: string | null) {
    const [row] = await em.query<{ id: string; number: number }[]>(
      `INSERT INTO tickets (subject, status_key, status_kind, registration_channel, contact_id, company_id, parent_ticket_id,
                            active_since, last_customer_message_at)
       VALUES ($1, 'open', 'open', $2, $3, $4, $5, now(), $6)
       RETURNING id, number::int AS number`,
      [ticketSubject(msg), msg.channel, contactId, companyId, parentTicketId, new Date(msg.receivedAt)],
    );
    return row;
  }

  /** A customer wrote on an existing ticket: reopen it, or move pending back to open. */
  private async applyCustomerReply(
    em: EntityManager,
    match: ThreadMatch,
    reopen: boolean,
    receivedAt: Date,
    autoSubmitted: boolean,
    actor: Actor,
    events: HistoryEvent[],
  ): Promise<InboundOutcome> {
    const t = match.ticket;
    if (reopen) {
      await em.query(
        `UPDATE tickets SET status_key = 'open', status_kind = 'open', resolved_at = NULL, closed_at = NULL, active_since = now(),
                on_hold_until = NULL, last_customer_message_at = $2, updated_at = now()
          WHERE id = $1`,
        [t.id, receivedAt],
      );
      events.push({ ticketId: t.id, actor, kind: 'reopened', data: { from: t.statusKind, to: StatusKind.Open } });
      return 'reopened';
    }
    if (t.statusKind === StatusKind.Pending && !autoSubmitted) {
      await em.query(
        `UPDATE tickets SET status_key = 'open', status_kind = 'open', last_customer_message_at = $2, updated_at = now() WHERE id = $1`,
        [t.id, receivedAt],
      );
      events.push({ ticketId: t.id, actor, kind: 'status_changed', data: { from: StatusKind.Pending, to: StatusKind.Open, reason: 'customer_reply' } });
    } else {
      await em.query(`UPDATE tickets SET last_customer_message_at = $2, updated_at = now() WHERE id = $1`, [t.id, receivedAt]);
    }
    return 'appended';
  }
}

function isParticipant(match: ThreadMatch, contactId: string): boolean {
  // A reply to one of our Message-IDs or in the channel's own conversation proves the thread;
  // an explicit ticket id or number can be guessed, so it needs the ticket's own contact.
  if (match.by === ThreadedBy.MessageId || match.by === ThreadedBy.ThreadKey) return true;
  return match.ticket.contactId === contactId;
}
