import { Injectable } from '@nestjs/common';
import type { JobName, QueueName } from '@switchboard/contracts';
import type { EntityManager } from 'typeorm';

export interface OutboxJob {
  queue: QueueName;
  name: JobName;
  jobId: string;
  payload: object;
}

/**
 * Writes jobs to the outbox inside the caller's transaction. Nothing reaches Redis until the
 * transaction commits and the relay picks the row up; `wake()` after the commit makes that
 * immediate instead of waiting for the next poll.
 */
@Injectable()
export class OutboxService {
  private listener?: () => void;

  async add(em: EntityManager, jobs: OutboxJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await em.query(
      `INSERT INTO outbox (queue, job_name, job_id, payload)
       SELECT q, n, j, p::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(q, n, j, p)`,
      [jobs.map((j) => j.queue), jobs.map((j) => j.name), jobs.map((j) => j.jobId), jobs.map((j) => JSON.stringify(j.payload))],
    );
  }

  onWake(listener: () => void): void {
    this.listener = listener;
  }

  /** Call after committing a transaction that added outbox rows. */
  wake(): void {
    this.listener?.();
  }
}
