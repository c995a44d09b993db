import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { JobName, QueueName } from '@switchboard/contracts';
import { ObservedWorkerHost, parseJob } from '@switchboard/queue';
import type { Job, Queue } from 'bullmq';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { OnHoldService } from './on-hold.service.js';

/**
 * Core's timed work. A BullMQ job scheduler fires each tick once for the whole deployment, so
 * any number of core replicas can run this without doing the work twice.
 */
@Processor(QueueName.CoreScheduler)
export class SchedulerProcessor extends ObservedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.CoreScheduler) private readonly queue: Queue,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly onHold: OnHoldService,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      JobName.ResumeOnHold,
      { every: this.config.SCHEDULER_INTERVAL_MS },
      { name: JobName.ResumeOnHold, data: { v: 1 }, opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } } },
    );
  }

  async process(job: Job): Promise<{ resumed: number }> {
    parseJob(job, JobName.ResumeOnHold);
    return { resumed: await this.onHold.resumeDue() };
  }
}
