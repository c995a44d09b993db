import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export interface DbOptions {
  url: string;
  /** Connections in the pool; keep it ≥ the worker concurrency of the process. */
  poolSize: number;
  applicationName: string;
  logging?: boolean;
}

/** The one place the TypeORM data source is described: entities and migrations as class references. */
export function dataSourceOptions(opts: DbOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: opts.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no uuid-ossp extension needed.
    uuidExtension: 'pgcrypto',
    logging: opts.logging ? ['error', 'warn', 'migration'] : ['error', 'migration'],
    applicationName: opts.applicationName,
    poolSize: opts.poolSize,
    extra: {
      max: opts.poolSize,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      // Named prepared statements (the inbound hot path) are planned on every execution: a cached
      // generic plan is frozen at a young table's size and stays a sequential scan as it grows.
      // Unnamed statements, all TypeORM sends, are planned each time anyway.
      options: '-c plan_cache_mode=force_custom_plan',
    },
  };
}
