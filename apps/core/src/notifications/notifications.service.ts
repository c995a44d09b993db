import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { sanitizeMessageHtml } from '@switchboard/common';
import { Channel, JobName, outboundJobId, outboundQueueFor, type OutboundMessage } from '@switchboard/contracts';
import {
  AcknowledgementState,
  ActorKind,
  ChannelKind,
  MessageDirection,
  NotificationChannel,
  NotificationKey,
  StatusKind,
  TicketType,
  Visibility,
} from '@switchboard/db';
import type { EntityManager } from 'typeorm';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { recordEvents, SYSTEM, type HistoryEvent } from '../history/history.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { chooseReplyRoute, type LastInbound, type ReplyRoute } from '../tickets/reply-channel.js';
import { renderTemplate, statusFlags, type NotificationContext, type TemplateTexts } from './templates.js';

/**
 * Why a resolution survey was not written: the ticket had one less than SURVEY_QUIET_SECONDS ago
 * (an agent resolving, reopening and resolving again must not ask the customer twice).
 */
export const TOO_SOON = 'too_soon';

/** What became of one ticket's notification: queued as a message, or why not (an AcknowledgementState, or TOO_SOON). */
export type NotificationOutcome = { ticketId: string; state: AcknowledgementState | typeof TOO_SOON; messageId?: string };

/** A ticket resolved again within this time after a survey gets no second one. */
export const SURVEY_QUIET_SECONDS = 60;

interface StoredTemplate extends TemplateTexts {
  enabled: boolean;
  statusKinds: StatusKind[];
}

/** Everything a notification needs about its ticket, read for a whole batch in one statement. */
interface TicketFacts {
  id: string;
  number: number;
  subject: string;
  type: TicketType;
  statusKey: string;
  statusKind: StatusKind;
  statusName: string | null;
  contactId: string | null;
  contactName: string | null;
  companyName: string | null;
  /** The contact's e-mail addresses, oldest first, without our own mailboxes' addresses. */
  emails: string[];
  /** The contact's phone numbers (E.164), oldest first. */
  phones: string[];
  /** The contact's Telegram user ids, oldest first. */
  telegrams: string[];
  /** The contact's identities whose owner opted out of messages on them, as `<kind>:<value>`. */
  optedOut: string[];
  /** Whether the ticket got a resolution survey in the last SURVEY_QUIET_SECONDS. */
  recentSurvey: boolean;
  /** The ticket's first message: a customer's public e-mail for a ticket the customer opened by mail. */
  firstDirection: MessageDirection | null;
  firstChannel: ChannelKind | null;
  /** The customer's latest public message. */
  last: (LastInbound & { autoSubmitted: boolean }) | null;
  inReplyTo: string | null;
  references: string[];
}

const MAX_REFERENCES = 20;

