import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AcknowledgementState, NotificationKey } from '@switchboard/db';
import type { DataSource } from 'typeorm';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { NotificationsService } from './notifications.service.js';

const BATCH_SIZE = 100;

/**
 * Acknowledges tickets that customers opened by e-mail. A new e-mail ticket is stored with
 * `acknowledgement` null; this sweep (every OUTBOX_POLL_MS, in every worker replica) claims such
 * tickets with FOR UPDATE SKIP LOCKED and, in one transaction per batch, writes each one's
 * acknowledgement (message + outbox row, see NotificationsService) and records the outcome in
 * `acknowledgement`. So an acknowledgement is never lost (the ticket stays due until a
 * transaction that queued it commits) and never sent twice (that same transaction marks it).
 */
@Injectable()
export class AcknowledgementSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AcknowledgementSweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly notifications: NotificationsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.OUTBOX_POLL_MS);
    this.timer.unref();
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private kick(): void {
    if (this.stopped || this.running) return;
    this.running = this.drain()
      .catch((err: unknown) => this.logger.error({ err }, 'acknowledgement sweep failed; will try again'))
      .finally(() => (this.running = undefined));
  }

  /**
   * Handles every due ticket, batch by batch; returns how many tickets it decided on. A batch that
   * fails is rolled back whole and tried again at the next poll (and logged each time): a ticket is
   * never marked without its acknowledgement.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.sweepBatch();
      total += n;
      if (n < BATCH_SIZE || this.stopped) return total;
    }
  }

  async sweepBatch(size = BATCH_SIZE): Promise<number> {
    let queued = 0;
    const handled = await this.ds.transaction(async (em) => {
      const due = await em.query<{ id: string }[]>(
        `SELECT id FROM tickets WHERE registration_channel = 'email' AND acknowledgement IS NULL
          ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [size],
      );
      if (!due.length) return 0;
      const outcomes = await this.notifications.queue(
        em,
        NotificationKey.TicketCreated,
        due.map((d) => d.id),
      );
      queued = outcomes.filter((o) => o.state === AcknowledgementState.Queued).length;
      await em.query(
        `UPDATE tickets t SET acknowledgement = o.state FROM unnest($1::uuid[], $2::text[]) AS o (id, state) WHERE t.id = o.id`,
        [outcomes.map((o) => o.ticketId), outcomes.map((o) => o.state)],
      );
      return due.length;
    });
    if (queued) {
      this.notifications.wake();
      this.logger.debug({ tickets: handled, queued }, 'acknowledgements queued');
    }
    return handled;
  }
}
