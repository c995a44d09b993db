/**
 * Web form benchmark (npm run bench:webform -- --help). See bench/README.md, "Web form benchmark".
 *
 * In one run, on one machine:
 *   R_q, R_pg, B  the inbound reference, measured as bench/inbound.ts does (support/reference.ts)
 *   W             end-to-end web form throughput: the built core and the built webform service
 *                 as child processes, C concurrent HTTP clients each opening a form session and
 *                 sending a submission, timed from the first request until N tickets are committed
 *   latency       at half of W, an open-loop load (arrivals fixed by the clock, not by answers):
 *                 percentiles of request → 201/202 and of request → ticket committed, split into
 *                 the stages a submission goes through
 * plus CPU-seconds per 1,000 submissions of core, webform, their PostgreSQL backends, Redis and
 * this client.
 *
 * Only 127.0.0.1 is touched. Everything created is removed at the end, also on failure or Ctrl-C.
 * Timings are reported, never asserted; the run fails if a submission is refused, lost or stored
 * twice, or a job fails.
 */
import 'reflect-metadata';
import { coreEnvSchema } from '../apps/core/src/config.js';
import { webformEnvSchema } from '../apps/webform/src/config.js';
import { createLogger, loadConfig } from '@switchboard/common';
import { inboundJobId, QueueName } from '@switchboard/contracts';
import { createRedis, queueOptions } from '@switchboard/queue';
import { Queue } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { HttpClient, multipartBody } from './support/http-client.js';
import { cpuSeconds, machineBusySeconds, peakRssBytes } from './support/proc.js';
import {
  asError,
  checkpoint,
  inboundBound,
  load,
  measureDatabase,
  measureQueue,
  PG_SERVER,
  positiveInt,
  postgresBackendsMeter,
  postgresSettings,
  REDIS_URL,
  redisServerMeter,
  ROOT,
  STALL_MS,
  waitUntilDone,
  type BenchContext,
  type BenchRedis,
  type DatabaseFigure,
  type QueueFigure,
} from './support/reference.js';
import { Cleanup, cleanupOnSignals, databaseUrl, DB_PREFIX, deleteKeys, dropDatabase, freePort, QUEUE_PREFIX_PREFIX, sleep, stopChild, withTimeout } from './support/scratch.js';
import { checkAlive, ensureBuilt, observerClient, serviceMain, waitForHealth, waitForInboundWorker, watchOutput, type WatchedOutput } from './support/services.js';
import { BENCH_FORM_FIELDS, benchSubmission, REPEAT_GAP } from './support/submissions.js';

