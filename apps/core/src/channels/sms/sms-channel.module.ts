import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SmsChannel } from '@switchboard/db';
import { SmsChannelsController } from './sms-channels.controller.js';
import { SmsChannelsService } from './sms-channels.service.js';

/** The SMS channel's settings in core: its numbers and providers (`/channels/sms`, admin writes). */
@Module({
  imports: [TypeOrmModule.forFeature([SmsChannel])],
  controllers: [SmsChannelsController],
  providers: [SmsChannelsService],
  exports: [SmsChannelsService],
})
export class SmsChannelModule {}
