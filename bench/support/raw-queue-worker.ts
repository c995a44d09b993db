/**
 * Child process of bench/inbound.ts for R_q: a bare BullMQ worker on the inbound queue, wired the
 * way core's is (one shared ioredis client, the queue prefix, the same concurrency), whose
 * processor does nothing but return a result of the size core returns. Run in its own process so
 * that, as in the end-to-end phase, producer and consumer do not share a CPU.
 *
 * Talks to the parent over IPC: sends `ready`, `progress` (every 250 ms) and `done` when the
 * expected number of jobs has completed; exits on `stop` or when the parent goes away.
 */
import { createLogger } from '@switchboard/common';
import { QueueName } from '@switchboard/contracts';
import { createRedis } from '@switchboard/queue';
import { Worker } from 'bullmq';

export type RawWorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; processed: number; failed: number }
  | { type: 'done'; processed: number; failed: number };

const redisUrl = process.env.BENCH_REDIS_URL!;
const prefix = process.env.BENCH_QUEUE_PREFIX!;
const concurrency = Number(process.env.BENCH_CONCURRENCY);
const expected = Number(process.env.BENCH_EXPECTED_JOBS);
if (!process.send || !redisUrl || !prefix || !(concurrency > 0) || !(expected > 0)) {
  console.error('raw-queue-worker: run by bench/inbound.ts only (needs IPC and BENCH_* variables)');
  process.exit(2);
}
const send = (m: RawWorkerMessage) => process.send!(m);

/** What core's processor returns (InboundResult), so completed jobs store the same amount. */
const RESULT = {
  outcome: 'created',
  ticketId: '0b7e7c1e-3f5c-4b8e-9a55-3a2f1c0d9e11',
  ticketNumber: 123_456,
  messageId: '5d0c6a1f-8e2b-4c3d-a4f5-6b7c8d9e0f12',
};

const redis = createRedis(redisUrl, createLogger('bench-raw-worker', 'warn'), 'sbbench-raw-worker');
const worker = new Worker(QueueName.Inbound, async () => RESULT, { connection: redis, prefix, concurrency });
let processed = 0;
let failed = 0;
worker.on('completed', () => {
  processed += 1;
  if (processed === expected) send({ type: 'done', processed, failed });
});
worker.on('failed', () => {
  failed += 1;
});
worker.on('error', (err) => console.error(`raw-queue-worker: ${err.message}`));

const progress = setInterval(() => send({ type: 'progress', processed, failed }), 250);

async function stop(code: number): Promise<never> {
  clearInterval(progress);
  await worker.close().catch(() => undefined);
  await redis.quit().catch(() => redis.disconnect());
  process.exit(code);
}

process.on('message', (m: unknown) => {
  if (m === 'stop') void stop(0);
});
process.on('disconnect', () => void stop(1));

await worker.waitUntilReady();
send({ type: 'ready' });
