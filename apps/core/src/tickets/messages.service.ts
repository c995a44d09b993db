import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { conflict, htmlToText, notFound, sanitizeMessageHtml, unprocessable, ErrorCode } from '@switchboard/common';
import {
  Channel,
  DeliveryStatus,
  JobName,
  outboundJobId,
  outboundQueueFor,
  type OutboundChannel,
  type OutboundMessage,
} from '@switchboard/contracts';
import { ActorKind, ChannelKind, IdentityKind, MessageDirection, TicketType, Visibility } from '@switchboard/db';
import type { DataSource, EntityManager } from 'typeorm';
import { notifyMentions } from '../agent-notifications/mentions.js';
import type { AuthAgent } from '../auth/auth.decorators.js';
import { queryRows } from '../database/sql.js';
import { recordEvents, SYSTEM, type Actor, type HistoryEvent } from '../history/history.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { chooseReplyRoute, type ContactAddresses, type LastInbound } from './reply-channel.js';
import type { AddMessageInput } from './tickets.schemas.js';

const MAX_REFERENCES = 20;

interface ReplyTicket {
  id: string;
  number: number;
  subject: string;
  type: TicketType;
  contactId: string | null;
  contactName: string | null;
}

/**
 * Agent messages on a ticket. A public reply is written together with its outbox row in one
 * transaction; the relay then hands it to the channel's queue. An internal note never leaves.
 */
