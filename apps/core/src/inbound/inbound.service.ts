import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sanitizeMessageHtml } from '@switchboard/common';
import { Channel, type InboundMessage } from '@switchboard/contracts';
import { ActorKind, MessageDirection, StatusKind, ThreadedBy, Visibility } from '@switchboard/db';
import type { DataSource, EntityManager } from 'typeorm';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { inTransaction, pgCode, UNIQUE_VIOLATION } from '../database/transaction.js';
import { HISTORY_RECORD, historyRow, type Actor, type HistoryEvent } from '../history/history.js';
import { reopenDecision } from '../tickets/status-lifecycle.js';
import {
  ConcurrentContactCreation,
  identityArrays,
  knownIdentitiesSql,
  resolveContact,
  senderIdentities,
  telegramProfile,
  type KnownIdentity,
} from './contact-resolver.js';
import { preparedQuery } from './prepared-query.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { matchThread, threadProbes, type ThreadMatch, type ThreadProbe, type ThreadProbeRow } from './thread-matcher.js';

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

/** What the transaction stored, with what the realtime events need besides. */
type Applied = InboundResult & { visibility: Visibility; statusChanged: boolean };

type LookupRow = { duplicate: boolean; known: KnownIdentity[]; agentId: string | null } & (ThreadProbeRow | { id: null });

/** A history event to record with the message; without a ticketId it is about the message's ticket. */
type PendingEvent = Omit<HistoryEvent, 'ticketId'> & { ticketId?: string };

/**
 * The statement that stores the message and its history rows, on an existing ticket (`$20`) or
 * on a ticket it creates first (`$20`–`$22`). The author is a contact (`$1`) or, for an agent
 * writing by mail, an agent (`$18` kind, `$19` agent id). The `history` rows come as JSON (`$17`): a null
 * ticket_id stands for the message's ticket, and `message_added` / `follow_up_created` get the
 * ids only known here. If the message is a redelivery the insert does nothing, no row comes back,
 * and the caller rolls the transaction back (the new ticket with it).
 */
function storeMessageSql(newTicket: boolean): string {
  const target = newTicket
    ? `INSERT INTO tickets (subject, status_key, status_kind, registration_channel, contact_id, company_id, parent_ticket_id,
                            active_since, last_customer_message_at)
       VALUES ($20, 'open', 'open', $3, $1, $21, $22, now(), $15)
       RETURNING id, number`
    : `SELECT $20::uuid AS id, NULL::bigint AS number`;
  return `WITH target AS (${target}),
     message AS (
       INSERT INTO messages (ticket_id, direction, author_kind, author_contact_id, author_agent_id, visibility, channel, channel_account_id,
                             external_id, thread_key, subject, text, html, threaded_by, threaded_by_value, auto_submitted,
                             raw_attachment_id, metadata, received_at, contact_address)
       VALUES ((SELECT id FROM target), 'inbound', $18, $1, $19, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15, $16)
       ON CONFLICT (channel_account_id, external_id) WHERE direction = 'inbound' DO NOTHING
       RETURNING id
     ),
     history AS (
       INSERT INTO ticket_events (ticket_id, actor_kind, actor_agent_id, actor_contact_id, kind, data)
       SELECT coalesce(e.ticket_id, target.id), e.actor_kind, e.actor_agent_id, e.actor_contact_id, e.kind,
              e.data || CASE e.kind
                          WHEN 'message_added' THEN jsonb_build_object('messageId', message.id)
                          WHEN 'follow_up_created' THEN jsonb_build_object('ticketNumber', target.number, 'ticketId', target.id)
                          ELSE '{}'::jsonb
                        END
         FROM target, message, jsonb_array_elements($17::jsonb) WITH ORDINALITY AS j (event, n),
              jsonb_to_record(j.event) AS e ${HISTORY_RECORD}
        ORDER BY j.n
     )
     SELECT message.id, target.id AS "ticketId", target.number::int AS "ticketNumber" FROM message, target`;
}
const STORE_MESSAGE = storeMessageSql(false);
interface StoredMessage {
  id: string;
  ticketId: string;
  /** Only for a new ticket. */
  ticketNumber: number | null;
}
const STORE_MESSAGE_ON_NEW_TICKET = storeMessageSql(true);

/**
 * Turns one InboundMessage into a ticket message, all in one transaction: contact, thread,
 * reopen rule, message, attachments, history. Redelivery of the same (account, external id)
 * finds the message already stored and changes nothing.
 *
 * Throughput is bound by database round trips and statement planning, so the hot path uses
 * prepared statements (preparedQuery) and a few combined ones: one lookup (redelivery, sender,
 * whether the sender is an agent, the first thread hint), one for a new contact, one for the
 * ticket (if new), message and history. The rarer cases pay their own round trip: the
 * participant list is read only for a sender who is not the ticket's contact on a guessable
 * match, and an agent's mail skips the contact altogether.
 */
