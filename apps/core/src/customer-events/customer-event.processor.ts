import { Processor } from '@nestjs/bullmq';
import { JobName, QueueName } from '@switchboard/contracts';
import { ObservedWorkerHost, parseJob } from '@switchboard/queue';
import type { Job } from 'bullmq';
import { CustomerEventsService, type CustomerEventResult } from './customer-events.service.js';

/**
 * Consumes `customer-events`: edits, resolution-survey answers, ratings, shared phones and opt-outs from the channels. A
 * malformed event fails for good (parseJob); an edit of a message not stored yet throws and is
 * retried with the job's backoff; an event the sender may not make completes as `ignored`.
 */
@Processor(QueueName.CustomerEvents)
export class CustomerEventProcessor extends ObservedWorkerHost {
  constructor(private readonly events: CustomerEventsService) {
    super();
  }

  process(job: Job): Promise<CustomerEventResult> {
    return this.events.apply(parseJob(job, JobName.CustomerEvent));
  }
}
