/**
 * SMS channel benchmark (npm run bench:sms -- --help). See bench/README.md, "SMS benchmark".
 *
 * In one run, on one machine:
 *   R_q, R_pg, B  the inbound reference, measured as bench/inbound.ts does (support/reference.ts)
 *   E_sms         Twilio webhook: the built core and the built SMS service as child processes; N
 *                 inbound SMS POSTed to the channel's inbound webhook as Twilio does (form fields,
 *                 X-Twilio-Signature computed here with the fake Twilio's signing helper), C at a
 *                 time, timed from the first POST until N messages are committed; webhook answer
 *                 times, where the time went (the inbound jobs' times), CPU and memory per process
 *   E_smpp        SMPP: the test SMSC (in this process) sends M deliver_sm, some concatenated, to
 *                 the service's bind; timed from the first deliver_sm until M messages are committed
 *   pacing        agents' replies (POST /tickets/:id/messages) on SMS tickets of an SMPP channel
 *                 with throughputPerSecond T and of a Twilio channel with a lower limit, all at once:
 *                 segments/s as the SMSC and the fake Twilio received them, the most segments in any
 *                 1-s window against the limit, drain time against the limit's, every reply sent,
 *                 and the SMSC's automatic receipts → delivered
 *
 * Only 127.0.0.1 is touched. Everything created is removed at the end, also on failure or Ctrl-C.
 * Timings are reported, never asserted; the run fails if a message is refused, lost or stored
 * twice, a job fails, or a reply is not sent.
 */
import 'reflect-metadata';
import { coreEnvSchema } from '../apps/core/src/config.js';
import { smsEnvSchema } from '../apps/sms/src/config.js';
import { startSmppServer, type RunningSmsc } from '../test/support/sms/smpp-server.js';
import { countSegments, startTwilioServer, twilioSignature, type RunningTwilio } from '../test/support/sms/twilio-server.js';
import { createLogger, loadConfig, normalizePhone } from '@switchboard/common';
import { inboundJobId, outboundJobId, QueueName } from '@switchboard/contracts';
import { createRedis, queueOptions, slotInterval } from '@switchboard/queue';
import { Queue } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
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
import { Cleanup, cleanupOnSignals, databaseUrl, DB_PREFIX, deleteKeys, dropDatabase, freePort, QUEUE_PREFIX_PREFIX, sleep, stopChild, withTimeout } from './support/scratch.js';
import { checkAlive, ensureBuilt, observerClient, serviceMain, waitForHealth, waitForInboundWorker, watchOutput, type WatchedOutput } from './support/services.js';
import { FOLLOW_UP_GAP, smsReplyPlan, smsReplyTag, smsStream, type PlannedSmsReply, type SmsItem } from './support/sms-traffic.js';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    'smpp-messages': { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '200' },
    throughput: { type: 'string', default: '20' },
    replies: { type: 'string', default: '400' },
    'reply-tickets': { type: 'string', default: '150' },
    'twilio-throughput': { type: 'string', default: '5' },
    'twilio-replies': { type: 'string', default: '60' },
    'receipt-delay': { type: 'string', default: '0' },
    'ref-messages': { type: 'string' },
    chunk: { type: 'string', default: '1000' },
    'log-level': { type: 'string', default: 'info' },
    rebuild: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    'core-node-arg': { type: 'string', multiple: true, default: [] },
    'sms-node-arg': { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`usage: npm run bench:sms -- [options]
  --messages N           inbound SMS POSTed to the Twilio channel's webhook in the E_sms phase (default 10000)
  --smpp-messages M      inbound SMS the SMSC delivers over SMPP in the E_smpp phase (default 2000)
  --concurrency C        webhook POSTs (and deliver_sm awaiting their response) in flight (default 32)
  --warmup W             SMS to the second Twilio channel's webhook before E_sms, untimed (default 200; 0 = none);
                         they also make the tickets of the Twilio replies
  --throughput T         throughputPerSecond of the SMPP channel (default 20)
  --replies R            replies on the SMPP channel's tickets in the pacing phase (default 400)
  --reply-tickets K      tickets those replies are spread over (default 150)
  --twilio-throughput T2 throughputPerSecond of the second Twilio channel (default 5)
  --twilio-replies R2    replies on that channel's tickets, sent together with the SMPP ones (default 60)
  --receipt-delay MS     the SMSC's automatic DELIVRD receipt comes this long after each submit_sm_resp (default 0)
  --ref-messages N       messages in each reference phase, R_q and R_pg (default: as --messages)
  --chunk N              jobs per addBulk call in R_q (default 1000)
  --log-level L          LOG_LEVEL of core and the SMS service (default info, as in production)
  --rebuild              build core and sms first even if dist/ is up to date
  --skip-build           measure dist/ as it is, even if older than the sources
  --core-node-arg ARG, --sms-node-arg ARG
                         extra node option for that child, repeatable
                         (e.g. --sms-node-arg=--cpu-prof --sms-node-arg=--cpu-prof-dir=/tmp/sms-prof)
Needs PostgreSQL and Redis on 127.0.0.1; the SMSC and the fake Twilio run in this process. Core's
INBOUND_CONCURRENCY / DELIVERY_CONCURRENCY / DB_POOL_SIZE pass through as in bench:inbound;
SMS_OUTBOUND_CONCURRENCY is passed to the SMS service and SMS_DB_POOL_SIZE becomes its DB_POOL_SIZE.`);
  process.exit(0);
}

const N = positiveInt('--messages', args.messages);
const M = positiveInt('--smpp-messages', args['smpp-messages']);
const CONCURRENCY = positiveInt('--concurrency', args.concurrency);
const WARMUP = args.warmup === '0' ? 0 : positiveInt('--warmup', args.warmup);
const T = positiveInt('--throughput', args.throughput);
const REPLIES = positiveInt('--replies', args.replies);
const REPLY_TICKETS = positiveInt('--reply-tickets', args['reply-tickets']);
const T2 = positiveInt('--twilio-throughput', args['twilio-throughput']);
const TWILIO_REPLIES = positiveInt('--twilio-replies', args['twilio-replies']);
const RECEIPT_DELAY = args['receipt-delay'] === '0' ? 0 : positiveInt('--receipt-delay', args['receipt-delay']);
const REF_N = args['ref-messages'] === undefined ? N : positiveInt('--ref-messages', args['ref-messages']);
const CHUNK = positiveInt('--chunk', args.chunk);
const LOG_LEVEL = args['log-level'];
if (T > 1000 || T2 > 1000) {
  console.error('bench: --throughput and --twilio-throughput must be at most 1000 (the API allows 1–1000)');
  process.exit(2);
}

function pickEnv(names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
}
/** The knobs core reads, passed through so that this script and the child core resolve the same values. */
const KNOBS = pickEnv(['INBOUND_CONCURRENCY', 'DELIVERY_CONCURRENCY', 'DB_POOL_SIZE']);
const SMS_KNOBS = {
  ...pickEnv(['SMS_OUTBOUND_CONCURRENCY']),
  ...(process.env.SMS_DB_POOL_SIZE ? { DB_POOL_SIZE: process.env.SMS_DB_POOL_SIZE } : {}),
};
// Placeholders for the secrets the services require; only the knobs above are read here.
const coreConfig = loadConfig(coreEnvSchema, { ...KNOBS, JWT_SECRET: 'x'.repeat(32), SECRETS_KEY: '0'.repeat(64) });
const smsConfig = loadConfig(smsEnvSchema, { ...SMS_KNOBS, SECRETS_KEY: '0'.repeat(64) });

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
// The test SMSC adds a 'close' listener to the session's socket per deliver_sm awaiting its
// response: with C in flight Node would warn of a leak that is none.
EventEmitter.defaultMaxListeners = Math.max(EventEmitter.defaultMaxListeners, CONCURRENCY + 10);

