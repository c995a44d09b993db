/**
 * Telegram channel benchmark (npm run bench:telegram -- --help). See bench/README.md, "Telegram benchmark".
 *
 * In one run, on one machine:
 *   R_q, R_pg, B  the inbound reference, measured as bench/inbound.ts does (support/reference.ts)
 *   E_tg          webhook mode: the built core and the built Telegram service as child processes, a
 *                 Bot API emulator in this process; N updates of private-chat traffic POSTed straight
 *                 to the service's webhook with the bot's secret, C at a time, timed from the first
 *                 POST until N messages are committed; with the webhook's answer times, where the
 *                 time went (from BullMQ's job times of both hops) and CPU per process
 *   E_poll        polling mode: the emulator's users send P messages at once, the service's poller
 *                 pulls them with getUpdates; timed from the first send until P are committed
 *   pacing        replies sent the real way (agents' POST /tickets/:id/messages) to many chats and
 *                 many to one chat, all at once, with the emulator answering 429 beyond Telegram's
 *                 limits: send rates in any 1-s window per bot and per chat, 429s, time to drain
 *
 * Only 127.0.0.1 is touched. Everything created is removed at the end, also on failure or Ctrl-C.
 * Timings are reported, never asserted; the run fails if a message is refused, lost or stored
 * twice, a job fails, or a reply is not sent.
 */
