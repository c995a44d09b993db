/**
 * The e-mail reader's work for one mail, step by step, in this process: where bench/email.ts's
 * figures come from. See bench/README.md, "E-mail benchmark".
 *
 *   npx tsx bench/email-probe.ts steps [N]          per-mail wall time of each step over N mails (default 1000)
 *   node --import tsx --expose-gc bench/email-probe.ts memory [limit-bytes] [--sliced]
 *                                                   RSS after and peak RSS during each step for one mail
 *                                                   with a 25 MiB attachment (default limit 26 MiB: stored)
 *
 * `steps` runs the calls MailboxReader.takeBatch makes for each mail (fetchOne with the same
 * items, download, read into one Buffer) and then the e-mail service's own IngestService.ingest,
 * with its database, queue and rate-limit calls wrapped in timers. Nothing consumes the queue: it
 * times taking mail in, not core. `memory` does the same steps one at a time for the large mail
 * (parseMail, extractReply, storeAttachment for the attachment and for the raw source), and reads
 * VmHWM after each (reset before each through /proc/self/clear_refs); `--sliced` feeds parseMail
 * the same bytes as a stream of 64 KiB pieces instead of one Buffer.
 *
 * A throwaway Dovecot, a scratch database (switchboard_bench_probe_*) and Redis prefix
 * (sbbench-probe-*), all removed at the end, also on failure or Ctrl-C. 127.0.0.1 only.
 */
import 'reflect-metadata';
import { emailEnvSchema, type EmailConfig } from '../apps/email/src/config.js';
import { IngestService } from '../apps/email/src/ingest/ingest.service.js';
import { parseMail } from '../apps/email/src/mail/parse.js';
import { extractReply } from '../apps/email/src/mail/reply-text.js';
import { startDovecot, type RunningDovecot } from '../test/support/mail/dovecot.js';
import { createLogger, loadConfig } from '@switchboard/common';
import { QueueName } from '@switchboard/contracts';
import { dataSourceOptions, ensureDatabase, storeAttachment, type Mailbox } from '@switchboard/db';
import { createRedis, queueOptions } from '@switchboard/queue';
import { Queue } from 'bullmq';
import type { ImapFlow } from 'imapflow';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { benchMail } from './support/mails.js';
import { PG_SERVER, REDIS_URL } from './support/reference.js';
import { Cleanup, cleanupOnSignals, databaseUrl, DB_PREFIX, deleteKeys, dropDatabase, QUEUE_PREFIX_PREFIX } from './support/scratch.js';

const MiB = 1024 * 1024;
const [mode = 'help', arg, flag] = process.argv.slice(2);
if (mode !== 'steps' && mode !== 'memory') {
  console.log(`usage: npx tsx bench/email-probe.ts steps [N]
       node --import tsx --expose-gc bench/email-probe.ts memory [limit-bytes] [--sliced]
(see the comment at the top of this file)`);
  process.exit(mode === 'help' || mode === '--help' ? 0 : 2);
}

const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const database = `${DB_PREFIX}probe_${run}`;
const url = databaseUrl(PG_SERVER, database);
const prefix = `${QUEUE_PREFIX_PREFIX}probe-${run}`;
const USER = { user: 'probe@switchboard-bench.test', pass: randomBytes(12).toString('hex') };
const cleanup = new Cleanup();
const log = (line: string) => console.error(`[probe] ${line}`);
const signals = cleanupOnSignals(cleanup, log);

