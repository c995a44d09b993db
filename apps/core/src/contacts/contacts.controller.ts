import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, ApiZodBody } from '@switchboard/common';
import { UuidPipe } from '../common/uuid-param.pipe.js';
import {
  createContactSchema,
  listContactsQuerySchema,
  updateContactSchema,
  type CreateContactInput,
  type ListContactsQuery,
  type UpdateContactInput,
} from './contacts.schemas.js';
import { ContactsService } from './contacts.service.js';

const IDENTITIES =
  'Identities are `{ kind, value }`: `email` (stored lower-case), `phone` (international format with + or 00, stored in E.164: ' +
  '"+44 20 7183 8750" → "+442071838750"; numbers that do not exist are refused), `telegram` (the numeric user id). ' +
  'An identity that belongs to another contact is a 409 `identity_taken` naming that contact.';

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get()
  @ApiOperation({
    summary: 'List contacts with identities and company',
    description:
      'Filters: `companyId`, `managerId`, `q` (substring of the name or of any identity value; a phone number may be typed with ' +
      'spaces or dashes). Newest first.',
  })
  list(@Query(new ZodPipe(listContactsQuerySchema, 'query')) query: ListContactsQuery) {
    return this.contacts.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One contact with identities, company and manager' })
  get(@Param('id', UuidPipe) id: string) {
    return this.contacts.get(id);
  }

  @ApiZodBody(createContactSchema)
  @Post()
  @ApiOperation({
    summary: 'Create a contact',
    description:
      `${IDENTITIES} A contact needs a name or at least one identity. When \`companyId\` is omitted, the contact is bound to the ` +
      'company owning the domain of its first e-mail identity that has one; `companyId: null` creates it without a company.',
  })
  create(@Body(new ZodPipe(createContactSchema, 'contact')) body: CreateContactInput) {
    return this.contacts.create(body);
  }

  @ApiZodBody(updateContactSchema)
  @Patch(':id')
  @ApiOperation({
    summary: 'Change a contact',
    description:
      `${IDENTITIES} \`identities\`, when sent, REPLACES the contact's whole set: identities not listed are removed, listed ones ` +
      'that already exist keep their id, new ones are added (to add one, send the current list plus the new one). When ' +
      '`identities` is sent without `companyId` and the contact has no company, it is bound by e-mail domain as on creation. ' +
      '`companyId`/`managerId`: null clears them. 422 `contact_empty` if neither a name nor an identity would remain.',
  })
  update(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateContactSchema, 'contact')) body: UpdateContactInput) {
    return this.contacts.update(id, body);
  }
}
