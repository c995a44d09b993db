import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, ApiZodBody } from '@switchboard/common';
import { AgentRole } from '@switchboard/db';
import { Roles } from '../auth/auth.decorators.js';
import { UuidPipe } from '../common/uuid-param.pipe.js';
import {
  createWebformSchema,
  listWebformsQuerySchema,
  updateWebformSchema,
  type CreateWebformInput,
  type ListWebformsQuery,
  type UpdateWebformInput,
} from './webforms.schemas.js';
import { WebformsService } from './webforms.service.js';

@ApiTags('webforms')
@ApiBearerAuth()
@Controller('webforms')
export class WebformsController {
  constructor(private readonly webforms: WebformsService) {}

  @Get()
  @ApiOperation({ summary: 'List web forms', description: 'Filters: `enabled` (true|false), `q` (substring of the key or title). Ordered by key.' })
  list(@Query(new ZodPipe(listWebformsQuerySchema, 'query')) query: ListWebformsQuery) {
    return this.webforms.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One web form with its fields in display order' })
  get(@Param('id', UuidPipe) id: string) {
    return this.webforms.get(id);
  }

  @Get(':id/embed')
  @ApiOperation({
    summary: 'The snippet that embeds a web form in a site',
    description: '`{ formKey, widgetUrl, snippet, warnings }`; `warnings` says why the snippet would not work yet (form disabled, no allowed origin).',
  })
  embed(@Param('id', UuidPipe) id: string) {
    return this.webforms.embed(id);
  }

  @ApiZodBody(createWebformSchema)
  @Post()
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Create a web form (admin)',
    description:
      '`key` (^[a-z0-9][a-z0-9-]{2,63}$, stored lower-case) names the form in the embed snippet; 409 `webform_key_taken`. ' +
      '`fields`: 1 to 30, unique names, each role (message, email, phone, name) on one field at most and on a field of a matching type; ' +
      'a field with role email or phone is required. `allowedOrigins`: `*` or origins such as https://shop.example.com.',
  })
  create(@Body(new ZodPipe(createWebformSchema, 'web form')) body: CreateWebformInput) {
    return this.webforms.create(body);
  }

  @ApiZodBody(updateWebformSchema)
  @Patch(':id')
  @Roles(AgentRole.Admin)
  @ApiOperation({
    summary: 'Change a web form (admin)',
    description: 'Only the properties sent change. `fields` and `allowedOrigins` replace the whole list; `colors` changes the colours sent. 409 `webform_key_taken`.',
  })
  update(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateWebformSchema, 'web form')) body: UpdateWebformInput) {
    return this.webforms.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(AgentRole.Admin)
  @ApiOperation({ summary: 'Delete a web form (admin)', description: 'Tickets created from it stay. Sites still embedding it get 404 from the widget.' })
  async remove(@Param('id', UuidPipe) id: string): Promise<void> {
    await this.webforms.remove(id);
  }
}
