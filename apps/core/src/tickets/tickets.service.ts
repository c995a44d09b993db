import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { conflict, DomainException, ErrorCode, normalizeIdentity, notFound, unprocessable } from '@switchboard/common';
import { Channel } from '@switchboard/contracts';
import { AcknowledgementState, ActorKind, ChannelKind, IdentityKind, NotificationChannel, NotificationKey, StatusKind, TicketType } from '@switchboard/db';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthAgent } from '../auth/auth.decorators.js';
import { recordEvents, type Actor, type HistoryEvent } from '../history/history.js';
import { resolveContact } from '../inbound/contact-resolver.js';
import { containsPattern } from '../common/pagination.js';
import { inTransaction } from '../database/transaction.js';
import { NotificationsService, TOO_SOON } from '../notifications/notifications.service.js';
import { MessagesService } from './messages.service.js';
import { canTransition, nextClock, type TicketClock } from './status-lifecycle.js';
import { TICKET_JOINS, TICKET_SELECT, ticketView, type TicketListRow } from './ticket-views.js';
import type { CreateTicketInput, ListTicketsQuery, TicketViewName, UpdateTicketInput } from './tickets.schemas.js';

const SORT_SQL: Record<string, { column: string; cursorable: boolean }> = {
  createdAt: { column: 't.created_at', cursorable: true },
  updatedAt: { column: 't.updated_at', cursorable: true },
  number: { column: 't.number', cursorable: true },
  priority: { column: `array_position(ARRAY['low','normal','high','urgent']::ticket_priority[], t.priority)`, cursorable: false },
};

export const agentActor = (agent: AuthAgent): Actor => ({ kind: ActorKind.Agent, agentId: agent.id });

const illegal = (message: string) => new DomainException(ErrorCode.IllegalTransition, message, 409);

interface LockedTicket extends TicketClock {
  id: string;
  number: number;
  statusKey: string;
  type: TicketType;
  line: number;
  contactId: string | null;
  responsibleAgentId: string | null;
  responsibleGroupId: string | null;
}

