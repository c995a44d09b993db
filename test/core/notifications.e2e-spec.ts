import { Channel, QueueName, type InboundMessageInput, type OutboundMessage } from '@switchboard/contracts';
import type { Queue } from 'bullmq';
import { AcknowledgementSweeper } from '../../apps/core/src/notifications/acknowledgement.sweeper.js';
import { resetNotificationTemplates, resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { emailMessage, enqueueInbound, queue, settled } from '../support/queues.js';

/** When core writes a notification and when it must not (no e-mail service: the messages and their outbox payloads are checked). */
describe('customer notifications in core (real Postgres, Redis, BullMQ)', () => {
  let core: RunningCore;
  let admin: ApiClient;
  let inbound: Queue;

  beforeAll(async () => {
    core = await startCore({ NOTIFICATIONS_ENABLED: 'true', OUTBOX_POLL_MS: '100' });
    inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    admin = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
  });
  beforeEach(async () => {
    await resetState(core);
    await core.ds.query('DELETE FROM mailboxes');
  });
  afterAll(async () => {
    await resetNotificationTemplates(core.ds);
    await inbound.close();
    await core.close();
  });

  async function deliver(msg: InboundMessageInput) {
    const job = await enqueueInbound(inbound, msg);
    const { job: done, state } = await settled(inbound, job.id!);
    expect({ state, failedReason: done.failedReason }).toEqual({ state: 'completed', failedReason: undefined });
    return done.returnvalue as { outcome: string; ticketId: string; ticketNumber: number; messageId: string };
  }

  const acknowledgement = (ticketId: string) =>
    waitFor(`the acknowledgement of ${ticketId} to be decided`, async () => {
      const [row] = await core.ds.query(`SELECT acknowledgement FROM tickets WHERE id = $1`, [ticketId]);
      return row.acknowledgement as string | null;
    });
  const notifications = (ticketId: string) =>
    core.ds.query<{ id: string; author_kind: string; auto_submitted: boolean; notification: string; payload: OutboundMessage }[]>(
      `SELECT id, author_kind, auto_submitted, metadata->>'notification' AS notification, metadata->'outbound' AS payload
         FROM messages WHERE ticket_id = $1 AND direction = 'outbound' ORDER BY created_at`,
      [ticketId],
    );

  it('acknowledges a customer’s new e-mail ticket: an automatic outbound message threaded to the mail, with its outbox row', async () => {
    const msg = emailMessage({ sender: { email: 'ann@example.org', displayName: 'Ann' }, subject: 'Printer on fire' });
    const r = await deliver(msg);
    expect(await acknowledgement(r.ticketId)).toBe('queued');
    const [n] = await notifications(r.ticketId);
    expect(n).toMatchObject({ author_kind: 'system', auto_submitted: true, notification: 'ticket_created' });
    expect(n.payload).toMatchObject({
      ticketNumber: r.ticketNumber,
      channel: 'email',
      channelAccountId: msg.channelAccountId,
      recipient: { email: 'ann@example.org', displayName: 'Ann' },
      subject: `We have received your request [#${r.ticketNumber}]: Printer on fire`,
      threading: { inReplyTo: msg.externalId, references: [msg.externalId] },
      autoSubmitted: true,
    });
    // No first response: the customer has not heard from an agent yet.
    const [t] = await core.ds.query(`SELECT first_response_at FROM tickets WHERE id = $1`, [r.ticketId]);
    expect(t.first_response_at).toBeNull();
  });

  it('acknowledges a follow-up ticket, but not a reply, an automatic mail, our own mailbox, or a ticket an agent opened', async () => {
    const first = await deliver(emailMessage({ sender: { email: 'bob@example.org' } }));
    expect(await acknowledgement(first.ticketId)).toBe('queued');
    const reply = await deliver(emailMessage({ sender: { email: 'bob@example.org' }, threadHints: { ticketNumber: first.ticketNumber, messageIds: [] } }));
    expect(reply.outcome).toBe('appended');

    const auto = await deliver(emailMessage({ sender: { email: 'ooo@example.org' }, autoSubmitted: true }));
    expect(await acknowledgement(auto.ticketId)).toBe('auto_submitted');

    await core.ds.query(
      `INSERT INTO mailboxes (name, address, imap_host, imap_port, imap_user, imap_secret, smtp_host, smtp_port, smtp_security)
       VALUES ('Other desk', 'desk@example.org', 'imap.test', 993, 'desk', 'x', 'smtp.test', 587, 'starttls')`,
    );
    const ours = await deliver(emailMessage({ sender: { email: 'desk@example.org' } }));
    expect(await acknowledgement(ours.ticketId)).toBe('no_address');

    // Only e-mail tickets are acknowledged: an agent's ticket (console, phone, API) is not.
    const byAgent = await admin.post('/tickets', { subject: 'Called in', registrationChannel: 'phone', contact: { email: 'carl@example.org' } });
    expect(byAgent.status).toBe(201);

    await admin.patch(`/tickets/${first.ticketId}`, { status: 'resolved' });
    const followUp = await deliver(
      emailMessage({ sender: { email: 'bob@example.org' }, receivedAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), threadHints: { ticketNumber: first.ticketNumber, messageIds: [] } }),
    );
    expect(followUp.outcome).toBe('follow_up');
    expect(await acknowledgement(followUp.ticketId)).toBe('queued');

    // Bob got the first acknowledgement and the resolution notice on his first ticket, nothing for his reply.
    expect((await notifications(first.ticketId)).map((n) => n.notification)).toEqual(['ticket_created', 'status_changed']);
    for (const id of [auto.ticketId, ours.ticketId, byAgent.body.id]) expect(await notifications(id)).toEqual([]);
  });

  it('tells about a status change in the same transaction, only for enabled kinds, an e-mail address and a human last message', async () => {
    const r = await deliver(emailMessage({ sender: { email: 'dora@example.org' } }));
    await acknowledgement(r.ticketId);
    await admin.patch(`/tickets/${r.ticketId}`, { status: 'pending' });
    expect((await notifications(r.ticketId)).map((n) => n.notification)).toEqual(['ticket_created']);
    await admin.patch(`/tickets/${r.ticketId}`, { status: 'resolved' });
    const [, notice] = await notifications(r.ticketId);
    const [{ subject }] = await core.ds.query(`SELECT subject FROM tickets WHERE id = $1`, [r.ticketId]);
    expect(notice.notification).toBe('status_changed');
    expect(notice.payload).toMatchObject({ subject: `Your request [#${r.ticketNumber}] has been resolved: ${subject}`, autoSubmitted: true });
    const history = (await admin.get(`/tickets/${r.ticketId}/history`)).body.items.map((e: { kind: string }) => e.kind);
    expect(history.slice(-2)).toEqual(['status_changed', 'message_added']);

    // A telegram-only contact has no address for it: it gets the Telegram resolution survey instead.
    const tg = await deliver({
      v: 1,
      channel: Channel.Telegram,
      channelAccountId: 'bot:support',
      externalId: `tg-${Date.now()}`,
      receivedAt: new Date().toISOString(),
      sender: { telegramId: '4242', displayName: 'Tg' },
      text: 'hi',
      threadHints: { messageIds: [], threadKey: '4242' },
    });
    await admin.patch(`/tickets/${tg.ticketId}`, { status: 'resolved' });
    expect((await notifications(tg.ticketId)).map((n) => [n.payload.channel, n.notification])).toEqual([['telegram', 'resolution_survey']]);

    // The customer's latest message was automatic (an out-of-office answer to us): no notice.
    const e = await deliver(emailMessage({ sender: { email: 'eve@example.org' } }));
    await acknowledgement(e.ticketId);
    await deliver(emailMessage({ sender: { email: 'eve@example.org' }, autoSubmitted: true, threadHints: { ticketNumber: e.ticketNumber, messageIds: [] } }));
    await admin.patch(`/tickets/${e.ticketId}`, { status: 'resolved' });
    expect((await notifications(e.ticketId)).map((n) => n.notification)).toEqual(['ticket_created']);
  });

  it('acknowledges each of many new tickets exactly once with two sweeps racing', async () => {
    const second = await startCore({ NOTIFICATIONS_ENABLED: 'true', OUTBOX_POLL_MS: '10' });
    try {
      const sweeps = [core, second].map((c) => c.app.get(AcknowledgementSweeper));
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => deliver(emailMessage({ sender: { email: `many${i}@example.org` } }))));
      await Promise.all([...sweeps, ...sweeps].map((s) => s.drain()));
      await waitFor('every ticket decided', async () => {
        const [row] = await core.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE acknowledgement IS NULL`);
        return row.n === 0;
      });
      const rows = await core.ds.query<{ ticket_id: string; n: number }[]>(
        `SELECT ticket_id, count(*)::int AS n FROM messages WHERE direction = 'outbound' GROUP BY ticket_id`,
      );
      expect(rows).toHaveLength(results.length);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await second.close();
    }
  });
});
