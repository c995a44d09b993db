import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { QueueName } from '@switchboard/contracts';
import { Leases, REDIS } from '@switchboard/queue';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { PinoLogger } from 'nestjs-pino';
import { EMAIL_CONFIG, type EmailConfig } from '../config.js';
import { MailboxStore } from '../mailboxes/mailbox-store.js';
import { IngestService } from './ingest.service.js';
import { MailboxReader } from './mailbox-reader.js';

/**
 * Decides which mailboxes this replica reads: every refresh it re-reads the mailbox list, takes
 * the lease of each mailbox nobody holds, renews its own, and stops a reader at once when its
 * lease is lost or its mailbox is disabled or in error. So each mailbox has one reader across all
 * replicas, and a dead replica's mailboxes move to another within the lease TTL.
 */
@Injectable()
export class MailboxSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailboxSupervisor.name);
  private readonly readers = new Map<string, MailboxReader>();
  private readonly leases: Leases;
  /** Completion events of the inbound queue (mail) and the delivery queue (bounces), each on its own blocking connection. */
  private events: { inbound: QueueEvents; delivery: QueueEvents } | undefined;
  private readonly eventsConnections: Redis[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly store: MailboxStore,
    private readonly ingest: IngestService,
    private readonly pino: PinoLogger,
  ) {
    this.leases = new Leases(redis, `${config.QUEUE_PREFIX}:email-lease`, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, config.EMAIL_LEASE_TTL_MS);
  }

  /** Mailbox ids this replica reads right now. */
  get reading(): string[] {
    return [...this.readers.keys()];
  }

  async onApplicationBootstrap(): Promise<void> {
    this.events = { inbound: this.openEvents(QueueName.Inbound), delivery: this.openEvents(QueueName.Delivery) };
    await Promise.all([this.events.inbound.waitUntilReady(), this.events.delivery.waitUntilReady()]);
    this.refreshTimer = setInterval(() => void this.refresh(), this.config.EMAIL_MAILBOX_REFRESH_MS);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(1_000, Math.floor(this.config.EMAIL_LEASE_TTL_MS / 3)));
    await this.refresh();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.refreshTimer);
    clearInterval(this.renewTimer);
    await this.refreshing;
    await Promise.all([...this.readers.keys()].map((id) => this.stopReader(id)));
    await Promise.all([this.events?.inbound.close().catch(() => undefined), this.events?.delivery.close().catch(() => undefined)]);
    for (const connection of this.eventsConnections) connection.disconnect();
  }

  private openEvents(queue: QueueName): QueueEvents {
    const connection = this.redis.duplicate({ connectionName: `switchboard-email-events-${queue}` });
    connection.on('error', () => undefined);
    this.eventsConnections.push(connection);
    const events = new QueueEvents(queue, { connection, prefix: this.config.QUEUE_PREFIX });
    events.on('error', (err) => this.logger.warn({ queue, err: err.message }, 'queue events reader error'));
    return events;
  }

  /** Re-reads the mailbox list and starts or stops readers; one refresh at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh()
      .catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'could not refresh the mailbox list'))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    if (this.stopping) return;
    const wanted = await this.store.readable();
    const ids = new Set(wanted.map((m) => m.id));
    for (const id of this.readers.keys()) if (!ids.has(id)) await this.stopReader(id);
    for (const mailbox of wanted) {
      const reader = this.readers.get(mailbox.id);
      if (reader) {
        if (reader.update(mailbox)) {
          // New settings (host, password, folder): reconnect with them.
          await reader.stop();
          this.startReader(mailbox.id, mailbox);
        }
        continue;
      }
      if (await this.leases.acquire(mailbox.id)) this.startReader(mailbox.id, mailbox);
    }
  }

  private startReader(id: string, mailbox: Parameters<MailboxReader['update']>[0]): void {
    const reader = new MailboxReader(mailbox, {
      config: this.config,
      store: this.store,
      ingest: this.ingest,
      events: this.events!,
      logger: this.pino.logger.child({ context: 'MailboxReader' }),
    });
    this.readers.set(id, reader);
    this.logger.log({ mailbox: mailbox.address }, 'took the lease of a mailbox');
    reader.start();
  }

  private async stopReader(id: string): Promise<void> {
    const reader = this.readers.get(id);
    this.readers.delete(id);
    await reader?.stop();
    await this.leases.release(id).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    for (const id of [...this.readers.keys()]) {
      const held = await this.leases.renew(id).catch(() => false);
      if (!held) {
        this.logger.warn({ mailbox: id }, 'lost the lease of a mailbox; stopping its reader');
        const reader = this.readers.get(id);
        this.readers.delete(id);
        await reader?.stop();
      }
    }
  }
}
