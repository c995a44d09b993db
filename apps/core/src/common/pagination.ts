import { z } from 'zod';

export const MAX_PAGE_SIZE = 100;

/** `?page=1&pageSize=25` (1-based). */
export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(25),
});

export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export function skipTake(q: PageQuery): { skip: number; take: number } {
  return { skip: (q.page - 1) * q.pageSize, take: q.pageSize };
}

export function page<T>(items: T[], total: number, q: PageQuery): Page<T> {
  return { items, total, page: q.page, pageSize: q.pageSize };
}

/** Query-string booleans. */
export const queryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A uuid path parameter, so a malformed id is a 400 rather than a database error. */
export const uuidParam = z.uuid({ message: 'must be a UUID' });

/** An ILIKE pattern matching `q` anywhere, with the user's % _ and \ taken literally. */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, '\\$&')}%`;