const FACTS_SQL = `
  SELECT t.id, t.number::int AS number, t.subject, t.type, t.status_key AS "statusKey", t.status_kind AS "statusKind", s.name AS "statusName",
         t.contact_id AS "contactId", c.name AS "contactName", co.name AS "companyName",
         coalesce(ids.emails, '{}') AS emails, coalesce(ids.phones, '{}') AS phones, coalesce(ids.telegrams, '{}') AS telegrams,
         coalesce(ids.opted_out, '{}') AS "optedOut",
         EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND m.created_at > now() - interval '${SURVEY_QUIET_SECONDS} seconds'
                    AND m.metadata->>'notification' = '${NotificationKey.ResolutionSurvey}') AS "recentSurvey",
         first.direction AS "firstDirection", first.channel AS "firstChannel",
         CASE WHEN last.channel IS NULL THEN NULL
              ELSE json_build_object('channel', last.channel, 'channelAccountId', last.channel_account_id, 'contactAddress', last.contact_address,
                                     'threadKey', last.thread_key, 'autoSubmitted', last.auto_submitted) END AS last,
         thread.in_reply_to AS "inReplyTo", coalesce(thread.refs, '{}') AS "references"
    FROM tickets t
    LEFT JOIN statuses s ON s.key = t.status_key
    LEFT JOIN contacts c ON c.id = t.contact_id
    LEFT JOIN companies co ON co.id = coalesce(c.company_id, t.company_id)
    LEFT JOIN LATERAL (
      SELECT array_agg(ci.value ORDER BY ci.created_at, ci.id) FILTER (WHERE ci.kind = 'email') AS emails,
             array_agg(ci.value ORDER BY ci.created_at, ci.id) FILTER (WHERE ci.kind = 'phone') AS phones,
             array_agg(ci.value ORDER BY ci.created_at, ci.id) FILTER (WHERE ci.kind = 'telegram') AS telegrams,
             array_agg(ci.kind::text || ':' || ci.value) FILTER (WHERE ci.opted_out_at IS NOT NULL) AS opted_out
        FROM contact_identities ci
       WHERE ci.contact_id = t.contact_id AND (ci.kind <> 'email' OR NOT EXISTS (SELECT 1 FROM mailboxes mb WHERE mb.address = ci.value))
    ) ids ON true
    LEFT JOIN LATERAL (
      SELECT m.direction, m.channel FROM messages m WHERE m.ticket_id = t.id ORDER BY m.created_at, m.id LIMIT 1
    ) first ON true
    LEFT JOIN LATERAL (
      SELECT m.channel, m.channel_account_id, m.contact_address, m.thread_key, m.auto_submitted FROM messages m
       WHERE m.ticket_id = t.id AND m.direction = 'inbound' AND m.visibility = 'public' ORDER BY m.created_at DESC LIMIT 1
    ) last ON true
    LEFT JOIN LATERAL (
      SELECT array_agg(x.external_id ORDER BY x.created_at) AS refs,
             (array_agg(x.external_id ORDER BY x.created_at DESC) FILTER (WHERE x.direction = 'inbound'))[1] AS in_reply_to
        FROM (SELECT m.external_id, m.direction, m.created_at FROM messages m
               WHERE m.ticket_id = t.id AND m.channel = 'email' AND m.external_id IS NOT NULL
               ORDER BY m.created_at DESC LIMIT ${MAX_REFERENCES}) x
    ) thread ON true
   WHERE t.id = ANY($1::uuid[])`;

/** The identity kind each notification channel addresses, as ContactAddresses and `optedOut` name it. */
const ADDRESS_KIND = {
  [NotificationChannel.Email]: 'email',
  [NotificationChannel.Sms]: 'phone',
  [NotificationChannel.Telegram]: 'telegram',
} as const;

const OUTBOUND_CHANNEL = {
  [NotificationChannel.Email]: Channel.Email,
  [NotificationChannel.Sms]: Channel.Sms,
  [NotificationChannel.Telegram]: Channel.Telegram,
} as const;

