import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ZodPipe } from '@switchboard/common';
import { AgentRole } from '@switchboard/db';
import { Roles } from '../../auth/auth.decorators.js';
import { UuidPipe } from '../../common/uuid-param.pipe.js';
import {
  createMailboxSchema,
  listMailboxesQuerySchema,
  updateMailboxSchema,
  type CreateMailboxInput,
  type ListMailboxesQuery,
  type UpdateMailboxInput,
} from './mailboxes.schemas.js';
import { MailboxesService } from './mailboxes.service.js';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('channels/email')
export class MailboxesController {
  constructor(private readonly mailboxes: MailboxesService) {}

  @Get()
  @ApiOperation({
    summary: 'List the e-mail channel\'s mailboxes',
    description: 'Filters: `enabled` (true|false), `state` (active|error|disabled), `q` (substring of the name or address). Ordered by address. Secrets are never returned: `hasImapSecret`, `hasSmtpSecret`.',
  })
  list(@Query(new ZodPipe(listMailboxesQuerySchema, 'query')) query: ListMailboxesQuery) {
    return this.mailboxes.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One mailbox, with its state (`active`, `error` with `stateReason`, `disabled`)' })
  get(@Param('id', UuidPipe) id: string) {
    return this.mailboxes.get(id);
  }

  @ApiZodBody(createMailboxSchema)
  @Post()
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Add a mailbox (admin)',
    description:
      '`address` is stored lower-case and is unique: 409 `mailbox_address_taken`. `imapSecret` and `smtpSecret` (a password, or an OAuth 2 access token with `imapAuth: xoauth2`) are stored encrypted and never returned. ' +
      'Ports default to 993/143 (IMAP with/without TLS) and 465/587/25 (SMTP tls/starttls/none). `markerFormat` contains `{number}` once.',
  })
  create(@Body(new ZodPipe(createMailboxSchema, 'mailbox')) body: CreateMailboxInput) {
    return this.mailboxes.create(body);
  }

  @ApiZodBody(updateMailboxSchema)
  @Patch(':id')
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Change a mailbox (admin)',
    description:
      'Only the properties sent change. `enabled: false` sets the state `disabled`; enabling a mailbox or changing how it connects (hosts, ports, users, secrets, folders) sets a mailbox in `error` back to `active`, so the e-mail service tries again. ' +
      'A new `imapHost`, `imapUser` or `folder` restarts the reading position. `smtpUser: null` also removes the SMTP secret.',
  })
  update(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateMailboxSchema, 'mailbox')) body: UpdateMailboxInput) {
    return this.mailboxes.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Delete a mailbox (admin)', description: 'Tickets and messages that came through it stay.' })
  async remove(@Param('id', UuidPipe) id: string): Promise<void> {
    await this.mailboxes.remove(id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Try the mailbox\'s IMAP and SMTP logins (admin)',
    description:
      'IMAP: connect, log in, open the folder read-only, log out. SMTP: connect, EHLO, TLS as configured, log in (when `smtpUser` is set). Each has about 10 s. ' +
      'Answers `{ imap: { ok, error? }, smtp: { ok, error? } }`, `error` in the server\'s or the network\'s words (e.g. `AUTHENTICATIONFAILED Authentication failed.`, `connect ECONNREFUSED 127.0.0.1:1`). Changes nothing.',
  })
  test(@Param('id', UuidPipe) id: string) {
    return this.mailboxes.test(id);
  }
}