import 'reflect-metadata';
import { coreEnvSchema } from '../apps/core/src/config.js';
import { telegramEnvSchema } from '../apps/telegram/src/config.js';
import { startBotApiEmulator, type BotApiEmulator } from '../test/support/telegram/bot-api-emulator.js';
import type { TgUpdate } from '../test/support/telegram/types.js';
import { createLogger, loadConfig } from '@switchboard/common';
import { inboundJobId, outboundJobId, QueueName, telegramUpdateJobId } from '@switchboard/contracts';
import { createRedis, queueOptions } from '@switchboard/queue';
import { Queue } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { HttpClient } from './support/http-client.js';
import { CpuMeter, cpuSeconds, machineBusySeconds, peakRssBytes, rssBytes } from './support/proc.js';
import {
  asError,
  checkpoint,
  inboundBound,
  load,
  measureDatabase,
  measureQueue,
  PG_SERVER,
  positiveInt,
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
import { Cleanup, cleanupOnSignals, databaseUrl, DB_PREFIX, deleteKeys, dropDatabase, freePort, QUEUE_PREFIX_PREFIX, sleep, stopChild } from './support/scratch.js';
import { checkAlive, ensureBuilt, observerClient, serviceMain, waitForHealth, waitForInboundWorker, watchOutput, type WatchedOutput } from './support/services.js';
import { Customers, FOLLOW_UP_GAP, photos, replyPlan, replyTag, trafficStream, type TrafficItem, type TrafficMix } from './support/telegram-traffic.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    'poll-messages': { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '200' },
    'photo-ratio': { type: 'string', default: '0.03' },
    'quick-ratio': { type: 'string', default: '0.05' },
    'reply-chats': { type: 'string', default: '60' },
    'replies-per-chat': { type: 'string', default: '5' },
    'hot-replies': { type: 'string', default: '10' },
    'ref-messages': { type: 'string' },
    chunk: { type: 'string', default: '1000' },
    'log-level': { type: 'string', default: 'info' },
    rebuild: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'core-node-arg': { type: 'string', multiple: true, default: [] },
    'telegram-node-arg': { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:telegram -- [options]
  --messages N          updates POSTed to the webhook in the E_tg phase (default 10000)
  --poll-messages P     messages the emulator's users send in the polling phase (default 2000)
  --concurrency C       webhook POSTs in flight (default 32; keep-alive connections)
  --warmup W            updates to a separate bot's webhook before E_tg, untimed (default 200; 0 = none)
  --photo-ratio F       fraction of messages that are a photo (default 0.03)
  --quick-ratio F       fraction that follow the customer's previous message at once (default 0.05)
  --reply-chats K       chats that get --replies-per-chat replies in the pacing phase (default 60)
  --replies-per-chat R  (default 5)
  --hot-replies H       replies to one more chat, sent with the others (default 10)
  --ref-messages N      messages in each reference phase, R_q and R_pg (default: as --messages)
  --chunk N             jobs per addBulk call in R_q (default 1000)
  --log-level L         LOG_LEVEL of core and the Telegram service (default info, as in production)
  --rebuild             build core and telegram first even if dist/ is up to date
  --skip-build          measure dist/ as it is, even if older than the sources
  --core-node-arg ARG, --telegram-node-arg ARG
                        extra node option for that child, repeatable
                        (e.g. --telegram-node-arg=--cpu-prof --telegram-node-arg=--cpu-prof-dir=/tmp/tg-prof)
Needs PostgreSQL and Redis on 127.0.0.1; the Bot API emulator runs in this process. Core's
INBOUND_CONCURRENCY / DELIVERY_CONCURRENCY / DB_POOL_SIZE pass through as in bench:inbound;
TELEGRAM_UPDATE_CONCURRENCY, TELEGRAM_OUTBOUND_CONCURRENCY, TELEGRAM_BOT_RATE_PER_SECOND,
TELEGRAM_CHAT_RATE_PER_SECOND and TELEGRAM_POLL_TIMEOUT_S are passed to the Telegram service, and
TELEGRAM_DB_POOL_SIZE becomes its DB_POOL_SIZE. The emulator enforces Telegram's own limits in the
pacing phase (1 message per chat and 30 per bot in any second), whatever the service is set to.`);
  process.exit(0);
}

function ratio(flag: string, value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) {
    console.error(`bench: ${flag} must be between 0 and 1, got "${value}"`);
    process.exit(2);
  }
  return n;
}

const N = positiveInt('--messages', args.messages);
const P = positiveInt('--poll-messages', args['poll-messages']);
const CONCURRENCY = positiveInt('--concurrency', args.concurrency);
const WARMUP = args.warmup === '0' ? 0 : positiveInt('--warmup', args.warmup);
const MIX: TrafficMix = { photoRatio: ratio('--photo-ratio', args['photo-ratio']), quickRatio: ratio('--quick-ratio', args['quick-ratio']) };
if (MIX.quickRatio > 0.6) {
  console.error('bench: --quick-ratio must be at most 0.6 (follow-ups take 0.4)');
  process.exit(2);
}
const REPLY_CHATS = positiveInt('--reply-chats', args['reply-chats']);
const REPLIES_PER_CHAT = positiveInt('--replies-per-chat', args['replies-per-chat']);
const HOT_REPLIES = positiveInt('--hot-replies', args['hot-replies']);
const REF_N = args['ref-messages'] === undefined ? N : positiveInt('--ref-messages', args['ref-messages']);
const CHUNK = positiveInt('--chunk', args.chunk);
const LOG_LEVEL = args['log-level'];
/** Telegram's limits, as the emulator enforces them in the pacing phase. */
const TELEGRAM_LIMITS = { perChatPerSecond: 1, perBotPerSecond: 30 };

function pickEnv(names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
}
/** The knobs core reads, passed through so that this script and the child core resolve the same values. */
const KNOBS = pickEnv(['INBOUND_CONCURRENCY', 'DELIVERY_CONCURRENCY', 'DB_POOL_SIZE']);
const TELEGRAM_KNOBS = {
  ...pickEnv(['TELEGRAM_UPDATE_CONCURRENCY', 'TELEGRAM_OUTBOUND_CONCURRENCY', 'TELEGRAM_BOT_RATE_PER_SECOND', 'TELEGRAM_CHAT_RATE_PER_SECOND', 'TELEGRAM_POLL_TIMEOUT_S']),
  ...(process.env.TELEGRAM_DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.TELEGRAM_DB_POOL_SIZE } : {}),
};
// Placeholders for the secrets the services require; only the knobs above are read here.
const coreConfig = loadConfig(coreEnvSchema, { ...KNOBS, JWT_SECRET: 'x'.repeat(32), SECRETS_KEY: '0'.repeat(64) });
const tgConfig = loadConfig(telegramEnvSchema, { ...TELEGRAM_KNOBS, SECRETS_KEY: '0'.repeat(64) });

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

/** Telegram user ids of each phase's customers start here (distinct people per phase). */
const ID_BASE = { warmup: 810_000_000, webhook: 820_000_000, polling: 830_000_000, pacing: 840_000_000 };
/** Seeds of each phase's traffic. */
const SEED = { warmup: 0x7e1e01, webhook: 0x7e1e02, polling: 0x7e1e03, pacing: 0x7e1e04 };
/** Customers (chats) of all phases so far: each is one Telegram identity in core. */
let customerCount = 0;

// ---------------------------------------------------------------------------------------------

interface Services {
  core: ChildProcess;
  telegram: ChildProcess;
  coreOut: WatchedOutput;
  telegramOut: WatchedOutput;
  tg: BotApiEmulator;
  tgPort: number;
  corePort: number;
  database: string;
  prefix: string;
  db: pg.Client;
  redis: BenchRedis;
  queues: { updates: Queue; inbound: Queue; outbound: Queue; delivery: Queue };
  api: string;
  token: string;
  alive: () => void;
}

/** A bot in the emulator and in core. */
interface Bot {
  /** Core's id: the channel account of its messages. */
  id: string;
  token: string;
  username: string;
  /** The webhook secret the service registered (webhook mode). */
  secret: string | undefined;
}

/** BullMQ's times of one job (ms since the epoch). */
interface JobTimes {
  queued: number;
  started: number;
  finished: number;
}

/** A sent message's path: its update job (telegram-updates) and its inbound job. */
interface MessageTimes {
  update: JobTimes | undefined;
  inbound: JobTimes | undefined;
}

interface Stages {
  /** Jobs with both hops' times. */
  jobs: number;
  withoutTimes: number;
  updateWait: number[];
  updateProcessing: number[];
  /** Update started → its inbound job queued (the processor's checks and files before the add). */
  toInbound: number[];
  inboundWait: number[];
  coreProcessing: number[];
  /** Update queued (webhook answered, or poller queued it) → message committed. */
  total: number[];
  /** Average update jobs in hand (sum of processing / phase) and inbound jobs in hand. */
  updateBusy: number;
  coreBusy: number;
  /** First → last update queued, in s. */
  intakeS: number;
}

interface Outcome {
  messages: number;
  distinct: number;
  tickets: number;
  chats: number;
  splitChats: number;
  files: number;
  threadedBy: Record<string, number>;
}

interface Cpu {
  core: number;
  telegram: number;
  pgCore: number;
  pgTelegram: number;
  redis: number;
  client: number;
  machine: number;
}

interface InboundFigure {
  n: number;
  rate: number;
  seconds: number;
  sendS: number;
  httpMs: number[];
  stages: Stages;
  outcome: Outcome;
  items: { first: number; followUp: number; quick: number; photos: number; chats: number; bytes: number };
  cpu: Cpu;
  peakWaiting: { updates: number; inbound: number };
  logLinesPerMessage: number;
  getUpdates?: { calls: number; withUpdates: number; meanBatch: number };
}

interface PacingFigure {
  replies: number;
  chats: number;
  postS: number;
  httpMs: number[];
  sends: number;
  firstSendS: number;
  lastSendS: number;
  allSentS: number;
  sendRate: number;
  botWindowMax: number;
  chatWindowMax: number;
  minChatGapMs: number;
  chatGaps: number[];
  rejected429: number;
  /** Per 429: ms since the chat's previous accepted send (NaN: none before, so the bot's limit). */
  refusedAfterMs: number[];
  sent: number;
  failed: number;
  duplicates: number;
  missing: number;
  outOfOrderChats: number;
  /** How some of those chats received them (reply numbers in arrival order). */
  orderExamples: string[];
  /** The busiest chat's sends and the other chats' last send, in s from the first POST. */
  hotSendsS: number[];
  othersLastS: number;
  idealS: number;
  delayedJobsSeen: number;
  /** The outbound-telegram jobs' BullMQ times: queue wait and time in a worker (waiting for slots included). */
  jobs: { known: number; waitMs: number[]; workerMs: number[]; busy: number; hotWorkerMs: number[] };
  cpu: { core: number; telegram: number };
}

async function main(): Promise<void> {
  log(
    `run ${RUN}: ${N} webhook updates (${CONCURRENCY} in flight), ${P} polled, pacing ${REPLY_CHATS}×${REPLIES_PER_CHAT} + ${HOT_REPLIES} replies, ` +
      `reference phases of ${REF_N} messages, core INBOUND_CONCURRENCY ${ctx.concurrency} / DB pool ${ctx.poolSize}, ` +
      `telegram TELEGRAM_UPDATE_CONCURRENCY ${tgConfig.TELEGRAM_UPDATE_CONCURRENCY} / OUTBOUND ${tgConfig.TELEGRAM_OUTBOUND_CONCURRENCY} / DB pool ${tgConfig.DB_POOL_SIZE}, ` +
      `${cpus().length} CPUs, load ${load()}`,
  );
  const server = await postgresSettings();
  log(`PostgreSQL: ${server}`);
  // First, so that a build failure costs nothing and no build runs next to a measurement.
  ensureBuilt(['core', 'telegram'], { rebuild: args.rebuild, skipBuild: args['skip-build'], log });

  const redis = createRedis(REDIS_URL, createLogger('bench', 'warn'), 'sbbench-producer');
  cleanup.add('close the producer Redis connection', () => redis.quit().catch(() => redis.disconnect()));

  const rq = await measureQueue(ctx, redis);
  const rpg = await measureDatabase(ctx);
  photos(); // made before any timing
  const s = await startServices(redis);
  if (WARMUP) await warmUp(s);
  const webhook = await measureWebhook(s);
  const peakRss = { core: peakRssBytes(s.core.pid!), telegram: peakRssBytes(s.telegram.pid!), telegramNow: rssBytes(s.telegram.pid!) ?? NaN };
  const polling = await measurePolling(s);
  const pacing = await measurePacing(s);
  await verifyTotals(s, customerCount);
  const warnings = { core: s.coreOut.warnings, telegram: s.telegramOut.warnings };
  await stopServices(s);
  report({ rq, rpg, webhook, polling, pacing, peakRss, warnings }, server);
}

// --- the services ------------------------------------------------------------------------------

async function startServices(redis: BenchRedis): Promise<Services> {
  const tg = await startBotApiEmulator();
  cleanup.add('close the Bot API emulator', () => tg.close());
  log(`Bot API emulator on ${tg.apiRoot}`);
  const database = `${DB_PREFIX}${RUN}_tg`;
  const url = databaseUrl(PG_SERVER, database);
  const prefix = `${QUEUE_PREFIX_PREFIX}${RUN}-tg`;
  cleanup.add(`drop database ${database}`, () => dropDatabase(PG_SERVER, database));
  cleanup.add(`delete Redis keys ${prefix}:*`, () => deleteKeys(redis, prefix));
  const corePort = await freePort();
  let tgPort = await freePort();
  while (tgPort === corePort || tgPort === tg.port) tgPort = await freePort();
  const adminPassword = randomBytes(16).toString('hex');
  const common = { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: url, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL, SECRETS_KEY: randomBytes(32).toString('hex') };

  log(`starting node dist/apps/core/main.js on port ${corePort}, database ${database}, prefix ${prefix} (NOTIFICATIONS_ENABLED=false)`);
  const core = spawn(process.execPath, [...args['core-node-arg'], serviceMain('core')], {
    cwd: ROOT,
    env: {
      ...common,
      PORT: String(corePort),
      JWT_SECRET: randomBytes(32).toString('hex'),
      SEED_ADMIN_PASSWORD: adminPassword,
      // Only the channel's own work is measured: no acknowledgements to the customers.
      NOTIFICATIONS_ENABLED: 'false',
      ...KNOBS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add('stop core', () => stopChild(core));
  const coreOut = watchOutput(core);
  await waitForHealth(core, corePort, 'core', coreOut);

  // The bot list is re-read every 500 ms instead of 10 s, so a new bot is served at once; nothing else changes.
  log(`starting node dist/apps/telegram/main.js on port ${tgPort} (TELEGRAM_API_ROOT ${tg.apiRoot}, TELEGRAM_BOT_REFRESH_MS=500)`);
  const telegram = spawn(process.execPath, [...args['telegram-node-arg'], serviceMain('telegram')], {
    cwd: ROOT,
    env: { ...common, PORT: String(tgPort), TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_BOT_REFRESH_MS: '500', ...TELEGRAM_KNOBS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add('stop the Telegram service', () => stopChild(telegram));
  const telegramOut = watchOutput(telegram);
  await waitForHealth(telegram, tgPort, 'telegram', telegramOut);

  const api = `http://127.0.0.1:${corePort}/api/v1`;
  const login = await json<{ accessToken: string }>(
    fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.com', password: adminPassword }) }),
    200,
    'logging in as admin@example.com',
  );
  const queue = (name: QueueName) => {
    const q = new Queue(name, queueOptions(redis, prefix));
    cleanup.add(`close the ${name} queue`, () => q.close());
    return q;
  };
  const queues = { updates: queue(QueueName.TelegramUpdates), inbound: queue(QueueName.Inbound), outbound: queue(QueueName.OutboundTelegram), delivery: queue(QueueName.Delivery) };
  const alive = () => {
    checkAlive(core, 'core', coreOut);
    checkAlive(telegram, 'telegram', telegramOut);
  };
  await waitForInboundWorker(queues.inbound, alive);
  await waitForInboundWorker(queues.updates, alive);
  const db = await observerClient(url, cleanup, log);
  return { core, telegram, coreOut, telegramOut, tg, tgPort, corePort, database, prefix, db, redis, queues, api, token: login.accessToken, alive };
}

async function json<T>(pending: Promise<Response>, status: number, what: string): Promise<T> {
  const res = await pending;
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function stopServices(s: Services): Promise<void> {
  await stopChild(s.telegram);
  await stopChild(s.core);
  await s.db.end();
  for (const q of Object.values(s.queues)) await q.close();
  await s.tg.close();
  await dropDatabase(PG_SERVER, s.database);
  await deleteKeys(s.redis, s.prefix);
}

/** A bot in the emulator (before core knows it, so updates can be made for it first). */
function emulatorBot(s: Services, label: string): { token: string; username: string } {
  const bot = s.tg.createBot({ username: `bench_${label}_${RUN.slice(-6)}_bot`, name: `Bench ${label}` });
  return { token: bot.token, username: bot.username };
}

/** POST /channels/telegram, then waits until the service serves the bot (webhook registered, or polling). */
async function connectBot(s: Services, emu: { token: string; username: string }, mode: 'webhook' | 'polling'): Promise<Bot> {
  const body = {
    name: `Bench @${emu.username}`,
    token: emu.token,
    greeting: 'Hello! Write your question and an agent will answer here.',
    mode,
    ...(mode === 'webhook' ? { publicBaseUrl: `http://127.0.0.1:${s.tgPort}` } : {}),
  };
  const created = await json<{ id: string }>(
    fetch(`${s.api}/channels/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` }, body: JSON.stringify(body) }),
    201,
    `creating the bot @${emu.username}`,
  );
  const call = await s.tg.waitForCall(emu.token, mode === 'webhook' ? 'setWebhook' : 'getUpdates', (c) => mode === 'polling' || c.status === 200, 30_000);
  const given = call.params.secret_token;
  const secret = mode === 'webhook' && typeof given === 'string' ? given : undefined;
  if (mode === 'webhook' && !secret) throw new Error(`@${emu.username}: setWebhook without a secret_token`);
  log(`bot @${emu.username} (${created.id}) is served in ${mode} mode`);
  return { id: created.id, token: emu.token, username: emu.username, secret };
}