/** The support numbers of the three channels. */
const SENDER = { twilio: '+4915100000001', twilioSlow: '+4915100000002', smpp: '+4915100000003' };
/** Customers' numbers of each phase start here (distinct people per phase). */
const NUMBER_BASE = { warmup: 1_000_000, webhook: 2_000_000, smpp: 5_000_000 };
/** Order numbers in the texts, distinct per phase. */
const ORDER_BASE = { warmup: 900_000, webhook: 100_000, smpp: 500_000 };
const SEED = { warmup: 0x5a5001, webhook: 0x5a5002, smpp: 0x5a5003, replies: 0x5a5004, twilioReplies: 0x5a5005 };
/** Log lines of the SMS service that say a receipt could not be matched to a sent SMS. */
const UNKNOWN_RECEIPT = 'a receipt for an SMS this service does not know';

// ---------------------------------------------------------------------------------------------

interface Channel {
  id: string;
  /** Twilio: the inbound webhook's full URL, as core gave it. */
  inboundUrl: string | undefined;
}

interface Services {
  core: ChildProcess;
  sms: ChildProcess;
  coreOut: WatchedOutput;
  smsOut: WatchedOutput;
  /** Log lines of the SMS service that matched UNKNOWN_RECEIPT. */
  unknownReceipts: { count: number };
  smsc: RunningSmsc;
  twilio: RunningTwilio;
  smsPort: number;
  corePort: number;
  database: string;
  prefix: string;
  db: pg.Client;
  redis: BenchRedis;
  queues: { inbound: Queue; outbound: Queue; delivery: Queue; events: Queue };
  api: string;
  token: string;
  alive: () => void;
  channels: { twilio: Channel; twilioSlow: Channel; smpp: Channel };
}

interface Cpu {
  core: number;
  sms: number;
  pgCore: number;
  pgSms: number;
  redis: number;
  client: number;
  machine: number;
}

interface Outcome {
  messages: number;
  distinct: number;
  tickets: number;
  numbers: number;
  splitNumbers: number;
  /** Stored texts that differ from what was sent. */
  textMismatches: number;
  threadedBy: Record<string, number>;
}

interface Stages {
  jobs: number;
  wait: number[];
  core: number[];
  total: number[];
  coreBusy: number;
}

interface InboundFigure {
  n: number;
  rate: number;
  seconds: number;
  sendS: number;
  /** Webhook POST → answer, or deliver_sm → deliver_sm_resp (per PDU). */
  answerMs: number[];
  stages: Stages;
  outcome: Outcome;
  items: { first: number; followUp: number; quick: number; cyrillic: number; multiSegment: number; segments: number; numbers: number; pdus: number };
  cpu: Cpu;
  peakWaiting: number;
  logLinesPerMessage: number;
}

interface BatchFigure {
  provider: 'smpp' | 'twilio';
  limit: number;
  replies: number;
  tickets: number;
  /** Segments as counted independently (the fake Twilio's counting rules). */
  plannedSegments: number;
  /** Segments the provider received (SMPP: submit_sm accepted; Twilio: num_segments of the messages). */
  segments: number;
  requests: number;
  firstSendS: number;
  lastSendS: number;
  segmentRate: number;
  windowMax: number;
  /** Windows (starting at a send) holding more than the limit. */
  windowsOver: number;
  drainS: number;
  /** Segments at the limit, and at the slots' spacing (5 % wider). */
  idealS: number;
  slotS: number;
  sent: number;
  failed: number;
  duplicates: number;
  missing: number;
  textMismatches: number;
  delivered: number;
  receiptsS: number;
  /** Time between consecutive segments (SMPP) / requests (Twilio), ms. */
  gaps: number[];
  /** SMPP: first → last submit_sm of each message in several segments, ms. */
  spreads: number[];
  /** The replies' outbound-sms jobs: queued → started, and time in a worker (slot waits and the send), ms. */
  jobWait: number[];
  jobWorker: number[];
}

interface PacingFigure {
  postS: number;
  httpMs: number[];
  batches: BatchFigure[];
  delayedJobsSeen: number;
  cpu: { core: number; sms: number };
  unknownReceipts: number;
}

async function main(): Promise<void> {
  log(
    `run ${RUN}: ${N} Twilio webhook SMS (${CONCURRENCY} in flight), ${M} over SMPP, pacing ${REPLIES} replies at ${T}/s (SMPP) + ${TWILIO_REPLIES} at ${T2}/s (Twilio), ` +
      `reference phases of ${REF_N} messages, core INBOUND_CONCURRENCY ${ctx.concurrency} / DB pool ${ctx.poolSize}, ` +
      `sms SMS_OUTBOUND_CONCURRENCY ${smsConfig.SMS_OUTBOUND_CONCURRENCY} / DB pool ${smsConfig.DB_POOL_SIZE}, ${cpus().length} CPUs, load ${load()}`,
  );
  const server = await postgresSettings();
  log(`PostgreSQL: ${server}`);
  ensureBuilt(['core', 'sms'], { rebuild: args.rebuild, skipBuild: args['skip-build'], log });

  const redis = createRedis(REDIS_URL, createLogger('bench', 'warn'), 'sbbench-producer');
  cleanup.add('close the producer Redis connection', () => redis.quit().catch(() => redis.disconnect()));

  const rq = await measureQueue(ctx, redis);
  const rpg = await measureDatabase(ctx);
  const s = await startServices(redis);
  const warmup = WARMUP ? await warmUp(s) : undefined;
  const webhook = await measureWebhook(s);
  const peakRss = { core: peakRssBytes(s.core.pid!), sms: peakRssBytes(s.sms.pid!), smsNow: rssBytes(s.sms.pid!) ?? NaN };
  const smppIn = await measureSmpp(s);
  const pacing = await measurePacing(s, warmup);
  const warnings = { core: s.coreOut.warnings, sms: s.smsOut.warnings };
  await stopServices(s);
  report({ rq, rpg, webhook, smppIn, pacing, peakRss, warnings }, server);
}

// --- the services ------------------------------------------------------------------------------