/**
 * Automatic messages to customers from the notification templates: by e-mail the acknowledgement
 * of a new ticket and the status-change notice, by SMS the status-change notice, on Telegram the
 * resolution survey. Each one is an
 * ordinary outbound message (author `system`, `autoSubmitted`) written with its outbox row in the
 * caller's transaction, so it goes out exactly like an agent's reply and shows its delivery state
 * on the ticket.
 *
 * Never sent: when NOTIFICATIONS_ENABLED is false or the template is disabled; to a contact
 * without an address on the template's channel (for e-mail, one that is not one of our own
 * mailboxes); when the customer's latest message was automatic (auto-reply, bounce, list mail, a
 * sender storm); on internal tickets. The e-mail service caps automatic mail per recipient on
 * top of this. The resolution survey goes only to a customer whose latest public message on the
 * ticket came by Telegram, to that chat, and not again within SURVEY_QUIET_SECONDS; the SMS
 * status notice only to a customer whose latest public message came by SMS, from the number they
 * wrote to. Nothing goes to an identity whose owner opted out of messages on it (an SMS STOP):
 * the outcome is `opted_out`.
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly outbox: OutboxService,
  ) {}

  /** Whether an agent's move to `kind` sends the status notification on `channel` (one query; for skipping the work early). */
  async sendsOnStatus(em: EntityManager, kind: StatusKind, channel = NotificationChannel.Email): Promise<boolean> {
    if (!this.config.NOTIFICATIONS_ENABLED) return false;
    const t = await this.template(em, NotificationKey.StatusChanged, channel);
    return Boolean(t?.enabled && t.statusKinds.includes(kind));
  }

  /** Whether resolving a ticket can send the Telegram resolution survey (one query; for skipping the work early). */
  async surveysOnResolve(em: EntityManager): Promise<boolean> {
    if (!this.config.NOTIFICATIONS_ENABLED) return false;
    return Boolean((await this.template(em, NotificationKey.ResolutionSurvey, NotificationChannel.Telegram))?.enabled);
  }

  /**
   * Writes the `key` notification on `channel` for each ticket (locked by the caller) in the
   * caller's transaction. Call `wake()` after the commit when any outcome is `queued`.
   */
  async queue(em: EntityManager, key: NotificationKey, ticketIds: string[], channel = NotificationChannel.Email): Promise<NotificationOutcome[]> {
    if (!ticketIds.length) return [];
    const template = this.config.NOTIFICATIONS_ENABLED ? await this.template(em, key, channel) : undefined;
    if (!template?.enabled) return ticketIds.map((ticketId) => ({ ticketId, state: AcknowledgementState.Disabled }));

    const facts = await em.query<TicketFacts[]>(FACTS_SQL, [ticketIds]);
    const outcomes: NotificationOutcome[] = [];
    const messages: Record<string, unknown>[] = [];
    const events: HistoryEvent[] = [];
    const payloads: OutboundMessage[] = [];
    for (const t of facts) {
      const decided = this.decide(key, channel, template, t);
      if ('state' in decided) {
        outcomes.push({ ticketId: t.id, state: decided.state });
        continue;
      }
      const { route } = decided;
      let rendered: ReturnType<typeof renderTemplate>;
      try {
        // Telegram messages and SMS are plain text: an HTML body would not be used.
        rendered = renderTemplate(channel === NotificationChannel.Email ? template : { ...template, bodyHtml: null }, context(t, channel, route.address));
      } catch (err) {
        this.logger.error({ ticket: t.number, key, err: (err as Error).message }, 'notification template failed to render; nothing sent');
        outcomes.push({ ticketId: t.id, state: AcknowledgementState.RenderFailed });
        continue;
      }
      const id = randomUUID();
      const html = rendered.html ? sanitizeMessageHtml(rendered.html) : undefined;
      const email = route.channel === Channel.Email;
      const recipient = email ? { email: route.address } : route.channel === Channel.Sms ? { phone: route.address } : { telegramId: route.address };
      const payload: OutboundMessage = {
        v: 1,
        messageId: id,
        ticketId: t.id,
        ticketNumber: t.number,
        channel: route.channel,
        ...(route.channelAccountId ? { channelAccountId: route.channelAccountId } : {}),
        recipient: { ...recipient, ...(t.contactName ? { displayName: t.contactName } : {}) },
        subject: rendered.subject,
        text: rendered.text,
        ...(html ? { html } : {}),
        attachmentIds: [],
        threading: email
          ? { ...(t.inReplyTo ? { inReplyTo: t.inReplyTo } : {}), references: t.references }
          : { references: [], ...(route.threadKey ? { threadKey: route.threadKey } : {}) },
        autoSubmitted: true,
        ...(key === NotificationKey.ResolutionSurvey ? { prompt: 'resolution-survey' as const } : {}),
        attempt: 1,
        createdAt: new Date().toISOString(),
      };
      payloads.push(payload);
      messages.push({
        id,
        ticket_id: t.id,
        channel: route.channel,
        channel_account_id: route.channelAccountId ?? null,
        contact_address: route.address,
        thread_key: route.threadKey ?? null,
        subject: rendered.subject,
        text: rendered.text,
        html: html ?? null,
        // The payload is kept for a retry, like an agent's reply's; `notification` says which template wrote it.
        metadata: { outbound: payload, notification: key },
      });
      events.push({
        ticketId: t.id,
        actor: SYSTEM,
        kind: 'message_added',
        data: { messageId: id, direction: MessageDirection.Outbound, visibility: Visibility.Public, channel: route.channel, to: route.address, notification: key },
      });
      outcomes.push({ ticketId: t.id, state: AcknowledgementState.Queued, messageId: id });
    }
    for (const id of ticketIds) {
      if (!facts.some((f) => f.id === id)) outcomes.push({ ticketId: id, state: AcknowledgementState.NotApplicable });
    }
    if (messages.length) {
      await em.query(
        `INSERT INTO messages (id, ticket_id, direction, author_kind, visibility, channel, channel_account_id, contact_address, thread_key, subject, text, html,
                               delivery_status, delivery_updated_at, auto_submitted, metadata, created_at)
         SELECT r.id, r.ticket_id, 'outbound', '${ActorKind.System}', 'public', r.channel, r.channel_account_id, r.contact_address, r.thread_key, r.subject, r.text, r.html,
                'queued', now(), true, r.metadata, clock_timestamp()
           FROM jsonb_to_recordset($1::jsonb)
             AS r (id uuid, ticket_id uuid, channel channel_kind, channel_account_id text, contact_address text, thread_key text, subject text, text text, html text, metadata jsonb)`,
        [JSON.stringify(messages)],
      );
      await this.outbox.add(
        em,
        payloads.map((p) => ({ queue: outboundQueueFor(p.channel), name: JobName.OutboundMessage, jobId: outboundJobId(p.messageId), payload: p })),
      );
      await recordEvents(em, events);
    }
    return outcomes;
  }

  /** Call after committing a transaction in which queue() queued something. */
  wake(): void {
    this.outbox.wake();
  }

  private decide(
    key: NotificationKey,
    channel: NotificationChannel,
    template: StoredTemplate,
    t: TicketFacts,
  ): { state: NotificationOutcome['state'] } | { route: ReplyRoute } {
    if (key === NotificationKey.StatusChanged && !template.statusKinds.includes(t.statusKind)) return { state: AcknowledgementState.Disabled };
    if (key === NotificationKey.TicketCreated && (t.firstDirection !== MessageDirection.Inbound || t.firstChannel !== ChannelKind.Email)) {
      return { state: AcknowledgementState.NotApplicable };
    }
    // The SMS notice goes where the customer talks to us: only when their latest public message came by SMS.
    if (channel === NotificationChannel.Sms && t.last?.channel !== ChannelKind.Sms) return { state: AcknowledgementState.NotApplicable };
    if (key === NotificationKey.ResolutionSurvey) {
      // Asked where the customer is talking to us: only when their latest public message came by Telegram.
      if (t.statusKind !== StatusKind.Resolved || t.last?.channel !== ChannelKind.Telegram) return { state: AcknowledgementState.NotApplicable };
      if (t.recentSurvey) return { state: TOO_SOON };
    }
    if (t.type === TicketType.Internal || !t.contactId) return { state: AcknowledgementState.NotApplicable };
    if (t.last?.autoSubmitted) return { state: AcknowledgementState.AutoSubmitted };
    const kind = ADDRESS_KIND[channel];
    const addresses = { email: [] as string[], phone: [] as string[], telegram: [] as string[], [kind]: { email: t.emails, phone: t.phones, telegram: t.telegrams }[kind] };
    const route = chooseReplyRoute(addresses, t.last ?? undefined, OUTBOUND_CHANNEL[channel]);
    if ('error' in route) return { state: AcknowledgementState.NoAddress };
    // Addressed as a reply would be; never to an identity whose owner opted out of messages on it.
    if (t.optedOut.includes(`${kind}:${route.address}`)) return { state: AcknowledgementState.OptedOut };
    return { route };
  }

  private async template(em: EntityManager, key: NotificationKey, channel: NotificationChannel): Promise<StoredTemplate | undefined> {
    const [row] = await em.query<StoredTemplate[]>(
      `SELECT subject, body_text AS "bodyText", body_html AS "bodyHtml", enabled, status_kinds::text[] AS "statusKinds"
         FROM notification_templates WHERE key = $1 AND channel = $2`,
      [key, channel],
    );
    return row;
  }
}

function context(t: TicketFacts, channel: NotificationChannel, address: string): NotificationContext {
  return {
    ticket: { number: t.number, subject: t.subject, status: t.statusName ?? t.statusKey, statusKey: t.statusKey, statusKind: t.statusKind },
    contact: { name: t.contactName ?? '', email: channel === NotificationChannel.Email ? address : (t.emails[0] ?? '') },
    company: { name: t.companyName ?? '' },
    status: statusFlags(t.statusKind),
  };
}