// --- progress, checks, job times -------------------------------------------------------------------

const countInbound = async (s: Services, botId: string) =>
  (await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE channel_account_id = $1 AND direction = 'inbound'`, [botId])).rows[0].n;

async function queueStates(s: Services): Promise<string> {
  const states = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
  const parts: string[] = [];
  for (const [name, q] of Object.entries(s.queues)) parts.push(`${name} ${JSON.stringify(await q.getJobCounts(...states))}`);
  return parts.join('; ');
}

/** Throws if a child died or a job of the inbound path failed for good. */
async function checkHealthy(s: Services): Promise<void> {
  s.alive();
  for (const q of [s.queues.updates, s.queues.inbound]) {
    const failed = await q.getFailedCount();
    if (failed) {
      const [first] = await q.getFailed(0, 0);
      throw new Error(`${failed} ${q.name} job(s) failed, e.g. ${first?.id}: ${first?.failedReason}`);
    }
  }
}

/**
 * Polls until `expected` inbound messages of the bot are committed; fails after STALL_MS without
 * progress (of the count or of `progress()`), or when `check` throws. Returns performance.now() of
 * the poll that saw the last one, and the largest backlogs seen in the two queues.
 */
async function waitCommitted(
  s: Services,
  what: string,
  botId: string,
  expected: number,
  opts: { progress?: () => number; check?: () => void; pollMs?: number } = {},
): Promise<{ at: number; peakWaiting: { updates: number; inbound: number } }> {
  const started = performance.now();
  const peakWaiting = { updates: 0, inbound: 0 };
  let last = '';
  let lastChange = Date.now();
  let lastPrint = Date.now();
  for (;;) {
    const count = await countInbound(s, botId);
    if (count >= expected) return { at: performance.now(), peakWaiting };
    opts.check?.();
    await checkHealthy(s);
    const [u, i] = await Promise.all([s.queues.updates.getWaitingCount(), s.queues.inbound.getWaitingCount()]);
    peakWaiting.updates = Math.max(peakWaiting.updates, u);
    peakWaiting.inbound = Math.max(peakWaiting.inbound, i);
    const state = `${count}/${opts.progress?.() ?? 0}`;
    if (state !== last) [last, lastChange] = [state, Date.now()];
    else if (Date.now() - lastChange > STALL_MS) {
      throw new Error(`${what}: ${count}/${expected} committed, no progress for ${STALL_MS / 1000} s (${await queueStates(s)})`);
    }
    if (Date.now() - lastPrint >= 5_000) {
      lastPrint = Date.now();
      const sec = (performance.now() - started) / 1000;
      log(`${what}: ${count}/${expected} committed after ${sec.toFixed(0)} s (${(count / sec).toFixed(0)}/s), waiting: updates ${u}, inbound ${i}; load ${load()}`);
    }
    await sleep(opts.pollMs ?? 200);
  }
}

const externalIdOf = (u: TgUpdate) => `${u.message!.chat.id}:${u.message!.message_id}`;

/** BullMQ's times of each update's two jobs (the inbound queue keeps its last 10,000 completed jobs). */
async function messageTimes(s: Services, botId: string, updates: TgUpdate[]): Promise<MessageTimes[]> {
  const out: MessageTimes[] = [];
  const parse = (v: unknown): JobTimes | undefined => {
    const [queued, started, finished] = (v as (string | null)[]).map((x) => (x === null ? NaN : Number(x)));
    return queued > 0 && started > 0 && finished > 0 ? { queued, started, finished } : undefined;
  };
  for (let at = 0; at < updates.length; at += 1_000) {
    const pipeline = s.redis.pipeline();
    for (const u of updates.slice(at, at + 1_000)) {
      pipeline.hmget(s.queues.updates.toKey(telegramUpdateJobId({ botId, updateId: u.update_id })), 'timestamp', 'processedOn', 'finishedOn');
      pipeline.hmget(s.queues.inbound.toKey(inboundJobId({ channelAccountId: botId, externalId: externalIdOf(u) })), 'timestamp', 'processedOn', 'finishedOn');
    }
    const results = (await pipeline.exec()) ?? [];
    for (let k = 0; k < results.length; k += 2) {
      const [e1, v1] = results[k];
      const [e2, v2] = results[k + 1];
      out.push({ update: e1 ? undefined : parse(v1), inbound: e2 ? undefined : parse(v2) });
    }
  }
  return out;
}

function stagesOf(times: MessageTimes[], seconds: number): Stages {
  const st: Stages = {
    jobs: 0,
    withoutTimes: 0,
    updateWait: [],
    updateProcessing: [],
    toInbound: [],
    inboundWait: [],
    coreProcessing: [],
    total: [],
    updateBusy: 0,
    coreBusy: 0,
    intakeS: 0,
  };
  let updateSum = 0;
  let coreSum = 0;
  const queued: number[] = [];
  for (const { update: u, inbound: i } of times) {
    if (u) {
      updateSum += u.finished - u.started;
      queued.push(u.queued);
    }
    if (i) coreSum += i.finished - i.started;
    if (!u || !i) {
      st.withoutTimes += 1;
      continue;
    }
    st.jobs += 1;
    st.updateWait.push(u.started - u.queued);
    st.updateProcessing.push(u.finished - u.started);
    st.toInbound.push(i.queued - u.started);
    st.inboundWait.push(i.started - i.queued);
    st.coreProcessing.push(i.finished - i.started);
    st.total.push(i.finished - u.queued);
  }
  st.updateBusy = updateSum / 1000 / seconds;
  st.coreBusy = coreSum / 1000 / seconds;
  if (queued.length > 1) st.intakeS = (Math.max(...queued) - Math.min(...queued)) / 1000;
  return st;
}

/** Exactly the sent messages are stored, once each, with their photos; both queues are empty. */
async function verifyInbound(s: Services, what: string, botId: string, updates: TgUpdate[], photoCount: number): Promise<Outcome> {
  const { rows } = await s.db.query<{ external_id: string; ticket_id: string; threaded_by: string; files: number }>(
    `SELECT m.external_id, m.ticket_id, m.threaded_by::text AS threaded_by, (SELECT count(*)::int FROM attachments a WHERE a.message_id = m.id) AS files
       FROM messages m WHERE m.channel_account_id = $1 AND m.direction = 'inbound'`,
    [botId],
  );
  const expected = new Set(updates.map(externalIdOf));
  const stored = new Set(rows.map((r) => r.external_id));
  const problems: string[] = [];
  if (rows.length !== updates.length) problems.push(`${rows.length} messages stored for ${updates.length} updates`);
  if (stored.size !== rows.length) problems.push(`${rows.length - stored.size} messages stored twice`);
  const missing = [...expected].filter((id) => !stored.has(id));
  if (missing.length) problems.push(`${missing.length} updates not stored, e.g. ${missing[0]}`);
  const strangers = rows.filter((r) => !expected.has(r.external_id)).length;
  if (strangers) problems.push(`${strangers} messages with an unexpected external id`);
  const files = rows.reduce((n, r) => n + r.files, 0);
  if (files !== photoCount) problems.push(`${files} files attached for ${photoCount} photos`);
  for (const [name, q] of [['telegram-updates', s.queues.updates] as const, ['inbound', s.queues.inbound] as const]) {
    const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
    if (Object.values(counts).some((n) => n > 0)) problems.push(`${name} queue not empty: ${JSON.stringify(counts)}`);
  }
  if (problems.length) throw new Error(`${what}: ${problems.join('; ')}`);
  const ticketsByChat = new Map<string, Set<string>>();
  const threadedBy: Record<string, number> = {};
  for (const r of rows) {
    const chat = r.external_id.slice(0, r.external_id.indexOf(':'));
    const set = ticketsByChat.get(chat) ?? new Set<string>();
    set.add(r.ticket_id);
    ticketsByChat.set(chat, set);
    threadedBy[r.threaded_by] = (threadedBy[r.threaded_by] ?? 0) + 1;
  }
  return {
    messages: rows.length,
    distinct: stored.size,
    tickets: new Set(rows.map((r) => r.ticket_id)).size,
    chats: ticketsByChat.size,
    splitChats: [...ticketsByChat.values()].filter((t) => t.size > 1).length,
    files,
    threadedBy,
  };
}

/** The CPU meters of a phase: every process of the run, and the machine. */
async function startMeters(s: Services): Promise<() => Promise<Cpu>> {
  const backends = (app: string) =>
    new CpuMeter(async () =>
      (
        await s.db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND pid <> pg_backend_pid()`, [
          s.database,
          app,
        ])
      ).rows.map((r) => r.pid),
    ).start();
  const pgCore = await backends('switchboard-core');
  const pgTelegram = await backends('switchboard-telegram');
  const redis = await redisServerMeter(s.redis);
  const c0 = { core: cpuSeconds(s.core.pid!), telegram: cpuSeconds(s.telegram.pid!), client: process.cpuUsage(), machine: machineBusySeconds() };
  return async () => {
    const client = process.cpuUsage(c0.client);
    return {
      core: cpuSeconds(s.core.pid!) - c0.core,
      telegram: cpuSeconds(s.telegram.pid!) - c0.telegram,
      pgCore: await pgCore.read(),
      pgTelegram: await pgTelegram.read(),
      redis: await redis.read(),
      client: (client.user + client.system) / 1e6,
      machine: machineBusySeconds() - c0.machine,
    };
  };
}

