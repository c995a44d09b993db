import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DeliveryReportProcessor } from './delivery-report.processor.js';
import { DeliveryService } from './delivery.service.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxService } from './outbox.service.js';

/** The outbox is always writable; the relay and the delivery consumer run only where workers are enabled. */
@Global()
@Module({})
export class OutboxModule {
  static forRoot(opts: { workers: boolean }): DynamicModule {
    return {
      module: OutboxModule,
      providers: [OutboxService, DeliveryService, ...(opts.workers ? [OutboxRelay, DeliveryReportProcessor] : [])],
      exports: [OutboxService, DeliveryService, ...(opts.workers ? [OutboxRelay] : [])],
    };
  }
}
