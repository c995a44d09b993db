/**
 * E-mail channel benchmark (npm run bench:email -- --help). See bench/README.md, "E-mail benchmark".
 *
 * In one run, on one machine:
 *   R_q, R_pg, B  the inbound reference, measured as bench/inbound.ts does (support/reference.ts)
 *   E_mail        a throwaway Dovecot whose mailbox holds N customer mails (written straight into
 *                 its Maildir before the first login), the built core and the built e-mail service
 *                 as child processes; timed from creating the mailbox through core's API until N
 *                 messages of that mailbox are committed
 *   IDLE latency  M more mails APPENDed one at a time at a modest rate: APPEND completed → ticket
 *                 message committed, split into the stages a mail goes through
 *   memory        one mail with a 25 MiB attachment: the e-mail service's RSS sampled from before
 *                 the APPEND until the message is committed; with the attachment stored, then with
 *                 it over the mailbox's limit (dropped while parsing)
 * plus CPU-seconds per 1,000 mails of the e-mail service, core, their PostgreSQL backends, Redis
 * and Dovecot.
 *
 * Only 127.0.0.1 is touched. Everything created is removed at the end, also on failure or Ctrl-C.
 * Timings are reported, never asserted; the run fails if a mail is lost or stored twice, or a job
 * fails.
 */
import 'reflect-metadata';
import { coreEnvSchema } from '../apps/core/src/config.js';
import { emailEnvSchema } from '../apps/email/src/config.js';
import { startDovecot, type RunningDovecot } from '../test/support/mail/dovecot.js';
import { createLogger, loadConfig } from '@switchboard/common';
import { inboundJobId, QueueName } from '@switchboard/contracts';
import { createRedis, queueOptions } from '@switchboard/queue';
import { Queue } from 'bullmq';
import type { ImapFlow } from 'imapflow';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { benchMail, MAIL_REPLY_GAP, type BenchMail } from './support/mails.js';
import { CpuMeter, cpuSeconds, machineBusySeconds, peakRssBytes, processTree, resetPeakRss, rssBytes } from './support/proc.js';
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
  type BenchContext,
  type BenchRedis,
  type DatabaseFigure,
  type QueueFigure,
} from './support/reference.js';
import { Cleanup, cleanupOnSignals, databaseUrl, DB_PREFIX, deleteKeys, dropDatabase, freePort, QUEUE_PREFIX_PREFIX, sleep, stopChild, withTimeout } from './support/scratch.js';
import { checkAlive, ensureBuilt, observerClient, serviceMain, waitForHealth, waitForInboundWorker, watchOutput, type WatchedOutput } from './support/services.js';

const MiB = 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    'latency-messages': { type: 'string', default: '200' },
    'latency-rate': { type: 'string', default: '4' },
    'attachment-mib': { type: 'string', default: '25' },
    'rss-interval-ms': { type: 'string', default: '20' },
    'ref-messages': { type: 'string' },
    chunk: { type: 'string', default: '1000' },
    'log-level': { type: 'string', default: 'info' },
    rebuild: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'core-node-arg': { type: 'string', multiple: true, default: [] },
    'email-node-arg': { type: 'string', multiple: true, default: [] },
    records: { type: 'string' },
    'rss-trace': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:email -- [options]
  --messages N          mails preloaded into the mailbox for E_mail (default 10000)
  --latency-messages M  mails APPENDed one at a time for the IDLE latency (default 200)
  --latency-rate R      their rate, mails/s, evenly spaced (default 4)
  --attachment-mib S    size of the memory phase's attachment in MiB (default 25; base64 makes the mail ~1.37× that)
  --rss-interval-ms T   RSS sampling interval of the memory phase (default 20)
  --ref-messages N      messages in each reference phase, R_q and R_pg (default: as --messages)
  --chunk N             jobs per addBulk call in R_q (default 1000)
  --log-level L         LOG_LEVEL of core and the e-mail service (default info, as in production)
  --rebuild             build core and email first even if dist/ is up to date
  --skip-build          measure dist/ as it is, even if older than the sources
  --core-node-arg ARG, --email-node-arg ARG
                        extra node option for that child, repeatable
                        (e.g. --email-node-arg=--cpu-prof --email-node-arg=--cpu-prof-dir=/tmp/email-prof)
  --records FILE        write the latency phase's mails to FILE as JSON lines (ms from the phase start:
                        due, appended, queued, started, committed)
  --rss-trace FILE      write the memory phase's RSS samples to FILE (CSV: variant, ms, email RSS, core RSS)
