import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Mailbox } from '@switchboard/db';
import { MailboxesController } from './mailboxes.controller.js';
import { MailboxesService } from './mailboxes.service.js';

/** The e-mail channel's settings in core: its mailboxes (`/channels/email`, admin writes). */
@Module({
  imports: [TypeOrmModule.forFeature([Mailbox])],
  controllers: [MailboxesController],
  providers: [MailboxesService],
  exports: [MailboxesService],
})
export class EmailChannelModule {}