/** Mail as the reader gets it: download of the whole source, read into one Buffer. */
async function download(client: ImapFlow, uid: number): Promise<Buffer> {
  const d = await client.download(String(uid), undefined, { uid: true });
  if (!('content' in d) || !d.content) throw new Error(`UID ${uid}: nothing to download`);
  const chunks: Buffer[] = [];
  for await (const chunk of d.content as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

async function steps(imap: RunningDovecot, ds: DataSource, config: EmailConfig, n: number): Promise<void> {
  // Maildir files before the first login, as bench/email.ts preloads them.
  const owner = statSync(join(imap.dir, 'mail'));
  const box = join(imap.dir, 'mail', USER.user);
  for (const sub of ['', 'cur', 'new', 'tmp']) {
    mkdirSync(join(box, sub), { recursive: true });
    chownSync(join(box, sub), owner.uid, owner.gid);
  }
  const stamp = Math.floor(Date.now() / 1000) - n - 86_400;
  for (let i = 0; i < n; i++) {
    const m = benchMail(i, { to: USER.user });
    const name = `${stamp + i}.M${i}P${process.pid}.switchboard-probe`;
    writeFileSync(join(box, 'tmp', name), Buffer.from(m.raw.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'));
    chownSync(join(box, 'tmp', name), owner.uid, owner.gid);
    renameSync(join(box, 'tmp', name), join(box, 'new', name));
  }
  await imap.doveadm('mailbox', 'status', '-u', USER.user, 'messages', 'INBOX');

  const redis = createRedis(REDIS_URL, createLogger('probe', 'warn'), 'sbbench-probe');
  cleanup.add('close the Redis connection', () => redis.quit().catch(() => redis.disconnect()));
  cleanup.add(`delete Redis keys ${prefix}:*`, () => deleteKeys(redis, prefix));
  const inbound = new Queue(QueueName.Inbound, queueOptions(redis, prefix));
  const delivery = new Queue(QueueName.Delivery, queueOptions(redis, prefix));
  cleanup.add('close the queues', () => Promise.all([inbound.close(), delivery.close()]));
  const ingest = new IngestService(config, ds, inbound, delivery, redis);

  const STEPS = {
    fetchOne: 'imap: fetchOne (uid, size, envelope)',
    download: 'imap: download + read into one Buffer',
    getJob: 'redis: queue.getJob ("queued already?")',
    stored: 'pg: lookups ("one of our addresses?", "stored already?")',
    consume: 'redis: sender rate limit',
    store: 'pg: storeAttachment (BEGIN, 2 INSERTs, COMMIT)',
    inserts: 'pg:   of which the INSERTs',
    add: 'redis: queue.add',
    ingest: 'IngestService.ingest, all of it',
  };
  // In this order in the output.
  const totals = new Map<string, { ms: number; calls: number }>(Object.values(STEPS).map((name) => [name, { ms: 0, calls: 0 }]));
  const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      const e = totals.get(name) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t0;
      e.calls += 1;
      totals.set(name, e);
    }
  };
  /** Wraps obj[method] in a timer (the service's own objects, so its calls are the ones timed). */
  const wrap = (obj: object, method: string, name: string | ((args: unknown[]) => string)) => {
    const target = obj as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const original = target[method].bind(obj);
    target[method] = (...a: unknown[]) => time(typeof name === 'string' ? name : name(a), () => original(...a));
  };
  // A transaction's manager sends its statements through ds.query too, with its query runner as third argument.
  wrap(ds, 'query', (a) => (a[2] ? STEPS.inserts : STEPS.stored));
  wrap(ds, 'transaction', STEPS.store);
  wrap(inbound, 'getJob', STEPS.getJob);
  wrap(inbound, 'add', STEPS.add);
  wrap((ingest as unknown as { perSender: object }).perSender, 'consume', STEPS.consume);
  const mailbox = { id: '00000000-0000-4000-8000-00000000b0b0', address: USER.user, maxAttachmentBytes: 10 * MiB, markerFormat: '[#{number}]', createContacts: true } as Mailbox;

  const client = imap.client(USER.user, { autoIdleDelay: 1_000 });
  client.on('error', () => undefined);
  await client.connect();
  cleanup.add('log out of IMAP', () => client.logout().catch(() => client.close()));
  await client.mailboxOpen('INBOX');
  let ingestCpu = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let uid = 1; uid <= n; uid++) {
    await time(STEPS.fetchOne, () => client.fetchOne(String(uid), { uid: true, size: true, envelope: true }, { uid: true }));
    const raw = await time(STEPS.download, () => download(client, uid));
    const c0 = process.cpuUsage();
    const outcome = await time(STEPS.ingest, () => ingest.ingest(mailbox, raw));
    const c = process.cpuUsage(c0);
    ingestCpu += (c.user + c.system) / 1000;
    if (outcome.kind !== 'queued') throw new Error(`UID ${uid}: ${outcome.kind}`);
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(`${n} mails one after another in ${(wall / 1000).toFixed(1)} s: ${(wall / n).toFixed(2)} ms per mail (${(n / (wall / 1000)).toFixed(0)} mails/s); ` +
    `CPU of this process ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms per mail, ${(ingestCpu / n).toFixed(2)} ms of it in ingest`);
  for (const [name, e] of totals) console.log(`${(e.ms / n).toFixed(2).padStart(7)} ms per mail  ${(e.calls / n).toFixed(2)} calls  ${name}`);
}

async function memory(imap: RunningDovecot, ds: DataSource, limit: number, sliced: boolean): Promise<void> {
  const status = () => readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status())?.[1] ?? NaN) * 1024;
  const mib = (b: number) => `${(b / MiB).toFixed(0).padStart(4)} MiB`;
  const gc = (globalThis as { gc?: () => void }).gc;
  const small = benchMail(1, { to: USER.user });
  const big = benchMail(2, { to: USER.user, bigAttachmentBytes: 25 * MiB });
  await imap.append(USER.user, 'INBOX', small.raw);
  await imap.append(USER.user, 'INBOX', big.raw);
  const client = imap.client(USER.user, { disableAutoIdle: true });
  client.on('error', () => undefined);
  await client.connect();
  cleanup.add('log out of IMAP', () => client.logout().catch(() => client.close()));
  await client.mailboxOpen('INBOX');
  const options = { maxAttachmentBytes: limit, maxTextChars: 200_000 };
  // Every step once with the small mail, so that code is loaded and pools are open.
  const warm = await download(client, 1);
  const parsedWarm = await parseMail(warm, options);
  extractReply(parsedWarm.text, { subject: parsedWarm.subject });
  await storeAttachment(ds, { filename: 'warm.eml', contentType: 'message/rfc822', content: warm }, Number.MAX_SAFE_INTEGER);
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const base = process.memoryUsage().rss;
  console.log(`baseline RSS ${mib(base)}${gc ? '' : ' (without --expose-gc)'}; a ${(big.raw.length / MiB).toFixed(1)} MiB mail with a 25 MiB attachment, ` +
    `attachment limit ${(limit / MiB).toFixed(0)} MiB, parseMail fed ${sliced ? 'in 64 KiB pieces' : 'one Buffer (as the service does)'}`);
  const step = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    writeFileSync('/proc/self/clear_refs', '5'); // VmHWM := VmRSS
    const t0 = performance.now();
    const result = await work();
    const ms = performance.now() - t0;
    const m = process.memoryUsage();
    console.log(`${name.padEnd(44)} ${ms.toFixed(0).padStart(5)} ms  peak RSS ${mib(kb('VmHWM'))} (+${mib(kb('VmHWM') - base)})  RSS after ${mib(m.rss)}  ` +
      `heap used ${mib(m.heapUsed)}  array buffers ${mib(m.arrayBuffers)}`);
    return result;
  };
  const raw = await step('download + read into one Buffer', () => download(client, 2));
  const source = sliced ? Readable.from((function* () { for (let at = 0; at < raw.length; at += 64 * 1024) yield raw.subarray(at, at + 64 * 1024); })()) : raw;
  const parsed = await step('parseMail (the raw Buffer kept)', () => parseMail(source, options));
  await step('extractReply', () => extractReply(parsed.text, { subject: parsed.subject }));
  for (const a of parsed.attachments) {
    await step(`storeAttachment, ${(a.content.length / MiB).toFixed(0)} MiB attachment`, () =>
      storeAttachment(ds, { filename: a.filename, contentType: a.contentType, content: a.content }, limit));
  }
  await step('storeAttachment, raw source', () => storeAttachment(ds, { filename: 'big.eml', contentType: 'message/rfc822', content: raw }, Number.MAX_SAFE_INTEGER));
  console.log(`${parsed.attachments.length} attachment(s) kept, ${parsed.droppedAttachments.length} dropped`);
}

let exitCode = 0;
try {
  const imap = await startDovecot({ users: [USER] });
  cleanup.add('stop Dovecot', () => imap.stop());
  cleanup.add(`drop database ${database}`, () => dropDatabase(PG_SERVER, database));
  await ensureDatabase(url);
  const ds = new DataSource(dataSourceOptions({ url, poolSize: 10, applicationName: 'switchboard-bench-probe' }));
  await ds.initialize();
  cleanup.add('close the data source', () => ds.destroy());
  await ds.runMigrations({ transaction: 'each' });
  if (mode === 'steps') {
    const config = loadConfig(emailEnvSchema, { SECRETS_KEY: '0'.repeat(64), EMAIL_SIGNING_SECRET: 'x'.repeat(32), QUEUE_PREFIX: prefix, DATABASE_URL: url, REDIS_URL });
    await steps(imap, ds, config, arg === undefined ? 1_000 : Number(arg));
  } else {
    await memory(imap, ds, arg === undefined ? 26 * MiB : Number(arg), flag === '--sliced');
  }
} catch (err) {
  exitCode = signals.interrupted ? 130 : 1;
  if (!signals.interrupted) console.error(`probe: FAILED: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await cleanup.run();
}
process.exit(exitCode);
