import { StatusKind } from '@switchboard/db';
import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination.js';

const KINDS = Object.values(StatusKind).join(', ');
const name = z.string().trim().min(1, 'must not be empty').max(100);
const kind = z.enum(StatusKind, { message: `must be one of ${KINDS}` });
const position = z.number().int().min(0).max(1_000_000);

/** The database check on statuses.key, so a bad key is a 400 and not a constraint error. */
export const STATUS_KEY = /^[a-z][a-z0-9_]{0,62}$/;
const key = z.string().regex(STATUS_KEY, 'must start with a lower-case letter, then lower-case letters, digits or _ (at most 63)');

export const listStatusesQuerySchema = pageQuerySchema.extend({ kind: kind.optional() }).strict();

export const statusKeyParam = key;

export const createStatusSchema = z.object({ key, name, kind, position: position.optional() }).strict();

export const updateStatusSchema = z
  .object({ name: name.optional(), position: position.optional(), kind: kind.optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change: send at least one of name, position, kind' });

export type ListStatusesQuery = z.infer<typeof listStatusesQuerySchema>;
export type CreateStatusInput = z.infer<typeof createStatusSchema>;
export type UpdateStatusInput = z.infer<typeof updateStatusSchema>;
