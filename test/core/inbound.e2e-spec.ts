import { Channel, JobName, QueueName, type InboundMessageInput } from '@switchboard/contracts';
import type { Queue } from 'bullmq';
import { resetState, startCore, type RunningCore } from '../support/core.js';
import { emailMessage, enqueueInbound, queue, settled } from '../support/queues.js';

describe('inbound consumer (real Postgres + Redis + BullMQ)', () => {
  let core: RunningCore;
  let inbound: Queue;

  beforeAll(async () => {
    core = await startCore({ REOPEN_WINDOW_DAYS: '7' });
    await resetState(core);
    inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
  });
  afterAll(async () => {
    await inbound.close();
    await core.close();
  });

  async function deliver(msg: InboundMessageInput) {
    const job = await enqueueInbound(inbound, msg);
    const { job: done, state } = await settled(inbound, job.id!);
    expect({ state, failedReason: done.failedReason }).toEqual({ state: 'completed', failedReason: undefined });
    return done.returnvalue as { outcome: string; ticketId: string; ticketNumber: number; messageId: string };
  }

  const ticket = async (id: string) =>
    (
      await core.ds.query(
        `SELECT id, number::int, subject, status_kind, registration_channel, contact_id, company_id, parent_ticket_id, resolved_at
           FROM tickets WHERE id = $1`,
        [id],
      )
    )[0];
  const messageCount = async (ticketId: string) => Number((await core.ds.query(`SELECT count(*) FROM messages WHERE ticket_id = $1`, [ticketId]))[0].count);
  const events = async (ticketId: string) =>
    (await core.ds.query<{ kind: string }[]>(`SELECT kind, data FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, [ticketId])).map((e) => e.kind);

  it('creates a ticket, a contact and binds the company by e-mail domain', async () => {
    const [company] = await core.ds.query(`INSERT INTO companies (name) VALUES ('Acme') RETURNING id`);
    await core.ds.query(`INSERT INTO company_domains (domain, company_id) VALUES ('acme.test', $1)`, [company.id]);

    const r = await deliver(emailMessage({ sender: { email: 'Ann@ACME.test', displayName: 'Ann Smith' }, subject: 'Printer on fire' }));
    expect(r.outcome).toBe('created');
    const t = await ticket(r.ticketId);
    expect(t).toMatchObject({ subject: 'Printer on fire', status_kind: 'open', registration_channel: 'email', company_id: company.id });
    const [contact] = await core.ds.query(
      `SELECT c.name, c.company_id, ci.kind, ci.value FROM contacts c JOIN contact_identities ci ON ci.contact_id = c.id WHERE c.id = $1`,
      [t.contact_id],
    );
    expect(contact).toEqual({ name: 'Ann Smith', company_id: company.id, kind: 'email', value: 'ann@acme.test' });
    const [m] = await core.ds.query(`SELECT direction, visibility, threaded_by, author_contact_id FROM messages WHERE id = $1`, [r.messageId]);
    expect(m).toEqual({ direction: 'inbound', visibility: 'public', threaded_by: 'new', author_contact_id: t.contact_id });
    expect(await events(r.ticketId)).toEqual(['created', 'message_added']);
  });

  it('threads a second message onto the ticket named in its hints', async () => {
    const first = await deliver(emailMessage({ sender: { email: 'bob@example.org' } }));
    const byNumber = await deliver(emailMessage({ sender: { email: 'bob@example.org' }, threadHints: { ticketNumber: first.ticketNumber, messageIds: [] } }));
    expect(byNumber).toMatchObject({ outcome: 'appended', ticketId: first.ticketId });

    const [{ external_id: firstMessageId }] = await core.ds.query(`SELECT external_id FROM messages WHERE id = $1`, [first.messageId]);
    const byReference = await deliver(emailMessage({ sender: { email: 'bob@example.org' }, threadHints: { messageIds: ['<unknown@x>', firstMessageId] } }));
    expect(byReference.ticketId).toBe(first.ticketId);
    const [m] = await core.ds.query(`SELECT threaded_by, threaded_by_value FROM messages WHERE id = $1`, [byReference.messageId]);
    expect(m).toEqual({ threaded_by: 'message_id', threaded_by_value: firstMessageId });
    expect(await messageCount(first.ticketId)).toBe(3);
  });

  it('threads Telegram messages by chat (thread key)', async () => {
    const tg = (text: string, id: string): InboundMessageInput => ({
      v: 1,
      channel: Channel.Telegram,
      channelAccountId: 'bot:support',
      externalId: id,
      receivedAt: new Date().toISOString(),
      sender: { telegramId: '777000111', displayName: 'Tg User' },
      text,
      threadHints: { messageIds: [], threadKey: '777000111' },
    });
    const a = await deliver(tg('My order is late\nsecond line', '1001'));
    const b = await deliver(tg('any news?', '1002'));
    expect(b.ticketId).toBe(a.ticketId);
    expect((await ticket(a.ticketId)).subject).toBe('My order is late');
  });

  it('reopens a resolved ticket when the customer writes within the window', async () => {
    const first = await deliver(emailMessage({ sender: { email: 'carol@example.org' } }));
    await core.ds.query(`UPDATE tickets SET status_key = 'resolved', status_kind = 'resolved', resolved_at = now() - interval '2 days', active_since = NULL WHERE id = $1`, [first.ticketId]);
    const again = await deliver(emailMessage({ sender: { email: 'carol@example.org' }, threadHints: { ticketNumber: first.ticketNumber, messageIds: [] } }));
    expect(again).toMatchObject({ outcome: 'reopened', ticketId: first.ticketId });
    expect(await ticket(first.ticketId)).toMatchObject({ status_kind: 'open', resolved_at: null });
    expect(await events(first.ticketId)).toContain('reopened');
  });

  it('opens a new ticket linked to the old one after the window', async () => {
    const first = await deliver(emailMessage({ sender: { email: 'dave@example.org' } }));
    await core.ds.query(`UPDATE tickets SET status_key = 'closed', status_kind = 'closed', resolved_at = now() - interval '9 days', closed_at = now() - interval '8 days', active_since = NULL WHERE id = $1`, [first.ticketId]);
    const later = await deliver(emailMessage({ sender: { email: 'dave@example.org' }, threadHints: { ticketNumber: first.ticketNumber, messageIds: [] } }));
    expect(later.outcome).toBe('follow_up');
    expect(later.ticketId).not.toBe(first.ticketId);
    expect(await ticket(later.ticketId)).toMatchObject({ parent_ticket_id: first.ticketId, status_kind: 'open' });
    expect(await ticket(first.ticketId)).toMatchObject({ status_kind: 'closed' });
    expect(await events(first.ticketId)).toContain('follow_up_created');
  });

  it('gives a stranger quoting an old ticket number a ticket of their own, not a linked follow-up', async () => {
    const first = await deliver(emailMessage({ sender: { email: 'owner@example.org' } }));
    await core.ds.query(`UPDATE tickets SET status_key = 'closed', status_kind = 'closed', resolved_at = now() - interval '30 days', closed_at = now() - interval '30 days', active_since = NULL WHERE id = $1`, [first.ticketId]);
    const r = await deliver(emailMessage({ sender: { email: 'stranger@evil.test' }, threadHints: { ticketNumber: first.ticketNumber, messageIds: [] } }));
    expect(r.outcome).toBe('created');
    expect(await ticket(r.ticketId)).toMatchObject({ parent_ticket_id: null });
    const [m] = await core.ds.query(`SELECT visibility, threaded_by FROM messages WHERE id = $1`, [r.messageId]);
    expect(m).toEqual({ visibility: 'public', threaded_by: 'new' });
    expect(await events(first.ticketId)).not.toContain('follow_up_created');
  });

  it('moves a pending ticket back to open on a customer reply', async () => {
    const first = await deliver(emailMessage({ sender: { email: 'erin@example.org' } }));
    await core.ds.query(`UPDATE tickets SET status_key = 'pending', status_kind = 'pending' WHERE id = $1`, [first.ticketId]);
    await deliver(emailMessage({ sender: { email: 'erin@example.org' }, threadHints: { ticketId: first.ticketId, messageIds: [] } }));
    expect((await ticket(first.ticketId)).status_kind).toBe('open');
  });

  it('keeps a stranger quoting a ticket number out of the public conversation', async () => {
    const first = await deliver(emailMessage({ sender: { email: 'frank@example.org' } }));
    const r = await deliver(emailMessage({ sender: { email: 'mallory@evil.test' }, threadHints: { ticketNumber: first.ticketNumber, messageIds: [] } }));
    expect(r.ticketId).toBe(first.ticketId);
    const [m] = await core.ds.query(`SELECT visibility, metadata FROM messages WHERE id = $1`, [r.messageId]);
    expect(m.visibility).toBe('internal');
    expect(m.metadata.warning).toContain('not a participant');
  });

  it('stores a message delivered twice only once', async () => {
    const msg = emailMessage({ sender: { email: 'gina@example.org' } });
    const first = await deliver(msg);
    // Same job id again while the first is retained: BullMQ ignores it.
    const again = await enqueueInbound(inbound, msg);
    expect(again.id).toBe((await inbound.getJob(again.id!))!.id);
    // A redelivery under another job id (e.g. after retention expired): the database dedups.
    const redelivered = await enqueueInbound(inbound, msg, 'redelivery-of-gina');
    const { job } = await settled(inbound, redelivered.id!);
    expect(job.returnvalue).toMatchObject({ outcome: 'duplicate', ticketId: first.ticketId, messageId: first.messageId });
    const [{ count }] = await core.ds.query(`SELECT count(*)::int AS count FROM messages WHERE external_id = $1`, [msg.externalId]);
    expect(count).toBe(1);
    expect(Number((await core.ds.query(`SELECT count(*) FROM tickets WHERE contact_id = (SELECT contact_id FROM contact_identities WHERE value = 'gina@example.org')`))[0].count)).toBe(1);
  });

  it('plans its prepared statements on every execution (no frozen generic plans)', async () => {
    const [{ plan_cache_mode }] = await core.ds.query(`SHOW plan_cache_mode`);
    expect(plan_cache_mode).toBe('force_custom_plan');
  });

  it('fails a malformed job at once with a clear reason and keeps it', async () => {
    const job = await inbound.add(JobName.InboundMessage, { v: 1, channel: 'fax', text: '' }, { jobId: 'malformed-1' });
    const { state, job: failed } = await settled(inbound, job.id!);
    expect(state).toBe('failed');
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toContain('invalid inbound-message payload');
    expect(failed.failedReason).toContain('channel:');
    expect(failed.failedReason).toContain('sender:');
    expect((await inbound.getFailed()).map((j) => j.id)).toContain('malformed-1');
  });
});
