import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, ApiZodBody } from '@switchboard/common';
import { AgentRole } from '@switchboard/db';
import { Roles } from '../auth/auth.decorators.js';
import {
  createStatusSchema,
  listStatusesQuerySchema,
  statusKeyParam,
  updateStatusSchema,
  type CreateStatusInput,
  type ListStatusesQuery,
  type UpdateStatusInput,
} from './statuses.schemas.js';
import { StatusesService } from './statuses.service.js';

const KeyPipe = new ZodPipe(statusKeyParam, 'status key');

@ApiTags('statuses')
@ApiBearerAuth()
@Controller('statuses')
export class StatusesController {
  constructor(private readonly statuses: StatusesService) {}

  @Get()
  @ApiOperation({ summary: 'List ticket statuses', description: 'Filter: `kind`. Ordered by position, then key. The five system statuses have key = kind.' })
  list(@Query(new ZodPipe(listStatusesQuerySchema, 'query')) query: ListStatusesQuery) {
    return this.statuses.list(query);
  }

  @Get(':key')
  @ApiOperation({ summary: 'One status' })
  get(@Param('key', KeyPipe) key: string) {
    return this.statuses.getOrFail(key);
  }

  @ApiZodBody(createStatusSchema)
  @Post()
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Add a custom status (admin)',
    description:
      '`key` matches ^[a-z][a-z0-9_]{0,62}$ and cannot change later; `kind` (open, pending, on_hold, resolved, closed) decides how ' +
      'tickets in the status behave. Without `position` it goes last. 409 `status_key_taken`.',
  })
  create(@Body(new ZodPipe(createStatusSchema, 'status')) body: CreateStatusInput) {
    return this.statuses.create(body);
  }

  @ApiZodBody(updateStatusSchema)
  @Patch(':key')
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Rename, reorder or re-kind a status (admin)',
    description:
      'System statuses cannot change kind (409 `system_status_kind_fixed`); a custom status can change kind only while no ticket ' +
      'has it (409 `status_in_use`).',
  })
  update(@Param('key', KeyPipe) key: string, @Body(new ZodPipe(updateStatusSchema, 'status')) body: UpdateStatusInput) {
    return this.statuses.update(key, body);
  }
}
