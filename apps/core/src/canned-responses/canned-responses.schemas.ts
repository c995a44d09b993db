import { z } from 'zod';
import { placeholderProblem } from '../notifications/templates.js';

/** The placeholders a canned response may use, with what they become (for the docs and error messages). */
export const CANNED_PLACEHOLDERS: Record<string, string> = {
  'contact.name': "the ticket contact's name (empty when unknown)",
  'contact.email': "the ticket contact's e-mail address (empty when none)",
  'company.name': "the contact's company (empty when none)",
  'ticket.number': 'the ticket number, e.g. 1042',
  'ticket.subject': 'the ticket subject',
  'agent.name': 'the name of the agent inserting the response',
  'agent.email': 'the e-mail address of the agent inserting the response',
};

export interface CannedContext {
  contact: { name: string; email: string };
  company: { name: string };
  ticket: { number: number; subject: string };
  agent: { name: string; email: string };
}

export const CANNED_SAMPLE: CannedContext = {
  contact: { name: 'Ann Customer', email: 'ann@example.org' },
  company: { name: 'Example Org' },
  ticket: { number: 1042, subject: 'Printer is on fire' },
  agent: { name: 'Anna Petrova', email: 'anna@example.com' },
};

export const BODY_MAX = 20_000;

const text = (max: number) =>
  z
    .string({ message: 'must be text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

const position = z.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').max(1_000_000, 'must be at most 1000000');
const uuid = z.uuid({ message: 'must be a UUID' });

/** Handlebars text whose placeholders are all CANNED_PLACEHOLDERS. */
const body = text(BODY_MAX).superRefine((v, ctx) => {
  const problem = placeholderProblem(v, CANNED_PLACEHOLDERS, CANNED_SAMPLE);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const createGroupSchema = z.object({ name: text(100), position: position.optional() }).strict();
export type CreateGroupInput = z.infer<typeof createGroupSchema>;

export const updateGroupSchema = z
  .object({ name: text(100).optional(), position: position.optional() })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change: give name or position');
export type UpdateGroupInput = z.infer<typeof updateGroupSchema>;

export const createResponseSchema = z.object({ groupId: uuid, title: text(200), body, position: position.optional() }).strict();
export type CreateResponseInput = z.infer<typeof createResponseSchema>;

export const updateResponseSchema = z
  .object({ groupId: uuid.optional(), title: text(200).optional(), body: body.optional(), position: position.optional() })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change: give groupId, title, body or position');
export type UpdateResponseInput = z.infer<typeof updateResponseSchema>;

export const renderSchema = z.object({ ticketId: uuid }).strict();
export type RenderInput = z.infer<typeof renderSchema>;

export const listCannedQuerySchema = z
  .object({
    /** Substring of a title or body. */
    q: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type ListCannedQuery = z.infer<typeof listCannedQuerySchema>;
