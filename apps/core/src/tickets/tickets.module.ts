import { Module } from '@nestjs/common';
import { MessagesService } from './messages.service.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsService } from './tickets.service.js';

@Module({
  controllers: [TicketsController],
  providers: [TicketsService, MessagesService],
  exports: [TicketsService, MessagesService],
})
export class TicketsModule {}
