import { Processor } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { JobName, QueueName } from '@switchboard/contracts';
import { ObservedWorkerHost, parseJob } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { DeliveryService, type DeliveryOutcome } from './delivery.service.js';

/** Consumes `delivery`: channels report sent / delivered / failed for each outbound message. */
@Processor(QueueName.Delivery)
export class DeliveryReportProcessor extends ObservedWorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly delivery: DeliveryService,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.DELIVERY_CONCURRENCY;
  }

  process(job: Job): Promise<DeliveryOutcome> {
    return this.delivery.apply(parseJob(job, JobName.DeliveryReport));
  }
}