Needs Dovecot (dovecot, doveadm; Debian: apt-get install -y dovecot-imapd), PostgreSQL and Redis on
127.0.0.1. Core's INBOUND_CONCURRENCY / DELIVERY_CONCURRENCY / DB_POOL_SIZE pass through as in bench:inbound;
EMAIL_BATCH_SIZE, EMAIL_POLL_INTERVAL_MS, EMAIL_SENDER_RATE_PER_HOUR and EMAIL_MAX_TEXT_CHARS are passed to the
e-mail service, and EMAIL_DB_POOL_SIZE becomes its DB_POOL_SIZE.`);
  process.exit(0);
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) {
    console.error(`bench: ${flag} must be a positive number, got "${value}"`);
    process.exit(2);
  }
  return n;
}

const N = positiveInt('--messages', args.messages);
const M = positiveInt('--latency-messages', args['latency-messages']);
const LATENCY_RATE = positiveNumber('--latency-rate', args['latency-rate']);
const ATTACHMENT_BYTES = Math.round(positiveNumber('--attachment-mib', args['attachment-mib']) * MiB);
const RSS_INTERVAL_MS = positiveInt('--rss-interval-ms', args['rss-interval-ms']);
const REF_N = args['ref-messages'] === undefined ? N : positiveInt('--ref-messages', args['ref-messages']);
const CHUNK = positiveInt('--chunk', args.chunk);
const LOG_LEVEL = args['log-level'];
/** The memory phase's target: the e-mail service's RSS grows by less than this. */
const RSS_TARGET_BYTES = 100 * MiB;

function pickEnv(names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
}
/** The knobs core reads, passed through so that this script and the child core resolve the same values. */
const KNOBS = pickEnv(['INBOUND_CONCURRENCY', 'DELIVERY_CONCURRENCY', 'DB_POOL_SIZE']);
const EMAIL_KNOBS = {
  ...pickEnv(['EMAIL_BATCH_SIZE', 'EMAIL_POLL_INTERVAL_MS', 'EMAIL_SENDER_RATE_PER_HOUR', 'EMAIL_MAX_TEXT_CHARS']),
  ...(process.env.EMAIL_DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.EMAIL_DB_POOL_SIZE } : {}),
};
/** The mailbox's attachment limit with the large attachment stored, and core's ATTACHMENT_MAX_BYTES that allows it. */
const STORED_LIMIT = ATTACHMENT_BYTES + MiB;
const CORE_ATTACHMENT_MAX = Math.max(25 * MiB, STORED_LIMIT);
// Placeholders for the secrets the services require; only the knobs above are read here.
const coreConfig = loadConfig(coreEnvSchema, { ...KNOBS, JWT_SECRET: 'x'.repeat(32), SECRETS_KEY: '0'.repeat(64) });
const emailConfig = loadConfig(emailEnvSchema, { ...EMAIL_KNOBS, SECRETS_KEY: '0'.repeat(64), EMAIL_SIGNING_SECRET: 'x'.repeat(32) });
/** The default mailbox limit (core's MAILBOX_DEFAULTS), under which the large attachment is dropped. */
const DEFAULT_MAILBOX_LIMIT = 10 * MiB;

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
const signals = cleanupOnSignals(cleanup, log);

const BULK_USER = { user: 'support@switchboard-bench.test', pass: randomBytes(12).toString('hex') };
const DROP_USER = { user: 'sales@switchboard-bench.test', pass: randomBytes(12).toString('hex') };
const PROBE_USER = { user: 'idle-probe@switchboard-bench.test', pass: randomBytes(12).toString('hex') };

// ---------------------------------------------------------------------------------------------

interface Services {
  core: ChildProcess;
  email: ChildProcess;
  coreOut: WatchedOutput;
  emailOut: WatchedOutput;
  imap: RunningDovecot;
  /** Dovecot's master process (its imap processes are below it). */
  dovecotPid: number;
  database: string;
  prefix: string;
  db: pg.Client;
  queue: Queue;
  redis: BenchRedis;
  api: string;
  token: string;
  smtpPort: number;
  alive: () => void;
}

interface Mailbox {
  id: string;
  address: string;
}

interface Preload {
  seconds: number;
  indexSeconds: number;
  bytes: number;
  attachments: number;
  kinds: Record<string, number>;
  messageIds: string[];
}

/** BullMQ's times of one job (ms since the epoch): queued, started, completed. */
interface JobTimes {
  queued: number;
  started: number;
  finished: number;
}

interface ThroughputFigure {
  rate: number;
  seconds: number;
  firstQueuedS: number;
  firstCommittedS: number;
  cpuPer1000: { email: number; core: number; postgres: number; redis: number; dovecot: number; client: number };
  machine: { busy: number; others: number };
  outcome: { threadedBy: Record<string, number>; tickets: number; attachments: number; storms: number; automated: number };
  breakdown: Breakdown;
}

interface Breakdown {
  jobs: number;
  batches: number;
  batchSize: number;
  /** Reader busy taking in a batch's mails: first queued → last queued, summed. */
  ingestS: number;
  /** Reader waiting for core: a batch's last queued → its last committed, summed. */
  waitS: number;
  /** Between batches: last committed → next batch's first queued (flags, cursor, the next first mail), summed. */
  betweenS: number;
  /** Per mail while taking in a batch (successive queued times). */
  perMailMs: number[];
  queueWaitMs: number[];
  processingMs: number[];
  /** Jobs core had in hand on average while E ran (sum of processing times / E). */
  coreBusy: number;
}

interface LatencyFigure {
  rate: number;
  arrivals: number;
  achievedRate: number;
  appendMs: number[];
  committedMs: number[];
  stages: { toQueue: number[]; queued: number[]; processing: number[] };
  sendLagMs: number[];
  withoutTimes: number;
}

interface MemoryFigure {
  variant: 'stored' | 'dropped';
  mailBytes: number;
  baseline: number;
  baselineSpread: [number, number];
  peakSampled: number;
  peakHwm: number | undefined;
  peak: number;
  growth: number;
  corePeakGrowth: number;
  afterSettle: number;
  samples: number;
  appendMs: number;
  toQueuedMs: number;
  toCommittedMs: number;
  check: string;
}

async function main(): Promise<void> {
  log(
    `run ${RUN}: ${N} preloaded mails, ${M} latency mails at ${LATENCY_RATE}/s, ${ATTACHMENT_BYTES / MiB} MiB attachment, reference phases of ${REF_N} messages, ` +
      `core INBOUND_CONCURRENCY ${ctx.concurrency} / DB pool ${ctx.poolSize}, e-mail EMAIL_BATCH_SIZE ${emailConfig.EMAIL_BATCH_SIZE} / DB pool ${emailConfig.DB_POOL_SIZE}, ` +
      `${cpus().length} CPUs, load ${load()}`,
  );
  const server = await postgresSettings();
  log(`PostgreSQL: ${server}`);
  // First, so that a build failure costs nothing and no build runs next to a measurement.
  ensureBuilt(['core', 'email'], { rebuild: args.rebuild, skipBuild: args['skip-build'], log });

  const redis = createRedis(REDIS_URL, createLogger('bench', 'warn'), 'sbbench-producer');
  cleanup.add('close the producer Redis connection', () => redis.quit().catch(() => redis.disconnect()));

  const rq = await measureQueue(ctx, redis);
  const rpg = await measureDatabase(ctx);

  log('starting a throwaway Dovecot on 127.0.0.1');
  const imap = await startDovecot({ users: [BULK_USER, PROBE_USER] });
  cleanup.add('stop Dovecot and remove its directory', () => imap.stop());
  log(`Dovecot on 127.0.0.1:${imap.port}, directory ${imap.dir}`);
  const idleFloor = await measureIdleFloor(imap);
  const preload = await preloadMaildir(imap);

  const s = await startServices(redis, imap);
  const e = await measureThroughput(s, preload);
  const hwmAfterE = { email: peakRssBytes(s.email.pid!), core: peakRssBytes(s.core.pid!) };
  const bulk: Mailbox = { id: e.mailboxId, address: BULK_USER.user };
  const latency = await measureLatency(s, bulk);
  const memory: MemoryFigure[] = [];
  const hwmBeforeMemory = { email: peakRssBytes(s.email.pid!), core: peakRssBytes(s.core.pid!) };
  memory.push(await measureMemory(s, bulk, 'stored'));
  await imap.addUser(DROP_USER.user, DROP_USER.pass);
  const dropBox = await createMailbox(s, DROP_USER, DEFAULT_MAILBOX_LIMIT);
  memory.push(await measureMemory(s, dropBox, 'dropped'));
  await verifyTotals(s, bulk, dropBox);
  const warnings = { core: s.coreOut.warnings, email: s.emailOut.warnings };
  await stopServices(s, redis);
  report({ rq, rpg, preload, idleFloor, e: e.figure, latency, memory, hwmAfterE, hwmBeforeMemory, warnings }, server);
}

// --- Dovecot's mailbox ---------------------------------------------------------------------------

/**
 * The IMAP server's own share of the IDLE latency: a bare imapflow client idling on a folder (as
 * the reader does, IDLE entered 1 s after its last command), another connection APPENDing; the
 * time from the APPEND's completion to the client's `exists` event. Dovecot reports a change to
 * an idling client after a fixed delay of its own.
 */
async function measureIdleFloor(imap: RunningDovecot): Promise<number[]> {
  const watcher = imap.client(PROBE_USER.user, { autoIdleDelay: 1_000 });
  const writer = imap.client(PROBE_USER.user, { disableAutoIdle: true });
  for (const c of [watcher, writer]) c.on('error', () => undefined);
  let seen: (() => void) | undefined;
  watcher.on('exists', () => seen?.());
  const out: number[] = [];
  try {
    await watcher.connect();
    await watcher.mailboxOpen('INBOX');
    await writer.connect();
    for (let k = 0; k < 6; k++) {
      await sleep(1_500);
      const pushed = new Promise<void>((resolve) => (seen = resolve));
      await writer.append('INBOX', benchMail(10_000_000 + k, { to: PROBE_USER.user }).raw);
      const t0 = performance.now();
      await withTimeout(pushed, 10_000, 'Dovecot to report an APPEND to an idling client');
      out.push(performance.now() - t0);
    }
  } finally {
    await watcher.logout().catch(() => watcher.close());
    await writer.logout().catch(() => writer.close());
  }
  log(`Dovecot alone: APPEND done → EXISTS pushed to an idling client in ${out.map((x) => x.toFixed(0)).join(', ')} ms`);
  return out;
}

/**
 * Writes mails 0..N-1 as Maildir files into the user's `new/` directory before anyone has logged
 * in (tmp/ then rename, as a delivery agent does), LF line ends as Dovecot stores them, with S= and
 * W= sizes in the names. The names start with increasing timestamps, the order Dovecot numbers new
 * files in, so UID k holds mail k-1. Then `doveadm mailbox status` has Dovecot index the folder
 * (as a server that received the mail would have), outside the timed phase.
 */
async function preloadMaildir(imap: RunningDovecot): Promise<Preload> {
  const t0 = performance.now();
  const mailRoot = join(imap.dir, 'mail');
  const owner = statSync(mailRoot);
  const box = join(mailRoot, BULK_USER.user);
  for (const sub of ['', 'cur', 'new', 'tmp']) {
    mkdirSync(join(box, sub), { recursive: true });
    chownSync(join(box, sub), owner.uid, owner.gid);
  }
  const kinds: Record<string, number> = {};
  const messageIds: string[] = [];
  let bytes = 0;
  let attachments = 0;
  const stamp = Math.floor(Date.now() / 1000) - N - 86_400;
  for (let i = 0; i < N; i++) {
    const m = benchMail(i, { to: BULK_USER.user });
    messageIds.push(m.messageId);
    kinds[m.kind] = (kinds[m.kind] ?? 0) + 1;
    attachments += m.attachments;
    bytes += m.raw.length;
    const lf = Buffer.from(m.raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const name = `${stamp + i}.M${i}P${process.pid}.switchboard-bench,S=${lf.length},W=${m.raw.length}`;
    const tmp = join(box, 'tmp', name);
    await writeFile(tmp, lf);
    chownSync(tmp, owner.uid, owner.gid);
    renameSync(tmp, join(box, 'new', name));
  }
  const seconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const status = await imap.doveadm('mailbox', 'status', '-u', BULK_USER.user, 'messages uidnext', 'INBOX');
  const indexSeconds = (performance.now() - t1) / 1000;
  if (!status.includes(`messages=${N} `) && !status.includes(`messages=${N}\n`)) throw new Error(`Dovecot sees ${status.trim()} after writing ${N} mails`);
  log(`preloaded ${N} mails (${(bytes / MiB).toFixed(1)} MiB, ${attachments} files attached) into the Maildir in ${seconds.toFixed(1)} s; Dovecot indexed them in ${indexSeconds.toFixed(1)} s`);
  return { seconds, indexSeconds, bytes, attachments, kinds, messageIds };
}

// --- the services ------------------------------------------------------------------------------

async function startServices(redis: BenchRedis, imap: RunningDovecot): Promise<Services> {
  const database = `${DB_PREFIX}${RUN}_mail`;
  const url = databaseUrl(PG_SERVER, database);
  const prefix = `${QUEUE_PREFIX_PREFIX}${RUN}-mail`;
  cleanup.add(`drop database ${database}`, () => dropDatabase(PG_SERVER, database));
  cleanup.add(`delete Redis keys ${prefix}:*`, () => deleteKeys(redis, prefix));
  const corePort = await freePort();
  let emailPort = await freePort();
  while (emailPort === corePort) emailPort = await freePort();
  const smtpPort = await freePort();
  const adminPassword = randomBytes(16).toString('hex');
  const secretsKey = randomBytes(32).toString('hex');
  const common = { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: url, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL, SECRETS_KEY: secretsKey };

  log(`starting node dist/apps/core/main.js on port ${corePort}, database ${database}, prefix ${prefix}, ATTACHMENT_MAX_BYTES ${CORE_ATTACHMENT_MAX}`);
  const core = spawn(process.execPath, [...args['core-node-arg'], serviceMain('core')], {
    cwd: ROOT,
    env: {
      ...common,
      PORT: String(corePort),
      JWT_SECRET: randomBytes(32).toString('hex'),
      SEED_ADMIN_PASSWORD: adminPassword,
      ATTACHMENT_MAX_BYTES: String(CORE_ATTACHMENT_MAX),
      // No acknowledgements to the customers: this measures taking mail in (nothing listens for SMTP here).
      NOTIFICATIONS_ENABLED: 'false',
      ...KNOBS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add('stop core', () => stopChild(core));
  const coreOut = watchOutput(core);
  await waitForHealth(core, corePort, 'core', coreOut);

  log(`starting node dist/apps/email/main.js on port ${emailPort} (EMAIL_MAILBOX_REFRESH_MS=200)`);
  const email = spawn(process.execPath, [...args['email-node-arg'], serviceMain('email')], {
    cwd: ROOT,
    env: {
      ...common,
      PORT: String(emailPort),
      EMAIL_SIGNING_SECRET: randomBytes(32).toString('hex'),
      EMAIL_MAILBOX_REFRESH_MS: '200',
      ...EMAIL_KNOBS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add('stop the e-mail service', () => stopChild(email));
  const emailOut = watchOutput(email);
  await waitForHealth(email, emailPort, 'email', emailOut);

  const api = `http://127.0.0.1:${corePort}/api/v1`;
  const login = await json<{ accessToken: string }>(
    fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.com', password: adminPassword }) }),
    200,
    'logging in as admin@example.com',
  );

  const queue = new Queue(QueueName.Inbound, queueOptions(redis, prefix));
  cleanup.add('close the inbound queue', () => queue.close());
  const alive = () => {
    checkAlive(core, 'core', coreOut);
    checkAlive(email, 'email', emailOut);
  };
  await waitForInboundWorker(queue, alive);
  const db = await observerClient(url, cleanup, log);
  const dovecotPid = Number(readFileSync(join(imap.dir, 'run', 'master.pid'), 'utf8').trim());
  return { core, email, coreOut, emailOut, imap, dovecotPid, database, prefix, db, queue, redis, api, token: login.accessToken, smtpPort, alive };
}

