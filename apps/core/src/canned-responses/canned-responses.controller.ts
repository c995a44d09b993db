import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ZodPipe } from '@switchboard/common';
import { AgentRole } from '@switchboard/db';
import { CurrentAgent, Roles, type AuthAgent } from '../auth/auth.decorators.js';
import { UuidPipe } from '../common/uuid-param.pipe.js';
import {
  CANNED_PLACEHOLDERS,
  createGroupSchema,
  createResponseSchema,
  listCannedQuerySchema,
  renderSchema,
  updateGroupSchema,
  updateResponseSchema,
  type CreateGroupInput,
  type CreateResponseInput,
  type ListCannedQuery,
  type RenderInput,
  type UpdateGroupInput,
  type UpdateResponseInput,
} from './canned-responses.schemas.js';
import { CannedResponsesService } from './canned-responses.service.js';

const PLACEHOLDER_LIST = Object.keys(CANNED_PLACEHOLDERS)
  .map((p) => `{{${p}}}`)
  .join(', ');

@ApiTags('canned-responses')
@ApiBearerAuth()
@Controller('canned-responses')
export class CannedResponsesController {
  constructor(private readonly canned: CannedResponsesService) {}

  @Get()
  @ApiOperation({
    summary: 'Canned responses, grouped (the console picker)',
    description: '`{ groups: [{ id, name, position, responses: [...] }] }`, groups and responses ordered by position then name/title. `q` keeps the responses whose title or body contains it (and only groups with one).',
  })
  grouped(@Query(new ZodPipe(listCannedQuerySchema, 'query')) q: ListCannedQuery) {
    return this.canned.grouped(q);
  }

  @Get('groups')
  @ApiOperation({ summary: 'Canned response groups, by position then name' })
  groups() {
    return this.canned.groupList();
  }

  @ApiZodBody(createGroupSchema)
  @Post('groups')
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Add a group (admin)', description: 'Names are unique (409 `canned_group_name_taken`); `position` defaults to after the last group.' })
  createGroup(@Body(new ZodPipe(createGroupSchema, 'canned response group')) body: CreateGroupInput) {
    return this.canned.createGroup(body);
  }

  @ApiZodBody(updateGroupSchema)
  @Patch('groups/:id')
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Rename or move a group (admin)' })
  updateGroup(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateGroupSchema, 'canned response group')) body: UpdateGroupInput) {
    return this.canned.updateGroup(id, body);
  }

  @Delete('groups/:id')
  @HttpCode(204)
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Delete a group and its responses (admin)' })
  async removeGroup(@Param('id', UuidPipe) id: string): Promise<void> {
    await this.canned.removeGroup(id);
  }

  @ApiZodBody(createResponseSchema)
  @Post()
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Add a canned response (admin)',
    description: `\`body\` is Handlebars text; placeholders: ${PLACEHOLDER_LIST} (helpers if, unless, eq). An unknown placeholder is a 400 naming it. \`position\` defaults to after the group's last response.`,
  })
  create(@Body(new ZodPipe(createResponseSchema, 'canned response')) body: CreateResponseInput) {
    return this.canned.create(body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One canned response' })
  get(@Param('id', UuidPipe) id: string) {
    return this.canned.get(id);
  }

  @ApiZodBody(updateResponseSchema)
  @Patch(':id')
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Change a canned response (admin)', description: 'Only the properties sent change; `groupId` moves it to another group.' })
  update(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateResponseSchema, 'canned response')) body: UpdateResponseInput) {
    return this.canned.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Delete a canned response (admin)' })
  async remove(@Param('id', UuidPipe) id: string): Promise<void> {
    await this.canned.remove(id);
  }

  @ApiZodBody(renderSchema)
  @Post(':id/render')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The response with its placeholders filled for a ticket',
    description: '`{ ticketId }` → `{ body }`: contact and company from the ticket, `{{agent.name}}` is the caller. 422 when the ticket does not exist.',
  })
  render(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(renderSchema, 'render request')) body: RenderInput, @CurrentAgent() agent: AuthAgent) {
    return this.canned.render(id, body.ticketId, agent);
  }
}
