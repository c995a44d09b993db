import {
  Channel,
  customerEventJobId,
  JobName,
  outboundJobId,
  QueueName,
  type CustomerEventInput,
  type InboundMessageInput,
  type OutboundMessage,
} from '@switchboard/contracts';
import { DEFAULT_JOB_OPTIONS } from '@switchboard/queue';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { resetNotificationTemplates, resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { emailMessage, enqueueInbound, queue, settled } from '../support/queues.js';

/** The bot the customers write to: its id is the messages' channelAccountId. */
const BOT = randomUUID();

interface Delivered {
  outcome: string;
  ticketId: string;
  ticketNumber: number;
  messageId: string;
}

/**
 * Core's side of the Telegram channel, with no Telegram service running: messages and customer
 * events are put on the real queues as the service would, and what core puts on
 * `outbound-telegram` is read back from there.
 */
describe('Telegram channel in core (real Postgres, Redis, BullMQ)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let inbound: Queue;
  let events: Queue;
  let outTelegram: Queue;
  let outEmail: Queue;
  let seq = 0;

  beforeAll(async () => {
    core = await startCore({ NOTIFICATIONS_ENABLED: 'true', OUTBOX_POLL_MS: '100' });
    inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    // As a channel service's producer (QueueModule) has it: the project's attempts and backoff.
    events = new Queue(QueueName.CustomerEvents, { connection: core.redis, prefix: core.config.QUEUE_PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    outTelegram = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.OutboundTelegram);
    outEmail = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.OutboundEmail);
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
  });
  beforeEach(async () => {
    await resetState(core);
  });
  afterAll(async () => {
    await resetNotificationTemplates(core.ds);
    await Promise.all([inbound, events, outTelegram, outEmail].map((q) => q.close()));
    await core.close();
  });

  /** A Telegram message as the Telegram service publishes it: chat id = user id in a private chat, thread key `<chat>:<seq>`. */
  function tgMessage(telegramId: string, over: Partial<InboundMessageInput> = {}): InboundMessageInput {
    seq += 1;
    return {
      v: 1,
      channel: Channel.Telegram,
      channelAccountId: BOT,
      externalId: `${telegramId}:${seq}`,
      receivedAt: new Date().toISOString(),
      sender: { telegramId, displayName: `Tg ${telegramId}` },
      text: `Message ${seq} from ${telegramId}`,
      threadHints: { messageIds: [], threadKey: `${telegramId}:0` },
      ...over,
    };
  }

  async function deliver(msg: InboundMessageInput): Promise<Delivered> {
    const job = await enqueueInbound(inbound, msg);
    const { job: done, state } = await settled(inbound, job.id!);
    expect({ state, failedReason: done.failedReason }).toEqual({ state: 'completed', failedReason: undefined });
    return done.returnvalue as Delivered;
  }

  function event(telegramId: string, body: Record<string, unknown>): CustomerEventInput {
    seq += 1;
    return {
      v: 1,
      channel: Channel.Telegram,
      channelAccountId: BOT,
      eventId: `update-${seq}`,
      sender: { telegramId },
      at: new Date().toISOString(),
      ...body,
    } as CustomerEventInput;
  }

  async function publish(e: CustomerEventInput) {
    return events.add(JobName.CustomerEvent, e, { jobId: customerEventJobId(e) });
  }

  /** Publishes an event and waits for its job: its state and what core made of it. */
  async function apply(e: CustomerEventInput) {
    const job = await publish(e);
    const { job: done, state } = await settled(events, job.id!);
    return { state, result: done.returnvalue as { outcome: string; reason?: string }, failedReason: done.failedReason, attemptsMade: done.attemptsMade };
  }

  const ticket = async (id: string) => (await admin.get(`/tickets/${id}`)).body;
  const historyKinds = async (id: string) => (await admin.get(`/tickets/${id}/history`)).body.items as { kind: string; actorKind: string; actorContactId: string | null; data: Record<string, unknown> }[];

  /** The job core's outbox relay put on `q` for a message. */
  const outboundJob = (q: Queue, messageId: string) =>
    waitFor(`the outbound job of ${messageId}`, async () => (await q.getJob(outboundJobId(messageId)))?.data as OutboundMessage | undefined);

  const outboundMessages = (ticketId: string) =>
    core.ds.query<{ id: string; channel: string; author_kind: string; auto_submitted: boolean; delivery_status: string; notification: string | null; thread_key: string | null }[]>(
      `SELECT id, channel, author_kind, auto_submitted, delivery_status, metadata->>'notification' AS notification, thread_key
         FROM messages WHERE ticket_id = $1 AND direction = 'outbound' ORDER BY created_at`,
      [ticketId],
    );

  describe('agent replies', () => {
    it('answer a Telegram customer on outbound-telegram, from the bot they wrote to, in their chat', async () => {
      const msg = tgMessage('700100', { sender: { telegramId: '700100', displayName: 'Tom Tg' } });
      const t = await deliver(msg);
      const reply = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'We are on it.', visibility: 'public' });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ channel: 'telegram', deliveryStatus: 'queued', contactAddress: '700100' });
      const payload = await outboundJob(outTelegram, reply.body.id);
      expect(payload).toMatchObject({
        messageId: reply.body.id,
        ticketId: t.ticketId,
        ticketNumber: t.ticketNumber,
        channel: 'telegram',
        channelAccountId: BOT,
        recipient: { telegramId: '700100', displayName: 'Tom Tg' },
        text: 'We are on it.',
        threading: { references: [], threadKey: '700100:0' },
        autoSubmitted: false,
      });
      expect(payload.prompt).toBeUndefined();
    });

    it('go out on another channel the contact has when the agent picks it, and never on one it lacks', async () => {
      const t = await deliver(tgMessage('700200'));
      const [{ contact_id: contactId }] = await core.ds.query(`SELECT contact_id FROM tickets WHERE id = $1`, [t.ticketId]);
      const noEmail = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'By mail?', visibility: 'public', channel: 'email' });
      expect(noEmail.status).toBe(422);
      expect(noEmail.body.error.code).toBe('no_reachable_channel');
      await core.ds.query(`INSERT INTO contact_identities (contact_id, kind, value) VALUES ($1, 'email', 'tg700200@example.org')`, [contactId]);
      const byMail = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'By mail.', visibility: 'public', channel: 'email' });
      expect(byMail.status).toBe(201);
      const mail = await outboundJob(outEmail, byMail.body.id);
      expect(mail).toMatchObject({ channel: 'email', recipient: { email: 'tg700200@example.org' } });
      // Not following the customer's Telegram message: no bot, no chat.
      expect(mail.channelAccountId).toBeUndefined();
      expect(mail.threading.threadKey).toBeUndefined();
      // Without a choice, the reply follows the customer's latest message: Telegram.
      const plain = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'Here again.', visibility: 'public' });
      expect((await outboundJob(outTelegram, plain.body.id)).recipient.telegramId).toBe('700200');
    });
  });

  describe('message-edited', () => {
    it('replaces the text, keeps the previous one in the history, and changes nothing the second time', async () => {
      const msg = tgMessage('700300', { text: 'My order 123 is late' });
      const t = await deliver(msg);
      const edited = await apply(event('700300', { type: 'message-edited', externalId: msg.externalId, text: 'My order 124 is late' }));
      expect(edited).toMatchObject({ state: 'completed', result: { outcome: 'applied' } });

      const body = await ticket(t.ticketId);
      expect(body.messages[0]).toMatchObject({ id: t.messageId, text: 'My order 124 is late', editedAt: expect.any(String) });
      const history = await historyKinds(t.ticketId);
      expect(history.at(-1)).toMatchObject({
        kind: 'message_edited',
        actorKind: 'contact',
        actorContactId: body.contact.id,
        data: { messageId: t.messageId, previousText: 'My order 123 is late', text: 'My order 124 is late' },
      });

      // The same text again (a redelivered edit under another update id) changes nothing.
      expect((await apply(event('700300', { type: 'message-edited', externalId: msg.externalId, text: 'My order 124 is late' }))).result.outcome).toBe('unchanged');
      // An older edit arriving late does not bring older text back.
      const late = await apply(event('700300', { type: 'message-edited', externalId: msg.externalId, text: 'My order 12 is late', at: new Date(Date.now() - 60_000).toISOString() }));
      expect(late.result.outcome).toBe('unchanged');
      expect((await ticket(t.ticketId)).messages[0].text).toBe('My order 124 is late');
      expect((await historyKinds(t.ticketId)).filter((e) => e.kind === 'message_edited')).toHaveLength(1);
    });

    it('waits for a message not stored yet: the job is retried with backoff and then applied', async () => {
      const msg = tgMessage('700400', { text: 'Helo' });
      const job = await publish(event('700400', { type: 'message-edited', externalId: msg.externalId, text: 'Hello' }));
      await waitFor('the edit to fail its first attempt', async () => (await events.getJob(job.id!))?.attemptsMade === 1);
      expect(await events.getJobState(job.id!)).toBe('delayed');
      const t = await deliver(msg);
      const { job: done, state } = await settled(events, job.id!);
      expect(state).toBe('completed');
      expect(done.returnvalue).toMatchObject({ outcome: 'applied' });
      expect(done.attemptsMade).toBeGreaterThanOrEqual(2);
      expect((await ticket(t.ticketId)).messages[0]).toMatchObject({ text: 'Hello', editedAt: expect.any(String) });
    });

    it('ignores an edit by someone who did not write the message', async () => {
      const msg = tgMessage('700500', { text: 'Original' });
      const t = await deliver(msg);
      await deliver(tgMessage('700501'));
      const stranger = await apply(event('700501', { type: 'message-edited', externalId: msg.externalId, text: 'Hijacked' }));
      expect(stranger).toMatchObject({ state: 'completed', result: { outcome: 'ignored', reason: expect.stringContaining('not the author') } });
      const unknown = await apply(event('799999', { type: 'message-edited', externalId: msg.externalId, text: 'Hijacked' }));
      expect(unknown.result.outcome).toBe('ignored');
      expect((await ticket(t.ticketId)).messages[0]).toMatchObject({ text: 'Original', editedAt: null });
    });
  });

  describe('resolution-answer', () => {
    const resolve = async (id: string) => expect((await admin.patch(`/tickets/${id}`, { status: 'resolved' })).status).toBe(200);

    it('solved closes a resolved ticket, as the customer; a second answer changes nothing', async () => {
      const t = await deliver(tgMessage('700600'));
      await resolve(t.ticketId);
      const solved = await apply(event('700600', { type: 'resolution-answer', ticketId: t.ticketId, solved: true }));
      expect(solved.result.outcome).toBe('applied');
      const body = await ticket(t.ticketId);
      expect(body).toMatchObject({ status: { key: 'closed', kind: 'closed' }, closedAt: expect.any(String), resolvedAt: expect.any(String) });
      expect((await historyKinds(t.ticketId)).at(-1)).toMatchObject({
        kind: 'status_changed',
        actorKind: 'contact',
        actorContactId: body.contact.id,
        data: { from: 'resolved', to: 'closed', reason: 'customer_confirmed_solved' },
      });
      expect((await apply(event('700600', { type: 'resolution-answer', ticketId: t.ticketId, solved: true }))).result).toMatchObject({
        outcome: 'ignored',
        reason: expect.stringContaining('is closed, not resolved'),
      });
    });

    it('not solved reopens a resolved ticket, or a closed one within the reopen window only', async () => {
      const t = await deliver(tgMessage('700700'));
      await resolve(t.ticketId);
      expect((await apply(event('700700', { type: 'resolution-answer', ticketId: t.ticketId, solved: false }))).result.outcome).toBe('applied');
      const reopened = await ticket(t.ticketId);
      expect(reopened).toMatchObject({ status: { key: 'open', kind: 'open' }, resolvedAt: null, closedAt: null });
      expect((await historyKinds(t.ticketId)).at(-1)).toMatchObject({ kind: 'reopened', actorKind: 'contact', data: { from: 'resolved', to: 'open', reason: 'customer_not_solved' } });
      // On an open ticket the answer is out of date.
      expect((await apply(event('700700', { type: 'resolution-answer', ticketId: t.ticketId, solved: false }))).result.outcome).toBe('ignored');

      await resolve(t.ticketId);
      expect((await admin.patch(`/tickets/${t.ticketId}`, { status: 'closed' })).status).toBe(200);
      expect((await apply(event('700700', { type: 'resolution-answer', ticketId: t.ticketId, solved: false }))).result.outcome).toBe('applied');
      expect((await ticket(t.ticketId)).status.kind).toBe('open');

      await resolve(t.ticketId);
      expect((await admin.patch(`/tickets/${t.ticketId}`, { status: 'closed' })).status).toBe(200);
      const days = core.config.REOPEN_WINDOW_DAYS + 1;
      await core.ds.query(`UPDATE tickets SET closed_at = now() - make_interval(days => $2), resolved_at = now() - make_interval(days => $2) WHERE id = $1`, [t.ticketId, days]);
      const late = await apply(event('700700', { type: 'resolution-answer', ticketId: t.ticketId, solved: false }));
      expect(late.result).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('not reopened') });
      expect((await ticket(t.ticketId)).status.kind).toBe('closed');
    });

    it('ignores an answer from someone who is not the ticket’s contact', async () => {
      const t = await deliver(tgMessage('700800'));
      await deliver(tgMessage('700801'));
      await resolve(t.ticketId);
      for (const solved of [true, false]) {
        const res = await apply(event('700801', { type: 'resolution-answer', ticketId: t.ticketId, solved }));
        expect(res).toMatchObject({ state: 'completed', result: { outcome: 'ignored', reason: expect.stringContaining('not the contact') } });
      }
      const missing = await apply(event('700800', { type: 'resolution-answer', ticketId: randomUUID(), solved: true }));
      expect(missing.result).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('does not exist') });
      expect((await ticket(t.ticketId)).status.kind).toBe('resolved');
    });
  });

  describe('rating', () => {
    it('stores 1–5 on the ticket with a history event; the same rating again and older ratings change nothing', async () => {
      const t = await deliver(tgMessage('700900'));
      expect((await ticket(t.ticketId)).rating).toBeNull();
      const at = new Date().toISOString();
      expect((await apply(event('700900', { type: 'rating', ticketId: t.ticketId, rating: 4, at }))).result.outcome).toBe('applied');
      expect(await ticket(t.ticketId)).toMatchObject({ rating: 4, ratedAt: at });
      expect((await apply(event('700900', { type: 'rating', ticketId: t.ticketId, rating: 4 }))).result.outcome).toBe('unchanged');
      expect((await apply(event('700900', { type: 'rating', ticketId: t.ticketId, rating: 5 }))).result.outcome).toBe('applied');
      expect((await apply(event('700900', { type: 'rating', ticketId: t.ticketId, rating: 1, at }))).result.outcome).toBe('unchanged');
      expect((await ticket(t.ticketId)).rating).toBe(5);
      const rated = (await historyKinds(t.ticketId)).filter((e) => e.kind === 'rated');
      expect(rated.map((e) => [e.actorKind, e.data.rating, e.data.previous])).toEqual([
        ['contact', 4, undefined],
        ['contact', 5, 4],
      ]);
    });

    it('refuses a rating outside 1–5 by the contract, for good, and a stranger’s rating', async () => {
      const t = await deliver(tgMessage('701000'));
      for (const rating of [0, 6, 4.5]) {
        const res = await apply(event('701000', { type: 'rating', ticketId: t.ticketId, rating }));
        expect(res).toMatchObject({ state: 'failed', failedReason: expect.stringContaining('invalid customer-event payload: rating'), attemptsMade: 1 });
      }
      await deliver(tgMessage('701001'));
      expect((await apply(event('701001', { type: 'rating', ticketId: t.ticketId, rating: 1 }))).result.outcome).toBe('ignored');
      expect((await ticket(t.ticketId)).rating).toBeNull();
      // The database refuses one too (a plain client: TypeORM would log the expected error).
      const client = new pg.Client({ connectionString: core.config.DATABASE_URL });
      await client.connect();
      try {
        await expect(client.query(`UPDATE tickets SET rating = 6 WHERE id = $1`, [t.ticketId])).rejects.toThrow(/tickets_rating_check/);
      } finally {
        await client.end();
      }
    });
  });

  describe('resolution survey', () => {
    it('asks a Telegram customer on resolving, through the outbox, in their chat; not again within a minute', async () => {
      const msg = tgMessage('701100', { subject: undefined, text: 'Printer is on fire' });
      const t = await deliver(msg);
      // The contact can be mailed too: the survey replaces the e-mail status notice.
      const [{ contact_id: contactId }] = await core.ds.query(`SELECT contact_id FROM tickets WHERE id = $1`, [t.ticketId]);
      await core.ds.query(`INSERT INTO contact_identities (contact_id, kind, value) VALUES ($1, 'email', 'tg701100@example.org')`, [contactId]);
      expect((await admin.patch(`/tickets/${t.ticketId}`, { status: 'resolved' })).status).toBe(200);

      const [survey, ...others] = await outboundMessages(t.ticketId);
      expect(others).toEqual([]);
      expect(survey).toMatchObject({ channel: 'telegram', author_kind: 'system', auto_submitted: true, delivery_status: 'queued', notification: 'resolution_survey', thread_key: '701100:0' });
      const payload = await outboundJob(outTelegram, survey.id);
      expect(payload).toMatchObject({
        ticketId: t.ticketId,
        ticketNumber: t.ticketNumber,
        channel: 'telegram',
        channelAccountId: BOT,
        recipient: { telegramId: '701100', displayName: 'Tg 701100' },
        text: `Your request #${t.ticketNumber} "Printer is on fire" has been marked as resolved.\n\nWas your question solved?`,
        threading: { references: [], threadKey: '701100:0' },
        autoSubmitted: true,
        prompt: 'resolution-survey',
      });
      expect(payload.html).toBeUndefined();
      const history = await historyKinds(t.ticketId);
      expect(history.at(-1)).toMatchObject({ kind: 'message_added', actorKind: 'system', data: { messageId: survey.id, channel: 'telegram', notification: 'resolution_survey' } });
      // Shown on the ticket with its delivery state, like any outbound message.
      expect((await ticket(t.ticketId)).messages.at(-1)).toMatchObject({ id: survey.id, authorKind: 'system', deliveryStatus: 'queued', visibility: 'public' });

      // Reopened and resolved again at once: no second survey (and no e-mail instead).
      await admin.patch(`/tickets/${t.ticketId}`, { status: 'open' });
      await admin.patch(`/tickets/${t.ticketId}`, { status: 'resolved' });
      expect(await outboundMessages(t.ticketId)).toHaveLength(1);
      // A minute later it asks again.
      await core.ds.query(`UPDATE messages SET created_at = created_at - interval '61 seconds' WHERE id = $1`, [survey.id]);
      await admin.patch(`/tickets/${t.ticketId}`, { status: 'open' });
      await admin.patch(`/tickets/${t.ticketId}`, { status: 'resolved' });
      expect((await outboundMessages(t.ticketId)).map((m) => m.notification)).toEqual(['resolution_survey', 'resolution_survey']);
    });

    it('answers with the survey only for a customer whose latest message came by Telegram', async () => {
      // (The acknowledgement of a new e-mail ticket comes and goes with the sweep: left out here.)
      const notices = async (ticketId: string) =>
        (await outboundMessages(ticketId)).filter((m) => m.notification !== 'ticket_created').map((m) => [m.channel, m.notification]);
      const mail = await deliver(emailMessage({ sender: { email: 'mail-only@example.org' } }));
      await admin.patch(`/tickets/${mail.ticketId}`, { status: 'resolved' });
      expect(await notices(mail.ticketId)).toEqual([['email', 'status_changed']]);

      // A Telegram customer who then wrote by e-mail on the same ticket is answered by e-mail.
      const tg = await deliver(tgMessage('701200'));
      const [{ contact_id: contactId }] = await core.ds.query(`SELECT contact_id FROM tickets WHERE id = $1`, [tg.ticketId]);
      await core.ds.query(`INSERT INTO contact_identities (contact_id, kind, value) VALUES ($1, 'email', 'tg701200@example.org')`, [contactId]);
      await deliver(emailMessage({ sender: { email: 'tg701200@example.org' }, threadHints: { ticketId: tg.ticketId, messageIds: [] } }));
      await admin.patch(`/tickets/${tg.ticketId}`, { status: 'resolved' });
      expect(await notices(tg.ticketId)).toEqual([['email', 'status_changed']]);
      expect(await outTelegram.getJobCounts('waiting', 'delayed')).toEqual({ waiting: 0, delayed: 0 });
    });

    it('is not sent when its template is disabled, or notifications are off', async () => {
      const off = await admin.patch('/notification-templates/resolution_survey?channel=telegram', { enabled: false });
      expect(off.status).toBe(200);
      const t = await deliver(tgMessage('701300'));
      await admin.patch(`/tickets/${t.ticketId}`, { status: 'resolved' });
      expect(await outboundMessages(t.ticketId)).toEqual([]);
      await resetNotificationTemplates(core.ds);

      const quiet = await startCore({ NOTIFICATIONS_ENABLED: 'false' });
      try {
        const agent = await new ApiClient(quiet.api).login(ADMIN.email, ADMIN.password);
        const u = await deliver(tgMessage('701301'));
        expect((await agent.patch(`/tickets/${u.ticketId}`, { status: 'resolved' })).status).toBe(200);
        expect(await outboundMessages(u.ticketId)).toEqual([]);
      } finally {
        await quiet.close();
      }
    });

    it('has a template admins can read, preview and change, in plain text only', async () => {
      const t = await admin.get('/notification-templates/resolution_survey?channel=telegram');
      expect(t.body).toMatchObject({ key: 'resolution_survey', channel: 'telegram', enabled: true, bodyHtml: null, bodyText: expect.stringContaining('Was your question solved?') });
      expect((await admin.get('/notification-templates/resolution_survey')).status).toBe(404);
      const preview = await admin.post('/notification-templates/resolution_survey/preview?channel=telegram', {});
      expect(preview.body.text).toBe('Your request #1042 "Printer is on fire" has been marked as resolved.\n\nWas your question solved?');
      const html = await admin.patch('/notification-templates/resolution_survey?channel=telegram', { bodyHtml: '<b>{{ticket.number}}</b>' });
      expect(html.status).toBe(400);
      expect(html.body.error.details).toEqual([{ path: 'bodyHtml', message: 'Telegram messages are sent as plain text (bodyText)' }]);
    });
  });

  describe('contacts from Telegram', () => {
    const identity = async (telegramId: string) =>
      (
        await core.ds.query<{ contact_id: string; display_name: string | null; username: string | null; name: string | null }[]>(
          `SELECT ci.contact_id, ci.display_name, ci.username, c.name FROM contact_identities ci JOIN contacts c ON c.id = ci.contact_id
            WHERE ci.kind = 'telegram' AND ci.value = $1`,
          [telegramId],
        )
      )[0];

    it('keeps the Telegram name and @username up to date on the identity; the contact takes the name only while it has none', async () => {
      await deliver(tgMessage('701400', { sender: { telegramId: '701400', displayName: 'Ann Tg', telegramUsername: 'ann_tg' } }));
      expect(await identity('701400')).toMatchObject({ display_name: 'Ann Tg', username: 'ann_tg', name: 'Ann Tg' });

      // Renamed, and the username dropped (Telegram sends none any more).
      await deliver(tgMessage('701400', { sender: { telegramId: '701400', displayName: 'Ann Renamed' } }));
      const renamed = await identity('701400');
      expect(renamed).toMatchObject({ display_name: 'Ann Renamed', username: null, name: 'Ann Tg' });
      const contact = (await admin.get(`/contacts/${renamed.contact_id}`)).body;
      expect(contact.identities).toEqual([{ id: expect.any(String), kind: 'telegram', value: '701400', displayName: 'Ann Renamed', username: null, optedOutAt: null, createdAt: expect.any(String) }]);

      // A contact an agent created without a name takes the Telegram name with the customer's first message.
      const created = await admin.post('/contacts', { identities: [{ kind: 'telegram', value: '701401' }, { kind: 'email', value: 'nameless@example.org' }] });
      expect(created.status).toBe(201);
      await deliver(tgMessage('701401', { sender: { telegramId: '701401', displayName: 'Bob Tg', telegramUsername: 'bob' } }));
      expect(await identity('701401')).toMatchObject({ contact_id: created.body.id, display_name: 'Bob Tg', username: 'bob', name: 'Bob Tg' });
      const shown = (await admin.get(`/contacts/${created.body.id}`)).body.identities;
      expect(shown.find((i: { kind: string }) => i.kind === 'email')).toEqual({ id: expect.any(String), kind: 'email', value: 'nameless@example.org', optedOutAt: null, createdAt: expect.any(String) });
    });

    it('adds the phone a Telegram customer shares, so their SMS and related tickets find the same contact', async () => {
      const tg = await deliver(tgMessage('701500', { sender: { telegramId: '701500', phone: '+14155550150', displayName: 'Pat' } }));
      const [phone] = await core.ds.query(`SELECT ci.contact_id FROM contact_identities ci WHERE ci.kind = 'phone' AND ci.value = '+14155550150'`);
      expect(phone.contact_id).toBe((await identity('701500')).contact_id);

      const sms = await deliver({
        v: 1,
        channel: Channel.Sms,
        channelAccountId: '+14155550000',
        externalId: `sms-${randomUUID()}`,
        receivedAt: new Date().toISOString(),
        sender: { phone: '+14155550150' },
        text: 'Also my invoice is wrong',
      });
      expect(sms.outcome).toBe('created');
      const related = await admin.get(`/tickets/${sms.ticketId}/related`);
      expect(related.body.items.map((r: { id: string }) => r.id)).toEqual([tg.ticketId]);
      expect((await ticket(sms.ticketId)).contact.id).toBe(phone.contact_id);
    });

    it('adds a phone shared by a contact-shared event, unless another contact has it', async () => {
      await deliver(tgMessage('701600'));
      const shared = await apply(event('701600', { type: 'contact-shared', sender: { telegramId: '701600', phone: '+14155550160' } }));
      expect(shared.result.outcome).toBe('applied');
      const [row] = await core.ds.query(`SELECT contact_id FROM contact_identities WHERE kind = 'phone' AND value = '+14155550160'`);
      expect(row.contact_id).toBe((await identity('701600')).contact_id);
      expect((await apply(event('701600', { type: 'contact-shared', sender: { telegramId: '701600', phone: '+14155550160' } }))).result.outcome).toBe('unchanged');

      await deliver(tgMessage('701601'));
      const taken = await apply(event('701601', { type: 'contact-shared', sender: { telegramId: '701601', phone: '+14155550160' } }));
      expect(taken.result).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('belongs to another contact') });
    });
  });
});
