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
 *
 * Only 127.0.0.1 is touched. Everything created is removed at the end, also on failure or Ctrl-C.
 * Timings are reported, never asserted; the run fails only if messages are lost or duplicated.
 */
import 'reflect-metadata';
import { coreEnvSchema } from '../apps/core/src/config.js';
import { createLogger, loadConfig } from '@switchboard/common';
import { inboundJobId, JobName, QueueName } from '@switchboard/contracts';
import { dataSourceOptions, ensureDatabase } from '@switchboard/db';
import { createRedis, queueOptions } from '@switchboard/queue';
import { Queue } from 'bullmq';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { benchMessage, REPLY_GAP } from './support/messages.js';
import { CpuMeter, cpuSeconds, peakRssBytes } from './support/proc.js';
import { rawInboundTransaction } from './support/raw-pg.js';
import type { RawWorkerMessage } from './support/raw-queue-worker.js';
import {
  Cleanup,
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

const PG_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = 'redis://127.0.0.1:6379';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORE_MAIN = join(ROOT, 'dist/apps/core/main.js');
const RAW_WORKER = join(ROOT, 'bench/support/raw-queue-worker.ts');

/** A phase that makes no progress for this long has failed (a stuck worker, a crashed child). */
const STALL_MS = 60_000;
const POLL_MS = 200;

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

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: ${flag} must be a positive whole number, got "${value}"`);
    process.exit(2);
  }
  return n;
}

/** The knobs core reads, passed through so that this script and the child core resolve the same values. */
const KNOBS = Object.fromEntries(
  ['INBOUND_CONCURRENCY', 'DELIVERY_CONCURRENCY', 'DB_POOL_SIZE']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => [k, process.env[k]!]),
);
const coreConfig = loadConfig(coreEnvSchema, { ...KNOBS, JWT_SECRET: 'x'.repeat(32) });
const CONCURRENCY = coreConfig.INBOUND_CONCURRENCY;
const POOL_SIZE = coreConfig.DB_POOL_SIZE;

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const cleanup = new Cleanup();
const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const rate = (count: number, seconds: number) => count / seconds;
const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: cleaning up`);
    void cleanup.run().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------

interface Figures {
  rq: { rate: number; seconds: number; workerCpuPer1000: number; redisCpuPer1000: number };
  rpg: { rate: number; seconds: number; postgresCpuPer1000: number };
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
  const payloadBytes = averagePayloadBytes();
  log(`run ${RUN}: ${N} messages per phase, concurrency ${CONCURRENCY}, DB pool ${POOL_SIZE}, addBulk chunks of ${CHUNK}, ` +
      `average payload ${(payloadBytes / 1024).toFixed(2)} KiB, ${cpus().length} CPUs, load ${load()}`);

  const server = await postgresSettings();
  log(`PostgreSQL: ${server}`);
  // First, so that a build failure costs nothing and no build runs next to a measurement.
  ensureBuilt();

  const redis = createRedis(REDIS_URL, createLogger('bench', 'warn'), 'sbbench-producer');
  cleanup.add('close the producer Redis connection', () => redis.quit().catch(() => redis.disconnect()));

  const rq = await measureQueue(redis);
  const rpg = await measureDatabase();
  const e = await measureEndToEnd(redis);
  report({ rq, rpg, e }, payloadBytes, server);
}

function averagePayloadBytes(): number {
  let bytes = 0;
  let count = 0;
  for (let i = 0; i < N; i += Math.max(1, Math.floor(N / 2_000))) {
    bytes += Buffer.byteLength(JSON.stringify(benchMessage(i).msg));
    count += 1;
  }
  return bytes / count;
}

/** Enqueues messages 0..N-1 as channel services do: addBulk, job id from inboundJobId, the project's job options. */
async function enqueueAll(queue: Queue, progress = { enqueued: 0 }): Promise<void> {
  for (let start = 0; start < N; start += CHUNK) {
    const jobs = [];
    for (let i = start; i < Math.min(N, start + CHUNK); i++) {
      const { msg } = benchMessage(i);
      jobs.push({ name: JobName.InboundMessage, data: msg, opts: { jobId: inboundJobId(msg) } });
    }
    await queue.addBulk(jobs);
    progress.enqueued += jobs.length;
  }
}

