import { inboundJobId, JobName, QueueName, type InboundMessageInput } from '@switchboard/contracts';
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { waitFor } from './core.js';

/** A producer as a channel service would have one: the real queue on the run's prefix. */
export function queue(redis: Redis, prefix: string, name: QueueName): Queue {
  return new Queue(name, { connection: redis, prefix });
}

export async function enqueueInbound(q: Queue, msg: InboundMessageInput, jobId = inboundJobId(msg)): Promise<Job> {
  return q.add(JobName.InboundMessage, msg, { jobId });
}

/** Waits until a job has completed or failed, and returns it with its final state. */
export async function settled(q: Queue, jobId: string, timeoutMs = 20_000): Promise<{ job: Job; state: string }> {
  return waitFor(`job ${jobId} to settle`, async () => {
    const state = await q.getJobState(jobId);
    if (state !== 'completed' && state !== 'failed') return undefined;
    // Read the job only once it has settled, so its fields (attemptsMade, returnvalue) are final.
    const job = await q.getJob(jobId);
    return job ? { job, state } : undefined;
  }, timeoutMs);
}

let seq = 0;
/** An e-mail as the email service would publish it. */
export function emailMessage(over: Partial<InboundMessageInput> = {}): InboundMessageInput {
  seq += 1;
  return {
    v: 1,
    channel: 'email' as InboundMessageInput['channel'],
    channelAccountId: 'support@switchboard.test',
    externalId: `<${randomUUID()}@mail.test>`,
    receivedAt: new Date().toISOString(),
    sender: { email: `customer${seq}@example.org`, displayName: `Customer ${seq}` },
    subject: `Question ${seq}`,
    text: `Hello, this is message ${seq}.`,
    ...over,
  };
}
