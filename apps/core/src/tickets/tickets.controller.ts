import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, ApiZodBody } from '@switchboard/common';
import { DeliveryStatus } from '@switchboard/contracts';
import { MessageDirection, Visibility } from '@switchboard/db';
import { CurrentAgent, type AuthAgent } from '../auth/auth.decorators.js';
import { UuidPipe } from '../common/uuid-param.pipe.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { MessagesService } from './messages.service.js';
import {
  addMessageSchema,
  createTicketSchema,
  escalateSchema,
  listTicketsQuerySchema,
  relatedQuerySchema,
  updateTicketSchema,
  type AddMessageInput,
  type CreateTicketInput,
  type ListTicketsQuery,
  type UpdateTicketInput,
} from './tickets.schemas.js';
import { TicketsService } from './tickets.service.js';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly messages: MessagesService,
    private readonly realtime: RealtimePublisher,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List tickets',
    description:
      'view: my_open | unassigned | first_line | second_line | pending | on_hold | all (a preset of the filters below; filters given besides it narrow it or replace its value). unseen=true|false. ' +
      'Each row carries unseen: true when the caller never opened the ticket (POST /tickets/{id}/seen) or the customer wrote since. ' +
      'Filters: status, statusKind, channel, priority, type (comma lists), responsible (agent id | me | none), group, line, contact, company, q (subject, #number, contact name/e-mail/phone). ' +
      'sort: createdAt | updatedAt | number | priority, "-" for descending (default -updatedAt). Page with page/pageSize, or follow nextCursor with cursor.',
  })
  list(@Query(new ZodPipe(listTicketsQuerySchema, 'query')) q: ListTicketsQuery, @CurrentAgent() agent: AuthAgent) {
    return this.tickets.list(q, agent);
  }

  @ApiZodBody(createTicketSchema)
  @Post()
  @ApiOperation({
    summary: 'Create a ticket (console or integration)',
    description: 'contactId or contact {email|phone|telegramId, name}; description becomes an internal note; outbound {body, channel?} sends a first public message to the contact.',
  })
  async create(@Body(new ZodPipe(createTicketSchema, 'ticket')) body: CreateTicketInput, @CurrentAgent() agent: AuthAgent) {
    const ticket = await this.tickets.create(body, agent);
    this.realtime.ticketCreated({ ticketId: ticket.id, number: ticket.number });
    for (const m of ticket.messages) this.announceMessage(ticket.id, m);
    return ticket;
  }

  @Get(':id')
  @ApiOperation({ summary: 'A ticket with its message feed and attachments' })
  get(@Param('id', UuidPipe) id: string) {
    return this.tickets.get(id);
  }

  @ApiZodBody(updateTicketSchema)
  @Patch(':id')
  @ApiOperation({
    summary: 'Change status, priority, type, subject, responsible, observers or custom attributes',
    description: 'Status changes follow the lifecycle (an illegal one is 409 illegal_status_transition); on_hold needs onHoldUntil. customAttributes are merged, null removes a key.',
  })
  async update(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(updateTicketSchema, 'ticket change')) body: UpdateTicketInput, @CurrentAgent() agent: AuthAgent) {
    const ticket = await this.tickets.update(id, body, agent);
    this.realtime.ticketUpdated({ ticketId: id });
    return ticket;
  }

  @ApiZodBody(addMessageSchema)
  @Post(':id/messages')
  @ApiOperation({
    summary: 'Reply to the customer or add an internal note',
    description:
      'visibility public: goes out on `channel`, else the channel of the customer\'s last message, else e-mail, phone, Telegram; 422 no_reachable_channel when none. visibility internal: never leaves the desk.',
  })
  async addMessage(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(addMessageSchema, 'message')) body: AddMessageInput, @CurrentAgent() agent: AuthAgent) {
    const message = await this.messages.add(id, body, agent);
    const direction = message.visibility === Visibility.Internal ? MessageDirection.Note : MessageDirection.Outbound;
    this.realtime.messageCreated({ ticketId: id, messageId: message.id, direction, visibility: message.visibility });
    return message;
  }

  @Post(':id/messages/:messageId/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a failed outbound message again' })
  async retry(@Param('id', UuidPipe) id: string, @Param('messageId', UuidPipe) messageId: string, @CurrentAgent() agent: AuthAgent) {
    await this.messages.retry(id, messageId, agent);
    this.realtime.messageDelivery({ ticketId: id, messageId, deliveryStatus: DeliveryStatus.Queued, deliveryError: null });
    return { status: 'queued' };
  }

  @ApiZodBody(escalateSchema)
  @Post(':id/escalate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Escalate to the 2nd line, with a note for the 2nd-line agents' })
  async escalate(@Param('id', UuidPipe) id: string, @Body(new ZodPipe(escalateSchema, 'escalation')) body: { note: string }, @CurrentAgent() agent: AuthAgent) {
    const ticket = await this.tickets.escalate(id, body.note, agent);
    // Line and group changed, and the escalation note was added.
    this.realtime.ticketUpdated({ ticketId: id });
    const note = ticket.messages.at(-1);
    if (note) this.announceMessage(id, note);
    return ticket;
  }

  /** message.created for a message of a ticket as GET /tickets/:id shows it. */
  private announceMessage(ticketId: string, m: object): void {
    const { id, direction, visibility } = m as { id: string; direction: string; visibility: string };
    this.realtime.messageCreated({ ticketId, messageId: id, direction, visibility });
  }

  @Get(':id/related')
  @ApiOperation({ summary: 'Other tickets of contacts sharing an e-mail address or phone number with this ticket\'s contact' })
  related(@Param('id', UuidPipe) id: string, @Query(new ZodPipe(relatedQuerySchema, 'query')) q: { page: number; pageSize: number }) {
    return this.tickets.related(id, q.page, q.pageSize);
  }

  @Post(':id/seen')
  @HttpCode(200)
  @ApiOperation({
    summary: 'I have opened the ticket',
    description: 'The console calls it when it shows a ticket: the ticket list\'s `unseen` turns false for the caller until the customer writes again. `{ ticketId, lastSeenAt }`.',
  })
  seen(@Param('id', UuidPipe) id: string, @CurrentAgent() agent: AuthAgent) {
    return this.tickets.markSeen(id, agent);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'The ticket\'s audit trail: who changed what, when' })
  history(@Param('id', UuidPipe) id: string) {
    return this.tickets.history(id);
  }
}
