import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';

/**
 * Runs `text` as a named prepared statement on the transaction's connection.
 *
 * TypeORM sends every query unnamed, so PostgreSQL parses and analyses it again on each
 * execution; on the inbound path (a handful of statements per message, hundreds of messages a
 * second) that was a large share of the database's CPU. A named statement is parsed once per
 * pooled connection.
 *
 * Its plan is still made for each execution: the data source sets plan_cache_mode =
 * force_custom_plan on every connection (see dataSourceOptions), because a cached generic plan
 * is frozen at the table sizes and statistics of its first executions.
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
