import { getQueueToken } from '@nestjs/bullmq';
import { JobName, QueueName, type OutboundMessage } from '@switchboard/contracts';
import type { Queue } from 'bullmq';
import { OutboxRelay } from '../../apps/core/src/outbox/outbox.relay.js';
import { resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { emailMessage, enqueueInbound, queue, settled } from '../support/queues.js';

describe('tickets API (real HTTP, Postgres, Redis, BullMQ)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let agent: ApiClient;
  let agentId: string;
  let inbound: Queue;
  let outboundEmail: Queue;
  let outboundSms: Queue;
  let delivery: Queue;

  beforeAll(async () => {
    // A long poll interval: the relay then runs only when woken or called, so the test controls it.
    core = await startCore({ OUTBOX_POLL_MS: '60000', SCHEDULER_INTERVAL_MS: '1000' });
    await resetState(core);
    inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    outboundEmail = core.app.get<Queue>(getQueueToken(QueueName.OutboundEmail));
    outboundSms = core.app.get<Queue>(getQueueToken(QueueName.OutboundSms));
    delivery = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Delivery);
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
    const created = await admin.post('/agents', { email: 'sam@desk.test', name: 'Sam Specialist', role: 'specialist', password: 'sam-password-1' });
    expect(created.status).toBe(201);
    agentId = created.body.id;
    agent = await new ApiClient(core.api).login('sam@desk.test', 'sam-password-1');
  });
  afterAll(async () => {
    await Promise.all([inbound.close(), delivery.close()]);
    await core.close();
  });

  async function customerWrites(email: string, over: Parameters<typeof emailMessage>[0] = {}) {
    const job = await enqueueInbound(inbound, emailMessage({ sender: { email }, ...over }));
    const { job: done, state } = await settled(inbound, job.id!);
    expect(state).toBe('completed');
    return done.returnvalue as { ticketId: string; ticketNumber: number };
  }

  const outboundJobsFor = async (q: Queue, messageId: string) =>
    (await q.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized'])).filter((j) => (j.data as OutboundMessage).messageId === messageId);

  it('lists, filters, searches and pages tickets', async () => {
    const a = await customerWrites('lister-a@example.org', { subject: 'Invoice is wrong' });
    const b = await customerWrites('lister-b@example.org', { subject: 'Cannot log in' });
    await customerWrites('lister-c@example.org', { subject: 'Invoice missing' });
    await admin.patch(`/tickets/${b.ticketId}`, { responsibleAgentId: agentId });

    const all = await agent.get('/tickets?pageSize=2&sort=-createdAt');
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThanOrEqual(3);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.items[0]).toMatchObject({ subject: 'Invoice missing', status: { key: 'open', kind: 'open' }, registrationChannel: 'email' });
    const next = await agent.get(`/tickets?pageSize=2&sort=-createdAt&cursor=${all.body.nextCursor}`);
    expect(next.body.items[0].id).not.toBe(all.body.items[1].id);

    const invoices = await agent.get('/tickets?q=invoice');
    expect(invoices.body.items.map((t: { subject: string }) => t.subject).sort()).toEqual(['Invoice is wrong', 'Invoice missing']);
    expect((await agent.get(`/tickets?q=%23${a.ticketNumber}`)).body.items.map((t: { id: string }) => t.id)).toEqual([a.ticketId]);
    expect((await agent.get('/tickets?q=lister-b@example')).body.items.map((t: { id: string }) => t.id)).toEqual([b.ticketId]);
    const mine = await agent.get('/tickets?responsible=me');
    expect(mine.body.items.map((t: { id: string }) => t.id)).toEqual([b.ticketId]);
    expect(mine.body.items[0].responsibleAgent).toEqual({ id: agentId, name: 'Sam Specialist' });
    expect((await agent.get('/tickets?channel=telegram')).body.total).toBe(0);

    const bad = await agent.get('/tickets?statusKind=nonsense&pageSize=1000');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('statusKind');
    expect(bad.body.error.message).toContain('pageSize');
  });

  it('sends a public reply through the outbox exactly once, even with relays racing', async () => {
    const t = await customerWrites('reply-me@example.org', { subject: 'Where is my parcel?' });
    const relay = core.app.get(OutboxRelay);
    const reply = await agent.post(`/tickets/${t.ticketId}/messages`, { body: 'It ships today.', visibility: 'public' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ visibility: 'public', channel: 'email', deliveryStatus: 'queued', contactAddress: 'reply-me@example.org' });
    // The reply's commit woke the relay; two more drains race it.
    await Promise.all([relay.drain(), relay.drain()]);
    const jobs = await waitFor('the outbound job', async () => {
      const found = await outboundJobsFor(outboundEmail, reply.body.id);
      return found.length ? found : undefined;
    });
    await relay.drain();
    expect(await outboundJobsFor(outboundEmail, reply.body.id)).toHaveLength(1);
    expect(jobs[0].name).toBe(JobName.OutboundMessage);
    const payload = jobs[0].data as OutboundMessage;
    expect(payload).toMatchObject({
      ticketId: t.ticketId,
      ticketNumber: t.ticketNumber,
      channel: 'email',
      recipient: { email: 'reply-me@example.org' },
      subject: 'Where is my parcel?',
      text: 'It ships today.',
      channelAccountId: 'support@switchboard.test',
    });
    expect(payload.threading.inReplyTo).toMatch(/@mail\.test>$/);
    expect(Number((await core.ds.query(`SELECT count(*) FROM outbox`))[0].count)).toBe(0);

    const ticket = await agent.get(`/tickets/${t.ticketId}`);
    expect(ticket.body.firstResponseAt).not.toBeNull();
    expect(ticket.body.messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound', 'outbound']);
  });

  it('keeps an internal note inside: no outbound job', async () => {
    const t = await customerWrites('note-me@example.org');
    const before = (await outboundEmail.getJobCounts()) as Record<string, number>;
    const note = await agent.post(`/tickets/${t.ticketId}/messages`, { body: 'Customer is a VIP', visibility: 'internal' });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ visibility: 'internal', channel: 'console', deliveryStatus: null });
    await core.app.get(OutboxRelay).drain();
    expect(await outboundEmail.getJobCounts()).toEqual(before);
    expect((await agent.get(`/tickets/${t.ticketId}`)).body.firstResponseAt).toBeNull();
  });

  it('replies on the channel asked for, and says so when the contact cannot be reached there', async () => {
    const t = await customerWrites('sms-me@example.org');
    const noPhone = await agent.post(`/tickets/${t.ticketId}/messages`, { body: 'Texting you', visibility: 'public', channel: 'sms' });
    expect(noPhone.status).toBe(422);
    expect(noPhone.body.error).toMatchObject({ code: 'no_reachable_channel', message: expect.stringContaining('no phone number') });

    const created = await agent.post('/tickets', {
      subject: 'Call-back request',
      contact: { phone: '+44 20 7183 8750', name: 'Pat' },
      registrationChannel: 'phone',
      outbound: { body: 'We will call you at 3pm', channel: 'sms' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ registrationChannel: 'phone', contact: { name: 'Pat' } });
    const withNote = await agent.post('/tickets', {
      subject: 'Noted call',
      contactId: created.body.contact.id,
      description: 'Customer called about the bill',
      outbound: { body: 'Summary of our call', channel: 'sms' },
    });
    expect(withNote.body.messages.map((m: { direction: string }) => m.direction)).toEqual(['note', 'outbound']);
    const out = created.body.messages.find((m: { direction: string }) => m.direction === 'outbound');
    expect(out).toMatchObject({ channel: 'sms', contactAddress: '+442071838750', deliveryStatus: 'queued' });
    const jobs = await waitFor('the sms job', async () => {
      const found = await outboundJobsFor(outboundSms, out.id);
      return found.length ? found : undefined;
    });
    expect((jobs[0].data as OutboundMessage).recipient.phone).toBe('+442071838750');

    const internalTicket = await agent.post('/tickets', { subject: 'Renew certificates', type: 'internal' });
    const refused = await agent.post(`/tickets/${internalTicket.body.id}/messages`, { body: 'hi', visibility: 'public' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('internal_ticket');
  });

  it('walks the status lifecycle, refusing illegal moves with 409', async () => {
    const t = await customerWrites('lifecycle@example.org');
    const patch = (body: object) => agent.patch(`/tickets/${t.ticketId}`, body);

    expect((await patch({ status: 'pending' })).body.status.kind).toBe('pending');
    const illegal = await patch({ status: 'closed' });
    expect(illegal.status).toBe(409);
    expect(illegal.body.error).toMatchObject({ code: 'illegal_status_transition', message: 'a pending ticket cannot become closed' });

    expect((await patch({ status: 'open' })).status).toBe(200);
    const noUntil = await patch({ status: 'on_hold' });
    expect(noUntil.status).toBe(422);
    expect(noUntil.body.error.message).toContain('onHoldUntil');
    const held = await patch({ status: 'on_hold', onHoldUntil: new Date(Date.now() + 60_000).toISOString() });
    expect(held.body).toMatchObject({ status: { kind: 'on_hold' }, onHoldUntil: expect.any(String) });

    const later = new Date(Date.now() + 3_600_000).toISOString();
    const extended = await patch({ onHoldUntil: later });
    expect(extended.status).toBe(200);
    expect(new Date(extended.body.onHoldUntil).toISOString()).toBe(later);
    expect((await patch({ onHoldUntil: new Date(Date.now() - 1000).toISOString() })).body.error.message).toBe('onHoldUntil must be in the future');

    const resolved = await patch({ status: 'resolved' });
    expect(resolved.body).toMatchObject({ status: { kind: 'resolved' }, resolvedAt: expect.any(String), resolutionSeconds: expect.any(Number), onHoldUntil: null });
    const closed = await patch({ status: 'closed' });
    expect(closed.body).toMatchObject({ status: { kind: 'closed' }, closedAt: expect.any(String) });
    const reopen = await patch({ status: 'open' });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.message).toBe('a closed ticket cannot become open: closed is final');

    const history = await agent.get(`/tickets/${t.ticketId}/history`);
    const changes = history.body.items.filter((e: { kind: string }) => e.kind === 'status_changed').map((e: { data: { to: string } }) => e.data.to);
    expect(changes).toEqual(['pending', 'open', 'on_hold', 'resolved', 'closed']);
    expect((await patch({ onHoldUntil: later })).status).toBe(422);
  });

  it('returns an on-hold ticket to open when its time comes (scheduled job)', async () => {
    const t = await customerWrites('hold-me@example.org');
    const held = await agent.patch(`/tickets/${t.ticketId}`, { status: 'on_hold', onHoldUntil: new Date(Date.now() + 1200).toISOString() });
    expect(held.body.status.kind).toBe('on_hold');
    const reopened = await waitFor('the scheduler to resume the ticket', async () => {
      const r = await agent.get(`/tickets/${t.ticketId}`);
      return r.body.status.kind === 'open' ? r.body : undefined;
    }, 8_000);
    expect(reopened.onHoldUntil).toBeNull();
    const history = await agent.get(`/tickets/${t.ticketId}/history`);
    expect(history.body.items.at(-1)).toMatchObject({ kind: 'status_changed', actorKind: 'system', data: { to: 'open', reason: 'on_hold_elapsed' } });
  });

  it('escalates to the 2nd line with a note', async () => {
    const t = await customerWrites('escalate@example.org');
    await admin.patch(`/tickets/${t.ticketId}`, { responsibleAgentId: agentId });
    await admin.patch(`/tickets/${t.ticketId}`, { responsibleAgentId: null });
    const assigned = (await agent.get(`/tickets/${t.ticketId}/history`)).body.items.filter((e: { kind: string }) => e.kind === 'assigned');
    expect(assigned.map((e: { data: { agentId: string | null } }) => e.data.agentId)).toEqual([agentId, null]);
    await admin.patch(`/tickets/${t.ticketId}`, { responsibleAgentId: agentId });
    const res = await agent.post(`/tickets/${t.ticketId}/escalate`, { note: 'Needs a database fix' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ line: 2, responsibleGroup: { name: '2nd line' }, responsibleAgent: null });
    expect(res.body.messages.at(-1)).toMatchObject({ direction: 'note', visibility: 'internal', text: 'Escalated to 2nd line: Needs a database fix' });
    const again = await agent.post(`/tickets/${t.ticketId}/escalate`, { note: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_escalated');
    expect((await agent.get('/tickets?line=2')).body.items.map((x: { id: string }) => x.id)).toContain(t.ticketId);
  });

  it('finds related tickets of the same e-mail address', async () => {
    const first = await customerWrites('related@example.org', { subject: 'First problem' });
    const second = await customerWrites('related@example.org', { subject: 'Second problem' });
    await customerWrites('unrelated@example.org');
    const res = await agent.get(`/tickets/${second.ticketId}/related`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, items: [{ id: first.ticketId, subject: 'First problem' }] });
  });

  it('applies delivery reports monotonically and lets an agent retry a failure', async () => {
    const t = await customerWrites('delivery@example.org');
    const reply = await agent.post(`/tickets/${t.ticketId}/messages`, { body: 'Done.', visibility: 'public' });
    const id = reply.body.id as string;
    const report = async (status: string, extra: object = {}) => {
      const job = await delivery.add(JobName.DeliveryReport, { v: 1, messageId: id, status, at: new Date().toISOString(), ...extra }, { jobId: `dlv-${id}-${status}-${Date.now()}` });
      return (await settled(delivery, job.id!)).job.returnvalue as string;
    };
    const status = async () => (await agent.get(`/tickets/${t.ticketId}`)).body.messages.find((m: { id: string }) => m.id === id);

    expect(await report('delivered', { externalId: '<sent-1@switchboard.test>' })).toBe('applied');
    expect(await report('sent')).toBe('stale');
    expect(await status()).toMatchObject({ deliveryStatus: 'delivered' });

    const reply2 = await agent.post(`/tickets/${t.ticketId}/messages`, { body: 'Second try.', visibility: 'public' });
    const job = await delivery.add(JobName.DeliveryReport, { v: 1, messageId: reply2.body.id, status: 'failed', reason: '550 mailbox unavailable', at: new Date().toISOString() });
    expect((await settled(delivery, job.id!)).job.returnvalue).toBe('applied');
    const failed = (await agent.get(`/tickets/${t.ticketId}`)).body.messages.find((m: { id: string }) => m.id === reply2.body.id);
    expect(failed).toMatchObject({ deliveryStatus: 'failed', deliveryError: '550 mailbox unavailable' });

    expect((await agent.post(`/tickets/${t.ticketId}/messages/${id}/retry`)).status).toBe(409);
    const retry = await agent.post(`/tickets/${t.ticketId}/messages/${reply2.body.id}/retry`);
    expect(retry.status).toBe(202);
    const retried = await waitFor('the retried job', async () => {
      const jobs = await outboundJobsFor(outboundEmail, reply2.body.id);
      return jobs.length === 2 ? jobs : undefined;
    });
    expect(retried.map((j) => (j.data as OutboundMessage).attempt).sort()).toEqual([1, 2]);
    const deliveryStatusOf = async (messageId: string) =>
      (await agent.get(`/tickets/${t.ticketId}`)).body.messages.find((m: { id: string }) => m.id === messageId).deliveryStatus;
    expect(await deliveryStatusOf(reply2.body.id)).toBe('queued');
    // A late report about the first attempt no longer counts; one about the retry does.
    const late = await delivery.add(JobName.DeliveryReport, { v: 1, messageId: reply2.body.id, status: 'failed', reason: 'late', attempt: 1, at: new Date().toISOString() });
    expect((await settled(delivery, late.id!)).job.returnvalue).toBe('stale');
    const fresh = await delivery.add(JobName.DeliveryReport, { v: 1, messageId: reply2.body.id, status: 'sent', attempt: 2, at: new Date().toISOString() });
    expect((await settled(delivery, fresh.id!)).job.returnvalue).toBe('applied');
    expect(await deliveryStatusOf(reply2.body.id)).toBe('sent');

    // A customer reply to our sent Message-ID threads by reference.
    const threaded = await customerWrites('delivery@example.org', { threadHints: { messageIds: ['<sent-1@switchboard.test>'] } });
    expect(threaded.ticketId).toBe(t.ticketId);
  });

  it('validates input and answers unknown tickets with 404', async () => {
    expect((await agent.get('/tickets/not-a-uuid')).status).toBe(400);
    const missing = await agent.get('/tickets/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await agent.post('/tickets', { subject: '', colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/subject/);
    expect(bad.body.error.message).toMatch(/colour/);
    const badPhone = await agent.post('/tickets', { subject: 'x', contact: { phone: '12' } });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.message).toContain('invalid contact');
  });
});

describe('outbox relay when a row cannot be enqueued', () => {
  let core: RunningCore;

  beforeAll(async () => {
    core = await startCore({ OUTBOX_POLL_MS: '60000' });
    await resetState(core);
  });
  afterAll(() => core.close());

  it('keeps the row, records the error and backs off instead of losing it', async () => {
    await core.ds.query(`INSERT INTO outbox (queue, job_name, job_id, payload) VALUES ('no-such-queue', 'outbound-message', 'out__x', '{}')`);
    const relay = core.app.get(OutboxRelay);
    expect(await relay.drain()).toEqual({ dispatched: 0, failed: 1 });
    const [row] = await core.ds.query(`SELECT attempts, last_error, available_at > now() AS later FROM outbox`);
    expect(row).toEqual({ attempts: 1, last_error: 'outbox row names unknown queue "no-such-queue"', later: true });
    // Not due yet: the next drain leaves it alone.
    expect(await relay.drain()).toEqual({ dispatched: 0, failed: 0 });
  });
});
