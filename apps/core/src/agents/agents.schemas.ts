import { AgentRole } from '@switchboard/db';
import { z } from 'zod';
import { pageQuerySchema, queryBoolean, uuidParam } from '../common/pagination.js';

/** Argon2 cost does not grow with length, but a cap keeps a request from being a megabyte of password. */
const password = z.string().min(10, 'must be at least 10 characters').max(1024);
const name = z.string().trim().min(1, 'must not be empty').max(200);
const groupIds = z
  .array(uuidParam)
  .max(100)
  .transform((ids) => [...new Set(ids)]);

export const listAgentsQuerySchema = pageQuerySchema
  .extend({
    role: z.enum(AgentRole).optional(),
    active: queryBoolean.optional(),
    groupId: uuidParam.optional(),
    q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  })
  .strict();

export const createAgentSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email({ message: 'must be an e-mail address' }).max(254)),
    name,
    role: z.enum(AgentRole).default(AgentRole.Specialist),
    password,
    groupIds: groupIds.default([]),
  })
  .strict();

export const updateAgentSchema = z
  .object({
    name: name.optional(),
    role: z.enum(AgentRole).optional(),
    active: z.boolean().optional(),
    password: password.optional(),
    /** Replaces the agent's groups. */
    groupIds: groupIds.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: send at least one of name, role, active, password, groupIds' });

export type ListAgentsQuery = z.infer<typeof listAgentsQuerySchema>;
export type CreateAgentInput = z.infer<typeof createAgentSchema>;
export type UpdateAgentInput = z.infer<typeof updateAgentSchema>;
