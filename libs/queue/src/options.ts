import type { DefaultJobOptions, QueueOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * Retries back off exponentially (2 s, 4 s, … ~4 min over 8 attempts). Completed jobs are kept an
 * hour (enough for dedup by job id across a redelivery, and to inspect), failed ones a week: both
 * capped by count so Redis memory stays bounded.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600, count: 50_000 },
};

/** Queue events are a Redis stream; capped so it cannot grow without bound. */
export const EVENTS_STREAM_MAX_LEN = 1_000;

export function queueOptions(connection: Redis, prefix: string): QueueOptions {
  return {
    connection,
    prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
    streams: { events: { maxLen: EVENTS_STREAM_MAX_LEN } },
  };
}
