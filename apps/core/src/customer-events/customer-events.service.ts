import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Channel, type CustomerEvent, type SenderIdentity } from '@switchboard/contracts';
import { ActorKind, IdentityKind, StatusKind } from '@switchboard/db';
import type { DataSource, EntityManager } from 'typeorm';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { inTransaction } from '../database/transaction.js';
import { recordEvents, type Actor } from '../history/history.js';
import { resolveContact, telegramProfile } from '../inbound/contact-resolver.js';
import { canTransition, nextClock, reopenDecision, type TicketClock } from '../tickets/status-lifecycle.js';

type Of<T extends CustomerEvent['type']> = Extract<CustomerEvent, { type: T }>;

/**
 * What became of an event: `applied`; `unchanged` (it was applied before, or says what is stored
 * already); `ignored` (the sender may not do it, or the ticket has moved on), with the reason.
 */
export interface CustomerEventResult {
  outcome: 'applied' | 'unchanged' | 'ignored';
  ticketId?: string;
  reason?: string;
}

/**
 * The edited message is not stored yet: its inbound job and the edit travel on different queues,
 * so the edit can overtake it. Thrown for BullMQ to retry the job with backoff.
 */
export class EditedMessageNotStoredYet extends Error {
  override readonly name = 'EditedMessageNotStoredYet';
}

/** The identity kind each channel proves about its sender. */
const NATIVE_IDENTITY: Record<Channel, IdentityKind> = {
  [Channel.Email]: IdentityKind.Email,
  [Channel.Webform]: IdentityKind.Email,
  [Channel.Sms]: IdentityKind.Phone,
  [Channel.Telegram]: IdentityKind.Telegram,
};

interface LockedTicket extends TicketClock {
  id: string;
  number: number;
  statusKey: string;
  rating: number | null;
  ratedAt: Date | null;
  /** Whether the sender's identity belongs to the ticket's contact. */
  byContact: boolean;
  contactId: string | null;
}

/**
 * Applies what customers do besides writing (CustomerEvent): editing a message, answering the
 * resolution survey, rating a ticket, sharing their phone number, opting out of (or back in to)
 * messages on a channel. Only the ticket's contact (for an edit: the message's
 * author) may; the sender is recognised by the identity the channel proves (the Telegram user id
 * on Telegram), never by a phone or e-mail address the sender merely states. Anyone else's event
 * is logged and ignored, not retried.
 *
 * Every event is idempotent: an edit to the same text, an answer to a ticket that has moved on,
 * the same rating again, or an older edit or rating arriving after a newer one change nothing.
 */
