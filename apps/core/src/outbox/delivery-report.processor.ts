import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobName, QueueName } from '@switchboard/contracts';
import { parseJob } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { DeliveryService, type DeliveryOutcome } from './delivery.service.js';

/** Consumes `delivery`: channels report sent / delivered / failed for each outbound message. */
@Processor(QueueName.Delivery)
export class DeliveryReportProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryReportProcessor.name);

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

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    this.logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, reason: err.message }, 'delivery report failed');
  }
}