async function json<T>(pending: Promise<Response>, status: number, what: string): Promise<T> {
  const res = await pending;
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** POST /channels/email: a mailbox reading `user` on our Dovecot (replies would go to a closed port; none are sent). */
async function createMailbox(s: Services, user: { user: string; pass: string }, maxAttachmentBytes: number): Promise<Mailbox> {
  const body = {
    name: `Bench ${user.user}`,
    address: user.user,
    displayName: 'Example Support',
    imapHost: '127.0.0.1',
    imapPort: s.imap.port,
    imapTls: false,
    imapUser: user.user,
    imapSecret: user.pass,
    smtpHost: '127.0.0.1',
    smtpPort: s.smtpPort,
    smtpSecurity: 'none',
    maxAttachmentBytes,
  };
  const box = await json<{ id: string; address: string }>(
    fetch(`${s.api}/channels/email`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` }, body: JSON.stringify(body) }),
    201,
    `creating the mailbox ${user.user}`,
  );
  return { id: box.id, address: box.address };
}

async function stopServices(s: Services, redis: BenchRedis): Promise<void> {
  await stopChild(s.email);
  await stopChild(s.core);
  await s.db.end();
  await s.queue.close();
  await s.imap.stop();
  await dropDatabase(PG_SERVER, s.database);
  await deleteKeys(redis, s.prefix);
}

const countMessages = async (s: Services, mailboxId: string) =>
  (await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE channel_account_id = $1 AND direction = 'inbound'`, [mailboxId])).rows[0].n;

/** Throws if a child died or a job failed. */
async function checkHealthy(s: Services): Promise<void> {
  s.alive();
  const failed = await s.queue.getFailedCount();
  if (failed) {
    const [first] = await s.queue.getFailed(0, 0);
    throw new Error(`${failed} inbound job(s) failed, e.g. ${first?.id}: ${first?.failedReason}`);
  }
}

/** BullMQ's timestamps of the jobs of these mails (core completes a job only after its transaction has committed). */
async function jobTimes(s: Services, mailboxId: string, messageIds: string[]): Promise<(JobTimes | undefined)[]> {
  const out: (JobTimes | undefined)[] = [];
  for (let at = 0; at < messageIds.length; at += 2_000) {
    const pipeline = s.redis.pipeline();
    for (const id of messageIds.slice(at, at + 2_000)) pipeline.hmget(s.queue.toKey(inboundJobId({ channelAccountId: mailboxId, externalId: id })), 'timestamp', 'processedOn', 'finishedOn');
    for (const [err, v] of (await pipeline.exec()) ?? []) {
      const [queued, started, finished] = err ? [] : (v as (string | null)[]).map((x) => (x === null ? NaN : Number(x)));
      out.push(queued > 0 && started > 0 && finished > 0 ? { queued, started, finished } : undefined);
    }
  }
  return out;
}

/** The mail was taken in once, into exactly the expected messages; no job failed, the queue is empty. */
async function verifyMailbox(s: Services, mailboxId: string, expectedIds: string[]): Promise<void> {
  const { rows } = await s.db.query<{ external_id: string; n: number }>(
    `SELECT external_id, count(*)::int AS n FROM messages WHERE channel_account_id = $1 AND direction = 'inbound' GROUP BY external_id`,
    [mailboxId],
  );
  const stored = new Map(rows.map((r) => [r.external_id, r.n]));
  const problems: string[] = [];
  const total = rows.reduce((n, r) => n + r.n, 0);
  if (total !== expectedIds.length) problems.push(`${total} messages stored for ${expectedIds.length} mails`);
  const twice = rows.filter((r) => r.n > 1).length;
  if (twice) problems.push(`${twice} Message-IDs stored more than once`);
  const missing = expectedIds.filter((id) => !stored.has(id)).length;
  if (missing) problems.push(`${missing} mails not stored, e.g. ${expectedIds.find((id) => !stored.has(id))}`);
  const expected = new Set(expectedIds);
  const strangers = rows.filter((r) => !expected.has(r.external_id)).length;
  if (strangers) problems.push(`${strangers} messages with an unexpected Message-ID`);
  const counts = await s.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
  if (Object.values(counts).some((n) => n > 0)) problems.push(`inbound queue not empty: ${JSON.stringify(counts)}`);
  if (problems.length) throw new Error(`mailbox ${mailboxId}: ${problems.join('; ')}`);
}

// --- E_mail ----------------------------------------------------------------------------------------

async function measureThroughput(s: Services, preload: Preload): Promise<{ figure: ThroughputFigure; mailboxId: string }> {
  await checkpoint();
  const postgresCpu = await postgresBackendsMeter(s.db, s.database);
  const redisCpu = await redisServerMeter(s.redis);
  const dovecotCpu = await new CpuMeter(async () => processTree(s.dovecotPid)).start();
  const cpu0 = { email: cpuSeconds(s.email.pid!), core: cpuSeconds(s.core.pid!), client: process.cpuUsage(), machine: machineBusySeconds() };
  log(`E_mail: creating the mailbox ${BULK_USER.user} (${N} mails waiting) through core's API`);
  const wall0 = Date.now();
  const t0 = performance.now();
  const box = await createMailbox(s, BULK_USER, STORED_LIMIT);
  let count = 0;
  let firstCommitted = NaN;
  let last = -1;
  let lastChange = Date.now();
  let lastPrint = Date.now();
  for (;;) {
    count = await countMessages(s, box.id);
    if (count > 0 && Number.isNaN(firstCommitted)) firstCommitted = performance.now();
    if (count >= N) break;
    await checkHealthy(s);
    if (count !== last) [last, lastChange] = [count, Date.now()];
    else if (Date.now() - lastChange > STALL_MS) {
      throw new Error(`E_mail: ${count}/${N} committed, no progress for ${STALL_MS / 1000} s (queue ${JSON.stringify(await s.queue.getJobCounts())})`);
    }
    if (Date.now() - lastPrint >= 5_000) {
      lastPrint = Date.now();
      const sec = (performance.now() - t0) / 1000;
      log(`E_mail: ${count}/${N} after ${sec.toFixed(0)} s (${(count / sec).toFixed(0)}/s), load ${load()}`);
    }
    await sleep(250);
  }
  const seconds = (performance.now() - t0) / 1000;
  const clientCpu = process.cpuUsage(cpu0.client);
  const cpu = {
    email: cpuSeconds(s.email.pid!) - cpu0.email,
    core: cpuSeconds(s.core.pid!) - cpu0.core,
    postgres: await postgresCpu.read(),
    redis: await redisCpu.read(),
    dovecot: await dovecotCpu.read(),
    client: (clientCpu.user + clientCpu.system) / 1e6,
    machine: machineBusySeconds() - cpu0.machine,
  };
  log(`E_mail = ${(N / seconds).toFixed(0)} mails/s (${N} committed in ${seconds.toFixed(1)} s)`);
  await sleep(500);
  await verifyMailbox(s, box.id, preload.messageIds);

  const times = await jobTimes(s, box.id, preload.messageIds);
  const breakdown = batchBreakdown(times, seconds);
  const firstQueued = Math.min(...times.filter((t) => t !== undefined).map((t) => t.queued));
  const outcome = (
    await s.db.query<{ threaded_by: Record<string, number>; tickets: number; attachments: number; storms: number; automated: number }>(
      `SELECT (SELECT jsonb_object_agg(threaded_by, n) FROM (SELECT threaded_by, count(*)::int AS n FROM messages WHERE channel_account_id = $1 AND direction = 'inbound' GROUP BY 1) t) AS threaded_by,
              (SELECT count(DISTINCT ticket_id)::int FROM messages WHERE channel_account_id = $1 AND direction = 'inbound') AS tickets,
              (SELECT count(*)::int FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.channel_account_id = $1 AND m.direction = 'inbound' AND a.id IS DISTINCT FROM m.raw_attachment_id) AS attachments,
              (SELECT count(*)::int FROM messages WHERE channel_account_id = $1 AND direction = 'inbound' AND metadata ? 'storm') AS storms,
              (SELECT count(*)::int FROM messages WHERE channel_account_id = $1 AND direction = 'inbound' AND auto_submitted) AS automated`,
      [box.id],
    )
  ).rows[0];
  const per1000 = (x: number) => (x / N) * 1_000;
  const figure: ThroughputFigure = {
    rate: N / seconds,
    seconds,
    firstQueuedS: (firstQueued - wall0) / 1000,
    firstCommittedS: (firstCommitted - t0) / 1000,
    cpuPer1000: {
      email: per1000(cpu.email),
      core: per1000(cpu.core),
      postgres: per1000(cpu.postgres),
      redis: per1000(cpu.redis),
      dovecot: per1000(cpu.dovecot),
      client: per1000(cpu.client),
    },
    machine: { busy: cpu.machine, others: cpu.machine - cpu.email - cpu.core - cpu.postgres - cpu.redis - cpu.dovecot - cpu.client },
    outcome: { threadedBy: outcome.threaded_by, tickets: outcome.tickets, attachments: outcome.attachments, storms: outcome.storms, automated: outcome.automated },
    breakdown,
  };
  if (outcome.attachments !== preload.attachments) throw new Error(`E_mail: ${outcome.attachments} attachments stored for ${preload.attachments} files in the mails`);
  return { figure, mailboxId: box.id };
}

/**
 * Where E_mail's time went, from each job's BullMQ times. The reader takes in a batch of
 * EMAIL_BATCH_SIZE mails one after the other (queued times follow each other), waits until core
 * has committed all of them, then moves its cursor, flags the batch and starts the next one.
 */
function batchBreakdown(times: (JobTimes | undefined)[], seconds: number): Breakdown {
  const known = times.filter((t): t is JobTimes => t !== undefined).sort((a, b) => a.queued - b.queued);
  const size = emailConfig.EMAIL_BATCH_SIZE;
  const b: Breakdown = {
    jobs: known.length,
    batches: Math.ceil(known.length / size),
    batchSize: size,
    ingestS: 0,
    waitS: 0,
    betweenS: 0,
    perMailMs: [],
    queueWaitMs: known.map((t) => t.started - t.queued),
    processingMs: known.map((t) => t.finished - t.started),
    coreBusy: known.reduce((sum, t) => sum + (t.finished - t.started), 0) / 1000 / seconds,
  };
  if (known.length < times.length) return b; // jobs already trimmed: batches cannot be told apart
  let previousEnd = NaN;
  for (let at = 0; at < known.length; at += size) {
    const batch = known.slice(at, at + size);
    const firstQueued = batch[0].queued;
    const lastQueued = batch[batch.length - 1].queued;
    const committed = Math.max(...batch.map((t) => t.finished));
    for (let k = 1; k < batch.length; k++) b.perMailMs.push(batch[k].queued - batch[k - 1].queued);
    b.ingestS += (lastQueued - firstQueued) / 1000;
    b.waitS += (committed - lastQueued) / 1000;
    if (!Number.isNaN(previousEnd)) b.betweenS += (firstQueued - previousEnd) / 1000;
    previousEnd = committed;
  }
  return b;
}

// --- IDLE latency --------------------------------------------------------------------------------

/** An imapflow connection of our own, as a mail server's delivery would APPEND (no IDLE of its own). */
async function appender(s: Services, user: string): Promise<ImapFlow> {
  const c = s.imap.client(user, { disableAutoIdle: true });
  c.on('error', () => undefined); // surfaced through the awaited command instead
  await c.connect();
  cleanup.add(`close the APPEND connection of ${user}`, () => c.logout().catch(() => c.close()));
  return c;
}

/** Waits until the mailbox's cursor is at `lastUid` (the reader has flagged everything), then lets it settle into IDLE. */
async function waitReaderIdle(s: Services, mailboxId: string, lastUid: number): Promise<void> {
  await withTimeout(
    (async () => {
      for (;;) {
        s.alive();
        const [row] = (await s.db.query<{ uid_validity: string | null; last_uid: number }>(`SELECT uid_validity, last_uid::int FROM mailboxes WHERE id = $1`, [mailboxId])).rows;
        if (row?.uid_validity !== null && row?.last_uid >= lastUid) return;
        await sleep(100);
      }
    })(),
    STALL_MS,
    `the reader of ${mailboxId} to reach UID ${lastUid}`,
  );
  // imapflow enters IDLE after 1 s without a command (the reader's autoIdleDelay).
  await sleep(2_000);
}

async function measureLatency(s: Services, box: Mailbox): Promise<LatencyFigure> {
  await waitReaderIdle(s, box.id, N);
  const client = await appender(s, box.address);
  const mails = Array.from({ length: M }, (_, k) => benchMail(N + k, { to: box.address }));
  const interval = 1_000 / LATENCY_RATE;
  log(`latency: APPENDing ${M} mails one at a time, one every ${interval.toFixed(0)} ms`);
  await checkpoint();
  const wallOffset = Date.now() - performance.now();
  const start = performance.now() + 100;
  const records: { due: number; sent: number; appended: number }[] = [];
  let lastCheck = performance.now();
  for (let k = 0; k < M; k++) {
    const due = start + k * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    await client.append('INBOX', mails[k].raw);
    records.push({ due, sent, appended: performance.now() });
    if (performance.now() - lastCheck > 1_000) {
      lastCheck = performance.now();
      await checkHealthy(s);
    }
  }
  const ids = mails.map((m) => m.messageId);
  await withTimeout(
    (async () => {
      for (;;) {
        await checkHealthy(s);
        const { rows } = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE channel_account_id = $1 AND direction = 'inbound' AND external_id = ANY($2)`, [box.id, ids]);
        if (rows[0].n >= M) return;
        await sleep(100);
      }
    })(),
    STALL_MS,
    'the latency phase mails to be committed',
  );
  const times = await jobTimes(s, box.id, ids);
  const figure: LatencyFigure = {
    rate: LATENCY_RATE,
    arrivals: M,
    achievedRate: M > 1 ? (M - 1) / ((records[M - 1].sent - records[0].sent) / 1000) : LATENCY_RATE,
    appendMs: records.map((r) => r.appended - r.sent),
    committedMs: [],
    stages: { toQueue: [], queued: [], processing: [] },
    sendLagMs: records.map((r) => r.sent - r.due),
    withoutTimes: 0,
  };
  records.forEach((r, k) => {
    const t = times[k];
    if (!t) {
      figure.withoutTimes += 1;
      return;
    }
    const appended = wallOffset + r.appended;
    figure.committedMs.push(t.finished - appended);
    figure.stages.toQueue.push(t.queued - appended);
    figure.stages.queued.push(t.started - t.queued);
    figure.stages.processing.push(t.finished - t.started);
  });
  if (args.records) {
    const at = (wall: number | undefined) => (wall && wall > 0 ? Math.round((wall - wallOffset - start) * 10) / 10 : null);
    const rel = (x: number) => Math.round((x - start) * 10) / 10;
    const rows = records.map((r, k) =>
      JSON.stringify({ k, due: rel(r.due), sent: rel(r.sent), appended: rel(r.appended), queued: at(times[k]?.queued), started: at(times[k]?.started), committed: at(times[k]?.finished) }),
    );
    writeFileSync(args.records, `${rows.join('\n')}\n`);
    log(`latency: ${rows.length} records written to ${args.records}`);
  }
  log(`latency: p50 ${quantile(figure.committedMs, 0.5).toFixed(0)} ms, p99 ${quantile(figure.committedMs, 0.99).toFixed(0)} ms (APPEND done → committed)`);
  return figure;
}

function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

// --- memory ----------------------------------------------------------------------------------------

const traceRows: string[] = [];

/**
 * One mail with an ATTACHMENT_BYTES attachment into `box`: the e-mail service's RSS before (the
 * median of a second of samples), every RSS_INTERVAL_MS from just before the APPEND until the
 * message is committed, and its VmHWM over the same span (reset just before, where the kernel
 * allows), which no sample can miss. Then the same 2 s later.
 */
async function measureMemory(s: Services, box: Mailbox, variant: 'stored' | 'dropped'): Promise<MemoryFigure> {
  const lastUid = variant === 'stored' ? N + M : 0;
  await waitReaderIdle(s, box.id, lastUid);
  const client = await appender(s, box.address);
  const index = N + M + (variant === 'stored' ? 0 : 1);
  const big = benchMail(index, { to: box.address, bigAttachmentBytes: ATTACHMENT_BYTES });
  const jobKey = s.queue.toKey(inboundJobId({ channelAccountId: box.id, externalId: big.messageId }));
  const pid = { email: s.email.pid!, core: s.core.pid! };
  log(`memory (${variant}): one ${(big.raw.length / MiB).toFixed(1)} MiB mail with a ${(ATTACHMENT_BYTES / MiB).toFixed(0)} MiB attachment into ${box.address} ` +
      `(mailbox limit ${variant === 'stored' ? STORED_LIMIT : DEFAULT_MAILBOX_LIMIT} bytes)`);

  const before: number[] = [];
  const coreBefore: number[] = [];
  for (let k = 0; k < 50; k++) {
    before.push(rssBytes(pid.email) ?? NaN);
    coreBefore.push(rssBytes(pid.core) ?? NaN);
    await sleep(RSS_INTERVAL_MS);
  }
  const baseline = quantile(before, 0.5);
  const coreBaseline = quantile(coreBefore, 0.5);
  const hwmReset = resetPeakRss(pid.email);
  const coreHwmReset = resetPeakRss(pid.core);
  const samples: { t: number; email: number; core: number }[] = [];
  const t0 = performance.now();
  const sampler = setInterval(() => {
    samples.push({ t: performance.now() - t0, email: rssBytes(pid.email) ?? NaN, core: rssBytes(pid.core) ?? NaN });
  }, RSS_INTERVAL_MS);
  let appendMs = NaN;
  let appendedAt = NaN;
  try {
    const sent = performance.now();
    await client.append('INBOX', big.raw);
    appendMs = performance.now() - sent;
    appendedAt = Date.now();
    await withTimeout(
      (async () => {
        for (;;) {
          const finished = await s.redis.hget(jobKey, 'finishedOn');
          if (finished) return;
          await checkHealthy(s);
          await sleep(RSS_INTERVAL_MS);
        }
      })(),
      STALL_MS * 2,
      `the ${variant} large mail to be committed`,
    );
  } finally {
    clearInterval(sampler);
  }
  samples.push({ t: performance.now() - t0, email: rssBytes(pid.email) ?? NaN, core: rssBytes(pid.core) ?? NaN });
  const peakHwm = hwmReset ? peakRssBytes(pid.email) : undefined;
  const corePeak = Math.max(...samples.map((x) => x.core), coreHwmReset ? peakRssBytes(pid.core) : 0);
  const [times] = await jobTimes(s, box.id, [big.messageId]);
  await sleep(2_000);
  const afterSettle = rssBytes(pid.email) ?? NaN;
  for (const x of samples) traceRows.push(`${variant},${x.t.toFixed(1)},${x.email},${x.core}`);

  // What was stored: the attachment whole (same SHA-256) or dropped with a note.
  const { rows } = await s.db.query<{ text: string; files: { filename: string; size: number; sha256: string }[] }>(
    `SELECT m.text, coalesce((SELECT jsonb_agg(jsonb_build_object('filename', a.filename, 'size', a.size, 'sha256', a.sha256))
                                FROM attachments a WHERE a.message_id = m.id AND a.id IS DISTINCT FROM m.raw_attachment_id), '[]') AS files
       FROM messages m WHERE m.channel_account_id = $1 AND m.direction = 'inbound' AND m.external_id = $2`,
    [box.id, big.messageId],
  );
  if (rows.length !== 1) throw new Error(`memory (${variant}): ${rows.length} messages stored for the large mail`);
  const attachmentSha = createHash('sha256').update(attachmentOf(big)).digest('hex');
  let check: string;
  if (variant === 'stored') {
    const file = rows[0].files.find((f) => Number(f.size) === ATTACHMENT_BYTES && f.sha256 === attachmentSha);
    if (!file) throw new Error(`memory (stored): the ${ATTACHMENT_BYTES}-byte attachment is not stored whole: ${JSON.stringify(rows[0].files)}`);
    check = `attachment stored whole (${ATTACHMENT_BYTES} bytes, same SHA-256)`;
  } else {
    if (rows[0].files.length || !/was not stored/.test(rows[0].text)) throw new Error(`memory (dropped): expected the attachment dropped with a note, got ${JSON.stringify(rows[0].files)}`);
    check = 'attachment dropped while parsing, with a note on the message';
  }
  const peakSampled = Math.max(...samples.map((x) => x.email));
  const peak = Math.max(peakSampled, peakHwm ?? 0);
  const figure: MemoryFigure = {
    variant,
    mailBytes: big.raw.length,
    baseline,
    baselineSpread: [Math.min(...before), Math.max(...before)],
    peakSampled,
    peakHwm,
    peak,
    growth: peak - baseline,
    corePeakGrowth: corePeak - coreBaseline,
    afterSettle,
    samples: samples.length,
    appendMs,
    toQueuedMs: times ? times.queued - appendedAt : NaN,
    toCommittedMs: times ? times.finished - appendedAt : NaN,
    check,
  };
  log(`memory (${variant}): e-mail service RSS ${mibs(baseline)} → peak ${mibs(peak)} (+${mibs(figure.growth)}), committed ${(figure.toCommittedMs / 1000).toFixed(1)} s after the APPEND`);
  return figure;
}

/** The decoded attachment of a mail built with bigAttachmentBytes (the last base64 part). */
function attachmentOf(mail: BenchMail): Buffer {
  const text = mail.raw.toString('latin1');
  const start = text.lastIndexOf('Content-Transfer-Encoding: base64\r\n\r\n') + 'Content-Transfer-Encoding: base64\r\n\r\n'.length;
  const end = text.indexOf('\r\n--', start);
  return Buffer.from(text.slice(start, end).replace(/\r\n/g, ''), 'base64');
}

const mibs = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

/** Every mail of the run is stored once; no attachment was left unlinked; the cursors are at the end. */
async function verifyTotals(s: Services, bulk: Mailbox, drop: Mailbox): Promise<void> {
  const expected = N + M + 1;
  const { messages, orphans, lastUid } = (
    await s.db.query<{ messages: number; orphans: number; lastUid: number }>(
      `SELECT (SELECT count(*)::int FROM messages WHERE channel_account_id = $1 AND direction = 'inbound') AS messages,
              (SELECT count(*)::int FROM attachments WHERE message_id IS NULL) AS orphans,
              (SELECT last_uid::int FROM mailboxes WHERE id = $2) AS "lastUid"`,
      [bulk.id, bulk.id],
    )
  ).rows[0];
  if (messages !== expected || orphans !== 0) throw new Error(`expected ${expected} messages of ${bulk.address} and no unlinked attachment; found ${messages}, ${orphans} unlinked`);
  if ((await countMessages(s, drop.id)) !== 1) throw new Error(`expected 1 message of ${drop.address}`);
  await checkHealthy(s);
  if (lastUid < expected - 1) log(`note: the cursor of ${bulk.address} is at UID ${lastUid} (the last batch is flagged after its commit)`);
}

// --- report ------------------------------------------------------------------------------------

function report(
  f: {
    rq: QueueFigure;
    rpg: DatabaseFigure;
    preload: Preload;
    idleFloor: number[];
    e: ThroughputFigure;
    latency: LatencyFigure;
    memory: MemoryFigure[];
    hwmAfterE: { email: number; core: number };
    hwmBeforeMemory: { email: number; core: number };
    warnings: { core: WatchedOutput['warnings']; email: WatchedOutput['warnings'] };
  },
  server: string,
): void {
  const B = inboundBound(f.rq.rate, f.rpg.rate);
  const ratio = f.e.rate / B;
  const L = f.latency;
  const br = f.e.breakdown;
  const cpu = (x: number) => x.toFixed(2);
  const ms = (x: number) => (Number.isNaN(x) ? '–' : `${x.toFixed(0)} ms`);
  const sec = (x: number) => `${x.toFixed(1)} s`;
  const [stored, dropped] = f.memory;
  const verdict = (m: MemoryFigure) => (m.growth < RSS_TARGET_BYTES ? 'yes' : 'NO');
  const rows: [string, string, string][] = [
    ['R_q', `${f.rq.rate.toFixed(0)} jobs/s`, `raw BullMQ no-op worker, ${REF_N} jobs in ${f.rq.seconds.toFixed(1)} s`],
    ['R_pg', `${f.rpg.rate.toFixed(0)} tx/s`, `raw pg, one inbound message's database work per transaction, ${REF_N} in ${f.rpg.seconds.toFixed(1)} s`],
    ['B', `${B.toFixed(0)} msg/s`, '1 / (1/R_q + 1/R_pg), the inbound bound'],
    ['E_mail', `${f.e.rate.toFixed(0)} msg/s`, `mailbox created → ${N} preloaded mails committed in ${f.e.seconds.toFixed(1)} s (first queued after ${sec(f.e.firstQueuedS)})`],
    ['E_mail/B', ratio.toFixed(3), 'e-mail throughput against the inbound bound'],
    ['rate', `${L.rate.toFixed(1)} msg/s`, `IDLE phase: ${L.arrivals} mails APPENDed one at a time (at ${L.achievedRate.toFixed(1)}/s)`],
    ['IDLE p50', ms(quantile(L.committedMs, 0.5)), 'APPEND completed → ticket message committed'],
    ['IDLE p90', ms(quantile(L.committedMs, 0.9)), ''],
    ['IDLE p99', ms(quantile(L.committedMs, 0.99)), ''],
    ['IDLE max', ms(quantile(L.committedMs, 1)), L.withoutTimes ? `${L.withoutTimes} mails without job times, left out` : ''],
    ['RSS before', mibs(stored.baseline), `e-mail service, median of 1 s before APPENDing a ${(stored.mailBytes / MiB).toFixed(1)} MiB mail (${(ATTACHMENT_BYTES / MiB).toFixed(0)} MiB attachment, stored)`],
    ['RSS peak', mibs(stored.peak), `until committed, ${(stored.toCommittedMs / 1000).toFixed(1)} s after the APPEND (${stored.samples} samples every ${RSS_INTERVAL_MS} ms${stored.peakHwm === undefined ? '' : ', and VmHWM'})`],
    ['RSS growth', mibs(stored.growth), `< 100 MiB: ${verdict(stored)}`],
    ['', mibs(dropped.growth), `the same mail over the mailbox's ${(DEFAULT_MAILBOX_LIMIT / MiB).toFixed(0)} MiB limit (attachment dropped): ${mibs(dropped.baseline)} → ${mibs(dropped.peak)}; < 100 MiB: ${verdict(dropped)}`],
    ['CPU/1000', `${cpu(f.e.cpuPer1000.email)} CPU-s`, 'e-mail service process (utime+stime) per 1,000 mails, during E_mail'],
    ['', `${cpu(f.e.cpuPer1000.core)} CPU-s`, 'core process'],
    ['peak RSS', mibs(f.hwmAfterE.email), `e-mail service VmHWM after E_mail; core ${mibs(f.hwmAfterE.core)}`],
  ];
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  const line = `+-${'-'.repeat(w[0])}-+-${'-'.repeat(w[1])}-+`;
  const stage = (name: string, xs: number[]) => `  ${name.padEnd(40)}${[0.5, 0.9, 0.99, 1].map((q) => ms(quantile(xs, q)).padStart(9)).join('')}`;
  const warnLine = (who: string, warnings: WatchedOutput['warnings']) =>
    `${who} logged ${warnings.count} warning/error line(s)${warnings.first.length ? `, first:\n  ${warnings.first.join('\n  ')}` : ''}`;
  const e = f.e;
  const memLine = (m: MemoryFigure) =>
    `  ${m.variant.padEnd(8)} baseline ${mibs(m.baseline)} (samples ${mibs(m.baselineSpread[0])}–${mibs(m.baselineSpread[1])}), peak sampled ${mibs(m.peakSampled)}` +
    `${m.peakHwm === undefined ? '' : `, VmHWM ${mibs(m.peakHwm)}`}, growth ${mibs(m.growth)}, 2 s after commit ${mibs(m.afterSettle)}; ` +
    `APPEND ${ms(m.appendMs)}, then queued +${ms(m.toQueuedMs)}, committed +${ms(m.toCommittedMs)}; core RSS +${mibs(m.corePeakGrowth)}; ${m.check}`;
  const out = [
    '',
    `E-mail benchmark, run ${RUN}: ${N} preloaded mails, ${M} IDLE mails at ${LATENCY_RATE}/s, reference phases of ${REF_N} messages, ` +
      `core INBOUND_CONCURRENCY ${ctx.concurrency} / DB pool ${ctx.poolSize}, e-mail service EMAIL_BATCH_SIZE ${emailConfig.EMAIL_BATCH_SIZE} / DB pool ${emailConfig.DB_POOL_SIZE}, ` +
      `LOG_LEVEL ${LOG_LEVEL}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${load()}`,
    `PostgreSQL ${server}`,
    `Mailbox: ${N} mails, ${(f.preload.bytes / MiB).toFixed(1)} MiB (${(f.preload.bytes / N / 1024).toFixed(1)} KiB each on average), ${f.preload.attachments} files attached, ` +
      `${JSON.stringify(f.preload.kinds)}; written into the Maildir in ${sec(f.preload.seconds)}, indexed by Dovecot in ${sec(f.preload.indexSeconds)} (both untimed)`,
    line,
    ...rows.map(([a, b, c]) => `| ${a.padEnd(w[0])} | ${b.padStart(w[1])} | ${c}`),
    line,
    `E_mail, where the time went (from BullMQ's times of ${br.jobs} jobs, in ${br.batches} batches of ${br.batchSize}):`,
    `  reader taking in mails (fetch, download, parse, store, queue)   ${sec(br.ingestS)}, per mail p50 ${ms(quantile(br.perMailMs, 0.5))}, p90 ${ms(quantile(br.perMailMs, 0.9))}`,
    `  reader waiting for core to commit a batch's last mails          ${sec(br.waitS)}`,
    `  between batches (flags, cursor, the next batch's first mail)    ${sec(br.betweenS)}, ${ms((br.betweenS * 1000) / Math.max(1, br.batches - 1))} per batch`,
    `  before the first mail was queued (mailbox pickup, login, SELECT, SEARCH)  ${sec(e.firstQueuedS)}; first committed seen after ${sec(e.firstCommittedS)}`,
    `  core: queue wait p50 ${ms(quantile(br.queueWaitMs, 0.5))}, processing p50 ${ms(quantile(br.processingMs, 0.5))} / p99 ${ms(quantile(br.processingMs, 0.99))}; ` +
      `on average ${br.coreBusy.toFixed(1)} of its ${ctx.concurrency} inbound slots busy`,
    `CPU-s per 1,000 mails during E_mail, by process:  e-mail ${cpu(e.cpuPer1000.email)}, core ${cpu(e.cpuPer1000.core)}, postgres backends ${cpu(e.cpuPer1000.postgres)}, ` +
      `redis-server ${cpu(e.cpuPer1000.redis)}, dovecot ${cpu(e.cpuPer1000.dovecot)}, this script ${cpu(e.cpuPer1000.client)}` +
      `  |  R_q worker ${cpu(f.rq.workerCpuPer1000)}, redis-server ${cpu(f.rq.redisCpuPer1000)}  |  R_pg postgres backends ${cpu(f.rpg.postgresCpuPer1000)}`,
    `machine during E_mail: ${e.machine.busy.toFixed(1)} of ${(e.seconds * cpus().length).toFixed(1)} CPU-s busy, ` +
      `${e.machine.others.toFixed(1)} CPU-s of it not this run's processes (other work on the machine, the kernel)`,
    `E_mail outcome: messages by threaded_by ${JSON.stringify(e.outcome.threadedBy)}; ${e.outcome.tickets} tickets; ${e.outcome.attachments} files attached; ` +
      `${e.outcome.storms} folded by the sender rate limit; ${e.outcome.automated} marked automatic`,
    `${'IDLE phase, by stage:'.padEnd(42)}${['p50', 'p90', 'p99', 'max'].map((h) => h.padStart(9)).join('')}`,
    stage('APPEND done → committed', L.committedMs),
    stage('APPEND done → job queued (e-mail service)', L.stages.toQueue),
    stage('queued → started (queue wait)', L.stages.queued),
    stage('started → committed (core)', L.stages.processing),
    stage('APPEND command itself', L.appendMs),
    stage('client send lag', L.sendLagMs),
    stage('Dovecot alone: APPEND → EXISTS in IDLE', f.idleFloor),
    `  (Dovecot alone reported each APPEND to an idling client after ${ms(quantile(f.idleFloor, 0.5))}; the reader enters IDLE 1 s after its`,
    '   last command, and mail that arrives before then is reported when it does)',
    'Memory (e-mail service RSS; VmHWM reset just before the APPEND where the kernel allows):',
    memLine(stored),
    memLine(dropped),
    `  e-mail service VmHWM over the run before the memory phase ${mibs(f.hwmBeforeMemory.email)}; core ${mibs(f.hwmBeforeMemory.core)}`,
    warnLine('core', f.warnings.core),
    warnLine('email', f.warnings.email),
    '',
    `R_q: ${f.rq.rate.toFixed(1)} jobs/s`,
    `R_pg: ${f.rpg.rate.toFixed(1)} tx/s`,
    `B: ${B.toFixed(1)} msg/s`,
    `E_mail: ${e.rate.toFixed(1)} messages/s`,
    `E_mail/B: ${ratio.toFixed(3)}`,
    `IDLE latency ms p50/p90/p99/max: ${[0.5, 0.9, 0.99, 1].map((q) => quantile(L.committedMs, q).toFixed(1)).join('/')}`,
    `RSS baseline/peak/growth MiB (stored): ${[stored.baseline, stored.peak, stored.growth].map((x) => (x / MiB).toFixed(1)).join('/')}; growth < 100 MiB: ${verdict(stored)}`,
    `RSS baseline/peak/growth MiB (dropped): ${[dropped.baseline, dropped.peak, dropped.growth].map((x) => (x / MiB).toFixed(1)).join('/')}; growth < 100 MiB: ${verdict(dropped)}`,
  ];
  console.log(out.join('\n'));
}

let exitCode = 0;
try {
  if (N <= MAIL_REPLY_GAP) log(`note: with ${N} ≤ ${MAIL_REPLY_GAP} mails there are no follow-ups in the mailbox`);
  await main();
  if (args['rss-trace']) {
    writeFileSync(args['rss-trace'], `variant,ms,email_rss,core_rss\n${traceRows.join('\n')}\n`);
    log(`RSS samples written to ${args['rss-trace']}`);
  }
} catch (err) {
  exitCode = signals.interrupted ? 130 : 1;
  if (!signals.interrupted) console.error(`bench: FAILED: ${asError(err).message}`);
} finally {
  await cleanup.run();
}
process.exit(exitCode);