@Injectable()
export class TicketsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly messages: MessagesService,
    private readonly notifications: NotificationsService,
  ) {}

  async list(query: ListTicketsQuery, me: AuthAgent) {
    const q = applyView(query);
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.status) where.push(`t.status_key = ANY(${p(q.status)}::text[])`);
    if (q.statusKind) where.push(`t.status_kind = ANY(${p(q.statusKind)}::status_kind[])`);
    if (q.responsible === 'none') where.push('t.responsible_agent_id IS NULL');
    else if (q.responsible) where.push(`t.responsible_agent_id = ${p(q.responsible === 'me' ? me.id : q.responsible)}`);
    if (q.group) where.push(`t.responsible_group_id = ${p(q.group)}`);
    if (q.line) where.push(`t.line = ${p(q.line)}`);
    if (q.channel) where.push(`t.registration_channel = ANY(${p(q.channel)}::channel_kind[])`);
    if (q.contact) where.push(`t.contact_id = ${p(q.contact)}`);
    if (q.company) where.push(`t.company_id = ${p(q.company)}`);
    if (q.priority) where.push(`t.priority = ANY(${p(q.priority)}::ticket_priority[])`);
    if (q.type) where.push(`t.type = ANY(${p(q.type)}::ticket_type[])`);
    if (q.q) {
      const number = /^#?(\d{1,15})$/.exec(q.q)?.[1];
      if (number && q.q.startsWith('#')) {
        // #1042 is the ticket number and nothing else.
        where.push(`t.number = ${p(Number(number))}`);
      }
      const like = number && q.q.startsWith('#') ? null : p(containsPattern(q.q));
      // One id list from index-backed lookups (trigram indexes on subject and contact name, the
      // ticket number's unique index), rather than an OR across joined tables, which scans every ticket.
      if (like) {
        const matches = [
          `SELECT id FROM tickets WHERE subject ILIKE ${like}`,
          `SELECT id FROM tickets WHERE contact_id IN (SELECT id FROM contacts WHERE name ILIKE ${like} UNION SELECT contact_id FROM contact_identities WHERE value ILIKE ${like})`,
        ];
        if (number) matches.push(`SELECT id FROM tickets WHERE number = ${p(Number(number))}`);
        where.push(`t.id IN (${matches.join(' UNION ')})`);
      }
    }
    // The caller's last look at each ticket (primary key lookup): unseen = never opened, or the customer wrote since.
    // Unused by a filter (the count), PostgreSQL drops the join: it is a LEFT JOIN on a unique key.
    const seenJoin = `LEFT JOIN ticket_reads tr ON tr.ticket_id = t.id AND tr.agent_id = ${p(me.id)}`;
    const unseenSql = `(tr.last_seen_at IS NULL OR COALESCE(t.last_customer_message_at > tr.last_seen_at, false))`;
    if (q.unseen !== undefined) where.push(q.unseen ? unseenSql : `NOT ${unseenSql}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const countParams = [...params];

    const desc = q.sort.startsWith('-');
    const sort = SORT_SQL[q.sort.replace('-', '')];
    const dir = desc ? 'DESC' : 'ASC';
    let keyset = '';
    let offset = (q.page - 1) * q.pageSize;
    if (q.cursor) {
      if (!sort.cursorable) throw unprocessable(`cursor paging is not available when sorting by ${q.sort}; use page`, ErrorCode.ValidationFailed);
      const c = decodeCursor(q.cursor);
      keyset = `${where.length ? 'AND' : 'WHERE'} (${sort.column}, t.id) ${desc ? '<' : '>'} (${p(c.v)}, ${p(c.id)})`;
      offset = 0;
    }
    const rows = await this.ds.query<(TicketListRow & { sort_value: string; unseen: boolean })[]>(
      `SELECT ${TICKET_SELECT}, ${unseenSql} AS unseen, (${sort.column})::text AS sort_value FROM tickets t ${TICKET_JOINS} ${seenJoin}
        ${filter} ${keyset}
        ORDER BY ${sort.column} ${dir}, t.id ${dir}
        LIMIT ${p(q.pageSize + 1)} OFFSET ${p(offset)}`,
      params,
    );
    const [{ total }] = await this.ds.query<{ total: number }[]>(`SELECT count(*)::int AS total FROM tickets t ${seenJoin} ${filter}`, countParams);
    const more = rows.length > q.pageSize;
    const items = rows.slice(0, q.pageSize);
    const last = items.at(-1);
    return {
      items: items.map((r) => ({ ...ticketView(r), unseen: r.unseen })),
      total,
      page: q.cursor ? null : q.page,
      pageSize: q.pageSize,
      nextCursor: more && last && sort.cursorable ? encodeCursor({ v: last.sort_value, id: last.id }) : null,
    };
  }

  /** The caller has looked at the ticket now: it stops being unseen for them until the customer writes again. */
  async markSeen(id: string, me: AuthAgent): Promise<{ ticketId: string; lastSeenAt: Date }> {
    const [row] = await this.ds.query<{ last_seen_at: Date }[]>(
      `INSERT INTO ticket_reads (agent_id, ticket_id, last_seen_at) SELECT $1, t.id, now() FROM tickets t WHERE t.id = $2
       ON CONFLICT (agent_id, ticket_id) DO UPDATE SET last_seen_at = GREATEST(ticket_reads.last_seen_at, excluded.last_seen_at)
       RETURNING last_seen_at`,
      [me.id, id],
    );
    if (!row) throw notFound('ticket', id);
    return { ticketId: id, lastSeenAt: row.last_seen_at };
  }

  async get(id: string) {
    const [row] = await this.ds.query<TicketListRow[]>(`SELECT ${TICKET_SELECT}, t.custom_attributes FROM tickets t ${TICKET_JOINS} WHERE t.id = $1`, [id]);
    if (!row) throw notFound('ticket', id);
    const [observers, messages, attachments] = await Promise.all([
      this.ds.query<{ id: string; name: string }[]>(
        `SELECT a.id, a.name FROM ticket_observers o JOIN agents a ON a.id = o.agent_id WHERE o.ticket_id = $1 ORDER BY a.name`,
        [id],
      ),
      this.ds.query<Record<string, unknown>[]>(
        `SELECT m.id, m.direction, m.author_kind AS "authorKind", m.author_contact_id AS "authorContactId", c.name AS "authorContactName",
                m.author_agent_id AS "authorAgentId", a.name AS "authorAgentName", m.visibility, m.channel,
                m.channel_account_id AS "channelAccountId", m.contact_address AS "contactAddress", m.subject, m.text, m.html,
                m.delivery_status AS "deliveryStatus", m.delivery_error AS "deliveryError", m.metadata->'sms' AS sms, m.threaded_by AS "threadedBy",
                m.threaded_by_value AS "threadedByValue", m.metadata->>'warning' AS warning, m.auto_submitted AS "autoSubmitted", m.metadata,
                m.received_at AS "receivedAt", m.edited_at AS "editedAt", m.created_at AS "createdAt", m.raw_attachment_id AS "rawAttachmentId"
           FROM messages m LEFT JOIN contacts c ON c.id = m.author_contact_id LEFT JOIN agents a ON a.id = m.author_agent_id
          WHERE m.ticket_id = $1 ORDER BY m.created_at, m.id`,
        [id],
      ),
      this.ds.query<{ id: string; messageId: string | null; filename: string; contentType: string; size: number }[]>(
        `SELECT id, message_id AS "messageId", filename, content_type AS "contentType", size FROM attachments WHERE ticket_id = $1 ORDER BY created_at`,
        [id],
      ),
    ]);
    const withUrl = (a: (typeof attachments)[number]) => ({ ...a, url: `/api/v1/attachments/${a.id}` });
    // The raw original of a message (e.g. the whole e-mail) is offered as `raw`, not among the files the customer sent.
    const raws = new Set(messages.map((m) => m.rawAttachmentId).filter(Boolean));
    const files = attachments.filter((a) => !raws.has(a.id));
    return {
      ...ticketView(row),
      observers,
      messages: messages.map(({ rawAttachmentId, ...m }) => {
        const raw = attachments.find((a) => a.id === rawAttachmentId);
        return { ...m, attachments: files.filter((a) => a.messageId === m.id).map(withUrl), raw: raw ? withUrl(raw) : null };
      }),
      attachments: files.map(withUrl),
    };
  }

  async history(id: string) {
    await this.assertExists(id);
    const rows = await this.ds.query<Record<string, unknown>[]>(
      `SELECT e.id::text, e.kind, e.actor_kind AS "actorKind", e.actor_agent_id AS "actorAgentId", a.name AS "actorAgentName",
              e.actor_contact_id AS "actorContactId", e.data, e.created_at AS "createdAt"
         FROM ticket_events e LEFT JOIN agents a ON a.id = e.actor_agent_id
        WHERE e.ticket_id = $1 ORDER BY e.id`,
      [id],
    );
    return { items: rows, total: rows.length };
  }

  async create(input: CreateTicketInput, agent: AuthAgent) {
    const actor = agentActor(agent);
    const { ticketId, outboxAdded } = await inTransaction(this.ds, async (em) => {
      let contactId: string | null = input.contactId ?? null;
      let companyId: string | null = null;
      if (contactId) {
        const [c] = await em.query<{ company_id: string | null }[]>(`SELECT company_id FROM contacts WHERE id = $1`, [contactId]);
        if (!c) throw unprocessable(`contact ${contactId} does not exist`);
        companyId = c.company_id;
      } else if (input.contact) {
        const sender = normalizeContactRef(input.contact);
        const resolved = await resolveContact(em, sender, sender.email ? Channel.Email : sender.phone ? Channel.Sms : Channel.Telegram);
        contactId = resolved.id;
        companyId = resolved.companyId;
      }
      await this.assertAssignees(em, input.responsibleAgentId ?? null, input.responsibleGroupId ?? null);
      const [t] = await em.query<{ id: string; number: number }[]>(
        `INSERT INTO tickets (subject, status_key, status_kind, priority, type, registration_channel, contact_id, company_id,
                              responsible_agent_id, responsible_group_id, custom_attributes, active_since)
         VALUES ($1, 'open', 'open', $2, $3, $4, $5, $6, $7, $8, $9::jsonb, now()) RETURNING id, number::int AS number`,
        [
          input.subject,
          input.priority,
          input.type,
          input.registrationChannel ?? ChannelKind.Console,
          contactId,
          companyId,
          input.responsibleAgentId ?? null,
          input.responsibleGroupId ?? null,
          JSON.stringify(stripNulls(input.customAttributes ?? {})),
        ],
      );
      const events: HistoryEvent[] = [{ ticketId: t.id, actor, kind: 'created', data: { channel: input.registrationChannel ?? ChannelKind.Console } }];
      if (input.description) {
        await this.messages.insertNote(em, t.id, agent, input.description, events);
      }
      let added = false;
      if (input.outbound) {
        await this.messages.insertPublicReply(em, t.id, agent, { body: input.outbound.body, html: input.outbound.html, channel: input.outbound.channel, attachmentIds: [] }, events);
        added = true;
      }
      await recordEvents(em, events);
      return { ticketId: t.id, outboxAdded: added };
    });
    if (outboxAdded) this.messages.wakeOutbox();
    return this.get(ticketId);
  }

  async update(id: string, patch: UpdateTicketInput, agent: AuthAgent) {
    const actor = agentActor(agent);
    const notified = await this.ds.transaction(async (em) => {
      const t = await this.lock(em, id);
      const events: HistoryEvent[] = [];
      const sets: string[] = [];
      const params: unknown[] = [id];
      const set = (column: string, value: unknown, cast = '') => {
        params.push(value);
        sets.push(`${column} = $${params.length}${cast}`);
      };

      let newKind: StatusKind | undefined;
      const holdStays = t.statusKind === StatusKind.OnHold && (!patch.status || patch.status === t.statusKey);
      if (patch.onHoldUntil && !patch.status && !holdStays) {
        throw unprocessable('onHoldUntil is given only together with an on_hold status', ErrorCode.ValidationFailed);
      }
      if (patch.onHoldUntil && holdStays) {
        const until = futureDate(patch.onHoldUntil);
        set('on_hold_until', until);
        events.push({ ticketId: id, actor, kind: 'updated', data: { field: 'onHoldUntil', from: t.onHoldUntil, to: until } });
      }
      if (patch.status && patch.status !== t.statusKey) {
        const [status] = await em.query<{ key: string; kind: StatusKind }[]>(`SELECT key, kind FROM statuses WHERE key = $1`, [patch.status]);
        if (!status) throw unprocessable(`status "${patch.status}" does not exist`);
        if (!canTransition(t.statusKind, status.kind)) {
          throw illegal(`a ${t.statusKind} ticket cannot become ${status.kind}${t.statusKind === StatusKind.Closed ? ': closed is final' : ''}`);
        }
        let until: Date | null = null;
        if (status.kind === StatusKind.OnHold) {
          if (!patch.onHoldUntil) throw unprocessable('putting a ticket on hold needs onHoldUntil: when it goes back to open', ErrorCode.ValidationFailed);
          until = futureDate(patch.onHoldUntil);
        } else if (patch.onHoldUntil) {
          throw unprocessable('onHoldUntil is only for on_hold statuses', ErrorCode.ValidationFailed);
        }
        const clock = nextClock(t, status.kind, new Date(), until);
        set('status_key', status.key);
        set('status_kind', status.kind, '::status_kind');
        set('on_hold_until', clock.onHoldUntil);
        set('resolved_at', clock.resolvedAt);
        set('closed_at', clock.closedAt);
        set('resolution_seconds', clock.resolutionSeconds);
        set('active_seconds', clock.activeSeconds);
        set('active_since', clock.activeSince);
        events.push({ ticketId: id, actor, kind: 'status_changed', data: { from: t.statusKey, to: status.key, ...(until ? { onHoldUntil: until } : {}) } });
        // The customer hears about a new kind of status (not a move between two statuses of one kind).
        if (status.kind !== t.statusKind) newKind = status.kind;
      }
      if (patch.priority) {
        set('priority', patch.priority, '::ticket_priority');
        events.push({ ticketId: id, actor, kind: 'updated', data: { field: 'priority', to: patch.priority } });
      }
      if (patch.type) {
        set('type', patch.type, '::ticket_type');
        events.push({ ticketId: id, actor, kind: 'updated', data: { field: 'type', to: patch.type } });
      }
      if (patch.subject) {
        set('subject', patch.subject);
        events.push({ ticketId: id, actor, kind: 'updated', data: { field: 'subject', to: patch.subject } });
      }
      if (patch.responsibleAgentId !== undefined || patch.responsibleGroupId !== undefined) {
        await this.assertAssignees(em, patch.responsibleAgentId ?? null, patch.responsibleGroupId ?? null);
        if (patch.responsibleAgentId !== undefined) set('responsible_agent_id', patch.responsibleAgentId);
        if (patch.responsibleGroupId !== undefined) set('responsible_group_id', patch.responsibleGroupId);
        events.push({
          ticketId: id,
          actor,
          kind: 'assigned',
          data: {
            agentId: patch.responsibleAgentId === undefined ? t.responsibleAgentId : patch.responsibleAgentId,
            groupId: patch.responsibleGroupId === undefined ? t.responsibleGroupId : patch.responsibleGroupId,
          },
        });
      }
      if (patch.customAttributes) {
        const removed = Object.keys(patch.customAttributes).filter((k) => patch.customAttributes![k] === null);
        params.push(JSON.stringify(stripNulls(patch.customAttributes)), removed);
        sets.push(`custom_attributes = (custom_attributes || $${params.length - 1}::jsonb) - $${params.length}::text[]`);
        events.push({ ticketId: id, actor, kind: 'updated', data: { field: 'customAttributes', changed: Object.keys(patch.customAttributes) } });
      }
      if (patch.observerIds) {
        await this.assertAgents(em, patch.observerIds);
        await em.query(`DELETE FROM ticket_observers WHERE ticket_id = $1`, [id]);
        if (patch.observerIds.length) {
          await em.query(`INSERT INTO ticket_observers (ticket_id, agent_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`, [id, patch.observerIds]);
        }
        events.push({ ticketId: id, actor, kind: 'updated', data: { field: 'observers', to: patch.observerIds } });
      }
      sets.push('updated_at = now()');
      await em.query(`UPDATE tickets SET ${sets.join(', ')} WHERE id = $1`, params);
      await recordEvents(em, events);
      // The status notification is written with the change, like a reply: committed together or not at all.
      let notified = false;
      let surveyed = false;
      if (newKind === StatusKind.Resolved && (await this.notifications.surveysOnResolve(em))) {
        const [survey] = await this.notifications.queue(em, NotificationKey.ResolutionSurvey, [id], NotificationChannel.Telegram);
        notified = survey?.state === AcknowledgementState.Queued;
        // A customer talking to us on Telegram hears about the resolution there (or just did): no e-mail besides.
        surveyed = notified || survey?.state === TOO_SOON;
      }
      // A customer writing by SMS hears about it by SMS when the SMS notice is on for the new kind, and then gets no e-mail besides.
      let texted = false;
      if (newKind && !surveyed && (await this.notifications.sendsOnStatus(em, newKind, NotificationChannel.Sms))) {
        const [sms] = await this.notifications.queue(em, NotificationKey.StatusChanged, [id], NotificationChannel.Sms);
        texted = sms?.state === AcknowledgementState.Queued;
        notified ||= texted;
      }
      if (newKind && !surveyed && !texted && (await this.notifications.sendsOnStatus(em, newKind))) {
        const [outcome] = await this.notifications.queue(em, NotificationKey.StatusChanged, [id]);
        notified ||= outcome?.state === AcknowledgementState.Queued;
      }
      return notified;
    });
    if (notified) this.notifications.wake();
    return this.get(id);
  }

  /** Hands the ticket to the 2nd line: its group, no individual agent, the note as an internal message. */
  async escalate(id: string, note: string, agent: AuthAgent) {
    const actor = agentActor(agent);
    await this.ds.transaction(async (em) => {
      const t = await this.lock(em, id);
      if (t.line === 2) throw conflict(`ticket #${t.number} is already on the 2nd line`, 'already_escalated');
      if (t.statusKind === StatusKind.Closed) throw conflict(`ticket #${t.number} is closed`, 'ticket_closed');
      const [group] = await em.query<{ id: string; name: string }[]>(`SELECT id, name FROM agent_groups WHERE line = 2 ORDER BY created_at LIMIT 1`);
      if (!group) throw unprocessable('there is no 2nd-line group (an agent group with line 2) to escalate to', 'no_second_line_group');
      await em.query(`UPDATE tickets SET line = 2, responsible_group_id = $2, responsible_agent_id = NULL, updated_at = now() WHERE id = $1`, [id, group.id]);
      const events: HistoryEvent[] = [
        { ticketId: id, actor, kind: 'escalated', data: { fromLine: t.line, toLine: 2, groupId: group.id, groupName: group.name, note } },
      ];
      await this.messages.insertNote(em, id, agent, `Escalated to ${group.name}: ${note}`, events);
      await recordEvents(em, events);
    });
    return this.get(id);
  }

  /** Other tickets whose contact shares an e-mail address or phone number with this ticket's contact. */
  async related(id: string, pageNo: number, pageSize: number) {
    const [t] = await this.ds.query<{ contact_id: string | null }[]>(`SELECT contact_id FROM tickets WHERE id = $1`, [id]);
    if (!t) throw notFound('ticket', id);
    if (!t.contact_id) return { items: [], total: 0, page: pageNo, pageSize };
    const shared = `
      SELECT DISTINCT other.contact_id FROM contact_identities mine
        JOIN contact_identities other ON other.kind = mine.kind AND lower(other.value) = lower(mine.value)
       WHERE mine.contact_id = $1 AND mine.kind IN ('${IdentityKind.Email}', '${IdentityKind.Phone}')`;
    const rows = await this.ds.query<TicketListRow[]>(
      `SELECT ${TICKET_SELECT} FROM tickets t ${TICKET_JOINS}
        WHERE t.id <> $2 AND t.contact_id IN (${shared})
        ORDER BY t.created_at DESC, t.id DESC LIMIT $3 OFFSET $4`,
      [t.contact_id, id, pageSize, (pageNo - 1) * pageSize],
    );
    const [{ total }] = await this.ds.query<{ total: number }[]>(
      `SELECT count(*)::int AS total FROM tickets t WHERE t.id <> $2 AND t.contact_id IN (${shared})`,
      [t.contact_id, id],
    );
    return { items: rows.map(ticketView), total, page: pageNo, pageSize };
  }

  async assertExists(id: string): Promise<void> {
    const rows = await this.ds.query<unknown[]>(`SELECT 1 FROM tickets WHERE id = $1`, [id]);
    if (!rows.length) throw notFound('ticket', id);
  }

  private async lock(em: EntityManager, id: string): Promise<LockedTicket> {
    const [t] = await em.query<LockedTicket[]>(
      `SELECT id, number::int AS number, status_key AS "statusKey", status_kind AS "statusKind", type, line, contact_id AS "contactId",
              responsible_agent_id AS "responsibleAgentId", responsible_group_id AS "responsibleGroupId",
              on_hold_until AS "onHoldUntil", resolved_at AS "resolvedAt", closed_at AS "closedAt",
              resolution_seconds AS "resolutionSeconds", active_seconds AS "activeSeconds", active_since AS "activeSince"
         FROM tickets WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!t) throw notFound('ticket', id);
    return t;
  }

  private async assertAssignees(em: EntityManager, agentId: string | null, groupId: string | null): Promise<void> {
    if (agentId) await this.assertAgents(em, [agentId]);
    if (groupId) {
      const rows = await em.query<unknown[]>(`SELECT 1 FROM agent_groups WHERE id = $1`, [groupId]);
      if (!rows.length) throw unprocessable(`group ${groupId} does not exist`);
    }
  }

  private async assertAgents(em: EntityManager, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const rows = await em.query<{ id: string }[]>(`SELECT id FROM agents WHERE id = ANY($1::uuid[]) AND active`, [ids]);
    const missing = ids.filter((i) => !rows.some((r) => r.id === i));
    if (missing.length) throw unprocessable(`no active agent with id ${missing.join(', ')}`);
  }
}

const ACTIVE_KINDS = [StatusKind.Open, StatusKind.Pending, StatusKind.OnHold];

/** The console's inbox views as filters. */
export const TICKET_VIEWS: Record<TicketViewName, Partial<ListTicketsQuery>> = {
  my_open: { responsible: 'me', statusKind: [StatusKind.Open, StatusKind.Pending] },
  unassigned: { responsible: 'none', statusKind: [StatusKind.Open] },
  first_line: { line: 1, statusKind: ACTIVE_KINDS },
  second_line: { line: 2, statusKind: ACTIVE_KINDS },
  pending: { statusKind: [StatusKind.Pending] },
  on_hold: { statusKind: [StatusKind.OnHold] },
  all: {},
};

/** The view's filters, with the query's own filters taking the place of the view's for the same field. */
function applyView(q: ListTicketsQuery): ListTicketsQuery {
  if (!q.view) return q;
  const own = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));
  return { ...TICKET_VIEWS[q.view], ...own } as ListTicketsQuery;
}

function futureDate(iso: string): Date {
  const d = new Date(iso);
  if (d.getTime() <= Date.now()) throw unprocessable('onHoldUntil must be in the future', ErrorCode.ValidationFailed);
  return d;
}

function stripNulls(r: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null));
}

function normalizeContactRef(c: { email?: string; phone?: string; telegramId?: string; name?: string }) {
  try {
    return {
      ...(c.email ? { email: normalizeIdentity(IdentityKind.Email, c.email) } : {}),
      ...(c.phone ? { phone: normalizeIdentity(IdentityKind.Phone, c.phone) } : {}),
      ...(c.telegramId ? { telegramId: normalizeIdentity(IdentityKind.Telegram, c.telegramId) } : {}),
      ...(c.name ? { displayName: c.name } : {}),
    };
  } catch (err) {
    throw new DomainException(ErrorCode.ValidationFailed, `invalid contact: ${(err as Error).message}`, 400);
  }
}

function encodeCursor(c: { v: string; id: string }): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string): { v: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as { v?: unknown; id?: unknown };
    if (typeof c.v === 'string' && typeof c.id === 'string' && /^[0-9a-f-]{36}$/.test(c.id)) return { v: c.v, id: c.id };
  } catch {
    // fall through
  }
  throw new DomainException(ErrorCode.ValidationFailed, 'cursor is not one this API issued', 400);
}

