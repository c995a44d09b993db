import { Module } from '@nestjs/common';
import { InboundMessageProcessor } from './inbound-message.processor.js';
import { InboundService } from './inbound.service.js';

@Module({
  providers: [InboundService, InboundMessageProcessor],
  exports: [InboundService],
})
export class InboundModule {}