@Injectable()
export class MessagesService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async add(ticketId: string, input: AddMessageInput, agent: AuthAgent): Promise<AddedMessage> {
    const result = await this.ds.transaction(async (em) => {
      await this.lockTicket(em, ticketId);
      const events: HistoryEvent[] = [];
      const id =
        input.visibility === Visibility.Internal
          ? await this.insertNote(em, ticketId, agent, input.body, events, input.html, input.attachmentIds)
          : await this.insertPublicReply(em, ticketId, agent, input, events);
      await recordEvents(em, events);
      const [row] = await em.query<AddedMessage[]>(
        `SELECT id, visibility, channel, delivery_status AS "deliveryStatus", delivery_error AS "deliveryError", contact_address AS "contactAddress" FROM messages WHERE id = $1`,
        [id],
      );
      return row;
    });
    if (result.visibility === Visibility.Public && result.deliveryStatus === DeliveryStatus.Queued) this.outbox.wake();
    return result;
  }

  /** Puts a failed outbound message back in the queue. */
  async retry(ticketId: string, messageId: string, agent: AuthAgent): Promise<void> {
    await this.ds.transaction(async (em) => {
      const [m] = await em.query<{ delivery_status: DeliveryStatus | null; direction: MessageDirection; payload: OutboundMessage | null }[]>(
        `SELECT m.delivery_status, m.direction, m.metadata->'outbound' AS payload FROM messages m WHERE m.id = $1 AND m.ticket_id = $2 FOR UPDATE`,
        [messageId, ticketId],
      );
      if (!m) throw notFound('message', messageId);
      if (m.direction !== MessageDirection.Outbound || !m.payload) throw unprocessable('only outbound messages can be retried');
      if (m.delivery_status !== DeliveryStatus.Failed) throw conflict(`the message is ${m.delivery_status}; only failed messages can be retried`, 'not_failed');
      const optedOut = await optedOutAt(em, m.payload);
      if (optedOut) throw conflict(`${optOutReason(m.payload.channel, optedOut)}; it can be sent once they opt in again (START)`, MessageErrorCode.RecipientOptedOut);
      await em.query(`UPDATE messages SET delivery_status = 'queued', delivery_error = NULL, delivery_updated_at = now() WHERE id = $1`, [messageId]);
      const payload: OutboundMessage = { ...m.payload, attempt: (m.payload.attempt ?? 1) + 1 };
      await em.query(`UPDATE messages SET metadata = jsonb_set(metadata, '{outbound}', $2::jsonb) WHERE id = $1`, [messageId, JSON.stringify(payload)]);
      await this.outbox.add(em, [
        { queue: outboundQueueFor(payload.channel), name: JobName.OutboundMessage, jobId: `${outboundJobId(messageId)}__${payload.attempt}`, payload },
      ]);
      await recordEvents(em, [{ ticketId, actor: agentActor(agent), kind: 'delivery_retried', data: { messageId } }]);
    });
    this.outbox.wake();
  }

  wakeOutbox(): void {
    this.outbox.wake();
  }

  async insertNote(em: EntityManager, ticketId: string, agent: AuthAgent, body: string, events: HistoryEvent[], html?: string, attachmentIds: string[] = []): Promise<string> {
    const [m] = await em.query<{ id: string }[]>(
      `INSERT INTO messages (ticket_id, direction, author_kind, author_agent_id, visibility, channel, text, html, created_at)
       VALUES ($1, 'note', 'agent', $2, 'internal', 'console', $3, $4, clock_timestamp()) RETURNING id`,
      [ticketId, agent.id, body, html ? sanitizeMessageHtml(html) : null],
    );
    await this.linkAttachments(em, m.id, ticketId, attachmentIds);
    await em.query(`UPDATE tickets SET updated_at = now() WHERE id = $1`, [ticketId]);
    // Agents @mentioned in the note hear about it in the console (only internal notes notify).
    await notifyMentions(em, { ticketId, messageId: m.id, authorId: agent.id, body });
    events.push({ ticketId, actor: agentActor(agent), kind: 'message_added', data: { messageId: m.id, direction: MessageDirection.Note, visibility: Visibility.Internal } });
    return m.id;
  }

  async insertPublicReply(
    em: EntityManager,
    ticketId: string,
    agent: AuthAgent,
    input: Pick<AddMessageInput, 'body' | 'html' | 'channel' | 'attachmentIds'>,
    events: HistoryEvent[],
  ): Promise<string> {
    const t = await this.ticket(em, ticketId);
    if (t.type === TicketType.Internal) throw unprocessable('this is an internal ticket: it has no customer to reply to; post an internal note', 'internal_ticket');
    if (!t.contactId) throw unprocessable('the ticket has no contact to reply to; set one or post an internal note', ErrorCode.NoReachableChannel);
    const [{ addresses, optedOut }, lastInbound] = await Promise.all([this.addresses(em, t.contactId), this.lastInbound(em, ticketId)]);
    const route = chooseReplyRoute(addresses, lastInbound, input.channel);
    if ('error' in route) throw unprocessable(route.error, ErrorCode.NoReachableChannel);
    if (route.channel === Channel.Sms && input.attachmentIds.length) {
      throw unprocessable('an SMS cannot carry attachments: leave them out, or send them by e-mail (channel: email)', MessageErrorCode.AttachmentsNotSupported);
    }
    // The customer asked for no more messages there (an SMS STOP): the reply is kept, as failed, and not sent.
    const stoppedAt = optedOut.get(`${KIND_OF[route.channel]}:${route.address}`);
    const failure = stoppedAt ? optOutReason(route.channel, stoppedAt) : null;

    const html = input.html ? sanitizeMessageHtml(input.html) : undefined;
    const text = input.body || (html ? htmlToText(html) : '');
    const [m] = await em.query<{ id: string; created_at: Date }[]>(
      `INSERT INTO messages (ticket_id, direction, author_kind, author_agent_id, visibility, channel, channel_account_id, contact_address,
                             thread_key, subject, text, html, delivery_status, delivery_updated_at, created_at, delivery_error)
       VALUES ($1, 'outbound', 'agent', $2, 'public', $3, $4, $5, $6, $7, $8, $9, $10::delivery_status, now(), clock_timestamp(), $11) RETURNING id, created_at`,
      [ticketId, agent.id, route.channel, route.channelAccountId ?? null, route.address, route.threadKey ?? null, t.subject, text, html ?? null, failure ? 'failed' : 'queued', failure],
    );
    await this.linkAttachments(em, m.id, ticketId, input.attachmentIds);

    const threading = route.channel === Channel.Email ? await this.emailThreading(em, ticketId) : { references: [] as string[] };
    const payload: OutboundMessage = {
      v: 1,
      messageId: m.id,
      ticketId,
      ticketNumber: t.number,
      channel: route.channel,
      ...(route.channelAccountId ? { channelAccountId: route.channelAccountId } : {}),
      recipient: {
        ...(route.channel === Channel.Email ? { email: route.address } : route.channel === Channel.Sms ? { phone: route.address } : { telegramId: route.address }),
        ...(t.contactName ? { displayName: t.contactName } : {}),
      },
      subject: t.subject,
      text,
      ...(html ? { html } : {}),
      attachmentIds: input.attachmentIds,
      threading: { ...threading, ...(route.threadKey ? { threadKey: route.threadKey } : {}) },
      autoSubmitted: false,
      attempt: 1,
      createdAt: new Date(m.created_at).toISOString(),
    };
    // Kept with the message so a failed delivery can be retried with exactly what was sent.
    await em.query(`UPDATE messages SET metadata = jsonb_build_object('outbound', $2::jsonb) WHERE id = $1`, [m.id, JSON.stringify(payload)]);
    if (!failure) await this.outbox.add(em, [{ queue: outboundQueueFor(route.channel), name: JobName.OutboundMessage, jobId: outboundJobId(m.id), payload }]);
    await em.query(
      `UPDATE tickets SET updated_at = now(),
              first_response_at = COALESCE(first_response_at, now()),
              first_response_seconds = COALESCE(first_response_seconds, GREATEST(0, round(extract(epoch FROM now() - created_at)))::int)
        WHERE id = $1`,
      [ticketId],
    );
    events.push({
      ticketId,
      actor: agentActor(agent),
      kind: 'message_added',
      data: { messageId: m.id, direction: MessageDirection.Outbound, visibility: Visibility.Public, channel: route.channel, to: route.address },
    });
    if (failure) events.push({ ticketId, actor: SYSTEM, kind: 'delivery_failed', data: { messageId: m.id, reason: failure, optedOut: true } });
    return m.id;
  }

  private async lockTicket(em: EntityManager, ticketId: string): Promise<void> {
    const rows = await em.query<unknown[]>(`SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE`, [ticketId]);
    if (!rows.length) throw notFound('ticket', ticketId);
  }

  private async ticket(em: EntityManager, ticketId: string): Promise<ReplyTicket> {
    const [t] = await em.query<ReplyTicket[]>(
      `SELECT t.id, t.number::int AS number, t.subject, t.type, t.contact_id AS "contactId", c.name AS "contactName"
         FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.id = $1`,
      [ticketId],
    );
    if (!t) throw notFound('ticket', ticketId);
    return t;
  }

  /** The contact's identities by kind, and when the opted-out ones opted out (by `<kind>:<value>`). */
  private async addresses(em: EntityManager, contactId: string): Promise<{ addresses: ContactAddresses; optedOut: Map<string, Date> }> {
    const rows = await em.query<{ kind: keyof ContactAddresses; value: string; optedOutAt: Date | null }[]>(
      `SELECT kind, value, opted_out_at AS "optedOutAt" FROM contact_identities WHERE contact_id = $1 ORDER BY created_at, id`,
      [contactId],
    );
    const addresses: ContactAddresses = { email: [], phone: [], telegram: [] };
    const optedOut = new Map<string, Date>();
    for (const r of rows) {
      addresses[r.kind].push(r.value);
      if (r.optedOutAt) optedOut.set(`${r.kind}:${r.value}`, new Date(r.optedOutAt));
    }
    return { addresses, optedOut };
  }

  private async lastInbound(em: EntityManager, ticketId: string): Promise<LastInbound | undefined> {
    const [row] = await em.query<LastInbound[]>(
      `SELECT channel, channel_account_id AS "channelAccountId", contact_address AS "contactAddress", thread_key AS "threadKey"
         FROM messages WHERE ticket_id = $1 AND direction = 'inbound' AND visibility = 'public'
        ORDER BY created_at DESC LIMIT 1`,
      [ticketId],
    );
    return row;
  }

  /** In-Reply-To: the customer's last e-mail; References: the thread's Message-IDs, oldest first. */
  private async emailThreading(em: EntityManager, ticketId: string): Promise<{ inReplyTo?: string; references: string[] }> {
    const rows = await em.query<{ external_id: string; direction: MessageDirection }[]>(
      `SELECT external_id, direction FROM messages
        WHERE ticket_id = $1 AND channel IN ('${ChannelKind.Email}') AND external_id IS NOT NULL
        ORDER BY created_at DESC LIMIT ${MAX_REFERENCES}`,
      [ticketId],
    );
    const inReplyTo = rows.find((r) => r.direction === MessageDirection.Inbound)?.external_id;
    return { ...(inReplyTo ? { inReplyTo } : {}), references: rows.map((r) => r.external_id).reverse() };
  }

  private async linkAttachments(em: EntityManager, messageId: string, ticketId: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const linked = await queryRows<{ id: string }>(
      em,
      `UPDATE attachments SET message_id = $1, ticket_id = $2 WHERE id = ANY($3::uuid[]) AND message_id IS NULL RETURNING id`,
      [messageId, ticketId, ids],
    );
    if (linked.length !== ids.length) {
      const missing = ids.filter((i) => !linked.some((l) => l.id === i));
      throw unprocessable(`attachment ${missing.join(', ')} does not exist or already belongs to a message`);
    }
  }
}

