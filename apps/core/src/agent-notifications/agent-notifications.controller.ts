import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe } from '@switchboard/common';
import { z } from 'zod';
import { CurrentAgent, type AuthAgent } from '../auth/auth.decorators.js';
import { pageQuerySchema, queryBoolean } from '../common/pagination.js';
import { UuidPipe } from '../common/uuid-param.pipe.js';
import { AgentNotificationsService } from './agent-notifications.service.js';

const listQuerySchema = pageQuerySchema.extend({ unread: queryBoolean.optional() }).strict();

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/notifications')
export class AgentNotificationsController {
  constructor(private readonly notifications: AgentNotificationsService) {}

  @Get()
  @ApiOperation({
    summary: 'My notifications (e.g. @mentions in internal notes), unread first',
    description: 'Paged (`page`, `pageSize`); `unread=true` leaves out read ones. The answer carries `unread`, the count of unread notifications.',
  })
  list(@Query(new ZodPipe(listQuerySchema, 'query')) q: z.infer<typeof listQuerySchema>, @CurrentAgent() agent: AuthAgent) {
    return this.notifications.list(agent.id, q);
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark all my notifications read', description: '`{ marked }`: how many were unread.' })
  readAll(@CurrentAgent() agent: AuthAgent) {
    return this.notifications.markAllRead(agent.id);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of my notifications read', description: 'Another agent\'s notification is 404.' })
  read(@Param('id', UuidPipe) id: string, @CurrentAgent() agent: AuthAgent) {
    return this.notifications.markRead(agent.id, id);
  }
}
