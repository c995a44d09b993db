import { Module } from '@nestjs/common';
import { MessagesService } from './messages.service.js';
import { ParticipantsController } from './participants.controller.js';
import { ParticipantsService } from './participants.service.js';
import { TicketsController } from './tickets.controller.js';
import { TicketsService } from './tickets.service.js';

@Module({
  controllers: [TicketsController, ParticipantsController],
  providers: [TicketsService, MessagesService, ParticipantsService],
  exports: [TicketsService, MessagesService],
})
export class TicketsModule {}
