import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { QueueName } from '@switchboard/contracts';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { OutboxService } from './outbox.service.js';

interface OutboxRow {
  id: string;
  queue: string;
  job_name: string;
  job_id: string;
  payload: Record<string, unknown>;
}

export interface RelayResult {
  dispatched: number;
  failed: number;
}

/**
 * Moves outbox rows to BullMQ. Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of
 * relays (replicas) run side by side without sending a row twice; each job carries the row's
 * job id, so even a row re-sent after a crash between enqueue and delete is ignored by BullMQ.
 * When Redis is down the rows stay and are retried with backoff: replies are delayed, never lost.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly queues = new Map<string, Queue>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private again = false;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly outbox: OutboxService,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    this.outbox.onWake(() => this.kick());
    this.timer = setInterval(() => this.kick(), this.config.OUTBOX_POLL_MS);
    this.timer.unref();
    this.kick();
  }

  /** Finishes the batch in hand while the database and Redis are still connected. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Starts a drain unless one is running; a kick during a drain runs one more afterwards. */
  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((err: unknown) => this.logger.error({ err }, 'outbox relay failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Dispatches everything that is due, batch by batch. Safe to call from several places at once. */
  async drain(): Promise<RelayResult> {
    const total: RelayResult = { dispatched: 0, failed: 0 };
    for (;;) {
      const r = await this.dispatchBatch();
      total.dispatched += r.dispatched;
      total.failed += r.failed;
      if (r.dispatched + r.failed < this.config.OUTBOX_BATCH_SIZE || r.failed > 0 || this.stopped) return total;
    }
  }

  async dispatchBatch(): Promise<RelayResult> {
    const failedIds: string[] = [];
    let error = '';
    const dispatched = await this.ds.transaction(async (em) => {
      const rows = await em.query<OutboxRow[]>(
        `SELECT id, queue, job_name, job_id, payload FROM outbox
          WHERE available_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.config.OUTBOX_BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      const done: string[] = [];
      for (const [queueName, group] of groupBy(rows, (r) => r.queue)) {
        try {
          // While Redis is down ioredis would queue the command and wait: give up, back off, retry later.
          // A command that still reaches Redis afterwards is harmless: the job id dedups the re-send.
          await withTimeout(
            this.queue(queueName).addBulk(group.map((r) => ({ name: r.job_name, data: r.payload, opts: { jobId: r.job_id } }))),
            ENQUEUE_TIMEOUT_MS,
            `enqueueing to ${queueName} timed out after ${ENQUEUE_TIMEOUT_MS} ms (is Redis reachable?)`,
          );
          done.push(...group.map((r) => r.id));
        } catch (err) {
          failedIds.push(...group.map((r) => r.id));
          error = err instanceof Error ? err.message : String(err);
        }
      }
      if (done.length) await em.query(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, [done]);
      return done.length;
    });
    if (failedIds.length) {
      this.logger.warn({ rows: failedIds.length, error }, 'could not enqueue outbox rows; will retry');
      await this.ds.query(
        `UPDATE outbox SET attempts = attempts + 1, last_error = $2,
                available_at = now() + make_interval(secs => least(60, power(2, attempts)))
          WHERE id = ANY($1::bigint[])`,
        [failedIds, error.slice(0, 2000)],
      );
    }
    return { dispatched, failed: failedIds.length };
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      if (!Object.values(QueueName).includes(name as QueueName)) throw new Error(`outbox row names unknown queue "${name}"`);
      q = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      this.queues.set(name, q);
    }
    return q;
  }
}

const ENQUEUE_TIMEOUT_MS = 5_000;

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
