import { Inject, Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { QueueName } from '@switchboard/contracts';
import type { Mailbox } from '@switchboard/db';
import { LeasedRunners, Leases, REDIS } from '@switchboard/queue';
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
 * Decides which mailboxes this replica reads: one reader per mailbox across all replicas, held by
 * a Redis lease (LeasedRunners); a mailbox that is disabled or in error stops at once, and one
 * whose settings changed reconnects with them. A dead replica's mailboxes move within the lease
 * TTL.
 */
@Injectable()
export class MailboxSupervisor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailboxSupervisor.name);
  private readonly readers: LeasedRunners<Mailbox, MailboxReader>;
  /** Completion events of the inbound queue (mail) and the delivery queue (bounces), each on its own blocking connection. */
  private events: { inbound: QueueEvents; delivery: QueueEvents } | undefined;
  private readonly eventsConnections: Redis[] = [];

  constructor(
    @Inject(EMAIL_CONFIG) private readonly config: EmailConfig,
    @Inject(REDIS) private readonly redis: Redis,
    store: MailboxStore,
    ingest: IngestService,
    pino: PinoLogger,
  ) {
    const leases = new Leases(redis, `${config.QUEUE_PREFIX}:email-lease`, `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, config.EMAIL_LEASE_TTL_MS);
    const logger = pino.logger.child({ context: 'MailboxReader' });
    this.readers = new LeasedRunners<Mailbox, MailboxReader>(
      leases,
      {
        noun: 'mailbox',
        wanted: () => store.readable(),
        idOf: (mailbox) => mailbox.id,
        // update() takes new settings in place when it can; true means reconnect with them.
        changed: (reader, mailbox) => reader.update(mailbox),
        start: (mailbox) => {
          const reader = new MailboxReader(mailbox, { config, store, ingest, events: this.events!, logger });
          reader.start();
          return reader;
        },
        describe: (mailbox) => ({ mailbox: mailbox.address }),
      },
      { refreshMs: config.EMAIL_MAILBOX_REFRESH_MS, leaseTtlMs: config.EMAIL_LEASE_TTL_MS },
      MailboxSupervisor.name,
    );
  }

  /** Mailbox ids this replica reads right now. */
  get reading(): string[] {
    return this.readers.running;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.events = { inbound: this.openEvents(QueueName.Inbound), delivery: this.openEvents(QueueName.Delivery) };
    await Promise.all([this.events.inbound.waitUntilReady(), this.events.delivery.waitUntilReady()]);
    await this.readers.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.readers.stop();
    await Promise.all([this.events?.inbound.close().catch(() => undefined), this.events?.delivery.close().catch(() => undefined)]);
    for (const connection of this.eventsConnections) connection.disconnect();
  }

  /** Re-reads the mailbox list and starts or stops readers. */
  refresh(): Promise<void> {
    return this.readers.refresh();
  }

  private openEvents(queue: QueueName): QueueEvents {
    const connection = this.redis.duplicate({ connectionName: `switchboard-email-events-${queue}` });
    connection.on('error', () => undefined);
    this.eventsConnections.push(connection);
    const events = new QueueEvents(queue, { connection, prefix: this.config.QUEUE_PREFIX });
    events.on('error', (err) => this.logger.warn({ queue, err: err.message }, 'queue events reader error'));
    return events;
  }
}
