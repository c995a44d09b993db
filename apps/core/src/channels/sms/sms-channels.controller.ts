import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ZodPipe } from '@switchboard/common';
import { AgentRole } from '@switchboard/db';
import { Roles } from '../../auth/auth.decorators.js';
import { UuidPipe } from '../../common/uuid-param.pipe.js';
import {
  createSmsChannelSchema,
  listSmsChannelsQuerySchema,
  updateSmsChannelSchema,
  type CreateSmsChannelInput,
  type ListSmsChannelsQuery,
  type UpdateSmsChannelInput,
} from './sms-channels.schemas.js';
import { SmsChannelsService } from './sms-channels.service.js';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('channels/sms')
export class SmsChannelsController {
  constructor(private readonly channels: SmsChannelsService) {}

  @Get()
  @ApiOperation({
    summary: 'List the SMS channel\'s numbers',
    description:
      'Filters: `provider` (smpp|twilio|smsru), `enabled` (true|false), `state` (active|error|disabled), `q` (substring of the name or sender). Ordered by name. ' +
      'Credentials and the SMS.ru callback secret are never returned: `credentialsHint` shows enough to recognise them.',
  })
  list(@Query(new ZodPipe(listSmsChannelsQuerySchema, 'query')) query: ListSmsChannelsQuery) {
    return this.channels.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One SMS channel, with its state and the webhook URLs to set at the provider (the SMS.ru callback shown as null: see webhook-urls)' })
  get(@Param('id', UuidPipe) id: string) {
    return this.channels.get(id);
  }

  @Get(':id/webhook-urls')
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'The URLs to configure at the provider (admin)',
    description:
      'Twilio: `inbound` (the number\'s "A message comes in" webhook) and `status` (status callback), under SMS_PUBLIC_URL. ' +
      'SMS.ru: `callback`, which carries the channel\'s secret (SMS.ru does not sign its callbacks), hence admins only. SMPP: null (no webhooks).',
  })
  webhookUrls(@Param('id', UuidPipe) id: string) {
    return this.channels.webhookUrls(id);
  }

  @ApiZodBody(createSmsChannelSchema)
  @Post()
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Add an SMS channel (admin)',
    description:
      '`provider`: `twilio` (credentials `{ accountSid, authToken }`), `smsru` (`{ apiId }`) or `smpp` (`{ systemId, password, systemType? }` and `smppHost`, `smppPort` default 2775). ' +
      '`sender`: a phone number in international format (stored in E.164; one channel per number, else 409 `sms_sender_taken`) or an alphanumeric sender id (1–11 letters, digits, spaces). ' +
      'Credentials are stored encrypted and never returned. The answer\'s `webhookUrls` include the SMS.ru callback (with its secret) this once.',
  })
  create(@Body(new ZodPipe(createSmsChannelSchema, 'SMS channel')) body: CreateSmsChannelInput) {
    return this.channels.create(body);
  }

  @ApiZodBody(updateSmsChannelSchema)
  @Patch(':id')
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Change an SMS channel (admin)',
    description:
      'Only the properties sent change; `credentials` replaces the stored ones whole, and is required with a new `provider`. ' +
      '`enabled: false` sets the state `disabled`; enabling a channel or changing `provider`, `sender`, `credentials`, `smppHost`, `smppPort` or `baseUrl` sets a channel in `error` back to `active`.',
  })
  update(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateSmsChannelSchema, 'SMS channel')) body: UpdateSmsChannelInput) {
    return this.channels.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Delete an SMS channel (admin)', description: 'Tickets and messages that came through it stay.' })
  async remove(@Param('id', UuidPipe) id: string): Promise<void> {
    await this.channels.remove(id);
  }
}
