import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { JobName, QueueName } from '@switchboard/contracts';
import { parseJob } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { CORE_CONFIG, type CoreConfig } from '../config.js';
import { InboundService, type InboundResult } from './inbound.service.js';

/** Consumes `inbound`: every channel's customer messages become ticket messages. */
@Processor(QueueName.Inbound)
export class InboundMessageProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(InboundMessageProcessor.name);

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

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    const log = { jobId: job?.id, attempt: job?.attemptsMade, reason: err.message };
    if (final) this.logger.error(log, 'inbound message failed for good; it stays in the failed set for inspection and retry');
    else this.logger.warn(log, 'inbound message failed; will retry');
  }
}
