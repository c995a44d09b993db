/**
 * The reference measurements shared by the benchmarks (bench/inbound.ts, bench/webform.ts):
 *   R_q  raw BullMQ no-op throughput (producer in the calling process, bare worker in a child)
 *   R_pg raw `pg` transactions doing one inbound message's database work (real schema)
 *   B    = 1 / (1/R_q + 1/R_pg), the inbound bound
 * plus what their phases need: progress polling with a stall timeout, CPU meters for the Redis
 * server and a database's backends, CHECKPOINT between phases, the server settings for the report.
 *
 * Both phases use the deterministic message stream of support/messages.ts (messages 0..n-1), the
 * core's INBOUND_CONCURRENCY and DB_POOL_SIZE, and their own scratch database / Redis prefix,
 * removed when the phase ends (and by the caller's Cleanup on failure or Ctrl-C).
 */
import { inboundJobId, JobName, QueueName } from '@switchboard/contracts';
import { dataSourceOptions, ensureDatabase } from '@switchboard/db';
import { queueOptions, type createRedis } from '@switchboard/queue';
import { Queue } from 'bullmq';
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { benchMessage } from './messages.js';
import { CpuMeter, cpuSeconds } from './proc.js';
import { rawInboundTransaction } from './raw-pg.js';
import type { RawWorkerMessage } from './raw-queue-worker.js';
import {
  databaseUrl,
  DB_PREFIX,
  deleteKeys,
  dropDatabase,
  exited,
  QUEUE_PREFIX_PREFIX,
  sleep,
  stopChild,
  withTimeout,
  type Cleanup,
} from './scratch.js';

export const PG_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = 'redis://127.0.0.1:6379';
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const RAW_WORKER = join(ROOT, 'bench/support/raw-queue-worker.ts');

/** A phase that makes no progress for this long has failed (a stuck worker, a crashed child). */
export const STALL_MS = 60_000;
const POLL_MS = 200;

export type BenchRedis = ReturnType<typeof createRedis>;

/** What the phases need to know about the run. */
export interface BenchContext {
  /** The run's id, part of every scratch name. */
  run: string;
  /** Messages per reference phase. */
  n: number;
  /** Jobs per addBulk call. */
  chunk: number;
  /** The core's INBOUND_CONCURRENCY. */
  concurrency: number;
  /** The core's DB_POOL_SIZE. */
  poolSize: number;
  cleanup: Cleanup;
  log: (line: string) => void;
}

export const rate = (count: number, seconds: number) => count / seconds;
export const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
export const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** B: the rate if each message cost exactly one raw queue job plus one raw transaction, one after the other. */
export const inboundBound = (rq: number, rpg: number) => 1 / (1 / rq + 1 / rpg);

/** Reads a positive whole number from a command-line flag, or exits with a usage error. */
export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: ${flag} must be a positive whole number, got "${value}"`);
    process.exit(2);
  }
  return n;
}

/** Average JSON size of the stream's first n payloads (sampled). */
export function averagePayloadBytes(n: number): number {
  let bytes = 0;
  let count = 0;
  for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 2_000))) {
    bytes += Buffer.byteLength(JSON.stringify(benchMessage(i).msg));
    count += 1;
  }
  return bytes / count;
}

/** Enqueues messages 0..n-1 as channel services do: addBulk, job id from inboundJobId, the project's job options. */
export async function enqueueAll(ctx: BenchContext, queue: Queue, progress = { enqueued: 0 }): Promise<void> {
  for (let start = 0; start < ctx.n; start += ctx.chunk) {
    const jobs = [];
    for (let i = start; i < Math.min(ctx.n, start + ctx.chunk); i++) {
      const { msg } = benchMessage(i);
      jobs.push({ name: JobName.InboundMessage, data: msg, opts: { jobId: inboundJobId(msg) } });
    }
    await queue.addBulk(jobs);
    progress.enqueued += jobs.length;
  }
}

/** The server settings that move these figures most, for the report. */
export async function postgresSettings(): Promise<string> {
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
export async function checkpoint(): Promise<void> {
  const client = new pg.Client({ connectionString: PG_SERVER });
  await client.connect();
  await client.query('CHECKPOINT').catch(() => undefined);
  await client.end();
}

/** The Redis server's own CPU (shared with anything else using it, so only indicative). */
export async function redisServerMeter(redis: BenchRedis): Promise<CpuMeter> {
  const pid = Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]);
  return new CpuMeter(async () => (pid > 0 ? [pid] : [])).start();
}

/** The backends serving one database, except the connection asking. */
export function postgresBackendsMeter(db: pg.Client | pg.Pool, database: string): Promise<CpuMeter> {
  return new CpuMeter(async () =>
    (await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database])).rows.map(
      (r) => r.pid,
    ),
  ).start();
}

export interface Progress {
  what: string;
  done: () => Promise<boolean>;
  count: () => number;
  /** What count() is counting up to (default: the context's n). */
  total?: number;
  /** Throws if the phase cannot finish (child died, producer failed). */
  check?: () => Promise<void>;
  onStall?: () => Promise<string>;
}

/** Polls until done, printing progress; fails after STALL_MS without progress. */
export async function waitUntilDone(ctx: BenchContext, p: Progress, pollMs = POLL_MS): Promise<void> {
  const total = p.total ?? ctx.n;
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
      throw new Error(`${p.what}: no progress for ${STALL_MS / 1000} s at ${count}/${total}${more}`);
    }
    if (Date.now() - lastPrint >= 5_000) {
      lastPrint = Date.now();
      const s = (performance.now() - started) / 1000;
      ctx.log(`${p.what}: ${count}/${total} after ${s.toFixed(0)} s (${rate(count, s).toFixed(0)}/s), load ${load()}`);
    }
    await sleep(pollMs);
  }
}

// --- R_q ---------------------------------------------------------------------------------------

export interface QueueFigure {
  rate: number;
  seconds: number;
  workerCpuPer1000: number;
  redisCpuPer1000: number;
}

export async function measureQueue(ctx: BenchContext, redis: BenchRedis): Promise<QueueFigure> {
  const { n: N, concurrency: CONCURRENCY, cleanup, log } = ctx;
  const prefix = `${QUEUE_PREFIX_PREFIX}${ctx.run}-rq`;
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
  const enqueued = enqueueAll(ctx, queue).catch((err: unknown) => (enqueueError = err));
  await waitUntilDone(ctx, {
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

export interface DatabaseFigure {
  rate: number;
  seconds: number;
  postgresCpuPer1000: number;
}

export async function measureDatabase(ctx: BenchContext): Promise<DatabaseFigure> {
  const { n: N, concurrency: CONCURRENCY, poolSize: POOL_SIZE, cleanup, log } = ctx;
  const name = `${DB_PREFIX}${ctx.run}_pg`;
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
  await waitUntilDone(ctx, {
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