// --- webhook -------------------------------------------------------------------------------------

interface Prepared {
  bot: Bot;
  items: TrafficItem[];
  updates: TgUpdate[];
  bodies: string[];
}

/**
 * The customers' messages are made in the emulator before core knows the bot (no webhook, nobody
 * polling: they wait there), taken out of it with a getUpdates confirming them all, and the bot is
 * connected in webhook mode: the emulator then has nothing to deliver itself, and this script
 * POSTs the updates as Telegram would, C at a time.
 */
async function prepareWebhook(s: Services, label: string, n: number, seed: number, idBase: number): Promise<Prepared> {
  const emu = emulatorBot(s, label);
  const items = trafficStream(n, seed, MIX);
  const customers = new Customers(s.tg, emu.token, idBase);
  const updates = items.map((item) => customers.send(item));
  if (s.tg.pendingUpdates(emu.token).length !== n) throw new Error(`${label}: the emulator holds ${s.tg.pendingUpdates(emu.token).length} of ${n} updates`);
  const confirm = await fetch(`${s.tg.apiRoot}/bot${emu.token}/getUpdates?offset=${updates[n - 1].update_id + 1}&timeout=0`);
  if (!confirm.ok || s.tg.pendingUpdates(emu.token).length) throw new Error(`${label}: could not confirm the updates in the emulator (HTTP ${confirm.status})`);
  const bot = await connectBot(s, emu, 'webhook');
  return { bot, items, updates, bodies: updates.map((u) => JSON.stringify(u)) };
}

