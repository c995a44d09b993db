/**
 * Inbound throughput benchmark (npm run bench:inbound -- --messages 5000). See bench/README.md.
 *
 * Three measurements in one run, on one machine, with the same message stream, concurrency and
 * pool size, each against its own scratch database / Redis prefix:
 *   R_q  raw BullMQ no-op throughput (producer here, bare worker in a child process)
 *   R_pg raw `pg` transactions doing one inbound message's database work (real schema)
 *   E    the built core (node dist/apps/core/main.js) as a child process, from enqueue to
 *        committed `messages` rows
 * and from them B = 1 / (1/R_q + 1/R_pg), E/B, core CPU-seconds per 1,000 messages, core peak RSS.
 * R_q and R_pg live in support/reference.ts (bench/webform.ts measures them the same way).
 *
 * Only 127.0.0.1 is touched. Everything created is removed at the end, also on failure or Ctrl-C.
 * Timings are reported, never asserted; the run fails only if messages are lost or duplicated.
 */
import 'reflect-metadata';
import { coreEnvSchema } from '../apps/core/src/config.js';
import { createLogger, loadConfig } from '@switchboard/common';
import { QueueName } from '@switchboard/contracts';
import { createRedis, queueOptions } from '@switchboard/queue';
import { Queue } from 'bullmq';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { REPLY_GAP } from './support/messages.js';
import { cpuSeconds, peakRssBytes } from './support/proc.js';
import {
  asError,
  averagePayloadBytes,
  checkpoint,
  enqueueAll,
  inboundBound,
  load,
  measureDatabase,
  measureQueue,
  PG_SERVER,
  positiveInt,
  postgresBackendsMeter,
  postgresSettings,
  rate,
  REDIS_URL,
  redisServerMeter,
  ROOT,
  waitUntilDone,
  type BenchContext,
  type DatabaseFigure,
  type QueueFigure,
} from './support/reference.js';
import {
  Cleanup,
  cleanupOnSignals,
  databaseUrl,
  DB_PREFIX,
  deleteKeys,
  dropDatabase,
  exited,
  freePort,
  QUEUE_PREFIX_PREFIX,
  sleep,
  stopChild,
  withTimeout,
} from './support/scratch.js';
import { ensureBuilt, serviceMain, waitForInboundWorker, watchOutput } from './support/services.js';

const CORE_MAIN = serviceMain('core');

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '100000' },
    chunk: { type: 'string', default: '1000' },
    'log-level': { type: 'string', default: 'info' },
    rebuild: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'core-node-arg': { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:inbound -- [--messages N] [--chunk N] [--log-level L] [--rebuild | --skip-build] [--core-node-arg ARG]
  --messages   messages per phase (default 100000)
  --chunk      jobs per addBulk call (default 1000)
  --log-level  core's LOG_LEVEL in the end-to-end phase (default info, as in production)
  --rebuild    build core first even if dist/apps/core/main.js is up to date
  --skip-build measure dist/apps/core/main.js as it is, even if older than the sources
  --core-node-arg ARG  extra node option for the core child, repeatable
               (e.g. --core-node-arg=--cpu-prof --core-node-arg=--cpu-prof-dir=/tmp/core-prof)
Concurrency and pool size follow core's own config: set INBOUND_CONCURRENCY / DB_POOL_SIZE to change them.`);
  process.exit(0);
}
const N = positiveInt('--messages', args.messages);
const CHUNK = positiveInt('--chunk', args.chunk);
const CORE_LOG_LEVEL = args['log-level'];