@Injectable()
export class InboundService {
  private readonly logger = new Logger(InboundService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly realtime: RealtimePublisher,
  ) {}

  async process(msg: InboundMessage): Promise<InboundResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { visibility, statusChanged, ...result } = await inTransaction(this.ds, (em) => this.apply(em, msg));
        // Committed: tell the consoles (fire and forget, never fails the job).
        this.announce(result, visibility, statusChanged);
        return result;
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

  private announce(r: InboundResult, visibility: Visibility, statusChanged: boolean): void {
    if (!r.ticketId || !r.messageId) return;
    if (r.outcome === 'created' || r.outcome === 'follow_up') this.realtime.ticketCreated({ ticketId: r.ticketId, number: r.ticketNumber ?? 0 });
    else if (statusChanged) this.realtime.ticketUpdated({ ticketId: r.ticketId });
    this.realtime.messageCreated({ ticketId: r.ticketId, messageId: r.messageId, direction: MessageDirection.Inbound, visibility });
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

  /**
   * What every message is checked against, in one round trip: is it stored already (a
   * redelivery), which of the sender's identities exist, the active agent an e-mail's sender is
   * (agents' addresses are stored lower-case; see agentAddress), and the ticket its most specific
   * thread hint names (locked, see ThreadProbe). The less specific hints are tried afterwards,
   * only if that one names no ticket.
   */
  private async lookup(em: EntityManager, msg: InboundMessage, probe: ThreadProbe | undefined) {
    const [kinds, values] = identityArrays(msg.sender, msg.channel);
    const [row] = await preparedQuery<LookupRow>(
      em,
      `inbound-lookup-${probe?.name ?? 'no-hint'}`,
      `${probe ? `WITH thread AS (${probe.sql(6)})` : ''}
       SELECT EXISTS (SELECT 1 FROM messages WHERE channel_account_id = $1 AND external_id = $2 AND direction = 'inbound') AS duplicate,
              (SELECT coalesce(json_agg(known), '[]'::json) FROM (${knownIdentitiesSql('$3', '$4')}) AS known) AS known,
              (SELECT id FROM agents WHERE email = $5 AND active) AS "agentId"
              ${probe ? ', thread.* FROM (VALUES (1)) AS one (x) LEFT JOIN thread ON true' : ''}`,
      [msg.channelAccountId, msg.externalId, kinds, values, agentAddress(msg), ...(probe?.params ?? [])],
    );
    const { duplicate, known, agentId, ...thread } = row;
    return { duplicate, known, agentId, match: probe && thread.id !== null ? probe.toMatch(thread) : undefined };
  }

  private async apply(em: EntityManager, msg: InboundMessage): Promise<Applied> {
    const [firstProbe, ...laterProbes] = threadProbes(msg);
    const lookup = await this.lookup(em, msg, firstProbe);
    if (lookup.duplicate) throw new DuplicateMessage();

    const receivedAt = new Date(msg.receivedAt);
    const match = lookup.match ?? (laterProbes.length ? await matchThread(em, msg, laterProbes) : undefined);
    // An agent answering a notification by mail adds a note as themselves: no contact, no status change.
    if (match && lookup.agentId) return this.storeAgentNote(em, msg, match, lookup.agentId, receivedAt);

    // A Telegram sender's name and @username are kept on the identity (no statement when unchanged).
    const profile = msg.channel === Channel.Telegram ? telegramProfile(msg.sender) : undefined;
    const contact = await resolveContact(em, msg.sender, msg.channel, lookup.known, profile);
    const actor: Actor = { kind: ActorKind.Contact, contactId: contact.id };
    const events: PendingEvent[] = [];

    let existing: { id: string; number: number } | undefined;
    let parent: ThreadMatch['ticket'] | undefined;
    let outcome: InboundOutcome;
    let visibility = Visibility.Public;
    let warning: string | undefined;

    const decision = match ? reopenDecision(match.ticket, receivedAt, this.config.REOPEN_WINDOW_DAYS, msg.autoSubmitted) : undefined;
    if (match && decision !== 'follow_up') {
      existing = match.ticket;
      if (!(await this.isParticipant(em, match, contact.id, msg))) {
        // A guessed ticket number must not let a stranger into someone else's conversation.
        visibility = Visibility.Internal;
        warning = `sender is not a participant of ticket #${existing.number} (neither its contact nor added to its participants); kept as an internal note`;
        this.logger.warn({ ticketNumber: existing.number, contactId: contact.id, by: match.by }, warning);
      }
      outcome = 'appended';
      if (visibility === Visibility.Public) {
        outcome = await this.applyCustomerReply(em, match, decision === 'reopen', receivedAt, msg.autoSubmitted, actor, events);
      }
    } else {
      // A follow-up links to the old ticket only for its own participants: a stranger quoting a number gets a ticket of their own.
      parent = match && (await this.isParticipant(em, match, contact.id, msg)) ? match.ticket : undefined;
      outcome = parent ? 'follow_up' : 'created';
      events.push({ actor, kind: 'created', data: { channel: msg.channel, ...(parent ? { followUpOf: parent.number } : {}) } });
      if (parent) events.push({ ticketId: parent.id, actor, kind: 'follow_up_created' });
    }
    events.push({
      actor,
      kind: 'message_added',
      data: { direction: MessageDirection.Inbound, channel: msg.channel, visibility, ...(warning ? { warning } : {}) },
    });

    const params = storeParams(msg, receivedAt, {
      author: actor,
      visibility,
      match: match && decision !== 'follow_up' ? match : undefined,
      warning,
      events,
    });
    const [stored] = existing
      ? await preparedQuery<StoredMessage>(em, 'inbound-store-message', STORE_MESSAGE, [...params, existing.id])
      : await preparedQuery<StoredMessage>(em, 'inbound-store-message-new-ticket', STORE_MESSAGE_ON_NEW_TICKET, [
          ...params,
          ticketSubject(msg),
          contact.companyId,
          parent?.id ?? null,
        ]);
    if (!stored) throw new DuplicateMessage();
    const ticketId = stored.ticketId;
    const ticketNumber = existing?.number ?? Number(stored.ticketNumber);
    await this.linkAttachments(em, msg, stored.id, ticketId);
    if (visibility === Visibility.Public && msg.cc.length) await this.addCopied(em, ticketId, msg.cc);
    const statusChanged = events.some((e) => e.kind === 'reopened' || e.kind === 'status_changed');
    return { outcome, ticketId, ticketNumber, messageId: stored.id, visibility, statusChanged };
  }

  /**
   * A mail from an active agent's address on an existing ticket: an internal note authored by
   * the agent, whatever the ticket's status (it neither reopens nor follows up), and no contact
   * is looked up or created for the address.
   */
  private async storeAgentNote(em: EntityManager, msg: InboundMessage, match: ThreadMatch, agentId: string, receivedAt: Date): Promise<Applied> {
    const actor: Actor = { kind: ActorKind.Agent, agentId };
    const visibility = Visibility.Internal;
    const events: PendingEvent[] = [
      { actor, kind: 'message_added', data: { direction: MessageDirection.Inbound, channel: msg.channel, visibility, byMail: true } },
    ];
    const params = storeParams(msg, receivedAt, { author: actor, visibility, match, events });
    const [stored] = await preparedQuery<StoredMessage>(em, 'inbound-store-message', STORE_MESSAGE, [...params, match.ticket.id]);
    if (!stored) throw new DuplicateMessage();
    await preparedQuery(em, 'inbound-touch-ticket-for-note', `UPDATE tickets SET updated_at = now() WHERE id = $1`, [match.ticket.id]);
    await this.linkAttachments(em, msg, stored.id, match.ticket.id);
    return { outcome: 'appended', ticketId: match.ticket.id, ticketNumber: match.ticket.number, messageId: stored.id, visibility, statusChanged: false };
  }

  /** People the customer copied in may answer on the ticket too (as e-mail CCs work everywhere else). */
  private async addCopied(em: EntityManager, ticketId: string, addresses: string[]): Promise<void> {
    await preparedQuery(
      em,
      'inbound-add-copied',
      `INSERT INTO ticket_participants (ticket_id, kind, value)
       SELECT $1, 'email', a FROM unnest($2::text[]) AS a
        WHERE NOT EXISTS (SELECT 1 FROM agents WHERE lower(email) = a)
       ON CONFLICT DO NOTHING`,
      [ticketId, addresses],
    );
  }

  private async linkAttachments(em: EntityManager, msg: InboundMessage, messageId: string, ticketId: string): Promise<void> {
    const attachmentIds = [...msg.attachmentIds, ...(msg.rawAttachmentId ? [msg.rawAttachmentId] : [])];
    if (!attachmentIds.length) return;
    await em.query(`UPDATE attachments SET message_id = $1, ticket_id = $2 WHERE id = ANY($3::uuid[]) AND message_id IS NULL`, [messageId, ticketId, attachmentIds]);
  }

  /**
   * Whether the sender may write publicly on the matched ticket. A reply to one of our
   * Message-IDs (plain, In-Reply-To, References or signed) or in the channel's own conversation
   * proves the thread; an explicit ticket id or number can be guessed, so it needs the ticket's
   * contact or one of the ticket's participants. (An agent's address never gets here: see
   * storeAgentNote.)
   */
  private async isParticipant(em: EntityManager, match: ThreadMatch, contactId: string, msg: InboundMessage): Promise<boolean> {
    if (THREAD_PROVING_MATCHES.has(match.by)) return true;
    if (match.ticket.contactId === contactId) return true;
    const [kinds, values] = identityArrays(msg.sender, msg.channel);
    const [row] = await preparedQuery<{ participant: boolean }>(
      em,
      'inbound-is-participant',
      `SELECT EXISTS (SELECT 1 FROM ticket_participants
                       WHERE ticket_id = $1 AND (kind, value) IN (SELECT * FROM unnest($2::identity_kind[], $3::text[]))) AS participant`,
      [match.ticket.id, kinds, values],
    );
    return row.participant;
  }

  /** A customer wrote on an existing ticket: reopen it, or move pending back to open. */
  private async applyCustomerReply(
    em: EntityManager,
    match: ThreadMatch,
    reopen: boolean,
    receivedAt: Date,
    autoSubmitted: boolean,
    actor: Actor,
    events: PendingEvent[],
  ): Promise<InboundOutcome> {
    const t = match.ticket;
    if (reopen) {
      await preparedQuery(
        em,
        'inbound-reopen-ticket',
        `UPDATE tickets SET status_key = 'open', status_kind = 'open', resolved_at = NULL, closed_at = NULL, active_since = now(),
                on_hold_until = NULL, last_customer_message_at = $2, updated_at = now()
          WHERE id = $1`,
        [t.id, receivedAt],
      );
      events.push({ ticketId: t.id, actor, kind: 'reopened', data: { from: t.statusKind, to: StatusKind.Open } });
      return 'reopened';
    }
    if (t.statusKind === StatusKind.Pending && !autoSubmitted) {
      await preparedQuery(
        em,
        'inbound-pending-to-open',
        `UPDATE tickets SET status_key = 'open', status_kind = 'open', last_customer_message_at = $2, updated_at = now() WHERE id = $1`,
        [t.id, receivedAt],
      );
      events.push({ ticketId: t.id, actor, kind: 'status_changed', data: { from: StatusKind.Pending, to: StatusKind.Open, reason: 'customer_reply' } });
    } else {
      await preparedQuery(em, 'inbound-touch-ticket', `UPDATE tickets SET last_customer_message_at = $2, updated_at = now() WHERE id = $1`, [
        t.id,
        receivedAt,
      ]);
    }
    return 'appended';
  }
}

/**
 * The address to look an agent up by: the sender of an e-mail. Other channels' e-mail addresses
 * are typed in by the sender (a web form) and prove nothing.
 */
function agentAddress(msg: InboundMessage): string | null {
  return msg.channel === Channel.Email && msg.sender.email ? msg.sender.email.toLowerCase() : null;
}

/** Matches that prove the sender is in the conversation: they answer a message we stored or sent, or share the channel's conversation. */
const THREAD_PROVING_MATCHES: ReadonlySet<ThreadedBy> = new Set([
  ThreadedBy.MessageId,
  ThreadedBy.InReplyTo,
  ThreadedBy.References,
  ThreadedBy.SignedId,
  ThreadedBy.ThreadKey,
]);

/** The parameters `$1`–`$19` shared by both store statements (see storeMessageSql). */
function storeParams(
  msg: InboundMessage,
  receivedAt: Date,
  o: { author: Actor; visibility: Visibility; match: ThreadMatch | undefined; warning?: string; events: PendingEvent[] },
): unknown[] {
  return [
    o.author.contactId ?? null,
    o.visibility,
    msg.channel,
    msg.channelAccountId,
    msg.externalId,
    msg.threadHints.threadKey ?? null,
    msg.subject ?? null,
    msg.text,
    msg.html ? sanitizeMessageHtml(msg.html) : null,
    o.match ? o.match.by : ThreadedBy.New,
    o.match ? o.match.value : null,
    msg.autoSubmitted,
    msg.rawAttachmentId ?? null,
    msg.metadata || o.warning ? JSON.stringify({ ...msg.metadata, ...(o.warning ? { warning: o.warning } : {}) }) : null,
    receivedAt,
    senderIdentities(msg.sender, msg.channel)[0][1],
    JSON.stringify(o.events.map(historyRow)),
    o.author.kind,
    o.author.agentId ?? null,
  ];
}
