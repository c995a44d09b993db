import type { DataSource, EntityManager } from 'typeorm';

/**
 * Rows of a query, whatever the statement. TypeORM's postgres driver answers UPDATE and DELETE
 * with `[rows, rowCount]` instead of the rows, which silently breaks `UPDATE … RETURNING`.
 */
export async function queryRows<T>(db: EntityManager | DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const result = (await db.query(sql, params)) as unknown;
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
