import { Channel } from '@switchboard/contracts';
import { ChannelKind, StatusKind, TicketPriority, TicketType, Visibility } from '@switchboard/db';
import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../common/pagination.js';

const uuid = z.uuid({ message: 'must be a UUID' });
const outboundChannel = z.enum([Channel.Email, Channel.Sms, Channel.Telegram]);
const MAX_BODY = 100_000;

export const TICKET_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'number', '-number', 'priority', '-priority'] as const;

const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).min(1).max(20));

/** The console's inbox views; each is a set of filters (see TICKET_VIEWS in tickets.service.ts). */
export const TICKET_VIEW_NAMES = ['my_open', 'unassigned', 'first_line', 'second_line', 'pending', 'on_hold', 'all'] as const;
export type TicketViewName = (typeof TICKET_VIEW_NAMES)[number];

export const listTicketsQuerySchema = z
  .object({
    /** An inbox view; filters given besides it narrow it, and replace the view's own value of the same filter. */
    view: z.enum(TICKET_VIEW_NAMES, { message: `must be one of ${TICKET_VIEW_NAMES.join(', ')}` }).optional(),
    /** true: only tickets with activity the caller has not seen; false: only seen ones. */
    unseen: z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true').optional(),
    status: csv(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a status key')).optional(),
    statusKind: csv(z.enum(StatusKind)).optional(),
    /** An agent id, `me`, or `none` for unassigned. */
    responsible: z.union([uuid, z.literal('me'), z.literal('none')]).optional(),
    group: uuid.optional(),
    line: z.coerce.number().int().min(1).max(2).optional(),
    channel: csv(z.enum(ChannelKind)).optional(),
    contact: uuid.optional(),
    company: uuid.optional(),
    priority: csv(z.enum(TicketPriority)).optional(),
    type: csv(z.enum(TicketType)).optional(),
    /** Subject words, a ticket number (with or without #), a contact's name, e-mail or phone. */
    q: z.string().trim().min(1).max(200).optional(),
    sort: z.enum(TICKET_SORTS).default('-updatedAt'),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(25),
    /** Opaque cursor from a previous page's nextCursor; replaces page. */
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type ListTicketsQuery = z.infer<typeof listTicketsQuerySchema>;

const customAttributes = z
  .record(z.string().min(1).max(100), z.union([z.string().max(10_000), z.number(), z.boolean(), z.null(), z.array(z.string().max(1000)).max(100)]))
  .refine((r) => Object.keys(r).length <= 100, 'at most 100 custom attributes');

const contactRef = z
  .object({
    email: z.string().max(320).optional(),
    phone: z.string().max(40).optional(),
    telegramId: z.string().max(20).optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((c) => Boolean(c.email || c.phone || c.telegramId), 'contact needs an email, phone or telegramId');

export const createTicketSchema = z
  .object({
    subject: z.string().trim().min(1).max(250),
    contactId: uuid.optional(),
    contact: contactRef.optional(),
    priority: z.enum(TicketPriority).default(TicketPriority.Normal),
    type: z.enum(TicketType).default(TicketType.Question),
    registrationChannel: z.enum([ChannelKind.Console, ChannelKind.Api, ChannelKind.Phone]).optional(),
    responsibleAgentId: uuid.optional(),
    responsibleGroupId: uuid.optional(),
    customAttributes: customAttributes.optional(),
    /** What the customer asked, as taken down by the agent: an internal note at the top of the feed. */
    description: z.string().trim().min(1).max(MAX_BODY).optional(),
    /** Start the conversation: a first public message to the contact. */
    outbound: z
      .object({ body: z.string().trim().min(1).max(MAX_BODY), html: z.string().max(MAX_BODY).optional(), channel: outboundChannel.optional() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((t) => !(t.contactId && t.contact), { message: 'give contactId or contact, not both', path: ['contact'] })
  .refine((t) => !t.outbound || t.contactId || t.contact, { message: 'an outbound first message needs a contact', path: ['outbound'] })
  .refine((t) => !(t.outbound && t.type === TicketType.Internal), { message: 'an internal ticket cannot message the customer', path: ['outbound'] });
export type CreateTicketInput = z.infer<typeof createTicketSchema>;

export const updateTicketSchema = z
  .object({
    status: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a status key').optional(),
    /** Required with an on_hold status: when the ticket goes back to open by itself. */
    onHoldUntil: z.iso.datetime({ offset: true }).optional(),
    priority: z.enum(TicketPriority).optional(),
    type: z.enum(TicketType).optional(),
    subject: z.string().trim().min(1).max(250).optional(),
    responsibleAgentId: uuid.nullable().optional(),
    responsibleGroupId: uuid.nullable().optional(),
    observerIds: z.array(uuid).max(50).optional(),
    /** Merged into the ticket's attributes; a null value removes the key. */
    customAttributes: customAttributes.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type UpdateTicketInput = z.infer<typeof updateTicketSchema>;

export const addMessageSchema = z
  .object({
    body: z.string().trim().min(1).max(MAX_BODY),
    html: z.string().max(MAX_BODY).optional(),
    visibility: z.enum([Visibility.Public, Visibility.Internal]),
    channel: outboundChannel.optional(),
    attachmentIds: z.array(uuid).max(20).default([]),
  })
  .strict()
  .refine((m) => !(m.visibility === Visibility.Internal && m.channel), { message: 'an internal note has no channel', path: ['channel'] });
export type AddMessageInput = z.infer<typeof addMessageSchema>;

export const escalateSchema = z.object({ note: z.string().trim().min(1).max(MAX_BODY) }).strict();

export const relatedQuerySchema = z
  .object({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(25),
  })
  .strict();
