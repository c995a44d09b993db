import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, ApiZodBody } from '@switchboard/common';
import { AgentRole } from '@switchboard/db';
import { Roles } from '../auth/auth.decorators.js';
import { UuidPipe } from '../common/uuid-param.pipe.js';
import {
  createGroupSchema,
  listGroupsQuerySchema,
  updateGroupSchema,
  type CreateGroupInput,
  type ListGroupsQuery,
  type UpdateGroupInput,
} from './groups.schemas.js';
import { GroupsService } from './groups.service.js';

@ApiTags('groups')
@ApiBearerAuth()
@Controller('groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @ApiOperation({ summary: 'List agent groups with their member counts', description: 'Filters: `line` (1|2), `q` (substring of the name). Ordered by name.' })
  list(@Query(new ZodPipe(listGroupsQuerySchema, 'query')) query: ListGroupsQuery) {
    return this.groups.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One group with its members' })
  get(@Param('id', UuidPipe) id: string) {
    return this.groups.get(id);
  }

  @ApiZodBody(createGroupSchema)
  @Post()
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Create a group (admin)', description: '`line`: 1, 2 or null. Names are unique ignoring case: 409 `group_name_taken`.' })
  create(@Body(new ZodPipe(createGroupSchema, 'group')) body: CreateGroupInput) {
    return this.groups.create(body);
  }

  @ApiZodBody(updateGroupSchema)
  @Patch(':id')
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Rename a group or change its line (admin)', description: 'Membership is changed on the agent (`PATCH /agents/{id}` with `groupIds`).' })
  update(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateGroupSchema, 'group')) body: UpdateGroupInput) {
    return this.groups.update(id, body);
  }
}
