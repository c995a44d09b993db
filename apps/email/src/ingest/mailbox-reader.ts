import type { Mailbox } from '@switchboard/db';
import type { Job, QueueEvents } from 'bullmq';
import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { EmailConfig } from '../config.js';
import type { MailboxAccess, MailboxStore } from '../mailboxes/mailbox-store.js';
import type { IngestOutcome, IngestService } from './ingest.service.js';

/** Keyword set on mail that has been turned into a ticket message (with \Seen), when the mailbox flags rather than moves. */
export const PROCESSED_KEYWORD = '$Switchboard';

/** Core has this long to commit a batch before the reader stops and tries again later. */
const COMMIT_WAIT_MS = 120_000;

export interface ReaderDeps {
  config: EmailConfig;
  store: MailboxStore;
  ingest: IngestService;
  /** Where the reader learns that core has committed what it queued: mail on inbound, bounces on delivery. */
  events: { inbound: QueueEvents; delivery: QueueEvents };
  logger: Logger;
}

/** Whether an IMAP error means the credentials are wrong (stop) rather than the network (retry). */
export function isAuthFailure(err: unknown): boolean {
  const e = err as { authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string };
  return Boolean(e?.authenticationFailed) || e?.serverResponseCode === 'AUTHENTICATIONFAILED' || e?.serverResponseCode === 'AUTHORIZATIONFAILED';
}

export function describeImapError(err: unknown): string {
  const e = err as { responseText?: string; response?: string; code?: string; message?: string };
  return [e?.code, e?.responseText ?? e?.response ?? e?.message].filter(Boolean).join(' ').trim() || String(err);
}

/**
 * Reads one mailbox while this replica holds its lease: connect, select the folder, take in
 * every message after the cursor, then wait for the server's EXISTS (IDLE) or the poll timer and
 * do it again. The cursor (UIDVALIDITY + last UID) moves only once core has committed the
 * messages up to it, so a crash re-reads at most one batch, which deduplication absorbs.
 * Commands run one after another, never inside a FETCH iteration.
 */
export class MailboxReader {
  private client: ImapFlow | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** New mail was announced while a sync ran: sync again at once instead of sleeping. */
  private dirty = false;
  private running: Promise<void> | undefined;
  private attempt = 0;

  constructor(
    private mailbox: Mailbox,
    private readonly deps: ReaderDeps,
  ) {}

  get id(): string {
    return this.mailbox.id;
  }

  /** Picks up changed settings on the next connection. */
  update(mailbox: Mailbox): boolean {
    const changed = mailbox.updatedAt.getTime() !== this.mailbox.updatedAt.getTime();
    this.mailbox = mailbox;
    return changed;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Stops after the message in hand; resolves when the connection is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const client = this.client;
    if (client) await client.logout().catch(() => client.close());
    await this.running;
  }

  private async loop(): Promise<void> {
    const { logger, config, store } = this.deps;
    while (!this.stopped) {
      try {
        await this.session(store.access(this.mailbox));
        this.attempt = 0;
      } catch (err) {
        if (this.stopped) break;
        if (isAuthFailure(err)) {
          const reason = `IMAP login failed: ${describeImapError(err)}`;
          logger.error({ mailbox: this.mailbox.address, reason }, 'mailbox stopped until its credentials are fixed');
          await store.markError(this.mailbox.id, reason);
          this.stopped = true;
          break;
        }
        this.attempt++;
        const delay = Math.min(config.EMAIL_RECONNECT_MAX_MS, 1_000 * 2 ** Math.min(this.attempt - 1, 16)) * (0.75 + Math.random() / 2);
        logger.warn({ mailbox: this.mailbox.address, err: describeImapError(err), retryInMs: Math.round(delay) }, 'mailbox connection failed; will retry');
        await this.sleep(delay);
      }
    }
  }

  private async session(access: MailboxAccess): Promise<void> {
    const { config, logger } = this.deps;
    const m = access.row;
    const client = new ImapFlow({
      host: m.imapHost,
      port: m.imapPort,
      secure: m.imapTls,
      auth: m.imapAuth === 'xoauth2' ? { user: m.imapUser, accessToken: access.imapSecret } : { user: m.imapUser, pass: access.imapSecret },
      logger: false,
      // Back in IDLE soon after the last command, so new mail is announced quickly.
      autoIdleDelay: 300,
      maxIdleTime: config.EMAIL_IDLE_RENEW_MS,
      connectionTimeout: 30_000,
      socketTimeout: Math.max(config.EMAIL_IDLE_RENEW_MS + 60_000, 5 * 60_000),
    });
    this.client = client;
    let closed = false;
    client.on('error', (err: Error) => logger.warn({ mailbox: m.address, err: describeImapError(err) }, 'IMAP connection error'));
    client.on('close', () => {
      closed = true;
      this.wake?.();
    });
    client.on('exists', () => {
      this.dirty = true;
      this.wake?.();
    });
    try {
      await client.connect();
      const box = await client.mailboxOpen(m.folder);
      logger.info({ mailbox: m.address, folder: m.folder, exists: box.exists }, 'reading mailbox');
      this.attempt = 0;
      while (!this.stopped && !closed) {
        await this.sync(client, String(box.uidValidity));
        if (this.stopped || closed) break;
        await this.sleep(config.EMAIL_POLL_INTERVAL_MS);
      }
      if (closed && !this.stopped) throw new Error('the IMAP server closed the connection');
    } finally {
      this.client = undefined;
      if (!closed) await client.logout().catch(() => client.close());
    }
  }