/** POSTs the prepared updates to the webhook, C at a time; resolves with each answer's time. */
function postUpdates(s: Services, p: Prepared, state: { answered: number; failure: unknown }): Promise<number[]> {
  const client = new HttpClient(s.tgPort, CONCURRENCY);
  const path = `/telegram/${p.bot.id}/webhook`;
  const headers = { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': p.bot.secret! };
  const ms: number[] = [];
  let next = 0;
  const lanes = Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < p.bodies.length && !state.failure; i = next++) {
      try {
        const sent = performance.now();
        const res = await client.request('POST', path, headers, p.bodies[i]);
        ms.push(performance.now() - sent);
        if (res.status !== 200) throw new Error(`update ${p.updates[i].update_id}: the webhook answered ${res.status} ${res.body.slice(0, 300)}`);
        state.answered += 1;
      } catch (err) {
        state.failure ??= err;
      }
    }
  });
  return Promise.all(lanes).then(() => {
    client.close();
    return ms;
  });
}

async function warmUp(s: Services): Promise<void> {
  const p = await prepareWebhook(s, 'warmup', WARMUP, SEED.warmup, ID_BASE.warmup);
  log(`warm-up: ${WARMUP} updates to @${p.bot.username}'s webhook`);
  const state = { answered: 0, failure: undefined as unknown };
  const posting = postUpdates(s, p, state);
  await waitCommitted(s, 'warm-up', p.bot.id, WARMUP, {
    progress: () => state.answered,
    check: () => {
      if (state.failure) throw asError(state.failure);
    },
  });
  await posting;
  await sleep(300);
  const outcome = await verifyInbound(s, 'warm-up', p.bot.id, p.updates, p.items.filter((i) => i.photo !== undefined).length);
  customerCount += outcome.chats;
}

function itemStats(items: TrafficItem[], bodies: string[]): InboundFigure['items'] {
  return {
    first: items.filter((i) => i.kind === 'first').length,
    followUp: items.filter((i) => i.kind === 'follow-up').length,
    quick: items.filter((i) => i.kind === 'quick').length,
    photos: items.filter((i) => i.photo !== undefined).length,
    chats: new Set(items.map((i) => i.user)).size,
    bytes: bodies.reduce((n, b) => n + Buffer.byteLength(b), 0),
  };
}

async function measureWebhook(s: Services): Promise<InboundFigure> {
  const p = await prepareWebhook(s, 'hook', N, SEED.webhook, ID_BASE.webhook);
  const items = itemStats(p.items, p.bodies);
  log(`E_tg: ${N} updates (${items.chats} chats, ${items.photos} photos) POSTed to @${p.bot.username}'s webhook, ${CONCURRENCY} in flight`);
  await checkpoint();
  const meters = await startMeters(s);
  const lines0 = s.telegramOut.lines.count;
  const state = { answered: 0, failure: undefined as unknown };
  let postsDone = NaN;
  const t0 = performance.now();
  const posting = postUpdates(s, p, state).then((ms) => {
    postsDone = performance.now();
    return ms;
  });
  const { at, peakWaiting } = await waitCommitted(s, 'E_tg', p.bot.id, N, {
    progress: () => state.answered,
    check: () => {
      if (state.failure) throw asError(state.failure);
    },
  });
  const seconds = (at - t0) / 1000;
  const cpu = await meters();
  const httpMs = await posting;
  const logLines = s.telegramOut.lines.count - lines0;
  log(`E_tg = ${(N / seconds).toFixed(0)} msg/s (${N} committed in ${seconds.toFixed(1)} s; all POSTs answered after ${((postsDone - t0) / 1000).toFixed(1)} s)`);
  await sleep(300);
  const outcome = await verifyInbound(s, 'E_tg', p.bot.id, p.updates, items.photos);
  customerCount += outcome.chats;
  const stages = stagesOf(await messageTimes(s, p.bot.id, p.updates), seconds);
  return {
    n: N,
    rate: N / seconds,
    seconds,
    sendS: (postsDone - t0) / 1000,
    httpMs,
    stages,
    outcome,
    items,
    cpu,
    peakWaiting,
    logLinesPerMessage: logLines / N,
  };
}

// --- polling -------------------------------------------------------------------------------------

async function measurePolling(s: Services): Promise<InboundFigure> {
  const emu = emulatorBot(s, 'poll');
  const bot = await connectBot(s, emu, 'polling');
  const items = trafficStream(P, SEED.polling, MIX);
  const customers = new Customers(s.tg, emu.token, ID_BASE.polling);
  for (const item of items) customers.handle(item.user);
  // Let the first getUpdates settle into its long poll.
  await sleep(1_000);
  await checkpoint();
  const meters = await startMeters(s);
  const lines0 = s.telegramOut.lines.count;
  const calls0 = s.tg.calls(emu.token, 'getUpdates').length;
  log(`E_poll: the emulator's users send ${P} messages to @${emu.username} at once; the service polls`);
  const t0 = performance.now();
  const updates = items.map((item) => customers.send(item));
  const sendS = (performance.now() - t0) / 1000;
  const { at, peakWaiting } = await waitCommitted(s, 'E_poll', bot.id, P, { progress: () => s.tg.pendingUpdates(emu.token).length });
  const seconds = (at - t0) / 1000;
  const cpu = await meters();
  const logLines = s.telegramOut.lines.count - lines0;
  log(`E_poll = ${(P / seconds).toFixed(0)} msg/s (${P} committed in ${seconds.toFixed(1)} s)`);
  await sleep(300);
  const stats = itemStats(items, updates.map((u) => JSON.stringify(u)));
  const outcome = await verifyInbound(s, 'E_poll', bot.id, updates, stats.photos);
  customerCount += outcome.chats;
  const stages = stagesOf(await messageTimes(s, bot.id, updates), seconds);
  const polls = s.tg.calls(emu.token, 'getUpdates').slice(calls0);
  const batches = polls.map((c) => (Array.isArray(c.result) ? c.result.length : 0)).filter((n) => n > 0);
  return {
    n: P,
    rate: P / seconds,
    seconds,
    sendS,
    httpMs: [],
    stages,
    outcome,
    items: stats,
    cpu,
    peakWaiting,
    logLinesPerMessage: logLines / P,
    getUpdates: { calls: polls.length, withUpdates: batches.length, meanBatch: batches.reduce((a, b) => a + b, 0) / Math.max(1, batches.length) },
  };
}

// --- outbound pacing -------------------------------------------------------------------------------

/** The largest number of times within any window shorter than 1 s (as the emulator and Telegram count). */
function windowMax(sorted: number[]): number {
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= 1000) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

