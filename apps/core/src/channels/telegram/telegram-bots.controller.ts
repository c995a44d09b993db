import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ZodPipe } from '@switchboard/common';
import { AgentRole } from '@switchboard/db';
import { Roles } from '../../auth/auth.decorators.js';
import { UuidPipe } from '../../common/uuid-param.pipe.js';
import {
  createTelegramBotSchema,
  listTelegramBotsQuerySchema,
  updateTelegramBotSchema,
  type CreateTelegramBotInput,
  type ListTelegramBotsQuery,
  type UpdateTelegramBotInput,
} from './telegram-bots.schemas.js';
import { TelegramBotsService } from './telegram-bots.service.js';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('channels/telegram')
export class TelegramBotsController {
  constructor(private readonly bots: TelegramBotsService) {}

  @Get()
  @ApiOperation({
    summary: 'List the Telegram channel\'s bots',
    description:
      'Filters: `enabled` (true|false), `state` (active|error|disabled), `q` (substring of the name or @username). Ordered by name. ' +
      'The token and the webhook secret are never returned: `tokenHint` shows the bot id and the token\'s last four characters.',
  })
  list(@Query(new ZodPipe(listTelegramBotsQuerySchema, 'query')) query: ListTelegramBotsQuery) {
    return this.bots.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One bot, with its state (`active`, `error` with `stateReason`, `disabled`) and its webhook URL' })
  get(@Param('id', UuidPipe) id: string) {
    return this.bots.get(id);
  }

  @ApiZodBody(createTelegramBotSchema)
  @Post()
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Add a bot (admin)',
    description:
      '`token` is the one BotFather gives (`123456789:AAH…`); it is stored encrypted and never returned. A bot can be added once: another token of the same bot is 409 `telegram_bot_taken`. ' +
      '`mode`: `polling` (default; the Telegram service asks Telegram for updates) or `webhook` (Telegram calls `webhookUrl`, which needs `publicBaseUrl`: https, or http on a loopback host; ports 443, 80, 88 or 8443). ' +
      'A random webhook secret is made and kept encrypted; Telegram sends it with every webhook call. `greeting` (at most 4096 characters) answers /start.',
  })
  create(@Body(new ZodPipe(createTelegramBotSchema, 'Telegram bot')) body: CreateTelegramBotInput) {
    return this.bots.create(body);
  }

  @ApiZodBody(updateTelegramBotSchema)
  @Patch(':id')
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Change a bot (admin)',
    description:
      'Only the properties sent change. `enabled: false` sets the state `disabled`; enabling a bot or changing its `token`, `mode` or `publicBaseUrl` sets a bot in `error` back to `active`, so the Telegram service tries again. ' +
      'A token of another bot clears `botUserId` and `botUsername` until the service has asked getMe again.',
  })
  update(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateTelegramBotSchema, 'Telegram bot')) body: UpdateTelegramBotInput) {
    return this.bots.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Delete a bot (admin)', description: 'Its chats go with it; tickets and messages that came through it stay.' })
  async remove(@Param('id', UuidPipe) id: string): Promise<void> {
    await this.bots.remove(id);
  }
}
