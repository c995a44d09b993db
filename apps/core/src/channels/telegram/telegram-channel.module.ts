import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TelegramBot } from '@switchboard/db';
import { TelegramBotsController } from './telegram-bots.controller.js';
import { TelegramBotsService } from './telegram-bots.service.js';

/** The Telegram channel's settings in core: its bots (`/channels/telegram`, admin writes). */
@Module({
  imports: [TypeOrmModule.forFeature([TelegramBot])],
  controllers: [TelegramBotsController],
  providers: [TelegramBotsService],
  exports: [TelegramBotsService],
})
export class TelegramChannelModule {}