async function measurePacing(s: Services): Promise<PacingFigure> {
  const emu = emulatorBot(s, 'pace');
  const bot = await connectBot(s, emu, 'polling');
  const customers = new Customers(s.tg, emu.token, ID_BASE.pacing);
  // One ticket per chat: chat 0 gets the many replies, chats 1..K the others.
  const chats = REPLY_CHATS + 1;
  log(`pacing: ${chats} customers of @${emu.username} write first, one message each`);
  for (let c = 0; c < chats; c++) customers.send({ user: c, kind: 'first', text: `Hello, I have a question about my order ${40_000 + c}`, photo: undefined });
  await waitCommitted(s, 'pacing (first messages)', bot.id, chats);
  customerCount += chats;
  const { rows } = await s.db.query<{ external_id: string; ticket_id: string }>(
    `SELECT external_id, ticket_id FROM messages WHERE channel_account_id = $1 AND direction = 'inbound'`,
    [bot.id],
  );
  const ticketOf = new Map(rows.map((r) => [Number(r.external_id.slice(0, r.external_id.indexOf(':'))) - ID_BASE.pacing, r.ticket_id]));
  const plan = replyPlan(REPLY_CHATS, REPLIES_PER_CHAT, HOT_REPLIES, SEED.pacing);
  const ids: (string | undefined)[] = plan.map(() => undefined);
  s.tg.enforceRateLimits(TELEGRAM_LIMITS);
  const calls0 = s.tg.calls(emu.token).length;
  await checkpoint();
  const cpu0 = { core: cpuSeconds(s.core.pid!), telegram: cpuSeconds(s.telegram.pid!) };
  log(`pacing: ${plan.length} replies (${REPLIES_PER_CHAT} to each of ${REPLY_CHATS} chats, ${HOT_REPLIES} to one more) POSTed at once; emulator enforces ${JSON.stringify(TELEGRAM_LIMITS)}`);
  const client = new HttpClient(s.corePort, 32);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${s.token}` };
  const httpMs: number[] = [];
  const wall0 = Date.now();
  const t0 = performance.now();
  let failure: unknown;
  let postsDone = NaN;
  // Each chat's replies one after another, as an agent writes them (so their order is defined); all chats at once.
  const posting = Promise.all(
    Array.from({ length: chats }, async (_, chat) => {
      for (const [k, r] of plan.entries()) {
        if (r.chat !== chat || failure) continue;
        try {
          const sent = performance.now();
          const res = await client.request('POST', `/api/v1/tickets/${ticketOf.get(r.chat)}/messages`, headers, JSON.stringify({ visibility: 'public', body: r.body }));
          httpMs.push(performance.now() - sent);
          if (res.status !== 201) throw new Error(`reply ${r.k}/${r.of} to chat ${r.chat}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
          ids[k] = (JSON.parse(res.body) as { id: string }).id;
        } catch (err) {
          failure ??= err;
        }
      }
    }),
  ).then(() => {
    postsDone = performance.now();
    client.close();
  });

  // Until every reply is sent (or failed) in core; a phase without progress for STALL_MS fails.
  let sent = 0;
  let failed = 0;
  let delayedJobsSeen = 0;
  let last = -1;
  let lastChange = Date.now();
  let lastPrint = Date.now();
  let allSent = NaN;
  for (;;) {
    if (failure) throw whyFailed(s, failure);
    s.alive();
    const known = ids.filter((id): id is string => id !== undefined);
    const [row] = (
      await s.db.query<{ sent: number; failed: number }>(
        `SELECT count(*) FILTER (WHERE delivery_status = 'sent')::int AS sent, count(*) FILTER (WHERE delivery_status = 'failed')::int AS failed FROM messages WHERE id = ANY($1::uuid[])`,
        [known],
      )
    ).rows;
    [sent, failed] = [row.sent, row.failed];
    delayedJobsSeen = Math.max(delayedJobsSeen, await s.queues.outbound.getDelayedCount());
    if (known.length === plan.length && sent + failed === plan.length) {
      allSent = performance.now();
      break;
    }
    const progress = sent + failed + s.tg.calls(emu.token).length;
    if (progress !== last) [last, lastChange] = [progress, Date.now()];
    else if (Date.now() - lastChange > STALL_MS) {
      throw new Error(`pacing: ${sent} sent, ${failed} failed of ${plan.length}, no progress for ${STALL_MS / 1000} s (${await queueStates(s)})`);
    }
    if (Date.now() - lastPrint >= 5_000) {
      lastPrint = Date.now();
      log(`pacing: ${sent}/${plan.length} sent after ${((performance.now() - t0) / 1000).toFixed(0)} s, ${s.tg.calls(emu.token).length - calls0} Bot API calls`);
    }
    await sleep(100);
  }
  await posting;
  const cpu = { core: cpuSeconds(s.core.pid!) - cpu0.core, telegram: cpuSeconds(s.telegram.pid!) - cpu0.telegram };
  s.tg.enforceRateLimits(false);
  log(`pacing: ${sent} replies sent, ${failed} failed, in ${((allSent - t0) / 1000).toFixed(1)} s`);

  // What reached the chats, from the emulator's records.
  const sends = Array.from({ length: chats }, (_, c) => s.tg.messagesTo(customers.chatId(c), emu.token));
  const all = sends.flat().map((m) => m.sentAt.getTime()).sort((a, b) => a - b);
  const gaps: number[] = [];
  let duplicates = 0;
  let missing = 0;
  let outOfOrderChats = 0;
  const orderExamples: string[] = [];
  let chatWindowMax = 0;
  sends.forEach((messages, c) => {
    const times = messages.map((m) => m.sentAt.getTime()).sort((a, b) => a - b);
    for (let k = 1; k < times.length; k++) gaps.push(times[k] - times[k - 1]);
    chatWindowMax = Math.max(chatWindowMax, windowMax(times));
    const received = messages.map((m) => replyTag(m.plainText)?.k ?? -1);
    const expected = plan.filter((r) => r.chat === c).length;
    duplicates += received.length - new Set(received).size;
    missing += Math.max(0, expected - new Set(received).size);
    if (received.some((k, i) => i > 0 && k < received[i - 1])) {
      outOfOrderChats += 1;
      if (orderExamples.length < 3) orderExamples.push(`chat ${c}: ${received.join(' ')}`);
    }
  });
  // Why each 429 came: how long after the previous accepted send to the same chat it arrived.
  const chatOf = new Map(Array.from({ length: chats }, (_, c) => [String(customers.chatId(c)), c]));
  const refusedAfterMs = s.tg
    .calls(emu.token)
    .slice(calls0)
    .filter((c) => ['sendMessage', 'sendPhoto', 'sendDocument'].includes(c.method) && c.status === 429)
    .map((call) => {
      const c = chatOf.get(String(call.params.chat_id));
      const before = c === undefined ? [] : sends[c].map((m) => m.sentAt.getTime()).filter((t) => t <= call.at.getTime());
      return before.length ? call.at.getTime() - Math.max(...before) : NaN;
    });
  const firstSend = all[0] ?? NaN;
  const lastSend = all.at(-1) ?? NaN;
  return {
    replies: plan.length,
    chats,
    postS: (postsDone - t0) / 1000,
    httpMs,
    sends: all.length,
    firstSendS: (firstSend - wall0) / 1000,
    lastSendS: (lastSend - wall0) / 1000,
    allSentS: (allSent - t0) / 1000,
    sendRate: all.length > 1 ? (all.length - 1) / ((lastSend - firstSend) / 1000) : NaN,
    botWindowMax: windowMax(all),
    chatWindowMax,
    minChatGapMs: gaps.length ? Math.min(...gaps) : NaN,
    chatGaps: gaps,
    rejected429: refusedAfterMs.length,
    refusedAfterMs,
    sent,
    failed,
    duplicates,
    missing,
    outOfOrderChats,
    orderExamples,
    hotSendsS: sends[0].map((m) => (m.sentAt.getTime() - wall0) / 1000).sort((a, b) => a - b),
    othersLastS: (Math.max(...sends.slice(1).flat().map((m) => m.sentAt.getTime())) - wall0) / 1000,
    idealS: Math.max((Math.max(HOT_REPLIES, REPLIES_PER_CHAT) - 1) / TELEGRAM_LIMITS.perChatPerSecond, (plan.length - 1) / TELEGRAM_LIMITS.perBotPerSecond),
    delayedJobsSeen,
    jobs: await outboundJobs(s, plan, ids, (allSent - t0) / 1000),
    cpu,
  };
}

