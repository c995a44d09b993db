import { Processor } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { JobName, QueueName } from '@switchboard/contracts';
import { ObservedWorkerHost, parseJob } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { InboundService, type InboundResult } from './inbound.service.js';

/** Consumes `inbound`: every channel's customer messages become ticket messages. */
@Processor(QueueName.Inbound)
export class InboundMessageProcessor extends ObservedWorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly inbound: InboundService,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.INBOUND_CONCURRENCY;
  }

  async process(job: Job): Promise<InboundResult> {
    const msg = parseJob(job, JobName.InboundMessage);
    const result = await this.inbound.process(msg);
    this.logger.debug({ jobId: job.id, channel: msg.channel, ...result }, 'inbound message processed');
    return result;
  }
}