/** The server settings that move these figures most, for the report. */
async function postgresSettings(): Promise<string> {
  const client = new pg.Client({ connectionString: PG_SERVER });
  await client.connect();
  try {
    const names = ['server_version', 'autovacuum', 'synchronous_commit', 'fsync', 'shared_buffers', 'max_connections'];
    const { rows } = await client.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name`,
      [names],
    );
    return rows.map((r) => `${r.name}=${r.setting}`).join(', ');
  } finally {
    await client.end();
  }
}

/** Flushes dirty buffers so one phase's writes are not paid for by the next phase's checkpoint. */
async function checkpoint(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_SERVER });
  await client.connect();
  await client.query('CHECKPOINT').catch(() => undefined);
  await client.end();
}

/** The Redis server's own CPU (shared with anything else using it, so only indicative). */
async function redisServerMeter(redis: ReturnType<typeof createRedis>): Promise<CpuMeter> {
  const pid = Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]);
  return new CpuMeter(async () => (pid > 0 ? [pid] : [])).start();
}

/** The backends serving one database, except the connection asking. */
function postgresBackendsMeter(db: pg.Client | pg.Pool, database: string): Promise<CpuMeter> {
  return new CpuMeter(async () =>
    (await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database])).rows.map(
      (r) => r.pid,
    ),
  ).start();
}

interface Progress {
  what: string;
  done: () => Promise<boolean>;
  count: () => number;
  /** Throws if the phase cannot finish (child died, producer failed). */
  check?: () => Promise<void>;
  onStall?: () => Promise<string>;
}

/** Polls until done, printing progress; fails after STALL_MS without progress. */
async function waitUntilDone(p: Progress): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  let lastPrint = Date.now();
  const started = performance.now();
  // Bounded: every iteration either advances, or counts towards the stall timeout.
  for (;;) {
    if (await p.done()) return;
    await p.check?.();
    const count = p.count();
    if (count !== last) {
      last = count;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > STALL_MS) {
      const more = p.onStall ? ` (${await p.onStall()})` : '';
      throw new Error(`${p.what}: no progress for ${STALL_MS / 1000} s at ${count}/${N}${more}`);
    }
    if (Date.now() - lastPrint >= 5_000) {
      lastPrint = Date.now();
      const s = (performance.now() - started) / 1000;
      log(`${p.what}: ${count}/${N} after ${s.toFixed(0)} s (${rate(count, s).toFixed(0)}/s), load ${load()}`);
    }
    await sleep(POLL_MS);
  }
}

// --- R_q ---------------------------------------------------------------------------------------

async function measureQueue(redis: ReturnType<typeof createRedis>): Promise<Figures['rq']> {
  const prefix = `${QUEUE_PREFIX_PREFIX}${RUN}-rq`;
  cleanup.add(`delete Redis keys ${prefix}:*`, () => deleteKeys(redis, prefix));
  log(`R_q: bare BullMQ worker (concurrency ${CONCURRENCY}) in a child process, prefix ${prefix}`);

  const worker = spawn(process.execPath, [...process.execArgv, RAW_WORKER], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      BENCH_REDIS_URL: REDIS_URL,
      BENCH_QUEUE_PREFIX: prefix,
      BENCH_CONCURRENCY: String(CONCURRENCY),
      BENCH_EXPECTED_JOBS: String(N),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanup.add('stop the raw BullMQ worker', () => stopChild(worker));
  const state = { ready: false, done: false, processed: 0, failed: 0 };
  worker.on('message', (m: RawWorkerMessage) => {
    if (m.type === 'ready') state.ready = true;
    else {
      state.processed = m.processed;
      state.failed = m.failed;
      if (m.type === 'done') state.done = true;
    }
  });
  const alive = async () => {
    if (exited(worker)) throw new Error(`R_q: the raw worker exited (code ${worker.exitCode}, signal ${worker.signalCode})`);
  };
  await withTimeout(
    (async () => {
      while (!state.ready) {
        await alive();
        await sleep(50);
      }
    })(),
    60_000,
    'the raw BullMQ worker to start',
  );

  const queue = new Queue(QueueName.Inbound, queueOptions(redis, prefix));
  cleanup.add('close the R_q queue', () => queue.close());
  await checkpoint();
  const redisCpu = await redisServerMeter(redis);
  const cpu0 = cpuSeconds(worker.pid!);
  const t0 = performance.now();
  let enqueueError: unknown;
  const enqueued = enqueueAll(queue).catch((err: unknown) => (enqueueError = err));
  await waitUntilDone({
    what: 'R_q',
    done: async () => state.done,
    count: () => state.processed,
    check: async () => {
      if (enqueueError) throw asError(enqueueError);
      if (state.failed) throw new Error(`R_q: ${state.failed} no-op jobs failed`);
      await alive();
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(worker.pid!) - cpu0;
  const redisSeconds = await redisCpu.read();
  await enqueued;
  worker.send('stop');
  await stopChild(worker, 15_000);
  await queue.close();
  await deleteKeys(redis, prefix);
  const figure = { rate: rate(N, seconds), seconds, workerCpuPer1000: (cpu / N) * 1_000, redisCpuPer1000: (redisSeconds / N) * 1_000 };
  log(`R_q = ${figure.rate.toFixed(0)} jobs/s (${N} jobs in ${seconds.toFixed(1)} s)`);
  return figure;
}

// --- R_pg --------------------------------------------------------------------------------------

async function measureDatabase(): Promise<Figures['rpg']> {
  const name = `${DB_PREFIX}${RUN}_pg`;
  const url = databaseUrl(PG_SERVER, name);
  cleanup.add(`drop database ${name}`, () => dropDatabase(PG_SERVER, name));
  await ensureDatabase(url);
  const ds = new DataSource(dataSourceOptions({ url, poolSize: 2, applicationName: 'switchboard-bench-migrate' }));
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
  log(`R_pg: raw pg, ${CONCURRENCY} concurrent transactions, pool ${POOL_SIZE}, database ${name} (migrated)`);

  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    application_name: 'switchboard-bench-raw',
    connectionTimeoutMillis: 10_000,
    statement_timeout: 60_000,
  });
  // pool.end() resolves before idle connections are closed; dropping the database then terminates them.
  pool.on('error', () => undefined);
  cleanup.add('close the R_pg pool', async () => pool.ended || (await pool.end()));
  await checkpoint();
  const stats = new pg.Client({ connectionString: url });
  await stats.connect();
  cleanup.add('close the R_pg stats client', () => stats.end().catch(() => undefined));
  const postgresCpu = await postgresBackendsMeter(stats, name);
  let next = 0;
  let done = 0;
  let failure: unknown;
  const t0 = performance.now();
  const lanes = Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < N && !failure; i = next++) {
      const client = await pool.connect();
      try {
        await rawInboundTransaction(client, benchMessage(i).msg);
        done += 1;
      } catch (err) {
        failure ??= err;
      } finally {
        client.release();
      }
    }
  });
  const all = Promise.all(lanes);
  await waitUntilDone({
    what: 'R_pg',
    done: async () => done >= N,
    count: () => done,
    check: async () => {
      if (failure) throw new Error(`R_pg: a transaction failed: ${(failure as Error).message}`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const postgresSeconds = await postgresCpu.read();
  await stats.end();
  await all;
  const [{ count }] = (await pool.query(`SELECT count(*)::int AS count FROM messages`)).rows as { count: number }[];
  if (count !== N) throw new Error(`R_pg: expected ${N} messages, found ${count}`);
  await pool.end();
  await dropDatabase(PG_SERVER, name);
  const figure = { rate: rate(N, seconds), seconds, postgresCpuPer1000: (postgresSeconds / N) * 1_000 };
  log(`R_pg = ${figure.rate.toFixed(0)} tx/s (${N} transactions in ${seconds.toFixed(1)} s)`);
  return figure;
}

// --- E -----------------------------------------------------------------------------------------

/** Builds core when dist is missing or older than its sources (a stale bundle would measure old code). */
function ensureBuilt(): void {
  const builtAt = existsSync(CORE_MAIN) ? statSync(CORE_MAIN).mtimeMs : undefined;
  const newer = builtAt === undefined ? [] : ['apps/core/src', 'libs'].flatMap((dir) => newerThan(join(ROOT, dir), builtAt));
  const why = args.rebuild
    ? '--rebuild'
    : builtAt === undefined
      ? 'dist/apps/core/main.js is missing'
      : newer.length
        ? `dist/apps/core/main.js is older than ${newer.length} source file(s), e.g. ${newer[0]}`
        : undefined;
  if (!why) return;
  if (args['skip-build'] && builtAt !== undefined) {
    log(`warning: ${why}; measuring it anyway (--skip-build)`);
    return;
  }
  log(`building core: ${why}`);
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.js'), 'core'], { cwd: ROOT, stdio: ['ignore', 2, 2], timeout: 10 * 60_000 });
  if (built.status !== 0) {
    throw new Error(`building core failed (${built.error?.message ?? `exit ${built.status}`}); --skip-build measures the existing dist as it is`);
  }
}

function newerThan(dir: string, mtimeMs: number): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.spec.ts'))
    .map((d) => join(d.parentPath, d.name))
    .filter((f) => statSync(f).mtimeMs > mtimeMs)
    .map((f) => f.slice(ROOT.length + 1));
}

/** Keeps the last lines of the child's output (shown if it fails) and counts warn/error log lines. */
function watchOutput(child: ChildProcess) {
  const tail: string[] = [];
  const warnings = { count: 0, first: [] as string[] };
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      const level = /"level":(\d+)/.exec(line);
      if (level && Number(level[1]) >= 40 && ++warnings.count <= 3) warnings.first.push(line.length > 300 ? `${line.slice(0, 300)}…` : line);
      tail.push(line.length > 600 ? `${line.slice(0, 600)}…` : line);
      if (tail.length > 40) tail.shift();
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return { tail, warnings };
}

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
      SEED_ADMIN_PASSWORD: randomBytes(16).toString('hex'),
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
  await withTimeout(
    (async () => {
      while ((await queue.getWorkers()).length === 0) {
        await alive();
        await sleep(100);
      }
    })(),
    30_000,
    "core's inbound worker to connect",
  );
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
  const enqueued = enqueueAll(queue, producer).then(
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
  await waitUntilDone({
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
  const B = 1 / (1 / f.rq.rate + 1 / f.rpg.rate);
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
  exitCode = interrupted ? 130 : 1;
  if (!interrupted) console.error(`bench: FAILED: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await cleanup.run();
}
process.exit(exitCode);
