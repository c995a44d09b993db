import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, ApiZodBody } from '@switchboard/common';
import { AgentRole } from '@switchboard/db';
import { CurrentAgent, Roles, type AuthAgent } from '../auth/auth.decorators.js';
import { UuidPipe } from '../common/uuid-param.pipe.js';
import {
  createAgentSchema,
  listAgentsQuerySchema,
  updateAgentSchema,
  type CreateAgentInput,
  type ListAgentsQuery,
  type UpdateAgentInput,
} from './agents.schemas.js';
import { AgentsService } from './agents.service.js';

@ApiTags('agents')
@ApiBearerAuth()
@Roles(AgentRole.Admin)
@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @ApiOperation({
    summary: 'List agents (admin)',
    description: 'Filters: `role`, `active` (true|false), `groupId`, `q` (substring of name or e-mail). Ordered by name.',
  })
  list(@Query(new ZodPipe(listAgentsQuerySchema, 'query')) query: ListAgentsQuery) {
    return this.agents.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agent with their groups (admin)' })
  get(@Param('id', UuidPipe) id: string) {
    return this.agents.get(id);
  }

  @ApiZodBody(createAgentSchema)
  @Post()
  @ApiOperation({
    summary: 'Create an agent (admin)',
    description: 'E-mail is stored lower-case; password at least 10 characters. 409 `agent_email_taken` if the e-mail is in use.',
  })
  create(@Body(new ZodPipe(createAgentSchema, 'agent')) body: CreateAgentInput) {
    return this.agents.create(body);
  }

  @ApiZodBody(updateAgentSchema)
  @Patch(':id')
  @ApiOperation({
    summary: 'Change an agent (admin)',
    description:
      '`groupIds` replaces the set of groups. Refused with 409: demoting or deactivating yourself ' +
      '(`cannot_demote_self`, `cannot_deactivate_self`) and demoting or deactivating the last active admin (`last_active_admin`).',
  })
  update(@CurrentAgent() actor: AuthAgent, @Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateAgentSchema, 'agent')) body: UpdateAgentInput) {
    return this.agents.update(actor, id, body);
  }
}
