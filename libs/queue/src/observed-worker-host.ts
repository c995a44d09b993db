import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Job } from 'bullmq';

/**
 * A WorkerHost that says why jobs fail and whether they will be retried, reports Redis
 * connection errors once instead of on every reconnect attempt, and stops taking jobs before
 * anything else shuts down, so in-flight jobs finish while the database is still connected.
 */
export abstract class ObservedWorkerHost extends WorkerHost implements BeforeApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private lastError = '';

  async beforeApplicationShutdown(): Promise<void> {
    // Waits for the jobs in hand; Nest's own onApplicationShutdown close is then a no-op.
    await this.worker.close();
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    const final = !job || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    const log = { jobId: job?.id, queue: job?.queueName, attempt: job?.attemptsMade, reason: err.message };
    if (final) this.logger.error(log, 'job failed for good; it stays in the failed set for inspection');
    else this.logger.warn(log, 'job failed; will retry with backoff');
  }

  @OnWorkerEvent('error')
  onError(err: Error): void {
    if (err.message === this.lastError) return;
    this.lastError = err.message;
    this.logger.warn({ err: err.message }, `worker error: ${err.message}`);
  }
}
