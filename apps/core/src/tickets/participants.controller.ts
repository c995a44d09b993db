import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, DomainException, ErrorCode, InvalidIdentityError, normalizeEmail, normalizePhone, ZodPipe } from '@switchboard/common';
import { IdentityKind } from '@switchboard/db';
import { CurrentAgent, type AuthAgent } from '../auth/auth.decorators.js';
import { UuidPipe } from '../common/uuid-param.pipe.js';
import { addParticipantSchema, participantKindParam, type AddParticipantInput, type ParticipantKind } from './participants.schemas.js';
import { ParticipantsService } from './participants.service.js';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets/:id/participants')
export class ParticipantsController {
  constructor(private readonly participants: ParticipantsService) {}

  @Get()
  @ApiOperation({ summary: "Addresses allowed to write on the ticket besides its contact", description: '`{ items: [{ kind, value, addedBy, createdAt }], total }`, oldest first.' })
  list(@Param('id', UuidPipe) id: string) {
    return this.participants.list(id);
  }

  @ApiZodBody(addParticipantSchema)
  @Post()
  @ApiOperation({
    summary: 'Let an address write on the ticket',
    description:
      '`{ email?, phone? }` (at least one), normalised like contact identities. Their next message that threads by ticket number or id is public instead of an internal note. ' +
      'Adding an address already there changes nothing. Answers 201 with the whole list.',
  })
  add(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(addParticipantSchema, 'participant')) body: AddParticipantInput, @CurrentAgent() agent: AuthAgent) {
    return this.participants.add(id, body, agent);
  }

  @Delete(':kind/:value')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a participant', description: '`kind` is email or phone; `value` is normalised first. 404 when the address is not a participant.' })
  async remove(
    @Param('id', UuidPipe) id: string,
    @Param('kind', new ZodPipe(participantKindParam, 'kind')) kind: ParticipantKind,
    @Param('value') value: string,
    @CurrentAgent() agent: AuthAgent,
  ): Promise<void> {
    await this.participants.remove(id, kind, normalizedValue(kind, value), agent);
  }
}

function normalizedValue(kind: ParticipantKind, value: string): string {
  try {
    return kind === IdentityKind.Email ? normalizeEmail(value) : normalizePhone(value);
  } catch (err) {
    if (!(err instanceof InvalidIdentityError)) throw err;
    throw new DomainException(ErrorCode.ValidationFailed, `invalid value: ${err.message}`, 400, [{ path: 'value', message: err.message }]);
  }
}