/** The knobs core reads, passed through so that this script and the child core resolve the same values. */
const KNOBS = Object.fromEntries(
  ['INBOUND_CONCURRENCY', 'DELIVERY_CONCURRENCY', 'DB_POOL_SIZE']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => [k, process.env[k]!]),
);
// Placeholders for the secrets core requires (SECRETS_KEY where core has it); only the knobs above are read here.
const coreConfig = loadConfig(coreEnvSchema, { ...KNOBS, JWT_SECRET: 'x'.repeat(32), SECRETS_KEY: '0'.repeat(64) });
const CONCURRENCY = coreConfig.INBOUND_CONCURRENCY;
const POOL_SIZE = coreConfig.DB_POOL_SIZE;

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const cleanup = new Cleanup();
const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const ctx: BenchContext = { run: RUN, n: N, chunk: CHUNK, concurrency: CONCURRENCY, poolSize: POOL_SIZE, cleanup, log };

const signals = cleanupOnSignals(cleanup, log);

// ---------------------------------------------------------------------------------------------

interface Figures {
  rq: QueueFigure;
  rpg: DatabaseFigure;
  e: {
    rate: number;
    seconds: number;
    enqueueSeconds: number;
    cpuPer1000: number;
    peakRss: number;
    mix: Record<string, number>;
    tickets: number;
    coreWarnings: { count: number; first: string[] };
    postgresCpuPer1000: number;
    redisCpuPer1000: number;
  };
}

async function main(): Promise<void> {
  const payloadBytes = averagePayloadBytes(N);
  log(`run ${RUN}: ${N} messages per phase, concurrency ${CONCURRENCY}, DB pool ${POOL_SIZE}, addBulk chunks of ${CHUNK}, ` +
      `average payload ${(payloadBytes / 1024).toFixed(2)} KiB, ${cpus().length} CPUs, load ${load()}`);

  const server = await postgresSettings();
  log(`PostgreSQL: ${server}`);
  // First, so that a build failure costs nothing and no build runs next to a measurement.
  ensureBuilt(['core'], { rebuild: args.rebuild, skipBuild: args['skip-build'], log });

  const redis = createRedis(REDIS_URL, createLogger('bench', 'warn'), 'sbbench-producer');
  cleanup.add('close the producer Redis connection', () => redis.quit().catch(() => redis.disconnect()));

  const rq = await measureQueue(ctx, redis);
  const rpg = await measureDatabase(ctx);
  const e = await measureEndToEnd(redis);
  report({ rq, rpg, e }, payloadBytes, server);
}

// --- E -----------------------------------------------------------------------------------------