async function startServices(redis: BenchRedis): Promise<Services> {
  // Receipts for every accepted segment, as an operator's SMSC sends them.
  const smsc = await startSmppServer({ systemId: 'sbbench', password: 'secret', autoReceipt: 'DELIVRD', receiptDelayMs: RECEIPT_DELAY, responseTimeoutMs: 30_000 });
  cleanup.add('close the SMSC', () => smsc.close());
  const twilio = await startTwilioServer();
  cleanup.add('close the fake Twilio', () => twilio.close());
  log(`SMSC on 127.0.0.1:${smsc.port} (automatic DELIVRD receipts after ${RECEIPT_DELAY} ms), fake Twilio on ${twilio.baseUrl}`);
  const database = `${DB_PREFIX}${RUN}_sms`;
  const url = databaseUrl(PG_SERVER, database);
  const prefix = `${QUEUE_PREFIX_PREFIX}${RUN}-sms`;
  cleanup.add(`drop database ${database}`, () => dropDatabase(PG_SERVER, database));
  cleanup.add(`delete Redis keys ${prefix}:*`, () => deleteKeys(redis, prefix));
  const corePort = await freePort();
  let smsPort = await freePort();
  while (smsPort === corePort) smsPort = await freePort();
  const publicUrl = `http://127.0.0.1:${smsPort}`;
  const adminPassword = randomBytes(16).toString('hex');
  const common = { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: url, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL, SECRETS_KEY: randomBytes(32).toString('hex') };

  log(`starting node dist/apps/core/main.js on port ${corePort}, database ${database}, prefix ${prefix} (NOTIFICATIONS_ENABLED=false, SMS_PUBLIC_URL ${publicUrl})`);
  const core = spawn(process.execPath, [...args['core-node-arg'], serviceMain('core')], {
    cwd: ROOT,
    env: {
      ...common,
      PORT: String(corePort),
      JWT_SECRET: randomBytes(32).toString('hex'),
      SEED_ADMIN_PASSWORD: adminPassword,
      SMS_PUBLIC_URL: publicUrl,
      // Only the channel's own work is measured: no acknowledgements to the customers.
      NOTIFICATIONS_ENABLED: 'false',
      ...KNOBS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add('stop core', () => stopChild(core));
  const coreOut = watchOutput(core);
  await waitForHealth(core, corePort, 'core', coreOut);

  // Channels are re-read every 500 ms instead of 10 s, so a new SMPP channel binds at once; nothing else changes.
  log(`starting node dist/apps/sms/main.js on port ${smsPort} (SMS_CHANNEL_REFRESH_MS=500)`);
  const sms = spawn(process.execPath, [...args['sms-node-arg'], serviceMain('sms')], {
    cwd: ROOT,
    env: { ...common, PORT: String(smsPort), SMS_PUBLIC_URL: publicUrl, SMS_CHANNEL_REFRESH_MS: '500', ...SMS_KNOBS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.add('stop the SMS service', () => stopChild(sms));
  const smsOut = watchOutput(sms);
  const unknownReceipts = { count: 0 };
  sms.stdout?.on('data', (chunk: Buffer) => {
    unknownReceipts.count += chunk.toString('utf8').split(UNKNOWN_RECEIPT).length - 1;
  });
  await waitForHealth(sms, smsPort, 'sms', smsOut);

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
  const queues = { inbound: queue(QueueName.Inbound), outbound: queue(QueueName.OutboundSms), delivery: queue(QueueName.Delivery), events: queue(QueueName.CustomerEvents) };
  const alive = () => {
    checkAlive(core, 'core', coreOut);
    checkAlive(sms, 'sms', smsOut);
  };
  await waitForInboundWorker(queues.inbound, alive);
  await waitForInboundWorker(queues.outbound, alive);
  const db = await observerClient(url, cleanup, log);
  const partial = { core, sms, coreOut, smsOut, unknownReceipts, smsc, twilio, smsPort, corePort, database, prefix, db, redis, queues, api, token: login.accessToken, alive };

  const twilioSettings = { baseUrl: twilio.baseUrl, credentials: twilio.credentials() };
  const channels = {
    twilio: await addChannel(partial, 'twilio', { name: 'Bench Twilio', sender: SENDER.twilio, ...twilioSettings }),
    twilioSlow: await addChannel(partial, 'twilio', { name: 'Bench Twilio (slow)', sender: SENDER.twilioSlow, throughputPerSecond: T2, ...twilioSettings }),
    smpp: await addChannel(partial, 'smpp', {
      name: 'Bench SMPP',
      sender: SENDER.smpp,
      throughputPerSecond: T,
      smppHost: '127.0.0.1',
      smppPort: smsc.port,
      credentials: { systemId: 'sbbench', password: 'secret' },
    }),
  };
  await smsc.waitForBind(1, 30_000);
  log(`the SMS service is bound to the SMSC (channel ${channels.smpp.id})`);
  return { ...partial, channels };
}

async function addChannel(s: Pick<Services, 'api' | 'token'>, provider: 'twilio' | 'smpp', body: Record<string, unknown>): Promise<Channel> {
  const created = await json<{ id: string; webhookUrls: { inbound?: string } | null }>(
    fetch(`${s.api}/channels/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
      body: JSON.stringify({ provider, ...body }),
    }),
    201,
    `creating the ${provider} channel "${String(body.name)}"`,
  );
  if (provider === 'twilio' && !created.webhookUrls?.inbound) throw new Error(`the ${provider} channel's answer has no webhookUrls.inbound`);
  return { id: created.id, inboundUrl: created.webhookUrls?.inbound };
}

async function json<T>(pending: Promise<Response>, status: number, what: string): Promise<T> {
  const res = await pending;
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function stopServices(s: Services): Promise<void> {
  await stopChild(s.sms);
  await stopChild(s.core);
  await s.db.end();
  for (const q of Object.values(s.queues)) await q.close();
  await s.smsc.close();
  await s.twilio.close();
  await dropDatabase(PG_SERVER, s.database);
  await deleteKeys(s.redis, s.prefix);
}

// --- progress, checks, job times -------------------------------------------------------------------

const countInbound = async (s: Services, channelId: string) =>
  (await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE channel_account_id = $1 AND direction = 'inbound'`, [channelId])).rows[0].n;

async function queueStates(s: Services): Promise<string> {
  const states = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
  const parts: string[] = [];
  for (const [name, q] of Object.entries(s.queues)) parts.push(`${name} ${JSON.stringify(await q.getJobCounts(...states))}`);
  return parts.join('; ');
}

/** Throws if a child died or a job failed for good. */
async function checkHealthy(s: Services, queues: Queue[]): Promise<void> {
  s.alive();
  for (const q of queues) {
    const failed = await q.getFailedCount();
    if (failed) {
      const [first] = await q.getFailed(0, 0);
      throw new Error(`${failed} ${q.name} job(s) failed, e.g. ${first?.id}: ${first?.failedReason}`);
    }
  }
}

/**
 * Polls until `expected` inbound messages of the channel are committed; fails after STALL_MS
 * without progress (of the count or of `progress()`), or when `check` throws. Returns
 * performance.now() of the poll that saw the last one, and the largest inbound backlog seen.
 */
async function waitCommitted(
  s: Services,
  what: string,
  channelId: string,
  expected: number,
  opts: { progress?: () => number; check?: () => void } = {},
): Promise<{ at: number; peakWaiting: number }> {
  const started = performance.now();
  let peakWaiting = 0;
  let last = '';
  let lastChange = Date.now();
  let lastPrint = Date.now();
  for (;;) {
    const count = await countInbound(s, channelId);
    if (count >= expected) return { at: performance.now(), peakWaiting };
    opts.check?.();
    await checkHealthy(s, [s.queues.inbound]);
    const waiting = await s.queues.inbound.getWaitingCount();
    peakWaiting = Math.max(peakWaiting, waiting);
    const state = `${count}/${opts.progress?.() ?? 0}`;
    if (state !== last) [last, lastChange] = [state, Date.now()];
    else if (Date.now() - lastChange > STALL_MS) {
      throw new Error(`${what}: ${count}/${expected} committed, no progress for ${STALL_MS / 1000} s (${await queueStates(s)})`);
    }
    if (Date.now() - lastPrint >= 5_000) {
      lastPrint = Date.now();
      const sec = (performance.now() - started) / 1000;
      log(`${what}: ${count}/${expected} committed after ${sec.toFixed(0)} s (${(count / sec).toFixed(0)}/s), inbound waiting ${waiting}; load ${load()}`);
    }
    await sleep(200);
  }
}

/** The inbound jobs' BullMQ times (the queue keeps its last 10,000 completed jobs). */
async function stagesOf(s: Services, channelId: string, externalIds: string[], seconds: number): Promise<Stages> {
  const st: Stages = { jobs: 0, wait: [], core: [], total: [], coreBusy: 0 };
  let busy = 0;
  for (let at = 0; at < externalIds.length; at += 1_000) {
    const pipeline = s.redis.pipeline();
    for (const externalId of externalIds.slice(at, at + 1_000)) {
      pipeline.hmget(s.queues.inbound.toKey(inboundJobId({ channelAccountId: channelId, externalId })), 'timestamp', 'processedOn', 'finishedOn');
    }
    for (const [err, v] of (await pipeline.exec()) ?? []) {
      const [queued, started, finished] = err ? [] : (v as (string | null)[]).map((x) => (x === null ? NaN : Number(x)));
      if (!(queued > 0 && started > 0 && finished > 0)) continue;
      st.jobs += 1;
      st.wait.push(started - queued);
      st.core.push(finished - started);
      st.total.push(finished - queued);
      busy += finished - started;
    }
  }
  st.coreBusy = busy / 1000 / seconds;
  return st;
}

/** Exactly the sent SMS are stored, once each, with their texts; the inbound queue is empty. */
async function verifyInbound(s: Services, what: string, channelId: string, items: SmsItem[], externalIds: string[] | undefined): Promise<Outcome> {
  const { rows } = await s.db.query<{ external_id: string; ticket_id: string; threaded_by: string; text: string; phone: string }>(
    `SELECT m.external_id, m.ticket_id, m.threaded_by::text AS threaded_by, m.text,
            (SELECT ci.value FROM contact_identities ci WHERE ci.contact_id = m.author_contact_id AND ci.kind = 'phone' LIMIT 1) AS phone
       FROM messages m
      WHERE m.channel_account_id = $1 AND m.direction = 'inbound'`,
    [channelId],
  );
  const problems: string[] = [];
  if (rows.length !== items.length) problems.push(`${rows.length} messages stored for ${items.length} SMS`);
  const stored = new Set(rows.map((r) => r.external_id));
  if (stored.size !== rows.length) problems.push(`${rows.length - stored.size} messages stored twice`);
  if (externalIds) {
    const missing = externalIds.filter((id) => !stored.has(id));
    if (missing.length) problems.push(`${missing.length} SMS not stored, e.g. ${missing[0]}`);
  }
  // Texts: every text sent is stored once (the order numbers make them unique).
  const sentTexts = new Map<string, number>();
  for (const i of items) sentTexts.set(i.text, (sentTexts.get(i.text) ?? 0) + 1);
  let textMismatches = 0;
  for (const r of rows) {
    const left = sentTexts.get(r.text) ?? 0;
    if (left > 0) sentTexts.set(r.text, left - 1);
    else textMismatches += 1;
  }
  const failed = await s.queues.inbound.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
  if (Object.values(failed).some((n) => n > 0)) problems.push(`inbound queue not empty: ${JSON.stringify(failed)}`);
  if (problems.length) throw new Error(`${what}: ${problems.join('; ')}`);
  const ticketsByNumber = new Map<string, Set<string>>();
  const threadedBy: Record<string, number> = {};
  for (const r of rows) {
    const set = ticketsByNumber.get(r.phone) ?? new Set<string>();
    set.add(r.ticket_id);
    ticketsByNumber.set(r.phone, set);
    threadedBy[r.threaded_by] = (threadedBy[r.threaded_by] ?? 0) + 1;
  }
  return {
    messages: rows.length,
    distinct: stored.size,
    tickets: new Set(rows.map((r) => r.ticket_id)).size,
    numbers: ticketsByNumber.size,
    splitNumbers: [...ticketsByNumber.values()].filter((t) => t.size > 1).length,
    textMismatches,
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
  const pgSms = await backends('switchboard-sms');
  const redis = await redisServerMeter(s.redis);
  const c0 = { core: cpuSeconds(s.core.pid!), sms: cpuSeconds(s.sms.pid!), client: process.cpuUsage(), machine: machineBusySeconds() };
  return async () => {
    const client = process.cpuUsage(c0.client);
    return {
      core: cpuSeconds(s.core.pid!) - c0.core,
      sms: cpuSeconds(s.sms.pid!) - c0.sms,
      pgCore: await pgCore.read(),
      pgSms: await pgSms.read(),
      redis: await redis.read(),
      client: (client.user + client.system) / 1e6,
      machine: machineBusySeconds() - c0.machine,
    };
  };
}

function itemStats(items: SmsItem[], pdus: number): InboundFigure['items'] {
  const segs = items.map((i) => countSegments(i.text).segments);
  return {
    first: items.filter((i) => i.kind === 'first').length,
    followUp: items.filter((i) => i.kind === 'follow-up').length,
    quick: items.filter((i) => i.kind === 'quick').length,
    cyrillic: items.filter((i) => i.cyrillic).length,
    multiSegment: segs.filter((n) => n > 1).length,
    segments: segs.reduce((a, b) => a + b, 0),
    numbers: new Set(items.map((i) => i.from)).size,
    pdus,
  };
}

/** Every number of the stream is one the service takes (a wrong one would be dropped, not counted). */
function checkNumbers(items: SmsItem[]): void {
  for (const from of new Set(items.map((i) => i.from))) {
    if (normalizePhone(from) !== from) throw new Error(`bench: the customer number ${from} does not normalise to itself`);
  }
}

// --- Twilio webhook --------------------------------------------------------------------------------

interface SignedPost {
  sid: string;
  body: string;
  signature: string;
}

/** The form Twilio POSTs for an incoming SMS (as the fake's sendInbound builds it), signed with the channel's auth token. */
function signedPosts(s: Services, channel: Channel, to: string, items: SmsItem[]): SignedPost[] {
  return items.map((item) => {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params: Record<string, string> = {
      AccountSid: s.twilio.accountSid,
      ApiVersion: '2010-04-01',
      Body: item.text,
      From: item.from,
      FromCountry: item.cyrillic ? 'RU' : 'DE',
      MessageSid: sid,
      NumMedia: '0',
      NumSegments: String(countSegments(item.text).segments),
      SmsMessageSid: sid,
      SmsSid: sid,
      SmsStatus: 'received',
      To: to,
      ToCountry: 'DE',
    };
    return { sid, body: new URLSearchParams(params).toString(), signature: twilioSignature(s.twilio.authToken, channel.inboundUrl!, params) };
  });
}

/** POSTs the signed forms to the channel's inbound webhook, C at a time; resolves with each answer's time. */
function postWebhooks(s: Services, channel: Channel, posts: SignedPost[], state: { answered: number; failure: unknown }): Promise<number[]> {
  const client = new HttpClient(s.smsPort, CONCURRENCY);
  const path = new URL(channel.inboundUrl!).pathname;
  const ms: number[] = [];
  let next = 0;
  const lanes = Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < posts.length && !state.failure; i = next++) {
      try {
        const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'user-agent': 'TwilioProxy/1.1', 'x-twilio-signature': posts[i].signature };
        const sent = performance.now();
        const res = await client.request('POST', path, headers, posts[i].body);
        ms.push(performance.now() - sent);
        if (res.status !== 200 || !res.body.includes('<Response')) throw new Error(`SMS ${posts[i].sid}: the webhook answered ${res.status} ${res.body.slice(0, 300)}`);
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

/** Untimed SMS to the slow Twilio channel: warms both services up and makes the tickets of the Twilio replies. */
async function warmUp(s: Services): Promise<Outcome> {
  const items = smsStream(WARMUP, SEED.warmup, NUMBER_BASE.warmup, ORDER_BASE.warmup);
  checkNumbers(items);
  const posts = signedPosts(s, s.channels.twilioSlow, SENDER.twilioSlow, items);
  log(`warm-up: ${WARMUP} SMS to the second Twilio channel's webhook`);
  const state = { answered: 0, failure: undefined as unknown };
  const posting = postWebhooks(s, s.channels.twilioSlow, posts, state);
  await waitCommitted(s, 'warm-up', s.channels.twilioSlow.id, WARMUP, {
    progress: () => state.answered,
    check: () => {
      if (state.failure) throw asError(state.failure);
    },
  });
  await posting;
  await sleep(300);
  return verifyInbound(s, 'warm-up', s.channels.twilioSlow.id, items, posts.map((p) => p.sid));
}

async function measureWebhook(s: Services): Promise<InboundFigure> {
  const items = smsStream(N, SEED.webhook, NUMBER_BASE.webhook, ORDER_BASE.webhook);
  checkNumbers(items);
  const posts = signedPosts(s, s.channels.twilio, SENDER.twilio, items);
  const stats = itemStats(items, N);
  log(`E_sms: ${N} SMS (${stats.numbers} numbers, ${stats.cyrillic} Cyrillic, ${stats.multiSegment} in several segments) POSTed to the Twilio webhook, ${CONCURRENCY} in flight`);
  await checkpoint();
  const meters = await startMeters(s);
  const lines0 = s.smsOut.lines.count;
  const state = { answered: 0, failure: undefined as unknown };
  let postsDone = NaN;
  const t0 = performance.now();
  const posting = postWebhooks(s, s.channels.twilio, posts, state).then((ms) => {
    postsDone = performance.now();
    return ms;
  });
  const { at, peakWaiting } = await waitCommitted(s, 'E_sms', s.channels.twilio.id, N, {
    progress: () => state.answered,
    check: () => {
      if (state.failure) throw asError(state.failure);
    },
  });
  const seconds = (at - t0) / 1000;
  const cpu = await meters();
  const answerMs = await posting;
  const logLines = s.smsOut.lines.count - lines0;
  log(`E_sms = ${(N / seconds).toFixed(0)} msg/s (${N} committed in ${seconds.toFixed(1)} s; all POSTs answered after ${((postsDone - t0) / 1000).toFixed(1)} s)`);
  await sleep(300);
  const sids = posts.map((p) => p.sid);
  const outcome = await verifyInbound(s, 'E_sms', s.channels.twilio.id, items, sids);
  const stages = await stagesOf(s, s.channels.twilio.id, sids, seconds);
  return { n: N, rate: N / seconds, seconds, sendS: (postsDone - t0) / 1000, answerMs, stages, outcome, items: stats, cpu, peakWaiting, logLinesPerMessage: logLines / N };
}

// --- SMPP inbound ----------------------------------------------------------------------------------

async function measureSmpp(s: Services): Promise<InboundFigure> {
  const items = smsStream(M, SEED.smpp, NUMBER_BASE.smpp, ORDER_BASE.smpp);
  checkNumbers(items);
  // Parts as phones cut them: 153 GSM-7 characters or 67 UCS-2 units (the texts have no surrogate pairs).
  const partChars = (i: SmsItem) => (i.cyrillic ? 67 : 153);
  const multi = items.map((i) => countSegments(i.text).segments > 1);
  const pdus = items.reduce((n, i, k) => n + (multi[k] ? Math.ceil([...i.text].length / partChars(i)) : 1), 0);
  const stats = itemStats(items, pdus);
  log(`E_smpp: the SMSC sends ${M} SMS (${stats.multiSegment} concatenated, ${pdus} deliver_sm) to the service's bind, ${CONCURRENCY} SMS at a time`);
  await checkpoint();
  const meters = await startMeters(s);
  const lines0 = s.smsOut.lines.count;
  const state = { delivered: 0, failure: undefined as unknown };
  const answerMs: number[] = [];
  let next = 0;
  let sendsDone = NaN;
  const t0 = performance.now();
  const lanes = Array.from({ length: CONCURRENCY }, async () => {
    for (let k = next++; k < items.length && !state.failure; k = next++) {
      const item = items[k];
      try {
        const sent = performance.now();
        const statuses = multi[k]
          ? await s.smsc.sendConcatenated(item.from, SENDER.smpp, item.text, { partChars: partChars(item), ref: k & 0xff, order: k % 7 === 0 ? 'reverse' : undefined })
          : [await s.smsc.sendInbound(item.from, SENDER.smpp, item.text)];
        answerMs.push((performance.now() - sent) / statuses.length);
        if (statuses.some((st) => st !== 0)) throw new Error(`SMS ${k} from ${item.from}: deliver_sm_resp status(es) ${statuses.join(', ')}`);
        state.delivered += 1;
      } catch (err) {
        state.failure ??= err;
      }
    }
  });
  const sending = Promise.all(lanes).then(() => (sendsDone = performance.now()));
  const { at, peakWaiting } = await waitCommitted(s, 'E_smpp', s.channels.smpp.id, M, {
    progress: () => state.delivered,
    check: () => {
      if (state.failure) throw asError(state.failure);
    },
  });
  const seconds = (at - t0) / 1000;
  const cpu = await meters();
  await withTimeout(sending, 60_000, 'the SMSC to finish sending');
  const logLines = s.smsOut.lines.count - lines0;
  log(`E_smpp = ${(M / seconds).toFixed(0)} msg/s (${M} committed in ${seconds.toFixed(1)} s; all deliver_sm answered after ${((sendsDone - t0) / 1000).toFixed(1)} s)`);
  await sleep(300);
  const outcome = await verifyInbound(s, 'E_smpp', s.channels.smpp.id, items, undefined);
  const ids = (await s.db.query<{ external_id: string }>(`SELECT external_id FROM messages WHERE channel_account_id = $1 AND direction = 'inbound'`, [s.channels.smpp.id])).rows;
  const stages = await stagesOf(
    s,
    s.channels.smpp.id,
    ids.map((r) => r.external_id),
    seconds,
  );
  return { n: M, rate: M / seconds, seconds, sendS: (sendsDone - t0) / 1000, answerMs, stages, outcome, items: stats, cpu, peakWaiting, logLinesPerMessage: logLines / M };
}

// --- outbound pacing -------------------------------------------------------------------------------

/** The most weight within any window shorter than 1 s, and how many windows (starting at an event) exceed `limit`. */
function windowMax(events: { at: number; weight: number }[], limit: number): { max: number; over: number } {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  let best = 0;
  let sum = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    sum += sorted[j].weight;
    while (sorted[j].at - sorted[i].at >= 1000) sum -= sorted[i++].weight;
    best = Math.max(best, sum);
  }
  let over = 0;
  for (let i = 0, j = 0, w = 0; i < sorted.length; i++) {
    while (j < sorted.length && sorted[j].at - sorted[i].at < 1000) w += sorted[j++].weight;
    if (w > limit) over += 1;
    w -= sorted[i].weight;
  }
  return { max: best, over };
}

async function ticketsOf(s: Services, channelId: string, count: number): Promise<string[]> {
  const { rows } = await s.db.query<{ ticket_id: string }>(
    `SELECT ticket_id FROM messages WHERE channel_account_id = $1 AND direction = 'inbound' GROUP BY ticket_id ORDER BY min(created_at) LIMIT $2`,
    [channelId, count],
  );
  return rows.map((r) => r.ticket_id);
}

interface Batch {
  provider: 'smpp' | 'twilio';
  limit: number;
  tickets: string[];
  plan: PlannedSmsReply[];
  ids: (string | undefined)[];
  sentAt: number;
}

async function measurePacing(s: Services, warmup: Outcome | undefined): Promise<PacingFigure> {
  const smppTickets = await ticketsOf(s, s.channels.smpp.id, REPLY_TICKETS);
  const slowTickets = warmup ? await ticketsOf(s, s.channels.twilioSlow.id, REPLY_TICKETS) : [];
  const batches: Batch[] = [
    { provider: 'smpp', limit: T, tickets: smppTickets, plan: smsReplyPlan(REPLIES, smppTickets.length, SEED.replies), ids: [], sentAt: NaN },
    ...(slowTickets.length
      ? [{ provider: 'twilio' as const, limit: T2, tickets: slowTickets, plan: smsReplyPlan(TWILIO_REPLIES, slowTickets.length, SEED.twilioReplies), ids: [], sentAt: NaN }]
      : []),
  ];
  if (!slowTickets.length) log('pacing: no Twilio batch (--warmup 0 makes no tickets on the second Twilio channel)');
  const submits0 = s.smsc.submits.length;
  const messages0 = s.smsc.messages.length;
  const twilio0 = s.twilio.messages.length;
  const unknown0 = s.unknownReceipts.count;
  await checkpoint();
  const cpu0 = { core: cpuSeconds(s.core.pid!), sms: cpuSeconds(s.sms.pid!) };
  log(
    `pacing: ${batches.map((b) => `${b.plan.length} replies over ${b.tickets.length} ${b.provider} tickets at ${b.limit} segments/s`).join(', ')}, POSTed at once`,
  );
  const client = new HttpClient(s.corePort, 32);
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${s.token}` };
  const httpMs: number[] = [];
  const wall0 = Date.now();
  const t0 = performance.now();
  let failure: unknown;
  let postsDone = NaN;
  const work = batches.flatMap((b) => b.plan.map((r, k) => ({ b, r, k })));
  // Interleaved, as agents on both lines answer at the same time.
  work.sort((x, y) => x.k / x.b.plan.length - y.k / y.b.plan.length);
  let next = 0;
  const posting = Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < work.length && !failure; i = next++) {
        const { b, r, k } = work[i];
        try {
          const sent = performance.now();
          const res = await client.request('POST', `/api/v1/tickets/${b.tickets[r.ticket]}/messages`, headers, JSON.stringify({ visibility: 'public', body: r.body }));
          httpMs.push(performance.now() - sent);
          if (res.status !== 201) throw new Error(`${b.provider} reply ${k}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
          b.ids[k] = (JSON.parse(res.body) as { id: string }).id;
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
  const statusOf = async (ids: (string | undefined)[]) =>
    (
      await s.db.query<{ sent: number; failed: number; delivered: number }>(
        `SELECT count(*) FILTER (WHERE delivery_status IN ('sent', 'delivered'))::int AS sent, count(*) FILTER (WHERE delivery_status = 'failed')::int AS failed,
                count(*) FILTER (WHERE delivery_status = 'delivered')::int AS delivered
           FROM messages WHERE id = ANY($1::uuid[])`,
        [ids.filter((id): id is string => id !== undefined)],
      )
    ).rows[0];
  let delayedJobsSeen = 0;
  let last = '';
  let lastChange = Date.now();
  let lastPrint = Date.now();
  const counts = batches.map(() => ({ sent: 0, failed: 0, delivered: 0 }));
  for (;;) {
    if (failure) throw whyFailed(s, failure);
    await checkHealthy(s, [s.queues.delivery]);
    for (const [k, b] of batches.entries()) {
      counts[k] = await statusOf(b.ids);
      if (Number.isNaN(b.sentAt) && b.ids.filter(Boolean).length === b.plan.length && counts[k].sent + counts[k].failed === b.plan.length) b.sentAt = performance.now();
    }
    delayedJobsSeen = Math.max(delayedJobsSeen, await s.queues.outbound.getDelayedCount());
    if (batches.every((b) => !Number.isNaN(b.sentAt))) break;
    const progress = `${JSON.stringify(counts)} ${s.smsc.submits.length} ${s.twilio.messages.length}`;
    if (progress !== last) [last, lastChange] = [progress, Date.now()];
    else if (Date.now() - lastChange > STALL_MS) {
      throw new Error(`pacing: ${JSON.stringify(counts)} (sent, failed per batch), no progress for ${STALL_MS / 1000} s (${await queueStates(s)})`);
    }
    if (Date.now() - lastPrint >= 5_000) {
      lastPrint = Date.now();
      log(
        `pacing: ${batches.map((b, k) => `${b.provider} ${counts[k].sent}/${b.plan.length} sent`).join(', ')} after ${((performance.now() - t0) / 1000).toFixed(0)} s; ` +
          `${s.smsc.submits.length - submits0} submit_sm, ${s.twilio.messages.length - twilio0} Twilio messages`,
      );
    }
    await sleep(100);
  }
  await posting;
  const cpu = { core: cpuSeconds(s.core.pid!) - cpu0.core, sms: cpuSeconds(s.sms.pid!) - cpu0.sms };
  log(`pacing: ${batches.map((b, k) => `${b.provider} ${counts[k].sent} sent, ${counts[k].failed} failed in ${((b.sentAt - t0) / 1000).toFixed(1)} s`).join('; ')}`);

  // Receipts: the SMSC sends DELIVRD for every segment by itself; Twilio's status callbacks are played here.
  const twilioSent = s.twilio.messages.slice(twilio0);
  const twilioBatch = batches.find((b) => b.provider === 'twilio');
  if (twilioBatch) {
    let k = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = k++; i < twilioSent.length; i = k++) {
          const res = await s.twilio.deliver(twilioSent[i].sid, 'delivered');
          if (res.status !== 200) throw new Error(`status callback for ${twilioSent[i].sid}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
        }
      }),
    );
  }
  const receipts = await waitForReceipts(s, batches, t0);
  const jobTimes = new Map<Batch, { wait: number[]; worker: number[] }>();
  for (const b of batches) jobTimes.set(b, await outboundJobs(s, b.ids));

  const figures = batches.map((b, k): BatchFigure => {
    const planned = b.plan.map((r) => countSegments(r.body).segments);
    const plannedSegments = planned.reduce((a, c) => a + c, 0);
    let events: { at: number; weight: number }[];
    let texts: string[];
    let requests: number;
    if (b.provider === 'smpp') {
      const segs = s.smsc.submits.slice(submits0).filter((x) => x.status === 0);
      events = segs.map((x) => ({ at: x.receivedAt.getTime(), weight: 1 }));
      texts = s.smsc.messages.slice(messages0).map((m) => m.text);
      requests = s.smsc.submits.length - submits0;
    } else {
      events = twilioSent.map((m) => ({ at: m.createdAt.getTime(), weight: m.numSegments }));
      texts = twilioSent.map((m) => m.body);
      requests = twilioSent.length;
    }
    const times = events.map((e) => e.at).sort((a, c) => a - c);
    const segments = events.reduce((a, e) => a + e.weight, 0);
    const first = times[0] ?? NaN;
    const lastAt = times.at(-1) ?? NaN;
    const lastWeight = events.find((e) => e.at === lastAt)?.weight ?? 1;
    const byTag = new Map<number, number>();
    let textMismatches = 0;
    for (const text of texts) {
      const tag = smsReplyTag(text);
      if (tag === undefined || !b.plan[tag]) {
        textMismatches += 1;
        continue;
      }
      byTag.set(tag, (byTag.get(tag) ?? 0) + 1);
      if (b.plan[tag].body !== text) textMismatches += 1;
    }
    const w = windowMax(events, b.limit);
    const spreads =
      b.provider === 'smpp'
        ? s.smsc.messages
            .slice(messages0)
            .filter((m) => m.segments.length > 1)
            .map((m) => Math.max(...m.segments.map((x) => x.receivedAt.getTime())) - Math.min(...m.segments.map((x) => x.receivedAt.getTime())))
        : [];
    const jobs = jobTimes.get(b)!;
    const gaps: number[] = [];
    for (let i = 1; i < times.length; i++) gaps.push(times[i] - times[i - 1]);
    return {
      provider: b.provider,
      limit: b.limit,
      replies: b.plan.length,
      tickets: b.tickets.length,
      plannedSegments,
      segments,
      requests,
      firstSendS: (first - wall0) / 1000,
      lastSendS: (lastAt - wall0) / 1000,
      segmentRate: times.length > 1 ? (segments - lastWeight) / ((lastAt - first) / 1000) : NaN,
      windowMax: w.max,
      windowsOver: w.over,
      drainS: (b.sentAt - t0) / 1000,
      idealS: plannedSegments / b.limit,
      slotS: (plannedSegments * slotInterval(b.limit)) / 1000,
      sent: counts[k].sent,
      failed: counts[k].failed,
      duplicates: [...byTag.values()].reduce((a, c) => a + c - 1, 0),
      missing: b.plan.length - byTag.size,
      textMismatches,
      delivered: receipts.delivered[k],
      receiptsS: receipts.seconds[k],
      gaps,
      spreads,
      jobWait: jobs.wait,
      jobWorker: jobs.worker,
    };
  });
  return {
    postS: (postsDone - t0) / 1000,
    httpMs,
    batches: figures,
    delayedJobsSeen,
    cpu,
    unknownReceipts: s.unknownReceipts.count - unknown0,
  };
}

/** The outbound-sms jobs' BullMQ times: queued → started, started → finished (for a job delayed and taken again, from its last start). */
async function outboundJobs(s: Services, ids: (string | undefined)[]): Promise<{ wait: number[]; worker: number[] }> {
  const pipeline = s.redis.pipeline();
  for (const id of ids) pipeline.hmget(s.queues.outbound.toKey(outboundJobId(id!)), 'timestamp', 'processedOn', 'finishedOn');
  const out = { wait: [] as number[], worker: [] as number[] };
  for (const [err, v] of (await pipeline.exec()) ?? []) {
    const [queued, started, finished] = err ? [] : (v as (string | null)[]).map((x) => (x === null ? NaN : Number(x)));
    if (!(queued > 0 && started > 0 && finished > 0)) continue;
    out.wait.push(started - queued);
    out.worker.push(finished - started);
  }
  return out;
}

/** Waits until every reply is delivered, or the count has not moved for 10 s (receipts lost); per batch, the count and when it last moved. */
async function waitForReceipts(s: Services, batches: Batch[], t0: number): Promise<{ delivered: number[]; seconds: number[] }> {
  const delivered = batches.map(() => 0);
  const seconds = batches.map(() => NaN);
  let lastChange = Date.now();
  const deadline = Date.now() + 120_000;
  for (;;) {
    let changed = false;
    for (const [k, b] of batches.entries()) {
      const { rows } = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE id = ANY($1::uuid[]) AND delivery_status = 'delivered'`, [b.ids]);
      if (rows[0].n !== delivered[k]) {
        delivered[k] = rows[0].n;
        seconds[k] = (performance.now() - t0) / 1000;
        changed = true;
      }
    }
    if (changed) lastChange = Date.now();
    if (batches.every((b, k) => delivered[k] === b.plan.length)) break;
    if (Date.now() - lastChange > 10_000 || Date.now() > deadline) {
      log(`receipts: ${batches.map((b, k) => `${b.provider} ${delivered[k]}/${b.plan.length} delivered`).join(', ')}; no change for 10 s (${await queueStates(s)})`);
      break;
    }
    s.alive();
    await sleep(200);
  }
  return { delivered, seconds };
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

// --- report ------------------------------------------------------------------------------------

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
    smppIn: InboundFigure;
    pacing: PacingFigure;
    peakRss: { core: number; sms: number; smsNow: number };
    warnings: { core: WatchedOutput['warnings']; sms: WatchedOutput['warnings'] };
  },
  server: string,
): void {
  const B = inboundBound(f.rq.rate, f.rpg.rate);
  const E = f.webhook;
  const S = f.smppIn;
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
    ['E_sms', `${E.rate.toFixed(0)} msg/s`, `Twilio webhook: first POST → ${N} messages committed in ${E.seconds.toFixed(1)} s (${CONCURRENCY} POSTs in flight; all answered after ${E.sendS.toFixed(1)} s)`],
    ['E_sms/B', (E.rate / B).toFixed(3), 'SMS webhook throughput against the inbound bound'],
    ['webhook p50', ms(quantile(E.answerMs, 0.5)), `signed POST → 200 TwiML, with ${CONCURRENCY} in flight`],
    ['webhook p99', ms(quantile(E.answerMs, 0.99)), `max ${ms(quantile(E.answerMs, 1))}`],
    ['CPU/1000', `${c2(per1000(E.cpu.sms, N))} CPU-s`, 'SMS service process (utime+stime) per 1,000 messages, during E_sms'],
    ['', `${c2(per1000(E.cpu.core, N))} CPU-s`, 'core process'],
    ['peak RSS', mib(f.peakRss.sms), `SMS service VmHWM after E_sms (RSS then ${mib(f.peakRss.smsNow)}); core ${mib(f.peakRss.core)}`],
    ['E_smpp', `${S.rate.toFixed(0)} msg/s`, `SMPP: first deliver_sm → ${M} messages committed in ${S.seconds.toFixed(1)} s (${S.items.pdus} deliver_sm, ${S.items.multiSegment} concatenated SMS)`],
  ];
  for (const b of X.batches) {
    const name = b.provider === 'smpp' ? 'SMPP' : 'Twilio';
    rows.push(
      [`${name} seg/s`, `${b.segmentRate.toFixed(1)}/s`, `${b.segments} segments of ${b.replies} replies over ${b.tickets} tickets, first → last ${b.provider === 'smpp' ? 'submit_sm' : 'API call'}; limit ${b.limit}/s`],
      [`${name} 1-s max`, String(b.windowMax), `most segments within any 1 s; ≤ ${b.limit}: ${yes(b.windowMax <= b.limit)}${b.windowsOver ? ` (${b.windowsOver} windows over)` : ''}`],
      [`${name} drain`, `${b.drainS.toFixed(1)} s`, `first POST → every reply 'sent' in core; ${b.plannedSegments} segments at ${b.limit}/s take ${b.idealS.toFixed(1)} s (${b.slotS.toFixed(1)} s at the slots' spacing)`],
      [`${name} sent`, `${b.sent}/${b.replies}`, `replies 'sent' in core; ${b.failed} failed; all sent: ${yes(b.sent === b.replies)}`],
      [`${name} delivered`, `${b.delivered}/${b.replies}`, b.provider === 'smpp' ? `by the SMSC's automatic DELIVRD receipts (${RECEIPT_DELAY} ms after each segment)` : 'by status callbacks played after the drain'],
    );
  }
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  const line = `+-${'-'.repeat(w[0])}-+-${'-'.repeat(w[1])}-+`;
  const stage = (name: string, xs: number[]) => `  ${name.padEnd(50)}${[0.5, 0.9, 0.99, 1].map((q) => ms(quantile(xs, q)).padStart(9)).join('')}`;
  const stagesBlock = (title: string, fig: InboundFigure) => [
    `${title.padEnd(52)}${['p50', 'p90', 'p99', 'max'].map((h) => h.padStart(9)).join('')}`,
    stage(fig === E ? 'webhook POST → answer (client side)' : 'deliver_sm → deliver_sm_resp (per PDU, SMSC side)', fig.answerMs),
    stage('inbound queued → started (queue wait)', fig.stages.wait),
    stage('started → committed (core)', fig.stages.core),
    stage('inbound queued → committed', fig.stages.total),
    `  on average ${fig.stages.coreBusy.toFixed(1)} of core's ${ctx.concurrency} inbound slots busy; most inbound jobs waiting: ${fig.peakWaiting}; ` +
      `${fig.stages.jobs} of ${fig.n} jobs with times`,
  ];
  const cpuLine = (name: string, fig: InboundFigure) => {
    const k = (x: number) => c2(per1000(x, fig.n));
    const c = fig.cpu;
    const others = c.machine - c.core - c.sms - c.pgCore - c.pgSms - c.redis - c.client;
    return (
      `CPU-s per 1,000 messages during ${name}:  sms ${k(c.sms)}, core ${k(c.core)}, postgres backends of sms ${k(c.pgSms)} / of core ${k(c.pgCore)}, ` +
      `redis-server ${k(c.redis)}, this script (client + fakes) ${k(c.client)}; machine ${c.machine.toFixed(1)} of ${(fig.seconds * cpus().length).toFixed(1)} CPU-s busy, ` +
      `${others.toFixed(1)} of it other work`
    );
  };
  const outcomeLine = (name: string, fig: InboundFigure) => {
    const o = fig.outcome;
    const i = fig.items;
    return (
      `${name} outcome: ${o.messages} messages (${o.distinct} distinct ids, duplicates ${o.messages - o.distinct}, texts differing from what was sent ${o.textMismatches}) ` +
      `from ${i.first} first messages, ${i.followUp} follow-ups, ${i.quick} quick follow-ups; ${i.cyrillic} Cyrillic, ${i.multiSegment} multi-segment (${i.segments} segments); ` +
      `${o.numbers} numbers → ${o.tickets} tickets (${o.splitNumbers} numbers split over more than one ticket); threaded_by ${JSON.stringify(o.threadedBy)}; ` +
      `log lines of the SMS service per message ${fig.logLinesPerMessage.toFixed(2)}`
    );
  };
  const warnLine = (who: string, warnings: WatchedOutput['warnings']) =>
    `${who} logged ${warnings.count} warning/error line(s)${warnings.first.length ? `, first:\n  ${warnings.first.join('\n  ')}` : ''}`;
  const batchLine = (b: BatchFigure) =>
    `  ${b.provider}: ${b.requests} ${b.provider === 'smpp' ? 'submit_sm' : 'API calls'} for ${b.segments} segments (${b.plannedSegments} counted here); first send at ${b.firstSendS.toFixed(2)} s, ` +
    `last at ${b.lastSendS.toFixed(1)} s; gaps between sends p50 ${ms(quantile(b.gaps, 0.5))}, min ${ms(quantile(b.gaps, 0))}, max ${ms(quantile(b.gaps, 1))}; ` +
    `${b.spreads.length ? `first → last segment of a multi-segment message p50 ${ms(quantile(b.spreads, 0.5))}, max ${ms(quantile(b.spreads, 1))}; ` : ''}` +
    `${b.duplicates} duplicates, ${b.missing} missing, ${b.textMismatches} texts differing; last receipt → delivered at ${Number.isNaN(b.receiptsS) ? '–' : `${b.receiptsS.toFixed(1)} s`}\n` +
    `    outbound-sms jobs (${b.jobWait.length}): queued → started p50 ${ms(quantile(b.jobWait, 0.5))}, p90 ${ms(quantile(b.jobWait, 0.9))}, max ${ms(quantile(b.jobWait, 1))}; ` +
    `in a worker (slot waits and the send) p50 ${ms(quantile(b.jobWorker, 0.5))}, p90 ${ms(quantile(b.jobWorker, 0.9))}, max ${ms(quantile(b.jobWorker, 1))}`;
  const out = [
    '',
    `SMS benchmark, run ${RUN}: ${N} Twilio webhook SMS (${CONCURRENCY} in flight), ${M} over SMPP, reference phases of ${REF_N} messages, ` +
      `core INBOUND_CONCURRENCY ${ctx.concurrency} / DB pool ${ctx.poolSize}, sms SMS_OUTBOUND_CONCURRENCY ${smsConfig.SMS_OUTBOUND_CONCURRENCY} / DB pool ${smsConfig.DB_POOL_SIZE}, ` +
      `LOG_LEVEL ${LOG_LEVEL}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load ${load()}`,
    `PostgreSQL ${server}`,
    line,
    ...rows.map(([a, b, c]) => `| ${a.padEnd(w[0])} | ${b.padStart(w[1])} | ${c}`),
    line,
    ...stagesBlock(`E_sms, where the time went (${E.stages.jobs} messages):`, E),
    cpuLine('E_sms', E),
    `  R_q worker ${c2(f.rq.workerCpuPer1000)}, redis-server ${c2(f.rq.redisCpuPer1000)}  |  R_pg postgres backends ${c2(f.rpg.postgresCpuPer1000)}`,
    outcomeLine('E_sms', E),
    ...stagesBlock(`E_smpp, where the time went (${S.stages.jobs} messages):`, S),
    cpuLine('E_smpp', S),
    outcomeLine('E_smpp', S),
    `Pacing: ${X.batches.reduce((n, b) => n + b.replies, 0)} POSTs answered after ${X.postS.toFixed(1)} s (p50 ${ms(quantile(X.httpMs, 0.5))}, p99 ${ms(quantile(X.httpMs, 0.99))}); ` +
      `up to ${X.delayedJobsSeen} outbound-sms jobs delayed at once; ` +
      `receipts the SMS service could not match ("${UNKNOWN_RECEIPT}"): ${X.unknownReceipts}; CPU-s during the drain: sms ${c2(X.cpu.sms)}, core ${c2(X.cpu.core)}`,
    ...X.batches.map(batchLine),
    warnLine('core', f.warnings.core),
    warnLine('sms', f.warnings.sms),
    '',
    `R_q: ${f.rq.rate.toFixed(1)} jobs/s`,
    `R_pg: ${f.rpg.rate.toFixed(1)} tx/s`,
    `B: ${B.toFixed(1)} msg/s`,
    `E_sms: ${E.rate.toFixed(1)} messages/s`,
    `E_sms/B: ${(E.rate / B).toFixed(3)}`,
    `webhook HTTP ms p50/p99: ${quantile(E.answerMs, 0.5).toFixed(1)}/${quantile(E.answerMs, 0.99).toFixed(1)}`,
    `E_smpp: ${S.rate.toFixed(1)} messages/s`,
    ...X.batches.map(
      (b) =>
        `pacing ${b.provider}: ${b.segmentRate.toFixed(1)} segments/s, 1-s max ${b.windowMax} (limit ${b.limit}), drain ${b.drainS.toFixed(1)} s (limit allows ${b.idealS.toFixed(1)} s), ` +
        `sent ${b.sent}/${b.replies}, delivered ${b.delivered}/${b.replies}`,
    ),
  ];
  console.log(out.join('\n'));
}

let exitCode = 0;
try {
  if (N <= FOLLOW_UP_GAP) log(`note: with ${N} ≤ ${FOLLOW_UP_GAP} SMS every message comes from a new customer`);
  await main();
} catch (err) {
  exitCode = signals.interrupted ? 130 : 1;
  if (!signals.interrupted) console.error(`bench: FAILED: ${asError(err).message}`);
} finally {
  await cleanup.run();
}
process.exit(exitCode);
