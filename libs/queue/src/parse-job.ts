import { ContractViolation, parseJobPayload, type JobName, type JobPayloads } from '@switchboard/contracts';
import { UnrecoverableError, type Job } from 'bullmq';

/**
 * Validates a job against its contract. A wrong name or a malformed payload will never succeed,
 * so it fails at once (UnrecoverableError: no retries) and stays in the failed set with the reason.
 */
export function parseJob<N extends JobName>(job: Pick<Job, 'name' | 'data' | 'id'>, expected: N): JobPayloads[N] {
  if (job.name !== expected) {
    throw new UnrecoverableError(`job ${job.id ?? '?'} is named "${job.name}", this queue only takes "${expected}"`);
  }
  try {
    return parseJobPayload(expected, job.data);
  } catch (err) {
    if (err instanceof ContractViolation) throw new UnrecoverableError(err.message);
    throw err;
  }
}
