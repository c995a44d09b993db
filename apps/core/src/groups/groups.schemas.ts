import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination.js';

const name = z.string().trim().min(1, 'must not be empty').max(100);
/** The support line a group works; null for groups outside the 1st/2nd-line escalation. */
const line = z.union([z.literal(1), z.literal(2), z.null()], { message: 'must be 1, 2 or null' });

export const listGroupsQuerySchema = pageQuerySchema
  .extend({
    line: z
      .enum(['1', '2'], { message: 'must be 1 or 2' })
      .transform(Number)
      .optional(),
    q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  })
  .strict();

export const createGroupSchema = z.object({ name, line: line.default(null) }).strict();

export const updateGroupSchema = z
  .object({ name: name.optional(), line: line.optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: send name and/or line' });

export type ListGroupsQuery = z.infer<typeof listGroupsQuerySchema>;
export type CreateGroupInput = z.infer<typeof createGroupSchema>;
export type UpdateGroupInput = z.infer<typeof updateGroupSchema>;