@Injectable()
export class CustomerEventsService {
  private readonly logger = new Logger(CustomerEventsService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  async apply(e: CustomerEvent): Promise<CustomerEventResult> {
    const kind = NATIVE_IDENTITY[e.channel];
    const value = senderValue(e, kind);
    if (!value) return this.ignore(e, `the sender has no ${kind} identity, the one a ${e.channel} event is recognised by`);
    const result = await inTransaction(this.ds, (em): Promise<CustomerEventResult> => {
      switch (e.type) {
        case 'message-edited':
          return this.edit(em, e, kind, value);
        case 'resolution-answer':
          return this.answer(em, e, kind, value);
        case 'rating':
          return this.rate(em, e, kind, value);
        case 'contact-shared':
          return this.shareContact(em, e, kind, value);
        case 'opt-out':
          return this.optOut(em, e, kind, value);
        default:
          return Promise.resolve(unknownType(e));
      }
    });
    if (result.outcome === 'ignored') return this.ignore(e, result.reason ?? 'ignored', result.ticketId);
    this.logger.debug({ type: e.type, eventId: e.eventId, ...result }, 'customer event processed');
    return result;
  }

  /** The customer changed the text of a message they sent: the new text replaces it, the old one goes to the history. */
  private async edit(em: EntityManager, e: Of<'message-edited'>, kind: IdentityKind, value: string): Promise<CustomerEventResult> {
    const [m] = await em.query<{ id: string; ticketId: string; text: string; html: string | null; editedAt: Date | null; contactId: string | null; byAuthor: boolean }[]>(
      `SELECT m.id, m.ticket_id AS "ticketId", m.text, m.html, m.edited_at AS "editedAt", m.author_contact_id AS "contactId",
              EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.contact_id = m.author_contact_id AND ci.kind = $3 AND ci.value = $4) AS "byAuthor"
         FROM messages m
        WHERE m.channel_account_id = $1 AND m.external_id = $2 AND m.direction = 'inbound'
          FOR UPDATE OF m`,
      [e.channelAccountId, e.externalId, kind, value],
    );
    if (!m) throw new EditedMessageNotStoredYet(`message ${e.externalId} of ${e.channelAccountId} is not stored yet; the edit waits for it`);
    if (!m.byAuthor) return { outcome: 'ignored', ticketId: m.ticketId, reason: `the sender (${kind} ${value}) is not the author of message ${m.id}` };
    const at = new Date(e.at);
    // An older edit delivered after a newer one must not bring the older text back.
    if (m.editedAt && at.getTime() < new Date(m.editedAt).getTime()) return { outcome: 'unchanged', ticketId: m.ticketId, reason: 'a later edit is applied already' };
    if (m.text === e.text) return { outcome: 'unchanged', ticketId: m.ticketId };

    // The edit carries text only: HTML made from the earlier text would show what the customer took back.
    await em.query(`UPDATE messages SET text = $2, html = NULL, edited_at = $3 WHERE id = $1`, [m.id, e.text, at]);
    await em.query(`UPDATE tickets SET updated_at = now() WHERE id = $1`, [m.ticketId]);
    await recordEvents(em, [
      {
        ticketId: m.ticketId,
        actor: contactActor(m.contactId),
        kind: 'message_edited',
        data: { messageId: m.id, previousText: m.text, ...(m.html ? { previousHtml: m.html } : {}), text: e.text, editedAt: e.at, channel: e.channel },
      },
    ]);
    return { outcome: 'applied', ticketId: m.ticketId };
  }

  /**
   * The answer to "was your question solved?". Solved: a resolved ticket is closed. Not solved: a
   * resolved ticket, or a closed one within the reopen window, is reopened (as a customer's reply
   * would). A ticket in any other state has moved on (an agent reopened it, the customer answered
   * before), so the answer is ignored.
   */
  private async answer(em: EntityManager, e: Of<'resolution-answer'>, kind: IdentityKind, value: string): Promise<CustomerEventResult> {
    const t = await this.lockTicket(em, e.ticketId, kind, value);
    if ('outcome' in t) return t;
    const actor = contactActor(t.contactId);
    const now = new Date();
    if (e.solved) {
      if (t.statusKind !== StatusKind.Resolved || !canTransition(t.statusKind, StatusKind.Closed)) {
        return { outcome: 'ignored', ticketId: t.id, reason: `ticket #${t.number} is ${t.statusKind}, not resolved: nothing to close` };
      }
      await this.setStatus(em, t, StatusKind.Closed, now);
      await recordEvents(em, [{ ticketId: t.id, actor, kind: 'status_changed', data: { from: t.statusKey, to: StatusKind.Closed, reason: 'customer_confirmed_solved' } }]);
      return { outcome: 'applied', ticketId: t.id };
    }
    // Resolved may go back to open as an agent could move it; closed only by the reopen rule, within its window.
    const reopens =
      t.statusKind === StatusKind.Resolved
        ? canTransition(t.statusKind, StatusKind.Open)
        : t.statusKind === StatusKind.Closed && reopenDecision(t, new Date(e.at), this.config.REOPEN_WINDOW_DAYS, false) === 'reopen';
    if (!reopens) {
      const why = t.statusKind === StatusKind.Closed ? `closed more than ${this.config.REOPEN_WINDOW_DAYS} days before the answer` : t.statusKind;
      return { outcome: 'ignored', ticketId: t.id, reason: `ticket #${t.number} is ${why}: not reopened` };
    }
    await this.setStatus(em, t, StatusKind.Open, now);
    await recordEvents(em, [{ ticketId: t.id, actor, kind: 'reopened', data: { from: t.statusKey, to: StatusKind.Open, reason: 'customer_not_solved' } }]);
    return { outcome: 'applied', ticketId: t.id };
  }

  /** A 1–5 rating of the ticket; a later one replaces an earlier one. */
  private async rate(em: EntityManager, e: Of<'rating'>, kind: IdentityKind, value: string): Promise<CustomerEventResult> {
    const t = await this.lockTicket(em, e.ticketId, kind, value);
    if ('outcome' in t) return t;
    const at = new Date(e.at);
    if (t.ratedAt && at.getTime() < new Date(t.ratedAt).getTime()) return { outcome: 'unchanged', ticketId: t.id, reason: 'a later rating is stored already' };
    if (t.rating === e.rating) return { outcome: 'unchanged', ticketId: t.id };
    await em.query(`UPDATE tickets SET rating = $2, rated_at = $3, updated_at = now() WHERE id = $1`, [t.id, e.rating, at]);
    await recordEvents(em, [
      { ticketId: t.id, actor: contactActor(t.contactId), kind: 'rated', data: { rating: e.rating, ...(t.rating === null ? {} : { previous: t.rating }), channel: e.channel } },
    ]);
    return { outcome: 'applied', ticketId: t.id };
  }

  /**
   * The customer shared their own phone number (Telegram's "share contact" button): it becomes an
   * identity of the contact behind the sender's channel identity, which is created if the
   * customer has not written yet, unless the number already belongs to another contact (that is
   * left alone, as the inbound path leaves identities owned by someone else).
   */
  private async shareContact(em: EntityManager, e: Of<'contact-shared'>, kind: IdentityKind, value: string): Promise<CustomerEventResult> {
    const phone = e.sender.phone!;
    const sender = { ...nativeSender(e.sender, kind, value), ...(e.sender.displayName ? { displayName: e.sender.displayName } : {}) };
    const contact = await resolveContact(em, sender, e.channel, undefined, e.channel === Channel.Telegram ? telegramProfile(e.sender) : undefined);
    const added = await em.query<unknown[]>(
      `INSERT INTO contact_identities (contact_id, kind, value) VALUES ($1, 'phone', $2) ON CONFLICT (kind, value) DO NOTHING RETURNING id`,
      [contact.id, phone],
    );
    if (added.length) return { outcome: 'applied' };
    const [owner] = await em.query<{ contactId: string }[]>(`SELECT contact_id AS "contactId" FROM contact_identities WHERE kind = 'phone' AND value = $1`, [phone]);
    if (owner?.contactId === contact.id) return { outcome: 'unchanged' };
    return { outcome: 'ignored', reason: `the phone number ${phone} belongs to another contact (${owner?.contactId}); not added to ${contact.id}` };
  }

  /**
   * The customer asked for no more messages on this channel (an SMS STOP: `optedOut: true`), or
   * for them again (START: `false`). Kept on the sender's identity of the channel's kind as
   * `opted_out_at` (the event's time). A STOP from a sender no contact has yet creates the contact
   * (as a shared contact does), so their later messages, and agents adding the number, find it
   * opted out; a START from an unknown sender has nothing to undo. An event older than the last
   * one applied (`opt_out_changed_at`) changes nothing, so a late STOP never overrides a newer
   * START. The change is noted in the history of the contact's latest ticket that is not closed.
   */
  private async optOut(em: EntityManager, e: Of<'opt-out'>, kind: IdentityKind, value: string): Promise<CustomerEventResult> {
    const at = new Date(e.at);
    let identity = await lockIdentity(em, kind, value);
    if (!identity) {
      if (!e.optedOut) return { outcome: 'unchanged', reason: `no contact has the ${kind} ${value}: nothing to opt in` };
      const sender = { ...nativeSender(e.sender, kind, value), ...(e.sender.displayName ? { displayName: e.sender.displayName } : {}) };
      await resolveContact(em, sender, e.channel, undefined, e.channel === Channel.Telegram ? telegramProfile(e.sender) : undefined);
      identity = await lockIdentity(em, kind, value);
      if (!identity) throw new Error(`the ${kind} identity ${value} was not created`);
    }
    if (identity.optOutChangedAt && at.getTime() < new Date(identity.optOutChangedAt).getTime()) {
      return { outcome: 'unchanged', reason: 'a later opt-out or opt-in is applied already' };
    }
    if ((identity.optedOutAt !== null) === e.optedOut) {
      // Already so: only remember the newer time, so an older opposite event arriving later is not applied.
      await em.query(`UPDATE contact_identities SET opt_out_changed_at = $2 WHERE id = $1`, [identity.id, at]);
      return { outcome: 'unchanged' };
    }
    await em.query(`UPDATE contact_identities SET opted_out_at = $2, opt_out_changed_at = $3 WHERE id = $1`, [identity.id, e.optedOut ? at : null, at]);
    const [ticket] = await em.query<{ id: string }[]>(
      `SELECT id FROM tickets WHERE contact_id = $1 AND status_kind <> 'closed' ORDER BY updated_at DESC, id DESC LIMIT 1`,
      [identity.contactId],
    );
    if (ticket) {
      await recordEvents(em, [
        {
          ticketId: ticket.id,
          actor: contactActor(identity.contactId),
          kind: e.optedOut ? 'opted_out' : 'opted_in',
          data: { channel: e.channel, channelAccountId: e.channelAccountId, identity: { kind, value }, at: e.at },
        },
      ]);
    }
    return { outcome: 'applied', ...(ticket ? { ticketId: ticket.id } : {}) };
  }

  /** The ticket, locked (as an agent's change would lock it), if the sender is its contact. */
  private async lockTicket(em: EntityManager, ticketId: string, kind: IdentityKind, value: string): Promise<LockedTicket | CustomerEventResult> {
    const [t] = await em.query<LockedTicket[]>(
      `SELECT id, number::int AS number, status_key AS "statusKey", status_kind AS "statusKind", contact_id AS "contactId",
              on_hold_until AS "onHoldUntil", resolved_at AS "resolvedAt", closed_at AS "closedAt",
              resolution_seconds AS "resolutionSeconds", active_seconds AS "activeSeconds", active_since AS "activeSince",
              rating, rated_at AS "ratedAt",
              EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.contact_id = t.contact_id AND ci.kind = $2 AND ci.value = $3) AS "byContact"
         FROM tickets t WHERE id = $1 FOR UPDATE`,
      [ticketId, kind, value],
    );
    if (!t) return { outcome: 'ignored', reason: `ticket ${ticketId} does not exist` };
    if (!t.byContact) return { outcome: 'ignored', ticketId, reason: `the sender (${kind} ${value}) is not the contact of ticket #${t.number}` };
    return t;
  }

  /** Moves the ticket to the system status of `kind` with the clock kept as an agent's change keeps it. */
  private async setStatus(em: EntityManager, t: LockedTicket, kind: StatusKind.Open | StatusKind.Closed, now: Date): Promise<void> {
    const clock = nextClock(t, kind, now);
    await em.query(
      `UPDATE tickets SET status_key = $2::text, status_kind = $2::text::status_kind, on_hold_until = $3, resolved_at = $4, closed_at = $5,
              resolution_seconds = $6, active_seconds = $7, active_since = $8, updated_at = now()
        WHERE id = $1`,
      [t.id, kind, clock.onHoldUntil, clock.resolvedAt, clock.closedAt, clock.resolutionSeconds, clock.activeSeconds, clock.activeSince],
    );
  }

  private ignore(e: CustomerEvent, reason: string, ticketId?: string): CustomerEventResult {
    this.logger.warn({ type: e.type, channel: e.channel, channelAccountId: e.channelAccountId, eventId: e.eventId, ticketId }, `customer event ignored: ${reason}`);
    return { outcome: 'ignored', ...(ticketId ? { ticketId } : {}), reason };
  }
}

interface LockedIdentity {
  id: string;
  contactId: string;
  optedOutAt: Date | null;
  optOutChangedAt: Date | null;
}

/** The identity row, locked against a concurrent opt-out/opt-in of the same identity. */
async function lockIdentity(em: EntityManager, kind: IdentityKind, value: string): Promise<LockedIdentity | undefined> {
  const [row] = await em.query<LockedIdentity[]>(
    `SELECT id, contact_id AS "contactId", opted_out_at AS "optedOutAt", opt_out_changed_at AS "optOutChangedAt"
       FROM contact_identities WHERE kind = $1 AND value = $2 FOR UPDATE`,
    [kind, value],
  );
  return row;
}

/** The sender reduced to the identity the channel proves. */
function nativeSender(sender: SenderIdentity, kind: IdentityKind, value: string): SenderIdentity {
  switch (kind) {
    case IdentityKind.Telegram:
      return { telegramId: value, ...(sender.telegramUsername ? { telegramUsername: sender.telegramUsername } : {}) };
    case IdentityKind.Phone:
      return { phone: value };
    case IdentityKind.Email:
      return { email: value };
  }
}

/** A type newer than this core: the contract would have refused it, so this is only for the compiler. */
function unknownType(e: never): CustomerEventResult {
  return { outcome: 'ignored', reason: `unknown event type ${(e as { type?: string }).type}` };
}

const contactActor = (contactId: string | null): Actor => ({ kind: ActorKind.Contact, contactId });

/** The sender's identity of `kind`, normalised as contact identities are stored. */
function senderValue(e: CustomerEvent, kind: IdentityKind): string | undefined {
  switch (kind) {
    case IdentityKind.Telegram:
      return e.sender.telegramId;
    case IdentityKind.Phone:
      return e.sender.phone;
    case IdentityKind.Email:
      return e.sender.email?.toLowerCase();
  }
}