  /** Takes in every message after the cursor, batch by batch. */
  private async sync(client: ImapFlow, uidValidity: string): Promise<void> {
    const { store, logger, config } = this.deps;
    const m = this.mailbox;
    let cursor = await store.cursor(m.id);
    if (cursor.uidValidity !== uidValidity) {
      if (cursor.uidValidity !== null) {
        logger.warn({ mailbox: m.address, was: cursor.uidValidity, now: uidValidity }, 'UIDVALIDITY changed: reading the folder again (known mail is skipped)');
      }
      await store.resetCursor(m.id, uidValidity);
      cursor = { uidValidity, lastUid: 0 };
    }
    const found = await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true });
    const uids = (Array.isArray(found) ? found : []).filter((u) => u > cursor.lastUid).sort((a, b) => a - b);
    for (let i = 0; i < uids.length && !this.stopped; i += config.EMAIL_BATCH_SIZE) {
      const batch = uids.slice(i, i + config.EMAIL_BATCH_SIZE);
      const done = await this.takeBatch(client, batch);
      if (done.length === 0) break;
      // Flag or move first: if the connection drops in between, the cursor has not moved and the
      // next session reads these again (known mail is skipped) and marks them then. Mail not
      // taken in (e.g. an unknown sender where contacts are not created) is passed but not marked.
      const taken = done.filter((d) => d.mark).map((d) => d.uid);
      if (taken.length) await this.markProcessed(client, taken);
      await store.advance(m.id, uidValidity, done[done.length - 1].uid);
      if (done.length < batch.length) break;
    }
  }

  /**
   * Downloads, stores and queues each message of the batch, then waits until core has committed
   * them. Returns the UIDs, from the start of the batch, that are safely in, and whether each is
   * to be marked as processed.
   */
  private async takeBatch(client: ImapFlow, batch: number[]): Promise<{ uid: number; mark: boolean }[]> {
    const { logger, events } = this.deps;
    const m = this.mailbox;
    const pending: { uid: number; job?: Job; events?: QueueEvents; mark?: false }[] = [];
    // IMAP commands run one after another on the connection; parsing and storing a mail overlap
    // with downloading the next ones (EMAIL_INGEST_CONCURRENCY at a time). Outcomes are read back
    // in UID order, so the cursor still only passes what is in.
    const taking: { uid: number; outcome: Promise<IngestOutcome> }[] = [];
    const inFlight = new Set<Promise<unknown>>();
    const start = (uid: number, work: () => Promise<IngestOutcome>) => {
      const outcome = work();
      const tracked: Promise<unknown> = outcome.then(
        () => inFlight.delete(tracked),
        () => inFlight.delete(tracked),
      );
      inFlight.add(tracked);
      // Read back in order below; a failure that is never reached (an earlier one ended the batch) is not unhandled.
      outcome.catch(() => undefined);
      taking.push({ uid, outcome });
    };
    try {
      await this.download(client, batch, start, inFlight, pending);
    } catch (err) {
      // The connection failed mid-batch: let the mails in hand finish before the next session
      // reads them again, so no mail is ever taken in twice at the same time.
      await Promise.allSettled(taking.map((t) => t.outcome));
      throw err;
    }
    const byUid = new Map(pending.map((p) => [p.uid, p]));
    for (const t of taking) {
      const outcome = await t.outcome;
      if (outcome.kind === 'ignored') logger.warn({ mailbox: m.address, uid: t.uid, reason: outcome.reason }, 'mail not taken in');
      if (outcome.kind === 'queued') byUid.set(t.uid, { uid: t.uid, job: outcome.job, events: events.inbound });
      else if (outcome.kind === 'bounce') byUid.set(t.uid, { uid: t.uid, job: outcome.job, events: events.delivery });
      else if (outcome.kind === 'skipped') byUid.set(t.uid, { uid: t.uid, mark: false });
      else byUid.set(t.uid, { uid: t.uid });
    }
    pending.splice(0, pending.length, ...[...byUid.values()].sort((a, b) => a.uid - b.uid));
    const committed: { uid: number; mark: boolean }[] = [];
    for (const p of pending) {
      try {
        await p.job?.waitUntilFinished(p.events ?? events.inbound, COMMIT_WAIT_MS);
        committed.push({ uid: p.uid, mark: p.mark ?? true });
      } catch (err) {
        // A job core refused for good stays in the failed set (with the raw mail stored) for an operator; the mailbox moves on.
        if ((await p.job?.getState()) === 'failed' && p.job?.finishedOn) {
          logger.error({ mailbox: m.address, uid: p.uid, jobId: p.job.id, err: (err as Error).message }, 'core refused a mail; it is kept in the failed jobs');
          committed.push({ uid: p.uid, mark: true });
          continue;
        }
        logger.warn({ mailbox: m.address, uid: p.uid, err: (err as Error).message }, 'core has not committed a message yet; the cursor waits');
        break;
      }
    }
    return committed;
  }

  /** Fetches each mail of the batch and starts taking it in (at most EMAIL_INGEST_CONCURRENCY at once). */
  private async download(
    client: ImapFlow,
    batch: number[],
    start: (uid: number, work: () => Promise<IngestOutcome>) => void,
    inFlight: Set<Promise<unknown>>,
    pending: { uid: number }[],
  ): Promise<void> {
    const { ingest, logger, config } = this.deps;
    const m = this.mailbox;
    for (const uid of batch) {
      if (this.stopped) break;
      while (inFlight.size >= config.EMAIL_INGEST_CONCURRENCY) await Promise.race(inFlight);
      const meta = await client.fetchOne(String(uid), { uid: true, size: true, envelope: true }, { uid: true });
      if (!meta) continue;
      if ((meta.size ?? 0) > config.EMAIL_MAX_MESSAGE_BYTES) {
        // Not downloaded at all; the ticket says what arrived and that the mail is still in the mailbox.
        const e = meta.envelope;
        logger.warn({ mailbox: m.address, uid, size: meta.size }, 'mail larger than EMAIL_MAX_MESSAGE_BYTES: a note is made, the mail stays in the mailbox');
        start(uid, () =>
          ingest.ingestTooLarge(m, {
            uid,
            size: meta.size ?? 0,
            messageId: e?.messageId,
            from: e?.from?.[0],
            subject: e?.subject,
            date: e?.date ? new Date(e.date) : undefined,
          }),
        );
        continue;
      }
      const download = await client.download(String(uid), undefined, { uid: true });
      if (!('content' in download) || !download.content) {
        pending.push({ uid });
        continue;
      }
      const raw = await readAll(download.content, meta.size ?? 0);
      start(uid, () => ingest.ingest(m, raw));
    }
  }

  /**
   * Flags or moves taken mail. imapflow answers a failed command with `false`: when the connection
   * went away meanwhile this throws, so the cursor stays and the next session marks the mail; a
   * refusal by the server (e.g. a missing processedFolder) is logged and the mail stays where it is.
   */
  private async markProcessed(client: ImapFlow, uids: number[]): Promise<void> {
    const m = this.mailbox;
    const range = uids.join(',');
    const move = m.processedAction === 'move' && m.processedFolder;
    const done = move
      ? await client.messageMove(range, m.processedFolder!, { uid: true })
      : await client.messageFlagsAdd(range, ['\\Seen', PROCESSED_KEYWORD], { uid: true });
    if (done) return;
    if (!client.usable) throw new Error('the IMAP connection closed while marking mail as processed');
    this.deps.logger.error(
      { mailbox: m.address, uids: range, ...(move ? { folder: m.processedFolder } : {}) },
      move ? 'the server refused to move processed mail; it stays in the folder' : 'the server refused to flag processed mail',
    );
  }

  private sleep(ms: number): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.dirty = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/**
 * The whole source. With the size the server announced, chunks are copied into one buffer as
 * they arrive instead of being kept and joined at the end (which holds a big mail twice).
 */
async function readAll(stream: NodeJS.ReadableStream, expectedSize: number): Promise<Buffer> {
  let out = Buffer.allocUnsafe(Math.max(expectedSize, 0));
  let length = 0;
  for await (const piece of stream) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    if (length + chunk.length > out.length) {
      const grown = Buffer.allocUnsafe(Math.max(out.length * 2, length + chunk.length));
      out.copy(grown, 0, 0, length);
      out = grown;
    }
    chunk.copy(out, length);
    length += chunk.length;
  }
  return out.subarray(0, length);
}