/** The replies' outbound-telegram jobs: queued → started, started → finished, and workers busy on average. */
async function outboundJobs(s: Services, plan: { chat: number }[], ids: (string | undefined)[], seconds: number): Promise<PacingFigure['jobs']> {
  const pipeline = s.redis.pipeline();
  for (const id of ids) pipeline.hmget(s.queues.outbound.toKey(outboundJobId(id!)), 'timestamp', 'processedOn', 'finishedOn');
  const out: PacingFigure['jobs'] = { known: 0, waitMs: [], workerMs: [], busy: 0, hotWorkerMs: [] };
  ((await pipeline.exec()) ?? []).forEach(([err, v], k) => {
    const [queued, started, finished] = err ? [] : (v as (string | null)[]).map((x) => (x === null ? NaN : Number(x)));
    if (!(queued > 0 && started > 0 && finished > 0)) return;
    out.known += 1;
    out.waitMs.push(started - queued);
    out.workerMs.push(finished - started);
    if (plan[k].chat === 0) out.hotWorkerMs.push(finished - started);
  });
  out.busy = out.workerMs.reduce((a, b) => a + b, 0) / 1000 / seconds;
  return out;
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

/** One Telegram identity per customer of the run (none made twice by concurrent first messages); no attachment left unlinked. */
async function verifyTotals(s: Services, customers: number): Promise<void> {
  const { contacts, orphans } = (
    await s.db.query<{ contacts: number; orphans: number }>(
      `SELECT (SELECT count(*)::int FROM contact_identities WHERE kind = 'telegram') AS contacts,
              (SELECT count(*)::int FROM attachments WHERE message_id IS NULL) AS orphans`,
    )
  ).rows[0];
  if (orphans !== 0) throw new Error(`${orphans} attachments not linked to a message`);
  if (contacts !== customers) throw new Error(`${contacts} Telegram identities for ${customers} customers`);
}

// --- report ------------------------------------------------------------------------------------

/** The refused sends' distances from the chat's previous send: '998, 999 ms', or a summary when many. */
function refusedText(xs: number[]): string {
  const known = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const list = known.length <= 6 ? known.join(', ') : `${known[0]}–${known.at(-1)} (p50 ${quantile(known, 0.5)})`;
  return `${list} ms${known.length < xs.length ? `; ${xs.length - known.length} without an earlier send to the chat` : ''}`;
}

function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function report(
  f: {
    rq: QueueFigure;
    rpg: DatabaseFigure;
    webhook: InboundFigure;
    polling: InboundFigure;
    pacing: PacingFigure;
    peakRss: { core: number; telegram: number; telegramNow: number };
    warnings: { core: WatchedOutput['warnings']; telegram: WatchedOutput['warnings'] };
  },
  server: string,
): void {
  const B = inboundBound(f.rq.rate, f.rpg.rate);
  const E = f.webhook;
  const Q = f.polling;
  const X = f.pacing;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  const c2 = (x: number) => x.toFixed(2);
  const ms = (x: number) => (Number.isNaN(x) ? '–' : `${x.toFixed(0)} ms`);
  const per1000 = (x: number, n: number) => (x / n) * 1_000;
  const yes = (ok: boolean) => (ok ? 'yes' : 'NO');
  const rows: [string, string, string][] = [
    ['R_q', `${f.rq.rate.toFixed(0)} jobs/s`, `raw BullMQ no-op worker, ${REF_N} jobs in ${f.rq.seconds.toFixed(1)} s`],
    ['R_pg', `${f.rpg.rate.toFixed(0)} tx/s`, `raw pg, one inbound message's database work per transaction, ${REF_N} in ${f.rpg.seconds.toFixed(1)} s`],
    ['B', `${B.toFixed(0)} msg/s`, '1 / (1/R_q + 1/R_pg), the inbound bound'],
    ['E_tg', `${E.rate.toFixed(0)} msg/s`, `webhook: first POST → ${N} messages committed in ${E.seconds.toFixed(1)} s (${CONCURRENCY} POSTs in flight; all answered after ${E.sendS.toFixed(1)} s)`],
    ['E_tg/B', (E.rate / B).toFixed(3), 'Telegram webhook throughput against the inbound bound'],
    ['HTTP p50', ms(quantile(E.httpMs, 0.5)), `webhook POST → 200, with ${CONCURRENCY} in flight`],
    ['HTTP p99', ms(quantile(E.httpMs, 0.99)), `max ${ms(quantile(E.httpMs, 1))}`],
    ['E_poll', `${Q.rate.toFixed(0)} msg/s`, `polling: ${P} messages sent at once by the emulator's users → committed in ${Q.seconds.toFixed(1)} s`],
    ['CPU/1000', `${c2(per1000(E.cpu.telegram, N))} CPU-s`, 'Telegram service process (utime+stime) per 1,000 messages, during E_tg'],
    ['', `${c2(per1000(E.cpu.core, N))} CPU-s`, 'core process'],
    ['peak RSS', mib(f.peakRss.telegram), `Telegram service VmHWM after E_tg (RSS then ${mib(f.peakRss.telegramNow)}); core ${mib(f.peakRss.core)}`],
    ['sends/s', `${X.sendRate.toFixed(1)}/s`, `pacing: ${X.sends} sends to ${X.chats} chats, first → last send (${X.replies} replies POSTed at once)`],
    ['bot 1-s max', String(X.botWindowMax), `most sends by the bot within any 1 s; ≤ ${TELEGRAM_LIMITS.perBotPerSecond}: ${yes(X.botWindowMax <= TELEGRAM_LIMITS.perBotPerSecond)}`],
    ['chat 1-s max', String(X.chatWindowMax), `most sends to one chat within any 1 s; ≤ ${TELEGRAM_LIMITS.perChatPerSecond}: ${yes(X.chatWindowMax <= TELEGRAM_LIMITS.perChatPerSecond)}`],
    ['chat min gap', ms(X.minChatGapMs), `shortest time between two sends to one chat (p50 ${ms(quantile(X.chatGaps, 0.5))})`],
    ['429s', String(X.rejected429), `sends the emulator refused with 429 Too Many Requests${X.rejected429 ? ` (arrived ${refusedText(X.refusedAfterMs)} after the chat's previous send)` : ''}`],
    ['drain', `${X.allSentS.toFixed(1)} s`, `first POST → every reply 'sent' in core (last send at ${X.lastSendS.toFixed(1)} s; the limits allow ${X.idealS.toFixed(1)} s)`],
    ['sent', `${X.sent}/${X.replies}`, `replies 'sent' in core; ${X.failed} failed; all sent: ${yes(X.sent === X.replies)}`],
  ];
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  const line = `+-${'-'.repeat(w[0])}-+-${'-'.repeat(w[1])}-+`;
  const stage = (name: string, xs: number[]) => `  ${name.padEnd(50)}${[0.5, 0.9, 0.99, 1].map((q) => ms(quantile(xs, q)).padStart(9)).join('')}`;
  const stagesBlock = (title: string, st: Stages, fig: InboundFigure) => [
    `${title.padEnd(52)}${['p50', 'p90', 'p99', 'max'].map((h) => h.padStart(9)).join('')}`,
    stage('update queued → processing started (queue wait)', st.updateWait),
    stage('update processing (checks, files, inbound add)', st.updateProcessing),
    stage('  of it: started → inbound job queued', st.toInbound),
    stage('inbound queued → started (queue wait)', st.inboundWait),
    stage('started → committed (core)', st.coreProcessing),
    stage('update queued → message committed', st.total),
    `  on average ${st.updateBusy.toFixed(1)} of the service's ${tgConfig.TELEGRAM_UPDATE_CONCURRENCY} update slots and ${st.coreBusy.toFixed(1)} of core's ` +
      `${ctx.concurrency} inbound slots busy; most waiting: ${fig.peakWaiting.updates} updates, ${fig.peakWaiting.inbound} inbound jobs; ` +
      `updates queued over ${st.intakeS.toFixed(1)} s${st.withoutTimes ? `; ${st.withoutTimes} messages without job times, left out` : ''}`,
  ];
  const cpuLine = (name: string, fig: InboundFigure) => {
    const k = (x: number) => c2(per1000(x, fig.n));
    const c = fig.cpu;
    const others = c.machine - c.core - c.telegram - c.pgCore - c.pgTelegram - c.redis - c.client;
    return (
      `CPU-s per 1,000 messages during ${name}:  telegram ${k(c.telegram)}, core ${k(c.core)}, postgres backends of telegram ${k(c.pgTelegram)} / of core ${k(c.pgCore)}, ` +
      `redis-server ${k(c.redis)}, this script (client + emulator) ${k(c.client)}; machine ${c.machine.toFixed(1)} of ${(fig.seconds * cpus().length).toFixed(1)} CPU-s busy, ` +
      `${others.toFixed(1)} of it other work`
    );
  };
  const outcomeLine = (name: string, fig: InboundFigure) => {
    const o = fig.outcome;
    const i = fig.items;
    return (
      `${name} outcome: ${o.messages} messages (${o.distinct} distinct updates, duplicates ${o.messages - o.distinct}) from ${i.first} first messages, ${i.followUp} follow-ups, ` +
      `${i.quick} quick follow-ups; ${o.chats} chats → ${o.tickets} tickets (${o.splitChats} chats split over more than one ticket); ${o.files} photos stored of ${i.photos}; ` +
      `threaded_by ${JSON.stringify(o.threadedBy)}; log lines of the Telegram service per message ${fig.logLinesPerMessage.toFixed(2)}`
    );
  };
  const warnLine = (who: string, warnings: WatchedOutput['warnings']) =>
    `${who} logged ${warnings.count} warning/error line(s)${warnings.first.length ? `, first:\n  ${warnings.first.join('\n  ')}` : ''}`;
  const gu = Q.getUpdates!;
  const out = [
    '',
    `Telegram benchmark, run ${RUN}: ${N} webhook updates (${CONCURRENCY} in flight, ${(E.items.bytes / N).toFixed(0)} bytes of JSON each on average), ${P} polled, ` +
      `reference phases of ${REF_N} messages, core INBOUND_CONCURRENCY ${ctx.concurrency} / DB pool ${ctx.poolSize}, telegram TELEGRAM_UPDATE_CONCURRENCY ` +
      `${tgConfig.TELEGRAM_UPDATE_CONCURRENCY} / TELEGRAM_OUTBOUND_CONCURRENCY ${tgConfig.TELEGRAM_OUTBOUND_CONCURRENCY} / DB pool ${tgConfig.DB_POOL_SIZE}, ` +
      `LOG_LEVEL ${LOG_LEVEL}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${load()}`,
    `PostgreSQL ${server}`,
    line,
    ...rows.map(([a, b, c]) => `| ${a.padEnd(w[0])} | ${b.padStart(w[1])} | ${c}`),
    line,
    ...stagesBlock(`E_tg, where the time went (${E.stages.jobs} messages):`, E.stages, E),
    cpuLine('E_tg', E),
    `  R_q worker ${c2(f.rq.workerCpuPer1000)}, redis-server ${c2(f.rq.redisCpuPer1000)}  |  R_pg postgres backends ${c2(f.rpg.postgresCpuPer1000)}`,
    outcomeLine('E_tg', E),
    ...stagesBlock(`E_poll, where the time went (${Q.stages.jobs} messages):`, Q.stages, Q),
    `  the emulator's users sent ${P} messages in ${(Q.sendS * 1000).toFixed(0)} ms; ${gu.calls} getUpdates calls, ${gu.withUpdates} with updates, ` +
      `${gu.meanBatch.toFixed(1)} updates each on average`,
    cpuLine('E_poll', Q),
    outcomeLine('E_poll', Q),
    `Pacing: ${X.replies} POSTs answered after ${X.postS.toFixed(1)} s (p50 ${ms(quantile(X.httpMs, 0.5))}, p99 ${ms(quantile(X.httpMs, 0.99))}); first send at ` +
      `${X.firstSendS.toFixed(2)} s; ${X.sends} sends, ${X.duplicates} duplicates, ${X.missing} missing; ${X.outOfOrderChats} chats got their replies out of the order they were written in${X.orderExamples.length ? ` (${X.orderExamples.join('; ')})` : ''}; ` +
      `up to ${X.delayedJobsSeen} outbound jobs delayed at once; CPU-s during the drain: telegram ${c2(X.cpu.telegram)}, core ${c2(X.cpu.core)}`,
    `  outbound-telegram jobs (${X.jobs.known}): queued → started p50 ${ms(quantile(X.jobs.waitMs, 0.5))}, max ${ms(quantile(X.jobs.waitMs, 1))}; in a worker (send and waits for slots) ` +
      `p50 ${ms(quantile(X.jobs.workerMs, 0.5))}, p90 ${ms(quantile(X.jobs.workerMs, 0.9))}, max ${ms(quantile(X.jobs.workerMs, 1))}; on average ${X.jobs.busy.toFixed(1)} of ` +
      `${tgConfig.TELEGRAM_OUTBOUND_CONCURRENCY} workers busy; the ${X.jobs.hotWorkerMs.length} replies to the busiest chat spent ${(X.jobs.hotWorkerMs.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s in workers`,
    `  sends to the busiest chat at ${X.hotSendsS.map((t) => t.toFixed(1)).join(', ')} s; the last send to the other chats at ${X.othersLastS.toFixed(1)} s (from the first POST)`,
    warnLine('core', f.warnings.core),
    warnLine('telegram', f.warnings.telegram),
    '',
    `R_q: ${f.rq.rate.toFixed(1)} jobs/s`,
    `R_pg: ${f.rpg.rate.toFixed(1)} tx/s`,
    `B: ${B.toFixed(1)} msg/s`,
    `E_tg: ${E.rate.toFixed(1)} messages/s`,
    `E_tg/B: ${(E.rate / B).toFixed(3)}`,
    `webhook HTTP ms p50/p99: ${quantile(E.httpMs, 0.5).toFixed(1)}/${quantile(E.httpMs, 0.99).toFixed(1)}`,
    `E_poll: ${Q.rate.toFixed(1)} messages/s`,
    `pacing: ${X.sendRate.toFixed(1)} sends/s, bot 1-s max ${X.botWindowMax}, chat 1-s max ${X.chatWindowMax}, chat min gap ${X.minChatGapMs} ms, 429s ${X.rejected429}, ` +
      `drain ${X.allSentS.toFixed(1)} s, sent ${X.sent}/${X.replies}`,
  ];
  console.log(out.join('\n'));
}

let exitCode = 0;
try {
  if (N <= FOLLOW_UP_GAP) log(`note: with ${N} ≤ ${FOLLOW_UP_GAP} updates every message comes from a new customer`);
  await main();
} catch (err) {
  exitCode = signals.interrupted ? 130 : 1;
  if (!signals.interrupted) console.error(`bench: FAILED: ${asError(err).message}`);
} finally {
  await cleanup.run();
}
process.exit(exitCode);
