import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, ApiZodBody } from '@switchboard/common';
import { UuidPipe } from '../common/uuid-param.pipe.js';
import {
  createCompanySchema,
  listCompaniesQuerySchema,
  updateCompanySchema,
  type CreateCompanyInput,
  type ListCompaniesQuery,
  type UpdateCompanyInput,
} from './companies.schemas.js';
import { CompaniesService } from './companies.service.js';

@ApiTags('companies')
@ApiBearerAuth()
@Controller('companies')
export class CompaniesController {
  constructor(private readonly companies: CompaniesService) {}

  @Get()
  @ApiOperation({ summary: 'List companies with their domains', description: '`q` matches a substring of the name or of any domain. Ordered by name.' })
  list(@Query(new ZodPipe(listCompaniesQuerySchema, 'query')) query: ListCompaniesQuery) {
    return this.companies.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One company with its domains' })
  get(@Param('id', UuidPipe) id: string) {
    return this.companies.get(id);
  }

  @ApiZodBody(createCompanySchema)
  @Post()
  @ApiOperation({
    summary: 'Create a company',
    description:
      '`domains` are e-mail domains (stored lower-case, punycode for internationalised names). New contacts with an address ' +
      'in one of them are bound to the company. 409 `domain_taken` names the company that owns a domain; 409 `company_name_taken`.',
  })
  create(@Body(new ZodPipe(createCompanySchema, 'company')) body: CreateCompanyInput) {
    return this.companies.create(body);
  }

  @ApiZodBody(updateCompanySchema)
  @Patch(':id')
  @ApiOperation({ summary: 'Rename a company or replace its domains', description: '`domains`, when sent, replaces the whole set (send [] to remove all).' })
  update(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateCompanySchema, 'company')) body: UpdateCompanyInput) {
    return this.companies.update(id, body);
  }
}