const agentActor = (agent: AuthAgent): Actor => ({ kind: ActorKind.Agent, agentId: agent.id });

export interface AddedMessage {
  id: string;
  visibility: Visibility;
  channel: string;
  deliveryStatus: DeliveryStatus | null;
  /** Why it failed at once: the customer opted out of messages on that address. */
  deliveryError: string | null;
  contactAddress: string | null;
}

export enum MessageErrorCode {
  RecipientOptedOut = 'recipient_opted_out',
  AttachmentsNotSupported = 'attachments_not_supported',
}

const KIND_OF: Record<OutboundChannel, IdentityKind> = {
  [Channel.Email]: IdentityKind.Email,
  [Channel.Sms]: IdentityKind.Phone,
  [Channel.Telegram]: IdentityKind.Telegram,
};

const OPT_OUT_WHAT: Record<OutboundChannel, string> = {
  [Channel.Email]: 'e-mail',
  [Channel.Sms]: 'SMS (STOP)',
  [Channel.Telegram]: 'Telegram messages',
};

/** `2025-03-01 14:02 UTC` */
const utcMinute = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The delivery error of a reply to an opted-out address, e.g. `the customer opted out of SMS (STOP) on 2025-03-01 14:02 UTC`. */
export function optOutReason(channel: OutboundChannel, at: Date): string {
  return `the customer opted out of ${OPT_OUT_WHAT[channel]} on ${utcMinute(at)}`;
}

/** When the recipient of an outbound payload opted out of messages on that address, or null. */
async function optedOutAt(em: EntityManager, payload: OutboundMessage): Promise<Date | null> {
  const value = payload.channel === Channel.Email ? payload.recipient.email?.toLowerCase() : payload.channel === Channel.Sms ? payload.recipient.phone : payload.recipient.telegramId;
  if (!value) return null;
  const [row] = await em.query<{ optedOutAt: Date | null }[]>(`SELECT opted_out_at AS "optedOutAt" FROM contact_identities WHERE kind = $1 AND value = $2`, [
    KIND_OF[payload.channel],
    value,
  ]);
  return row?.optedOutAt ? new Date(row.optedOutAt) : null;
}
