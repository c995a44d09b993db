import { Module } from '@nestjs/common';
import { CustomerEventProcessor } from './customer-event.processor.js';
import { CustomerEventsService } from './customer-events.service.js';

/** The consumer of `customer-events` (worker replicas only). */
@Module({
  providers: [CustomerEventsService, CustomerEventProcessor],
  exports: [CustomerEventsService],
})
export class CustomerEventsModule {}
