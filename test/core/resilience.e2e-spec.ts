import { Channel, QueueName, type InboundMessageInput } from '@switchboard/contracts';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { OutboxRelay } from '../../apps/core/src/outbox/outbox.relay.js';
import { resetState, startCore, waitFor, type RunningCore } from '../support/core.js';
import { ADMIN, ApiClient } from '../support/http.js';
import { emailMessage, enqueueInbound, queue } from '../support/queues.js';

const count = async (core: RunningCore, sql: string, params: unknown[] = []) => Number((await core.ds.query(sql, params))[0].count);

describe('inbound under concurrency and restarts (real Postgres + Redis)', () => {
  let core: RunningCore;

  beforeAll(async () => {
    core = await startCore({ INBOUND_CONCURRENCY: '16' });
    await resetState(core);
  });
  afterAll(() => core.close());

  it('creates one contact when many first messages from the same sender arrive at once', async () => {
    const inbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.Inbound);
    const sender = { telegramId: '555000111', displayName: 'Rush' };
    const messages: InboundMessageInput[] = Array.from({ length: 30 }, (_, i) => ({
      v: 1,
      channel: Channel.Telegram,
      channelAccountId: 'bot-race',
      externalId: `race-${i}`,
      receivedAt: new Date().toISOString(),
      sender,
      text: `message ${i}`,
    }));
    await Promise.all(messages.map((m) => enqueueInbound(inbound, m)));
    await waitFor('all 30 messages', async () => (await count(core, `SELECT count(*) FROM messages WHERE channel_account_id = 'bot-race'`)) === 30, 20_000);
    expect(await count(core, `SELECT count(*) FROM contact_identities WHERE kind = 'telegram' AND value = '555000111'`)).toBe(1);
    expect(await count(core, `SELECT count(DISTINCT author_contact_id) FROM messages WHERE channel_account_id = 'bot-race'`)).toBe(1);
    expect(await count(core, `SELECT count(*) FROM contacts`)).toBe(1);
    await inbound.close();
  });

  it('loses and duplicates nothing when core shuts down mid-stream and starts again', async () => {
    const producer = new Redis(core.config.REDIS_URL, { maxRetriesPerRequest: null });
    const inbound = new Queue(QueueName.Inbound, { connection: producer, prefix: core.config.QUEUE_PREFIX });
    const batch = Array.from({ length: 400 }, (_, i) => emailMessage({ channelAccountId: 'restart-box', sender: { email: `restart${i % 50}@example.org` } }));
    await inbound.addBulk(batch.map((m) => ({ name: 'inbound-message', data: m, opts: { jobId: `restart-${m.externalId}` } })));
    await waitFor('some messages to be processed', async () => (await count(core, `SELECT count(*) FROM messages WHERE channel_account_id = 'restart-box'`)) > 20);
    await core.close(); // what SIGTERM does: workers finish the jobs in hand, then stop
    const processedBefore = await (async () => {
      const again = await startCore({ INBOUND_CONCURRENCY: '16', WORKERS_ENABLED: 'false' });
      const n = await count(again, `SELECT count(*) FROM messages WHERE channel_account_id = 'restart-box'`);
      await again.close();
      return n;
    })();
    expect(processedBefore).toBeLessThan(400);
    expect(await inbound.getActiveCount()).toBe(0);

    core = await startCore({ INBOUND_CONCURRENCY: '16' });
    await waitFor('the rest after the restart', async () => (await count(core, `SELECT count(*) FROM messages WHERE channel_account_id = 'restart-box'`)) === 400, 30_000);
    expect(await count(core, `SELECT count(DISTINCT external_id) FROM messages WHERE channel_account_id = 'restart-box'`)).toBe(400);
    expect(await inbound.getFailedCount()).toBe(0);
    await inbound.close();
    producer.disconnect();
  });
});

/** A Redis of the test's own, so it can be stopped and started again. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  return waitFor(`redis on ${port}`, async () => {
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG' ? proc : undefined;
    } catch {
      return undefined;
    } finally {
      probe.disconnect();
    }
  });
}

describe('a Redis outage delays replies but loses none', () => {
  let core: RunningCore;
  let redis: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    core = await startCore({ REDIS_URL: `redis://127.0.0.1:${port}`, OUTBOX_POLL_MS: '60000' });
    await resetState(core);
  });
  afterAll(async () => {
    // Workers need Redis to close; bring it back if a failed assertion left it down.
    if (redis.exitCode !== null || redis.signalCode !== null) redis = await startRedis(port);
    await core.close();
    redis.kill('SIGKILL');
  });

  it('keeps the reply in the outbox while Redis is down and sends it once Redis is back', async () => {
    const agent = await new ApiClient(core.api).login(ADMIN.email, ADMIN.password);
    const created = await agent.post('/tickets', { subject: 'Outage', contact: { email: 'outage@example.org' } });
    redis.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 200));

    const reply = await agent.post(`/tickets/${created.body.id}/messages`, { body: 'Sent during the outage', visibility: 'public' });
    expect(reply.status).toBe(201);
    const relay = core.app.get(OutboxRelay);
    // The reply's commit woke the relay; its enqueue times out and the row is kept for later.
    const row = await waitFor('the failed enqueue to be recorded', async () => {
      const [r] = await core.ds.query(`SELECT attempts, last_error FROM outbox`);
      return r?.attempts >= 1 ? r : undefined;
    });
    expect(row.last_error).toContain('timed out');

    redis = await startRedis(port);
    await core.ds.query(`UPDATE outbox SET available_at = now()`);
    await waitFor('the relay to dispatch after Redis returns', async () => (await relay.drain()).dispatched === 1 || (await count(core, 'SELECT count(*) FROM outbox')) === 0, 20_000);
    const outbound = queue(core.redis, core.config.QUEUE_PREFIX, QueueName.OutboundEmail);
    const jobs = await waitFor('the outbound job', async () => {
      const all = await outbound.getJobs(['waiting', 'delayed', 'active', 'completed']);
      return all.length ? all : undefined;
    });
    expect(jobs.map((j) => (j.data as { messageId: string }).messageId)).toEqual([reply.body.id]);
    await outbound.close();
  }, 60_000);
});
