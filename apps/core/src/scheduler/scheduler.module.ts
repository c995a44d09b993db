import { Module } from '@nestjs/common';
import { OnHoldService } from './on-hold.service.js';
import { SchedulerProcessor } from './scheduler.processor.js';

@Module({
  providers: [OnHoldService, SchedulerProcessor],
  exports: [OnHoldService],
})
export class SchedulerModule {}
