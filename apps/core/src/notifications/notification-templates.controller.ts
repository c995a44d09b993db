import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, type PipeTransform } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, notFound, ZodPipe } from '@switchboard/common';
import { AgentRole, type NotificationKey } from '@switchboard/db';
import { CurrentAgent, Roles, type AuthAgent } from '../auth/auth.decorators.js';
import {
  channelQuerySchema,
  notificationKeyParam,
  previewNotificationTemplateSchema,
  updateNotificationTemplateSchema,
  type ChannelQuery,
  type PreviewNotificationTemplateInput,
  type UpdateNotificationTemplateInput,
} from './notification-templates.schemas.js';
import { NotificationTemplatesService } from './notification-templates.service.js';
import { PLACEHOLDERS } from './templates.js';

/** An unknown key is a template that does not exist: 404. */
const KeyPipe: PipeTransform<string, NotificationKey> = {
  transform(value: string) {
    const key = notificationKeyParam.safeParse(value);
    if (!key.success) throw notFound('notification template', value);
    return key.data;
  },
};
const ChannelPipe = new ZodPipe(channelQuerySchema, 'query');

const PLACEHOLDER_LIST = Object.keys(PLACEHOLDERS)
  .map((p) => `\`{{${p}}}\``)
  .join(', ');

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notification-templates')
export class NotificationTemplatesController {
  constructor(private readonly templates: NotificationTemplatesService) {}

  @Get()
  @ApiOperation({
    summary: 'List the notification templates',
    description: 'One per notification and channel: `ticket_created` and `status_changed` for `email`, `status_changed` for `sms`, `resolution_survey` for `telegram`.',
  })
  list() {
    return this.templates.list();
  }

  @Get(':key')
  @ApiOperation({ summary: 'One notification template', description: '`channel` query parameter (`email`, `telegram`, `sms`), default `email`.' })
  get(@Param('key', KeyPipe) key: NotificationKey, @Query(ChannelPipe) q: ChannelQuery) {
    return this.templates.get(key, q.channel);
  }

  @ApiZodBody(updateNotificationTemplateSchema)
  @Patch(':key')
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Change a notification template (admin)',
    description:
      `Handlebars; placeholders: ${PLACEHOLDER_LIST}; helpers: if, unless, each, with, lookup, eq. ` +
      'A template that does not parse, names an unknown placeholder or helper, or fails to render is a 400 with the reason. ' +
      '`statusKinds` (status_changed only): the status kinds that send it (the SMS one sends nothing until some are listed). Telegram and SMS templates are plain text: no `bodyHtml`.',
  })
  update(
    @Param('key', KeyPipe) key: NotificationKey,
    @Query(ChannelPipe) q: ChannelQuery,
    @Body(new ZodPipe(updateNotificationTemplateSchema, 'notification template')) body: UpdateNotificationTemplateInput,
    @CurrentAgent() agent: AuthAgent,
  ) {
    return this.templates.update(key, q.channel, body, agent);
  }

  @ApiZodBody(previewNotificationTemplateSchema)
  @Post(':key/preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Render a notification template with sample data',
    description: 'The stored template, or the unsaved `subject` / `bodyText` / `bodyHtml` given, for a sample ticket in `statusKind` → `{ subject, text, html? }`.',
  })
  preview(
    @Param('key', KeyPipe) key: NotificationKey,
    @Query(ChannelPipe) q: ChannelQuery,
    @Body(new ZodPipe(previewNotificationTemplateSchema, 'preview')) body: PreviewNotificationTemplateInput,
  ) {
    return this.templates.preview(key, q.channel, body);
  }
}
