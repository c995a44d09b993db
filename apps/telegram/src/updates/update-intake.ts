import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobName, parseJobPayload, QueueName, telegramUpdateJobId } from '@switchboard/contracts';
import type { Queue } from 'bullmq';

/** Why an update was not queued: the sender should not retry it. */
export class UnusableUpdate extends Error {
  override readonly name = 'UnusableUpdate';
}

/**
 * The one way updates enter the service, from the webhook or a poller: queued as they came, with
 * the bot and update_id as the job id, so an update Telegram delivers twice (a webhook retry, a
 * poller that died before confirming its offset) is queued once.
 */
@Injectable()
export class UpdateIntake {
  constructor(@InjectQueue(QueueName.TelegramUpdates) private readonly queue: Queue) {}

  async queueUpdate(botId: string, update: unknown): Promise<void> {
    const updateId = (update as { update_id?: unknown } | null)?.update_id;
    if (typeof updateId !== 'number' || !Number.isSafeInteger(updateId) || updateId < 0) {
      throw new UnusableUpdate('an update needs a non-negative integer update_id');
    }
    const job = parseJobPayload(JobName.TelegramUpdate, { v: 1, botId, updateId, update, receivedAt: new Date().toISOString() });
    await this.queue.add(JobName.TelegramUpdate, job, { jobId: telegramUpdateJobId(job), removeOnComplete: { age: 24 * 3_600, count: 100_000 } });
  }
}