async function measureEndToEnd(redis: ReturnType<typeof createRedis>): Promise<Figures['e']> {
  const name = `${DB_PREFIX}${RUN}_e2e`;
  const url = databaseUrl(PG_SERVER, name);
  const prefix = `${QUEUE_PREFIX_PREFIX}${RUN}-e2e`;
  cleanup.add(`drop database ${name}`, () => dropDatabase(PG_SERVER, name));
  cleanup.add(`delete Redis keys ${prefix}:*`, () => deleteKeys(redis, prefix));
  const port = await freePort();
  log(`E: starting node dist/apps/core/main.js on port ${port}, database ${name}, prefix ${prefix}, LOG_LEVEL ${CORE_LOG_LEVEL}`);

  const core = spawn(process.execPath, [...args['core-node-arg'], CORE_MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      PORT: String(port),
      JWT_SECRET: randomBytes(32).toString('hex'),
      SECRETS_KEY: randomBytes(32).toString('hex'),
      SEED_ADMIN_PASSWORD: randomBytes(16).toString('hex'),
      // E counts inbound messages only: acknowledgements of new e-mail tickets would add outbound rows.
      NOTIFICATIONS_ENABLED: 'false',
      LOG_LEVEL: CORE_LOG_LEVEL,
      ...KNOBS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add('stop core', () => stopChild(core));
  const output = watchOutput(core);
  const alive = async () => {
    if (exited(core)) {
      throw new Error(`E: core exited (code ${core.exitCode}, signal ${core.signalCode}); its last output:\n${output.tail.join('\n')}`);
    }
  };
  await withTimeout(
    (async () => {
      for (;;) {
        await alive();
        const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
        if (ok) return;
        await sleep(250);
      }
    })(),
    120_000,
    'core to answer GET /health',
  );

  const queue = new Queue(QueueName.Inbound, queueOptions(redis, prefix));
  cleanup.add('close the E queue', () => queue.close());
  await waitForInboundWorker(queue, alive);
  const db = new pg.Client({ connectionString: url });
  db.on('error', (err) => log(`E: database client error: ${err.message}`));
  await db.connect();
  let dbOpen = true;
  const closeDb = async () => {
    if (dbOpen) await db.end();
    dbOpen = false;
  };
  cleanup.add('close the E database client', closeDb);
  const countMessages = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages`)).rows[0].n;
  if ((await countMessages()) !== 0) throw new Error(`E: ${name} is not empty`);

  await checkpoint();
  const postgresCpu = await postgresBackendsMeter(db, name);
  const redisCpu = await redisServerMeter(redis);
  const pid = core.pid!;
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let enqueueSeconds = 0;
  let enqueueError: unknown;
  const producer = { enqueued: 0 };
  const enqueued = enqueueAll(ctx, queue, producer).then(
    () => (enqueueSeconds = (performance.now() - t0) / 1000),
    (err: unknown) => (enqueueError = err),
  );
  // count(*) on a large, freshly written table is a scan that would compete with the workload for
  // the same two CPUs, so it runs only once the queue looks drained; progress in between comes
  // from Redis (a job completes only after its transaction has committed).
  const pending = async () => {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  };
  let processed = 0;
  await waitUntilDone(ctx, {
    what: 'E',
    done: async () => {
      const left = await pending();
      processed = producer.enqueued - left;
      if (producer.enqueued < N || left > 0) return false;
      return (await countMessages()) >= N;
    },
    count: () => processed,
    check: async () => {
      if (enqueueError) throw asError(enqueueError);
      await alive();
      const failed = await queue.getFailedCount();
      if (failed) {
        const [first] = await queue.getFailed(0, 0);
        throw new Error(`E: ${failed} job(s) failed, e.g. ${first?.id}: ${first?.failedReason}`);
      }
    },
    onStall: async () => `queue ${JSON.stringify(await queue.getJobCounts())}, ${await countMessages()} messages stored`,
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const postgresSeconds = await postgresCpu.read();
  const redisSeconds = await redisCpu.read();
  const peakRss = peakRssBytes(pid);
  await enqueued;

  // Correctness: exactly N distinct messages, every job completed, nothing failed or left over.
  await sleep(1_000);
  const verify = (
    await db.query<{ total: number; distinct: number; tickets: number }>(
      `SELECT count(*)::int AS total, count(DISTINCT (channel_account_id, external_id))::int AS distinct,
              (SELECT count(*)::int FROM tickets) AS tickets
         FROM messages`,
    )
  ).rows[0];
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
  const leftover = Object.values(counts).reduce((a, b) => a + b, 0);
  if (verify.total !== N || verify.distinct !== N || leftover !== 0) {
    throw new Error(`E: expected exactly ${N} distinct messages and an empty queue; found ${verify.total} messages ` +
      `(${verify.distinct} distinct), queue ${JSON.stringify(counts)}`);
  }
  const mixRows = (await db.query<{ by: string; n: number }>(`SELECT threaded_by AS by, count(*)::int AS n FROM messages GROUP BY 1 ORDER BY 2 DESC`)).rows;
  const mix = Object.fromEntries(mixRows.map((r) => [r.by, r.n]));

  await stopChild(core);
  await closeDb();
  await queue.close();
  await dropDatabase(PG_SERVER, name);
  await deleteKeys(redis, prefix);
  const figure = {
    rate: rate(N, seconds),
    seconds,
    enqueueSeconds,
    cpuPer1000: (cpu / N) * 1_000,
    peakRss,
    mix,
    tickets: verify.tickets,
    coreWarnings: output.warnings,
    postgresCpuPer1000: (postgresSeconds / N) * 1_000,
    redisCpuPer1000: (redisSeconds / N) * 1_000,
  };
  log(`E = ${figure.rate.toFixed(0)} messages/s (${N} messages in ${seconds.toFixed(1)} s; enqueue took ${enqueueSeconds.toFixed(1)} s)`);
  return figure;
}

// --- report ------------------------------------------------------------------------------------

function report(f: Figures, payloadBytes: number, server: string): void {
  const B = inboundBound(f.rq.rate, f.rpg.rate);
  const ratio = f.e.rate / B;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  const cpu = (x: number) => x.toFixed(2);
  const rows: [string, string, string][] = [
    ['R_q', `${f.rq.rate.toFixed(0)} jobs/s`, `raw BullMQ no-op worker, ${N} jobs in ${f.rq.seconds.toFixed(1)} s`],
    ['R_pg', `${f.rpg.rate.toFixed(0)} tx/s`, `raw pg, one inbound message's database work per transaction, ${N} in ${f.rpg.seconds.toFixed(1)} s`],
    ['B', `${B.toFixed(0)} msg/s`, '1 / (1/R_q + 1/R_pg)'],
    ['E', `${f.e.rate.toFixed(0)} msg/s`, `built core, enqueue → committed rows, ${N} in ${f.e.seconds.toFixed(1)} s (enqueue ${f.e.enqueueSeconds.toFixed(1)} s)`],
    ['E/B', ratio.toFixed(2), 'target ≥ 0.5'],
    ['CPU/1000', `${cpu(f.e.cpuPer1000)} CPU-s`, 'core process (utime+stime) per 1,000 messages'],
    ['peak RSS', mib(f.e.peakRss), 'core process VmHWM'],
  ];
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  const line = `+-${'-'.repeat(w[0])}-+-${'-'.repeat(w[1])}-+`;
  const warnings = f.e.coreWarnings;
  const out = [
    '',
    `Inbound benchmark, run ${RUN}: ${N} messages, concurrency ${CONCURRENCY}, DB pool ${POOL_SIZE}, ` +
      `payload ≈ ${(payloadBytes / 1024).toFixed(2)} KiB, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${load()}`,
    `PostgreSQL ${server}`,
    line,
    ...rows.map(([a, b, c]) => `| ${a.padEnd(w[0])} | ${b.padStart(w[1])} | ${c}`),
    line,
    `CPU-s per 1,000 messages, by process:  R_q  worker ${cpu(f.rq.workerCpuPer1000)}, redis-server ${cpu(f.rq.redisCpuPer1000)}` +
      `  |  R_pg  postgres backends ${cpu(f.rpg.postgresCpuPer1000)}` +
      `  |  E  core ${cpu(f.e.cpuPer1000)}, postgres backends ${cpu(f.e.postgresCpuPer1000)}, redis-server ${cpu(f.e.redisCpuPer1000)}`,
    `E outcome (messages by threaded_by): ${JSON.stringify(f.e.mix)}; ${f.e.tickets} tickets`,
    `core logged ${warnings.count} warning/error line(s)${warnings.first.length ? `, first:\n  ${warnings.first.join('\n  ')}` : ''}`,
    '',
    `R_q: ${f.rq.rate.toFixed(1)} jobs/s`,
    `R_pg: ${f.rpg.rate.toFixed(1)} tx/s`,
    `B: ${B.toFixed(1)} msg/s`,
    `E: ${f.e.rate.toFixed(1)} msg/s`,
    `E/B: ${ratio.toFixed(3)}`,
    `core CPU-s per 1000 messages: ${f.e.cpuPer1000.toFixed(3)}`,
    `core peak RSS: ${(f.e.peakRss / 1024 / 1024).toFixed(1)} MiB`,
  ];
  console.log(out.join('\n'));
}

let exitCode = 0;
try {
  if (N <= REPLY_GAP) log(`note: with ${N} ≤ ${REPLY_GAP} messages there are no replies in the mix`);
  await main();
} catch (err) {
  exitCode = signals.interrupted ? 130 : 1;
  if (!signals.interrupted) console.error(`bench: FAILED: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await cleanup.run();
}
process.exit(exitCode);
