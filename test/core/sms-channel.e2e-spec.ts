import {
  Channel,
  customerEventJobId,
  deliveryJobId,
  DeliveryStatus,
  JobName,
  outboundJobId,
  QueueName,
  type CustomerEventInput,
  type DeliveryReportInput,
  type InboundMessageInput,
  type OutboundMessage,
} from '@switchboard/contracts';
import { DEFAULT_JOB_OPTIONS } from '@switchboard/queue';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { resetNotificationTemplates, resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { emailMessage, enqueueInbound, queue, settled } from '../support/queues.js';

/** The SMS channel (core's sms_channels id) the customers write to: the messages' channelAccountId. */
const CHANNEL = randomUUID();

interface Delivered {
  outcome: string;
  ticketId: string;
  ticketNumber: number;
  messageId: string;
}

/**
 * Core's side of the SMS channel, with no SMS service running: messages, delivery reports and
 * customer events are put on the real queues as the service would, and what core puts on
 * `outbound-sms` is read back from there.
 */
describe('SMS channel in core (real Postgres, Redis, BullMQ)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let inbound: Queue;
  let events: Queue;
  let delivery: Queue;
  let outSms: Queue;
  let outEmail: Queue;
  let seq = 0;

  beforeAll(async () => {
    core = await startCore({ NOTIFICATIONS_ENABLED: 'true', OUTBOX_POLL_MS: '100' });
    inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    events = new Queue(QueueName.CustomerEvents, { connection: core.redis, prefix: core.config.QUEUE_PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    delivery = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Delivery);
    outSms = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.OutboundSms);
    outEmail = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.OutboundEmail);
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
  });
  beforeEach(async () => {
    await resetState(core);
  });
  afterAll(async () => {
    await resetNotificationTemplates(core.ds);
    await Promise.all([inbound, events, delivery, outSms, outEmail].map((q) => q.close()));
    await core.close();
  });

  /** An SMS as the SMS service publishes it: the sender's number, which is also the thread key. */
  function sms(phone: string, over: Partial<InboundMessageInput> = {}): InboundMessageInput {
    seq += 1;
    return {
      v: 1,
      channel: Channel.Sms,
      channelAccountId: CHANNEL,
      externalId: `SM${randomUUID().replace(/-/g, '')}`,
      receivedAt: new Date().toISOString(),
      sender: { phone },
      text: `SMS ${seq} from ${phone}`,
      threadHints: { messageIds: [], threadKey: phone },
      ...over,
    };
  }

  async function deliver(msg: InboundMessageInput): Promise<Delivered> {
    const job = await enqueueInbound(inbound, msg);
    const { job: done, state } = await settled(inbound, job.id!);
    expect({ state, failedReason: done.failedReason }).toEqual({ state: 'completed', failedReason: undefined });
    return done.returnvalue as Delivered;
  }

  function optOut(phone: string, optedOut: boolean, over: Partial<CustomerEventInput> = {}): CustomerEventInput {
    seq += 1;
    return { v: 1, type: 'opt-out', channel: Channel.Sms, channelAccountId: CHANNEL, eventId: `SM-stop-${seq}`, sender: { phone }, at: new Date().toISOString(), optedOut, ...over } as CustomerEventInput;
  }

  async function apply(e: CustomerEventInput) {
    const job = await events.add(JobName.CustomerEvent, e, { jobId: customerEventJobId(e) });
    const { job: done, state } = await settled(events, job.id!);
    expect({ state, failedReason: done.failedReason }).toEqual({ state: 'completed', failedReason: undefined });
    return done.returnvalue as { outcome: string; ticketId?: string; reason?: string };
  }

  async function report(r: Omit<DeliveryReportInput, 'v' | 'at' | 'status'> & { status: `${DeliveryStatus}` }): Promise<string> {
    const full = { v: 1, at: new Date().toISOString(), ...r } as DeliveryReportInput;
    const job = await delivery.add(JobName.DeliveryReport, full, { jobId: deliveryJobId(full) });
    const { job: done, state } = await settled(delivery, job.id!);
    expect(state).toBe('completed');
    return done.returnvalue as string;
  }

  const ticket = async (id: string) => (await admin.get(`/tickets/${id}`)).body;
  const history = async (id: string) => (await admin.get(`/tickets/${id}/history`)).body.items as { kind: string; actorKind: string; data: Record<string, unknown> }[];
  const outboundJob = (q: Queue, messageId: string) =>
    waitFor(`the outbound job of ${messageId}`, async () => (await q.getJob(outboundJobId(messageId)))?.data as OutboundMessage | undefined);
  const identity = async (phone: string) =>
    (
      await core.ds.query<{ contact_id: string; opted_out_at: Date | null; opt_out_changed_at: Date | null }[]>(
        `SELECT contact_id, opted_out_at, opt_out_changed_at FROM contact_identities WHERE kind = 'phone' AND value = $1`,
        [phone],
      )
    )[0];
  const notices = (ticketId: string) =>
    core.ds.query<{ id: string; channel: string; notification: string | null; contact_address: string }[]>(
      `SELECT id, channel, metadata->>'notification' AS notification, contact_address FROM messages
        WHERE ticket_id = $1 AND direction = 'outbound' AND author_kind = 'system' ORDER BY created_at`,
      [ticketId],
    );
  /** Jobs waiting on a queue that is not consumed here. */
  const waiting = async (q: Queue) => (await q.getJobs(['waiting', 'delayed', 'prioritized'])).map((j) => j.data as OutboundMessage);

  describe('inbound SMS', () => {
    it('opens a ticket for the number; the next SMS from it lands on the same ticket by its thread key', async () => {
      const first = await deliver(sms('+447911200001', { text: 'My router is dead\nSince yesterday.' }));
      expect(first.outcome).toBe('created');
      const t = await ticket(first.ticketId);
      expect(t).toMatchObject({ subject: 'My router is dead', registrationChannel: 'sms', status: { kind: 'open' } });
      expect(t.messages[0]).toMatchObject({ channel: 'sms', channelAccountId: CHANNEL, contactAddress: '+447911200001', threadedBy: 'new', sms: null });
      const contact = (await admin.get(`/contacts/${t.contact.id}`)).body;
      expect(contact.identities).toEqual([{ id: expect.any(String), kind: 'phone', value: '+447911200001', optedOutAt: null, createdAt: expect.any(String) }]);

      const next = await deliver(sms('+447911200001', { text: 'Still dead' }));
      expect(next).toMatchObject({ outcome: 'appended', ticketId: first.ticketId });
      expect((await ticket(first.ticketId)).messages[1]).toMatchObject({ threadedBy: 'thread_key', threadedByValue: '+447911200001' });
      // Another number is another conversation.
      expect((await deliver(sms('+447911200002'))).outcome).toBe('created');
    });

    it('reopens a resolved ticket within the reopen window, and opens a linked follow-up after it', async () => {
      const t = await deliver(sms('+447911200011'));
      expect((await admin.patch(`/tickets/${t.ticketId}`, { status: 'resolved' })).status).toBe(200);
      const reopened = await deliver(sms('+447911200011', { text: 'It broke again' }));
      expect(reopened).toMatchObject({ outcome: 'reopened', ticketId: t.ticketId });
      expect((await ticket(t.ticketId)).status.kind).toBe('open');

      await admin.patch(`/tickets/${t.ticketId}`, { status: 'resolved' });
      await admin.patch(`/tickets/${t.ticketId}`, { status: 'closed' });
      const days = core.config.REOPEN_WINDOW_DAYS + 1;
      await core.ds.query(`UPDATE tickets SET closed_at = now() - make_interval(days => $2), resolved_at = now() - make_interval(days => $2) WHERE id = $1`, [t.ticketId, days]);
      const later = await deliver(sms('+447911200011', { text: 'A new problem' }));
      expect(later.outcome).toBe('follow_up');
      expect(later.ticketId).not.toBe(t.ticketId);
      expect((await ticket(later.ticketId)).parentTicketId).toBe(t.ticketId);
      // The conversation continues on the follow-up.
      expect(await deliver(sms('+447911200011'))).toMatchObject({ outcome: 'appended', ticketId: later.ticketId });
    });
  });

  describe('agent replies', () => {
    it('go out on outbound-sms to the customer\'s number, from the channel they wrote to, in their thread', async () => {
      const t = await deliver(sms('+447911200021'));
      const reply = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'Please restart the router.', visibility: 'public' });
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({ id: expect.any(String), visibility: 'public', channel: 'sms', deliveryStatus: 'queued', deliveryError: null, contactAddress: '+447911200021' });
      expect(await outboundJob(outSms, reply.body.id)).toMatchObject({
        messageId: reply.body.id,
        ticketId: t.ticketId,
        ticketNumber: t.ticketNumber,
        channel: 'sms',
        channelAccountId: CHANNEL,
        recipient: { phone: '+447911200021' },
        text: 'Please restart the router.',
        threading: { references: [], threadKey: '+447911200021' },
        autoSubmitted: false,
        attempt: 1,
      });
    });

    it('cannot carry attachments', async () => {
      const t = await deliver(sms('+447911200031'));
      const upload = await fetch(`${core.api}/attachments?filename=a.txt`, { method: 'POST', headers: { ...admin.authHeaders(), 'content-type': 'text/plain' }, body: 'hi' });
      const { id } = (await upload.json()) as { id: string };
      const res = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'See attached', visibility: 'public', attachmentIds: [id] });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'attachments_not_supported', message: expect.stringContaining('an SMS cannot carry attachments') });
    });
  });

  describe('delivery reports', () => {
    it('keep the segments and encoding of a sent SMS on the message and show them', async () => {
      const t = await deliver(sms('+447911200041'));
      const reply = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'Привет! Ваш запрос принят.', visibility: 'public' });
      const messageId = reply.body.id as string;
      expect(await report({ messageId, status: 'sent', externalId: 'SM-out-1', segments: 2, encoding: 'ucs2' })).toBe('applied');
      const shown = async () => (await ticket(t.ticketId)).messages.find((m: { id: string }) => m.id === messageId);
      expect(await shown()).toMatchObject({ deliveryStatus: 'sent', sms: { segments: 2, encoding: 'ucs2' }, metadata: { sms: { segments: 2, encoding: 'ucs2' } } });

      // A receipt without them keeps them; a late (stale) report still counts, merged with what is there.
      expect(await report({ messageId, status: 'delivered' })).toBe('applied');
      expect(await report({ messageId, status: 'failed', reason: 'late receipt', segments: 3 })).toBe('stale');
      expect(await shown()).toMatchObject({ deliveryStatus: 'delivered', sms: { segments: 3, encoding: 'ucs2' } });
      // The outbound payload kept for a retry is untouched.
      const [{ metadata }] = await core.ds.query(`SELECT metadata FROM messages WHERE id = $1`, [messageId]);
      expect(metadata.outbound).toMatchObject({ messageId, channel: 'sms' });
    });

    it('about an earlier attempt do not change them', async () => {
      const t = await deliver(sms('+447911200042'));
      const { body } = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'Hello', visibility: 'public' });
      expect(await report({ messageId: body.id, status: 'failed', reason: 'Twilio 30003: Unreachable destination handset', segments: 1, encoding: 'gsm7' })).toBe('applied');
      expect((await admin.post(`/tickets/${t.ticketId}/messages/${body.id}/retry`)).status).toBe(202);
      expect(await report({ messageId: body.id, status: 'sent', segments: 9, attempt: 1 })).toBe('stale');
      expect(await report({ messageId: body.id, status: 'sent', segments: 1, encoding: 'gsm7', attempt: 2 })).toBe('applied');
      const m = (await ticket(t.ticketId)).messages.find((x: { id: string }) => x.id === body.id);
      expect(m).toMatchObject({ deliveryStatus: 'sent', sms: { segments: 1, encoding: 'gsm7' } });
    });
  });

  describe('opt-out (STOP) and opt-in (START)', () => {
    it('marks the sender\'s number opted out and back in, once, noted on their open ticket', async () => {
      const t = await deliver(sms('+447911200051'));
      const at = new Date(Date.now() - 1000).toISOString();
      expect(await apply(optOut('+447911200051', true, { at }))).toEqual({ outcome: 'applied', ticketId: t.ticketId });
      expect(new Date((await identity('+447911200051')).opted_out_at!).toISOString()).toBe(at);
      const contact = (await admin.get(`/contacts/${(await ticket(t.ticketId)).contact.id}`)).body;
      expect(contact.identities[0]).toMatchObject({ kind: 'phone', value: '+447911200051', optedOutAt: at });
      expect((await history(t.ticketId)).at(-1)).toMatchObject({
        kind: 'opted_out',
        actorKind: 'contact',
        data: { channel: 'sms', channelAccountId: CHANNEL, identity: { kind: 'phone', value: '+447911200051' } },
      });

      // A second STOP (another keyword, a redelivery) changes nothing, and keeps the first date.
      expect(await apply(optOut('+447911200051', true))).toEqual({ outcome: 'unchanged' });
      expect(new Date((await identity('+447911200051')).opted_out_at!).toISOString()).toBe(at);

      expect(await apply(optOut('+447911200051', false))).toMatchObject({ outcome: 'applied' });
      expect((await identity('+447911200051')).opted_out_at).toBeNull();
      expect((await history(t.ticketId)).at(-1)).toMatchObject({ kind: 'opted_in', actorKind: 'contact' });
      expect(await apply(optOut('+447911200051', false))).toEqual({ outcome: 'unchanged' });
    });

    it('never lets a late, older event undo a newer one', async () => {
      await deliver(sms('+447911200052'));
      const t0 = Date.now() - 60_000;
      expect((await apply(optOut('+447911200052', false, { at: new Date(t0 + 20_000).toISOString() }))).outcome).toBe('unchanged');
      // The STOP was sent before the START seen above: too late to apply.
      expect(await apply(optOut('+447911200052', true, { at: new Date(t0 + 10_000).toISOString() }))).toEqual({ outcome: 'unchanged', reason: 'a later opt-out or opt-in is applied already' });
      expect((await identity('+447911200052')).opted_out_at).toBeNull();
      expect((await apply(optOut('+447911200052', true, { at: new Date(t0 + 30_000).toISOString() }))).outcome).toBe('applied');
      expect((await apply(optOut('+447911200052', false, { at: new Date(t0 + 25_000).toISOString() }))).outcome).toBe('unchanged');
      expect((await identity('+447911200052')).opted_out_at).not.toBeNull();
    });

    it('records a STOP from an unknown number on a new contact, which a later SMS and agents find', async () => {
      expect(await apply(optOut('+447911200053', false))).toEqual({ outcome: 'unchanged', reason: expect.stringContaining('nothing to opt in') });
      expect(await identity('+447911200053')).toBeUndefined();

      expect(await apply(optOut('+447911200053', true))).toEqual({ outcome: 'applied' });
      const stopped = await identity('+447911200053');
      expect(stopped.opted_out_at).not.toBeNull();
      const t = await deliver(sms('+447911200053', { text: 'Hi, a question' }));
      expect((await ticket(t.ticketId)).contact.id).toBe(stopped.contact_id);
      const taken = await admin.post('/contacts', { name: 'Agent typed', identities: [{ kind: 'phone', value: '+447911200053' }] });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('identity_taken');
    });

    it('turns an agent\'s reply to an opted-out number into a failed message with the reason, and retries it only after START', async () => {
      const t = await deliver(sms('+447911200054'));
      await apply(optOut('+447911200054', true, { at: '2030-03-01T14:02:09Z' }));
      const reply = await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'Are you there?', visibility: 'public' });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ channel: 'sms', deliveryStatus: 'failed', deliveryError: 'the customer opted out of SMS (STOP) on 2030-03-01 14:02 UTC' });
      const shown = (await ticket(t.ticketId)).messages.at(-1);
      expect(shown).toMatchObject({ id: reply.body.id, text: 'Are you there?', deliveryStatus: 'failed', deliveryError: expect.stringContaining('opted out of SMS') });
      expect((await history(t.ticketId)).at(-1)).toMatchObject({ kind: 'delivery_failed', actorKind: 'system', data: { messageId: reply.body.id, optedOut: true } });
      // Nothing reached the queue (the relay runs every 100 ms).
      await new Promise((r) => setTimeout(r, 300));
      expect(await outSms.getJob(outboundJobId(reply.body.id))).toBeUndefined();
      expect(await core.ds.query(`SELECT 1 FROM outbox WHERE job_id LIKE $1`, [`%${reply.body.id}%`])).toEqual([]);

      const early = await admin.post(`/tickets/${t.ticketId}/messages/${reply.body.id}/retry`);
      expect(early.status).toBe(409);
      expect(early.body.error).toMatchObject({ code: 'recipient_opted_out', message: expect.stringContaining('opted out of SMS (STOP) on 2030-03-01 14:02 UTC') });

      await apply(optOut('+447911200054', false, { at: '2030-03-02T09:00:00Z' }));
      expect((await admin.post(`/tickets/${t.ticketId}/messages/${reply.body.id}/retry`)).status).toBe(202);
      expect(await waitFor('the retried SMS', async () => (await outSms.getJob(`${outboundJobId(reply.body.id)}__2`))?.data as OutboundMessage | undefined)).toMatchObject({
        recipient: { phone: '+447911200054' },
        attempt: 2,
      });
      // A reply to the number now goes out as usual.
      expect((await admin.post(`/tickets/${t.ticketId}/messages`, { body: 'Welcome back', visibility: 'public' })).body.deliveryStatus).toBe('queued');
    });
  });

  describe('status notices by SMS', () => {
    const enable = async (statusKinds: string[]) => expect((await admin.patch('/notification-templates/status_changed?channel=sms', { statusKinds })).status).toBe(200);

    it('have a plain-text template that is off for every status until an admin lists some', async () => {
      const t = await admin.get('/notification-templates/status_changed?channel=sms');
      expect(t.body).toMatchObject({ key: 'status_changed', channel: 'sms', enabled: true, statusKinds: [], bodyHtml: null });
      const preview = await admin.post('/notification-templates/status_changed/preview?channel=sms', { statusKind: 'resolved' });
      expect(preview.body).toEqual({ subject: 'Request #1042: Resolved', text: 'Your request #1042 has been resolved. Reply to this SMS to reopen it.' });
      const html = await admin.patch('/notification-templates/status_changed?channel=sms', { bodyHtml: '<b>{{ticket.number}}</b>' });
      expect(html.status).toBe(400);
      expect(html.body.error.details).toEqual([{ path: 'bodyHtml', message: 'SMS are sent as plain text (bodyText)' }]);
      expect((await admin.patch('/notification-templates/ticket_created?channel=sms', { enabled: false })).status).toBe(404);

      const sent = await deliver(sms('+447911200061'));
      await admin.patch(`/tickets/${sent.ticketId}`, { status: 'resolved' });
      expect(await notices(sent.ticketId)).toEqual([]);
    });

    it('go to an SMS customer through the outbox for the status kinds listed, from the channel they wrote to', async () => {
      await enable(['resolved']);
      const t = await deliver(sms('+447911200062'));
      // The contact has an e-mail address too: the SMS replaces the e-mail notice.
      const [{ contact_id: contactId }] = await core.ds.query(`SELECT contact_id FROM tickets WHERE id = $1`, [t.ticketId]);
      await core.ds.query(`INSERT INTO contact_identities (contact_id, kind, value) VALUES ($1, 'email', 'sms200062@example.org')`, [contactId]);

      expect((await admin.patch(`/tickets/${t.ticketId}`, { status: 'pending' })).status).toBe(200);
      expect(await notices(t.ticketId)).toEqual([]);
      expect((await admin.patch(`/tickets/${t.ticketId}`, { status: 'resolved' })).status).toBe(200);
      const [notice, ...others] = await notices(t.ticketId);
      expect(others).toEqual([]);
      expect(notice).toMatchObject({ channel: 'sms', notification: 'status_changed', contact_address: '+447911200062' });
      expect(await outboundJob(outSms, notice.id)).toMatchObject({
        ticketId: t.ticketId,
        channel: 'sms',
        channelAccountId: CHANNEL,
        recipient: { phone: '+447911200062' },
        text: `Your request #${t.ticketNumber} has been resolved. Reply to this SMS to reopen it.`,
        threading: { references: [], threadKey: '+447911200062' },
        autoSubmitted: true,
      });
      expect((await ticket(t.ticketId)).messages.at(-1)).toMatchObject({ id: notice.id, authorKind: 'system', autoSubmitted: true, deliveryStatus: 'queued' });
      expect(await waiting(outEmail)).toEqual([]);
    });

    it('go only to a customer whose latest message came by SMS', async () => {
      await enable(['resolved']);
      const mail = await deliver(emailMessage({ sender: { email: 'mail-200063@example.org', phone: '+447911200063' } }));
      await admin.patch(`/tickets/${mail.ticketId}`, { status: 'resolved' });
      expect((await notices(mail.ticketId)).filter((n) => n.notification === 'status_changed').map((n) => n.channel)).toEqual(['email']);
    });

    it('are not sent to an opted-out number; the e-mail notice then goes as usual', async () => {
      await enable(['resolved', 'closed']);
      const t = await deliver(sms('+447911200064'));
      await apply(optOut('+447911200064', true));
      await admin.patch(`/tickets/${t.ticketId}`, { status: 'resolved' });
      expect(await notices(t.ticketId)).toEqual([]);
      const [{ contact_id: contactId }] = await core.ds.query(`SELECT contact_id FROM tickets WHERE id = $1`, [t.ticketId]);
      await core.ds.query(`INSERT INTO contact_identities (contact_id, kind, value) VALUES ($1, 'email', 'sms200064@example.org')`, [contactId]);
      await admin.patch(`/tickets/${t.ticketId}`, { status: 'open' });
      await admin.patch(`/tickets/${t.ticketId}`, { status: 'resolved' });
      expect((await notices(t.ticketId)).map((n) => [n.channel, n.contact_address])).toEqual([['email', 'sms200064@example.org']]);
      expect(await waiting(outSms)).toEqual([]);
    });
  });

  describe('opt-out on other channels', () => {
    it('keeps automatic e-mail from an address whose owner opted out', async () => {
      const mail = await deliver(emailMessage({ sender: { email: 'stop-mail@example.org' } }));
      const e = { v: 1, type: 'opt-out', channel: Channel.Email, channelAccountId: 'support@switchboard.test', eventId: `unsub-${randomUUID()}`, sender: { email: 'stop-mail@example.org' }, at: new Date().toISOString(), optedOut: true };
      expect((await apply(e as CustomerEventInput)).outcome).toBe('applied');
      await admin.patch(`/tickets/${mail.ticketId}`, { status: 'resolved' });
      expect((await notices(mail.ticketId)).filter((n) => n.notification === 'status_changed')).toEqual([]);
      const reply = await admin.post(`/tickets/${mail.ticketId}/messages`, { body: 'One more thing', visibility: 'public' });
      expect(reply.body).toMatchObject({ channel: 'email', deliveryStatus: 'failed', deliveryError: expect.stringMatching(/^the customer opted out of e-mail on /) });
    });
  });
});