const { values: args } = parseArgs({
  options: {
    submissions: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '64' },
    'reuse-sessions': { type: 'boolean', default: false },
    'files-ratio': { type: 'string', default: '0' },
    warmup: { type: 'string', default: '200' },
    'latency-seconds': { type: 'string', default: '20' },
    'latency-rate': { type: 'string' },
    messages: { type: 'string' },
    chunk: { type: 'string', default: '1000' },
    'log-level': { type: 'string', default: 'info' },
    rebuild: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'core-node-arg': { type: 'string', multiple: true, default: [] },
    'webform-node-arg': { type: 'string', multiple: true, default: [] },
    records: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:webform -- [options]
  --submissions N      submissions in the throughput phase (default 5000)
  --concurrency C      concurrent HTTP clients in the throughput phase (default 64)
  --reuse-sessions     each client opens one form session and reuses its token (default: every
                       submission opens its own session first, as the widget does per visitor)
  --files-ratio F      fraction of submissions sent as multipart with one 1–16 KiB file (default 0)
  --warmup N           submissions to a separate form before the timed phases (default 200; 0 = none)
  --latency-seconds S  length of the open-loop latency phase (default 20)
  --latency-rate R     its arrival rate in submissions/s (default: half of the measured W)
  --messages N         messages in each reference phase, R_q and R_pg (default: as --submissions)
  --chunk N            jobs per addBulk call in R_q (default 1000)
  --log-level L        LOG_LEVEL of core and webform (default info, as in production)
  --rebuild            build core and webform first even if dist/ is up to date
  --skip-build         measure dist/ as it is, even if older than the sources
  --core-node-arg ARG, --webform-node-arg ARG
                       extra node option for that child, repeatable
                       (e.g. --webform-node-arg=--cpu-prof --webform-node-arg=--cpu-prof-dir=/tmp/wf-prof)
  --records FILE       also write the latency phase's submissions to FILE as JSON lines (times in ms
                       from the phase start: due, sent, answered, queued, started, committed; status)
Core's INBOUND_CONCURRENCY / DELIVERY_CONCURRENCY / DB_POOL_SIZE are passed through as in bench:inbound;
WEBFORM_DB_POOL_SIZE becomes the webform service's DB_POOL_SIZE, and WEBFORM_WAIT_FOR_TICKET_MS /
WEBFORM_CONFIG_CACHE_S are passed to it. Sessions are opened with WEBFORM_MIN_FILL_MS=0 and rate limits
far above the load.`);
  process.exit(0);
}

const N = positiveInt('--submissions', args.submissions);
const CLIENTS = positiveInt('--concurrency', args.concurrency);
const REF_N = args.messages === undefined ? N : positiveInt('--messages', args.messages);
const CHUNK = positiveInt('--chunk', args.chunk);
const WARMUP = args.warmup === '0' ? 0 : positiveInt('--warmup', args.warmup);
const LATENCY_SECONDS = positiveInt('--latency-seconds', args['latency-seconds']);
const LATENCY_RATE = args['latency-rate'] === undefined ? undefined : positiveNumber('--latency-rate', args['latency-rate']);
const FILES_RATIO = Number(args['files-ratio']);
if (!(FILES_RATIO >= 0 && FILES_RATIO <= 1)) {
  console.error(`bench: --files-ratio must be between 0 and 1, got "${args['files-ratio']}"`);
  process.exit(2);
}
const REUSE_SESSIONS = args['reuse-sessions'];
const LOG_LEVEL = args['log-level'];

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) {
    console.error(`bench: ${flag} must be a positive number, got "${value}"`);
    process.exit(2);
  }
  return n;
}

/** The knobs core reads, passed through so that this script and the child core resolve the same values. */
const KNOBS = pick(['INBOUND_CONCURRENCY', 'DELIVERY_CONCURRENCY', 'DB_POOL_SIZE']);
const WEBFORM_KNOBS = {
  ...pick(['WEBFORM_WAIT_FOR_TICKET_MS', 'WEBFORM_CONFIG_CACHE_S']),
  ...(process.env.WEBFORM_DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.WEBFORM_DB_POOL_SIZE } : {}),
};
function pick(names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
}
// Placeholders for the secrets core requires (SECRETS_KEY where core has it); only the knobs above are read here.
const coreConfig = loadConfig(coreEnvSchema, { ...KNOBS, JWT_SECRET: 'x'.repeat(32), SECRETS_KEY: '0'.repeat(64) });
const webformConfig = loadConfig(webformEnvSchema, { ...WEBFORM_KNOBS, WEBFORM_SECRET: 'x'.repeat(32) });

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const cleanup = new Cleanup();
const log = (line: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const ctx: BenchContext = {
  run: RUN,
  n: REF_N,
  chunk: CHUNK,
  concurrency: coreConfig.INBOUND_CONCURRENCY,
  poolSize: coreConfig.DB_POOL_SIZE,
  cleanup,
  log,
};
/** The page the visitors' browsers are on (the forms allow any origin). */
const ORIGIN = 'https://shop.example.com';

const signals = cleanupOnSignals(cleanup, log);

// ---------------------------------------------------------------------------------------------

interface Form {
  id: string;
  key: string;
  /** The channel account of its messages (the webform service's formAccount). */
  account: string;
}

interface Services {
  core: ChildProcess;
  webform: ChildProcess;
  coreOut: WatchedOutput;
  webformOut: WatchedOutput;
  webPort: number;
  database: string;
  db: pg.Client;
  queue: Queue;
  forms: { warmup: Form; throughput: Form; latency: Form };
  alive: () => void;
}

interface Answer {
  status: 201 | 202;
  reference: string;
  ticketNumber?: number;
}

/** An answer, and what was sent. */
type Sent = Answer & { file: boolean; repeat: boolean };

interface ThroughputFigure {
  rate: number;
  seconds: number;
  answered202: number;
  files: number;
  repeats: number;
  submitMs: number[];
  sessionMs: number[];
  cpuPer1000: { core: number; webform: number; postgres: number; redis: number; client: number };
  webformLogLines: number;
  coreLogLines: number;
  /** Entries added to the inbound queue's event stream per submission (the stream keeps EVENTS_STREAM_MAX_LEN). */
  eventsPerSubmission: number;
  /** The whole machine during W: CPU-s busy, and how much of it was not this run's processes. */
  machine: { busy: number; others: number };
}

interface LatencyFigure {
  rate: number;
  arrivals: number;
  achievedRate: number;
  answered202: number;
  connections: number;
  httpMs: number[];
  committedMs: number[];
  stages: { toQueue: number[]; queued: number[]; processing: number[]; toAnswer: number[] };
  sendLagMs: number[];
  withoutTimes: number;
  cpuPer1000: { core: number; webform: number };
}

async function main(): Promise<void> {
  log(`run ${RUN}: ${N} submissions, ${CLIENTS} clients, ${REUSE_SESSIONS ? 'one session per client' : 'a session per submission'}, ` +
      `files ratio ${FILES_RATIO}, reference phases of ${REF_N} messages, core INBOUND_CONCURRENCY ${ctx.concurrency} / DB pool ${ctx.poolSize}, ` +
      `webform DB pool ${webformConfig.DB_POOL_SIZE}, ${cpus().length} CPUs, load ${load()}`);
  const server = await postgresSettings();
  log(`PostgreSQL: ${server}`);
  // First, so that a build failure costs nothing and no build runs next to a measurement.
  ensureBuilt(['core', 'webform'], { rebuild: args.rebuild, skipBuild: args['skip-build'], log });

  const redis = createRedis(REDIS_URL, createLogger('bench', 'warn'), 'sbbench-producer');
  cleanup.add('close the producer Redis connection', () => redis.quit().catch(() => redis.disconnect()));

  const rq = await measureQueue(ctx, redis);
  const rpg = await measureDatabase(ctx);
  const services = await startServices(redis);
  if (WARMUP) await warmUp(services);
  const w = await measureThroughput(services, redis);
  const latency = await measureLatency(services, redis, LATENCY_RATE ?? w.rate / 2);
  const peakRss = { core: peakRssBytes(services.core.pid!), webform: peakRssBytes(services.webform.pid!) };
  await verifyTotals(services, WARMUP + N + latency.arrivals);
  const warnings = { core: services.coreOut.warnings, webform: services.webformOut.warnings };
  await stopServices(services, redis);
  report({ rq, rpg, w, latency, peakRss, warnings }, server);
}

// --- the services ------------------------------------------------------------------------------

async function startServices(redis: BenchRedis): Promise<Services> {
  const database = `${DB_PREFIX}${RUN}_wf`;
  const url = databaseUrl(PG_SERVER, database);
  const prefix = `${QUEUE_PREFIX_PREFIX}${RUN}-wf`;
  cleanup.add(`drop database ${database}`, () => dropDatabase(PG_SERVER, database));
  cleanup.add(`delete Redis keys ${prefix}:*`, () => deleteKeys(redis, prefix));
  const corePort = await freePort();
  let webPort = await freePort();
  while (webPort === corePort) webPort = await freePort();
  const adminPassword = randomBytes(16).toString('hex');
  const common = { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: url, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL };

  log(`starting node dist/apps/core/main.js on port ${corePort}, database ${database}, prefix ${prefix}, LOG_LEVEL ${LOG_LEVEL}`);
  const core = spawn(process.execPath, [...args['core-node-arg'], serviceMain('core')], {
    cwd: ROOT,
    env: {
      ...common,
      PORT: String(corePort),
      JWT_SECRET: randomBytes(32).toString('hex'),
      SECRETS_KEY: randomBytes(32).toString('hex'),
      SEED_ADMIN_PASSWORD: adminPassword,
      WEBFORM_PUBLIC_URL: `http://127.0.0.1:${webPort}`,
      ...KNOBS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add('stop core', () => stopChild(core));
  const coreOut = watchOutput(core);
  await waitForHealth(core, corePort, 'core', coreOut);

  const api = `http://127.0.0.1:${corePort}/api/v1`;
  const login = await json<{ accessToken: string }>(
    fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.com', password: adminPassword }) }),
    200,
    'logging in as admin@example.com',
  );
  const createForm = async (key: string): Promise<Form> => {
    const body = {
      key,
      title: 'Contact support',
      introText: 'We answer within one working day.',
      fields: BENCH_FORM_FIELDS,
      allowedOrigins: ['*'],
      filesAllowed: true,
    };
    const form = await json<{ id: string; key: string }>(
      fetch(`${api}/webforms`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` }, body: JSON.stringify(body) }),
      201,
      `creating the web form ${key}`,
    );
    return { id: form.id, key: form.key, account: `webform:${form.id}` };
  };
  const forms = { warmup: await createForm('bench-warmup'), throughput: await createForm('bench-throughput'), latency: await createForm('bench-latency') };

  log(`starting node dist/apps/webform/main.js on port ${webPort} (WEBFORM_MIN_FILL_MS=0, rate limits off in effect)`);
  const webform = spawn(process.execPath, [...args['webform-node-arg'], serviceMain('webform')], {
    cwd: ROOT,
    env: {
      ...common,
      PORT: String(webPort),
      WEBFORM_SECRET: randomBytes(32).toString('hex'),
      WEBFORM_MIN_FILL_MS: '0',
      WEBFORM_RATE_PER_IP: '1000000',
      WEBFORM_RATE_PER_FORM: '10000000',
      WEBFORM_WIDGET_PATH: join(ROOT, 'dist/widget/widget.js'),
      ...WEBFORM_KNOBS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add('stop webform', () => stopChild(webform));
  const webformOut = watchOutput(webform);
  await waitForHealth(webform, webPort, 'webform', webformOut);

  const queue = new Queue(QueueName.Inbound, queueOptions(redis, prefix));
  cleanup.add('close the inbound queue', () => queue.close());
  const alive = () => {
    checkAlive(core, 'core', coreOut);
    checkAlive(webform, 'webform', webformOut);
  };
  await waitForInboundWorker(queue, alive);
  const db = await observerClient(url, cleanup, log);
  return { core, webform, coreOut, webformOut, webPort, database, db, queue, forms, alive };
}

async function json<T>(pending: Promise<Response>, status: number, what: string): Promise<T> {
  const res = await pending;
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function stopServices(s: Services, redis: BenchRedis): Promise<void> {
  await stopChild(s.webform);
  await stopChild(s.core);
  await s.db.end();
  await s.queue.close();
  await dropDatabase(PG_SERVER, s.database);
  await deleteKeys(redis, `${QUEUE_PREFIX_PREFIX}${RUN}-wf`);
}

// --- the visitor's requests --------------------------------------------------------------------

async function openSession(client: HttpClient, form: Form): Promise<string> {
  const res = await client.request('POST', `/forms/${form.key}/sessions`, { origin: ORIGIN });
  if (res.status !== 201) throw new Error(`POST /forms/${form.key}/sessions: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  return (JSON.parse(res.body) as { token: string }).token;
}

/** Submission `i` of the stream, as the widget sends it: JSON, or multipart when it has a file. */
async function submit(client: HttpClient, form: Form, i: number, token: string): Promise<Sent> {
  const s = benchSubmission(i, FILES_RATIO);
  const payload = JSON.stringify({ token, idempotencyKey: randomUUID(), values: s.values, honeypot: '' });
  const { contentType, body } = s.file ? multipartBody(payload, [s.file]) : { contentType: 'application/json', body: payload };
  const res = await client.request('POST', `/forms/${form.key}/submissions`, { origin: ORIGIN, 'content-type': contentType }, body);
  if (res.status !== 201 && res.status !== 202) {
    throw new Error(`submission ${i} to ${form.key}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  }
  const answer = JSON.parse(res.body) as { status: string; reference: string; ticketNumber?: number };
  if (res.status === 201 && !(answer.status === 'created' && answer.ticketNumber)) throw new Error(`submission ${i}: a 201 without a ticket number: ${res.body}`);
  return { status: res.status, reference: answer.reference, ticketNumber: answer.ticketNumber, file: Boolean(s.file), repeat: s.repeat };
}

const countMessages = async (s: Services, form: Form) =>
  (await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE channel_account_id = $1`, [form.account])).rows[0].n;

/** How many entries were ever added to the inbound queue's event stream (XINFO STREAM entries-added). */
async function eventsAdded(redis: BenchRedis, s: Services): Promise<number> {
  const info = (await redis.xinfo('STREAM', s.queue.keys.events).catch(() => [])) as unknown[];
  const at = info.indexOf('entries-added');
  return at >= 0 ? Number(info[at + 1]) : NaN;
}

/** A request's failure, or rather the reason behind it when a child has died. */
function whyFailed(s: Services, failure: unknown): Error {
  try {
    s.alive();
  } catch (err) {
    return asError(err);
  }
  return asError(failure);
}

/** Throws if a child died or a job failed. */
async function checkHealthy(s: Services): Promise<void> {
  s.alive();
  const failed = await s.queue.getFailedCount();
  if (failed) {
    const [first] = await s.queue.getFailed(0, 0);
    throw new Error(`${failed} inbound job(s) failed, e.g. ${first?.id}: ${first?.failedReason}`);
  }
}

/** Polls until `expected` messages of the form are committed; fails after STALL_MS without progress. */
async function waitCommitted(s: Services, form: Form, expected: number, pollMs: number): Promise<void> {
  let count = await countMessages(s, form);
  let last = count;
  let lastChange = Date.now();
  while (count < expected) {
    await checkHealthy(s);
    if (count !== last) [last, lastChange] = [count, Date.now()];
    else if (Date.now() - lastChange > STALL_MS) {
      throw new Error(`${form.key}: ${count}/${expected} submissions committed, no progress for ${STALL_MS / 1000} s (queue ${JSON.stringify(await s.queue.getJobCounts())})`);
    }
    await sleep(pollMs);
    count = await countMessages(s, form);
  }
}

/** Exactly the answered submissions are stored, once each, one ticket each, with their files; the queue is empty. */
async function verifyForm(s: Services, form: Form, answers: Answer[], files: number): Promise<void> {
  const expected = answers.length;
  const stored = (
    await s.db.query<{ reference: string; number: number; channel: string; attachments: number }>(
      `SELECT m.external_id AS reference, t.number::int AS number, m.channel,
              (SELECT count(*)::int FROM attachments a WHERE a.message_id = m.id) AS attachments
         FROM messages m JOIN tickets t ON t.id = m.ticket_id
        WHERE m.channel_account_id = $1`,
      [form.account],
    )
  ).rows;
  const byReference = new Map(stored.map((r) => [r.reference, r]));
  const tickets = new Set(stored.map((r) => r.number));
  const problems: string[] = [];
  if (stored.length !== expected) problems.push(`${stored.length} messages stored for ${expected} submissions`);
  if (byReference.size !== stored.length) problems.push(`${stored.length - byReference.size} duplicate references`);
  if (tickets.size !== stored.length) problems.push(`${stored.length} messages on ${tickets.size} tickets`);
  const notWebform = stored.filter((r) => r.channel !== 'webform').length;
  if (notWebform) problems.push(`${notWebform} messages with a channel other than webform`);
  const references = new Set(answers.map((a) => a.reference));
  if (references.size !== expected) problems.push(`${expected - references.size} answers repeated a reference`);
  const missing = answers.filter((a) => !byReference.has(a.reference)).length;
  if (missing) problems.push(`${missing} answered submissions not stored`);
  const wrongNumber = answers.filter((a) => a.ticketNumber !== undefined && byReference.get(a.reference)?.number !== a.ticketNumber).length;
  if (wrongNumber) problems.push(`${wrongNumber} answers named another ticket than the one stored`);
  const attached = stored.reduce((n, r) => n + r.attachments, 0);
  if (attached !== files) problems.push(`${attached} attachments on the messages for ${files} files sent`);
  const counts = await s.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
  if (Object.values(counts).some((n) => n > 0)) problems.push(`inbound queue not empty: ${JSON.stringify(counts)}`);
  if (problems.length) throw new Error(`${form.key}: ${problems.join('; ')}`);
}

/** Every ticket in the database came from one of the run's submissions; no attachment was left unlinked. */
async function verifyTotals(s: Services, expected: number): Promise<void> {
  const { tickets, orphans } = (
    await s.db.query<{ tickets: number; orphans: number }>(
      `SELECT (SELECT count(*)::int FROM tickets) AS tickets, (SELECT count(*)::int FROM attachments WHERE message_id IS NULL) AS orphans`,
    )
  ).rows[0];
  if (tickets !== expected || orphans !== 0) throw new Error(`expected ${expected} tickets and no unlinked attachment; found ${tickets} tickets, ${orphans} unlinked attachments`);
}

// --- warm-up -----------------------------------------------------------------------------------

/** Submissions to a form of their own, so that JIT, pools and caches are warm before anything is timed. */
async function warmUp(s: Services): Promise<void> {
  log(`warm-up: ${WARMUP} submissions to ${s.forms.warmup.key}`);
  const client = new HttpClient(s.webPort, CLIENTS);
  const answers: Answer[] = [];
  let next = 0;
  let files = 0;
  await Promise.all(
    Array.from({ length: Math.min(CLIENTS, 16) }, async () => {
      for (let k = next++; k < WARMUP; k = next++) {
        // Indices far beyond the timed streams; their rare "returning" visitors name random earlier indices.
        const a = await submit(client, s.forms.warmup, 1_000_000_000 + k, await openSession(client, s.forms.warmup));
        answers.push(a);
        if (a.file) files += 1;
      }
    }),
  ).catch((err: unknown) => {
    throw whyFailed(s, err);
  });
  client.close();
  await waitCommitted(s, s.forms.warmup, WARMUP, 100);
  await verifyForm(s, s.forms.warmup, answers, files);
}

// --- W -----------------------------------------------------------------------------------------

async function measureThroughput(s: Services, redis: BenchRedis): Promise<ThroughputFigure> {
  const form = s.forms.throughput;
  log(`W: ${N} submissions to ${form.key} from ${CLIENTS} concurrent clients, ${REUSE_SESSIONS ? 'one session per client' : 'each opening its own session'}`);
  const client = new HttpClient(s.webPort, CLIENTS);
  const tokens = REUSE_SESSIONS ? await Promise.all(Array.from({ length: CLIENTS }, () => openSession(client, form))) : [];
  const answers: Answer[] = [];
  const submitMs: number[] = [];
  const sessionMs: number[] = [];
  let files = 0;
  let repeats = 0;
  let failure: unknown;

  await checkpoint();
  const postgresCpu = await postgresBackendsMeter(s.db, s.database);
  const redisCpu = await redisServerMeter(redis);
  const cpu0 = { core: cpuSeconds(s.core.pid!), webform: cpuSeconds(s.webform.pid!), client: process.cpuUsage(), machine: machineBusySeconds() };
  const lines0 = { core: s.coreOut.lines.count, webform: s.webformOut.lines.count };
  const events0 = await eventsAdded(redis, s);
  let next = 0;
  const t0 = performance.now();
  const lanes = Array.from({ length: CLIENTS }, async (_, lane) => {
    for (let i = next++; i < N && !failure; i = next++) {
      try {
        let token = tokens[lane];
        if (!REUSE_SESSIONS) {
          const opened = performance.now();
          token = await openSession(client, form);
          sessionMs.push(performance.now() - opened);
        }
        const sent = performance.now();
        const a = await submit(client, form, i, token);
        submitMs.push(performance.now() - sent);
        answers.push(a);
        if (a.file) files += 1;
        if (a.repeat) repeats += 1;
      } catch (err) {
        failure ??= err;
      }
    }
  });
  let lanesDone = false;
  const all = Promise.all(lanes).then(() => (lanesDone = true));
  // Progress, stalls and dead children are watched beside the clients; its polling does not delay the end.
  const watcher = waitUntilDone(ctx, {
    what: 'W (answers)',
    total: N,
    done: async () => lanesDone || Boolean(failure),
    count: () => answers.length,
    check: () => checkHealthy(s),
  }).catch((err: unknown) => {
    failure ??= err;
  });
  await Promise.race([all, watcher]);
  if (failure) throw whyFailed(s, failure);
  // A 201 comes after its ticket was committed; only 202s can still be on their way.
  await waitCommitted(s, form, N, 50);
  const seconds = (performance.now() - t0) / 1000;
  await watcher;
  const clientCpu = process.cpuUsage(cpu0.client);
  const cpu = {
    core: cpuSeconds(s.core.pid!) - cpu0.core,
    webform: cpuSeconds(s.webform.pid!) - cpu0.webform,
    postgres: await postgresCpu.read(),
    redis: await redisCpu.read(),
    client: (clientCpu.user + clientCpu.system) / 1e6,
    machine: machineBusySeconds() - cpu0.machine,
  };
  client.close();
  await sleep(500);
  await verifyForm(s, form, answers, files);
  const per1000 = (x: number) => (x / N) * 1_000;
  const figure: ThroughputFigure = {
    rate: N / seconds,
    seconds,
    answered202: answers.filter((a) => a.status === 202).length,
    files,
    repeats,
    submitMs,
    sessionMs,
    cpuPer1000: { core: per1000(cpu.core), webform: per1000(cpu.webform), postgres: per1000(cpu.postgres), redis: per1000(cpu.redis), client: per1000(cpu.client) },
    webformLogLines: s.webformOut.lines.count - lines0.webform,
    coreLogLines: s.coreOut.lines.count - lines0.core,
    eventsPerSubmission: ((await eventsAdded(redis, s)) - events0) / N,
    machine: { busy: cpu.machine, others: cpu.machine - cpu.core - cpu.webform - cpu.postgres - cpu.redis - cpu.client },
  };
  log(`W = ${figure.rate.toFixed(0)} submissions/s (${N} in ${seconds.toFixed(1)} s, ${figure.answered202} answered 202)`);
  return figure;
}

// --- latency -------------------------------------------------------------------------------------

async function measureLatency(s: Services, redis: BenchRedis, rate: number): Promise<LatencyFigure> {
  const form = s.forms.latency;
  const arrivals = Math.max(1, Math.round(rate * LATENCY_SECONDS));
  const interval = 1_000 / rate;
  log(`latency: ${arrivals} submissions to ${form.key} at ${rate.toFixed(1)}/s for ${LATENCY_SECONDS} s, open loop`);
  // Visitors open the form long before they send it: the sessions are opened before the phase, and
  // reused (a token stays valid). A browser per visitor: connections are not capped in practice.
  const client = new HttpClient(s.webPort, 1_024);
  const tokens = await Promise.all(Array.from({ length: Math.min(CLIENTS, 64) }, () => openSession(client, form)));
  await checkpoint();

  interface Arrival {
    due: number;
    sent: number;
    done: number;
    answer?: Sent;
  }
  const records: Arrival[] = [];
  const pending: Promise<void>[] = [];
  let failure: unknown;
  /** Wall clock (ms since the epoch) of a performance.now() reading, to compare with BullMQ's timestamps. */
  const wallOffset = Date.now() - performance.now();
  const cpu0 = { core: cpuSeconds(s.core.pid!), webform: cpuSeconds(s.webform.pid!) };
  const start = performance.now() + 100;
  let lastCheck = performance.now();
  for (let k = 0; k < arrivals && !failure; ) {
    const now = performance.now();
    // Every arrival whose time has come is sent now, whatever is still waiting for an answer.
    for (; k < arrivals && start + k * interval <= now; k++) {
      const rec: Arrival = { due: start + k * interval, sent: performance.now(), done: 0 };
      records.push(rec);
      pending.push(
        submit(client, form, N + k, tokens[k % tokens.length]).then(
          (a) => {
            rec.done = performance.now();
            rec.answer = a;
          },
          (err: unknown) => {
            failure ??= err;
          },
        ),
      );
    }
    if (performance.now() - lastCheck > 1_000) {
      lastCheck = performance.now();
      s.alive();
    }
    if (k < arrivals) await sleep(Math.max(0, start + k * interval - performance.now()));
  }
  await withTimeout(Promise.all(pending), 120_000, 'the latency phase answers');
  if (failure) throw whyFailed(s, failure);
  const connections = client.sockets();
  client.close();
  await waitCommitted(s, form, arrivals, 100);
  const cpu = { core: cpuSeconds(s.core.pid!) - cpu0.core, webform: cpuSeconds(s.webform.pid!) - cpu0.webform };
  await sleep(500);
  const answers = records.map((r) => r.answer!);
  await verifyForm(s, form, answers, answers.filter((a) => a.file).length);

  // When each job was queued, started and completed (core completes a job only after its
  // transaction has committed), from the job hashes BullMQ keeps for the last 10,000 completed jobs.
  const pipeline = redis.pipeline();
  for (const a of answers) pipeline.hmget(s.queue.toKey(inboundJobId({ channelAccountId: form.account, externalId: a.reference })), 'timestamp', 'processedOn', 'finishedOn');
  const times = ((await pipeline.exec()) ?? []).map(([err, v]) => (err ? [] : (v as (string | null)[]).map((x) => (x === null ? NaN : Number(x)))));
  const figure: LatencyFigure = {
    rate,
    arrivals,
    achievedRate: records.length > 1 ? (records.length - 1) / ((records[records.length - 1].sent - records[0].sent) / 1000) : rate,
    answered202: answers.filter((a) => a.status === 202).length,
    connections,
    httpMs: records.map((r) => r.done - r.due),
    committedMs: [],
    stages: { toQueue: [], queued: [], processing: [], toAnswer: [] },
    sendLagMs: records.map((r) => r.sent - r.due),
    withoutTimes: 0,
    cpuPer1000: { core: (cpu.core / arrivals) * 1_000, webform: (cpu.webform / arrivals) * 1_000 },
  };
  records.forEach((r, k) => {
    const [queuedAt, startedAt, finishedAt] = times[k] ?? [];
    if (!(queuedAt > 0 && startedAt > 0 && finishedAt > 0)) {
      figure.withoutTimes += 1;
      return;
    }
    const due = wallOffset + r.due;
    figure.committedMs.push(finishedAt - due);
    figure.stages.toQueue.push(queuedAt - due);
    figure.stages.queued.push(startedAt - queuedAt);
    figure.stages.processing.push(finishedAt - startedAt);
    if (r.answer?.status === 201) figure.stages.toAnswer.push(wallOffset + r.done - finishedAt);
  });
  if (args.records) {
    const at = (wall: number) => (wall > 0 ? Math.round((wall - wallOffset - start) * 10) / 10 : null);
    const rel = (t: number) => Math.round((t - start) * 10) / 10;
    const rows = records.map((r, k) => {
      const [queuedAt, startedAt, finishedAt] = times[k] ?? [];
      return JSON.stringify({ k, due: rel(r.due), sent: rel(r.sent), answered: rel(r.done), queued: at(queuedAt), started: at(startedAt), committed: at(finishedAt), status: r.answer?.status });
    });
    writeFileSync(args.records, `${rows.join('\n')}\n`);
    log(`latency: ${rows.length} records written to ${args.records}`);
  }
  log(`latency: p50 ${quantile(figure.httpMs, 0.5).toFixed(0)} ms, p99 ${quantile(figure.httpMs, 0.99).toFixed(0)} ms at ${rate.toFixed(1)}/s (${figure.answered202} answered 202)`);
  return figure;
}

function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

// --- report ------------------------------------------------------------------------------------

function report(
  f: {
    rq: QueueFigure;
    rpg: DatabaseFigure;
    w: ThroughputFigure;
    latency: LatencyFigure;
    peakRss: { core: number; webform: number };
    warnings: { core: WatchedOutput['warnings']; webform: WatchedOutput['warnings'] };
  },
  server: string,
): void {
  const B = inboundBound(f.rq.rate, f.rpg.rate);
  const ratio = f.w.rate / B;
  const L = f.latency;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  const cpu = (x: number) => x.toFixed(2);
  const ms = (x: number) => (Number.isNaN(x) ? '–' : `${x.toFixed(0)} ms`);
  const sessions = REUSE_SESSIONS ? 'one session per client' : 'session + submission each';
  const rows: [string, string, string][] = [
    ['R_q', `${f.rq.rate.toFixed(0)} jobs/s`, `raw BullMQ no-op worker, ${REF_N} jobs in ${f.rq.seconds.toFixed(1)} s`],
    ['R_pg', `${f.rpg.rate.toFixed(0)} tx/s`, `raw pg, one inbound message's database work per transaction, ${REF_N} in ${f.rpg.seconds.toFixed(1)} s`],
    ['B', `${B.toFixed(0)} msg/s`, '1 / (1/R_q + 1/R_pg), the inbound bound'],
    ['W', `${f.w.rate.toFixed(0)} sub/s`, `web form end to end, first request → ${N} tickets committed in ${f.w.seconds.toFixed(1)} s (${CLIENTS} clients, ${sessions})`],
    ['W/B', ratio.toFixed(2), 'web form throughput against the inbound bound'],
    ['rate', `${L.rate.toFixed(1)} sub/s`, `latency phase: ${L.arrivals} open-loop arrivals in ${LATENCY_SECONDS} s (sent at ${L.achievedRate.toFixed(1)}/s), ${LATENCY_RATE === undefined ? 'half of W' : '--latency-rate'}`],
    ['HTTP p50', ms(quantile(L.httpMs, 0.5)), 'submission sent → 201/202 received'],
    ['HTTP p90', ms(quantile(L.httpMs, 0.9)), ''],
    ['HTTP p99', ms(quantile(L.httpMs, 0.99)), ''],
    ['HTTP max', ms(quantile(L.httpMs, 1)), `${L.answered202} of ${L.arrivals} answered 202 (no ticket within WEBFORM_WAIT_FOR_TICKET_MS ${webformConfig.WEBFORM_WAIT_FOR_TICKET_MS} ms)`],
    ['commit p50', ms(quantile(L.committedMs, 0.5)), 'submission sent → ticket committed (its job completed)'],
    ['commit p90', ms(quantile(L.committedMs, 0.9)), ''],
    ['commit p99', ms(quantile(L.committedMs, 0.99)), ''],
    ['commit max', ms(quantile(L.committedMs, 1)), L.withoutTimes ? `${L.withoutTimes} submissions without job times, left out` : ''],
    ['CPU/1000', `${cpu(f.w.cpuPer1000.core)} CPU-s`, 'core process (utime+stime) per 1,000 submissions, during W'],
    ['', `${cpu(f.w.cpuPer1000.webform)} CPU-s`, 'webform process'],
    ['peak RSS', mib(f.peakRss.core), `core process VmHWM; webform ${mib(f.peakRss.webform)}`],
  ];
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  const line = `+-${'-'.repeat(w[0])}-+-${'-'.repeat(w[1])}-+`;
  const stage = (name: string, xs: number[]) => `  ${name.padEnd(34)}${[0.5, 0.9, 0.99, 1].map((q) => ms(quantile(xs, q)).padStart(9)).join('')}`;
  const warnLine = (who: string, warnings: WatchedOutput['warnings']) =>
    `${who} logged ${warnings.count} warning/error line(s)${warnings.first.length ? `, first:\n  ${warnings.first.join('\n  ')}` : ''}`;
  const out = [
    '',
    `Web form benchmark, run ${RUN}: ${N} submissions, ${CLIENTS} clients, files ratio ${FILES_RATIO}, reference phases of ${REF_N} messages, ` +
      `core INBOUND_CONCURRENCY ${ctx.concurrency} / DB pool ${ctx.poolSize}, webform DB pool ${webformConfig.DB_POOL_SIZE}, LOG_LEVEL ${LOG_LEVEL}, ` +
      `${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${load()}`,
    `PostgreSQL ${server}`,
    line,
    ...rows.map(([a, b, c]) => `| ${a.padEnd(w[0])} | ${b.padStart(w[1])} | ${c}`),
    line,
    `${'Latency phase, by stage:'.padEnd(36)}${['p50', 'p90', 'p99', 'max'].map((h) => h.padStart(9)).join('')}`,
    stage('sent → 201/202 received', L.httpMs),
    stage('sent → job queued (webform)', L.stages.toQueue),
    stage('queued → started (queue wait)', L.stages.queued),
    stage('started → committed (core)', L.stages.processing),
    stage('committed → 201 received', L.stages.toAnswer),
    stage('client send lag', L.sendLagMs),
    `  (stages from each job's BullMQ timestamps, same host clock; ${L.connections} client connections at the end; ` +
      `CPU-s per 1,000 submissions at this rate: core ${cpu(L.cpuPer1000.core)}, webform ${cpu(L.cpuPer1000.webform)})`,
    `W phase, closed loop: submission request p50 ${ms(quantile(f.w.submitMs, 0.5))}, p99 ${ms(quantile(f.w.submitMs, 0.99))}` +
      (f.w.sessionMs.length ? `; session request p50 ${ms(quantile(f.w.sessionMs, 0.5))}, p99 ${ms(quantile(f.w.sessionMs, 0.99))}` : '') +
      `; ${f.w.answered202} answered 202; ${f.w.repeats} from returning visitors; ${f.w.files} with a file`,
    `CPU-s per 1,000 submissions during W, by process:  core ${cpu(f.w.cpuPer1000.core)}, webform ${cpu(f.w.cpuPer1000.webform)}, ` +
      `postgres backends ${cpu(f.w.cpuPer1000.postgres)}, redis-server ${cpu(f.w.cpuPer1000.redis)}, this client ${cpu(f.w.cpuPer1000.client)}` +
      `  |  R_q worker ${cpu(f.rq.workerCpuPer1000)}, redis-server ${cpu(f.rq.redisCpuPer1000)}  |  R_pg postgres backends ${cpu(f.rpg.postgresCpuPer1000)}`,
    `machine during W: ${f.w.machine.busy.toFixed(1)} of ${(f.w.seconds * cpus().length).toFixed(1)} CPU-s busy, ` +
      `${f.w.machine.others.toFixed(1)} CPU-s of it not this run's processes (other work on the machine, the kernel)`,
    `per submission during W: log lines webform ${(f.w.webformLogLines / N).toFixed(2)}, core ${(f.w.coreLogLines / N).toFixed(2)}; ` +
      `inbound event stream entries ${f.w.eventsPerSubmission.toFixed(1)}`,
    warnLine('core', f.warnings.core),
    warnLine('webform', f.warnings.webform),
    '',
    `R_q: ${f.rq.rate.toFixed(1)} jobs/s`,
    `R_pg: ${f.rpg.rate.toFixed(1)} tx/s`,
    `B: ${B.toFixed(1)} msg/s`,
    `W: ${f.w.rate.toFixed(1)} submissions/s`,
    `W/B: ${ratio.toFixed(3)}`,
    `latency rate: ${L.rate.toFixed(1)} submissions/s`,
    `HTTP latency ms p50/p90/p99/max: ${[0.5, 0.9, 0.99, 1].map((q) => quantile(L.httpMs, q).toFixed(1)).join('/')}`,
    `commit latency ms p50/p90/p99/max: ${[0.5, 0.9, 0.99, 1].map((q) => quantile(L.committedMs, q).toFixed(1)).join('/')}`,
    `answered 202: ${L.answered202}/${L.arrivals}`,
    `core CPU-s per 1000 submissions: ${f.w.cpuPer1000.core.toFixed(3)}`,
    `webform CPU-s per 1000 submissions: ${f.w.cpuPer1000.webform.toFixed(3)}`,
  ];
  console.log(out.join('\n'));
}

let exitCode = 0;
try {
  if (N <= REPEAT_GAP) log(`note: with ${N} ≤ ${REPEAT_GAP} submissions no visitor returns in the throughput phase`);
  await main();
} catch (err) {
  exitCode = signals.interrupted ? 130 : 1;
  if (!signals.interrupted) console.error(`bench: FAILED: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await cleanup.run();
}
process.exit(exitCode);
