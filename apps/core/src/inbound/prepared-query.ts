import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';

/**
 * Runs `text` as a named prepared statement on the transaction's connection.
 *
 * TypeORM sends every query unnamed, so PostgreSQL parses and plans it again on each execution;
 * on the inbound path (a handful of small statements per message, thousands of messages a second)
 * that was most of the database's CPU. A named statement is parsed once per pooled connection,
 * and after a few executions PostgreSQL reuses its plan when that is no worse than re-planning.
 *
 * `name` must be unique to `text` (pg refuses a second text under a name it has prepared).
 * Errors are pg's own (`err.code` is the SQLSTATE), as pgCode() expects.
 */
export async function preparedQuery<T>(em: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  if (!em.queryRunner) return em.query<T[]>(text, values);
  const client = (await em.queryRunner.connect()) as PoolClient;
  const result = await client.query<T & object>({ name, text, values });
  return result.rows;
}
