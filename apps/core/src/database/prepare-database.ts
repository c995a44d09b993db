import { dataSourceOptions, ensureDatabase, redactUrl } from '@switchboard/db';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { CoreConfig } from '../config.js';
import { seedAdmin } from '../seed/seed-admin.js';
import { seedDemo } from '../seed/seed-demo.js';

/** A dependency the service cannot start without; the message says how to start it. */
export class DependencyUnavailable extends Error {
  override readonly name = 'DependencyUnavailable';
}

/** Serialises migrations and seeding across replicas starting at once. */
const MIGRATION_LOCK_KEY = 0x5b0a7d;

export async function prepareDatabase(config: CoreConfig, logger: Logger): Promise<void> {
  await checkRedis(config.REDIS_URL);
  try {
    if (await ensureDatabase(config.DATABASE_URL)) logger.info({ database: redactUrl(config.DATABASE_URL) }, 'created the database');
  } catch (err) {
    throw new DependencyUnavailable(
      `PostgreSQL is not reachable at ${redactUrl(config.DATABASE_URL)} (${(err as Error).message}). Start it (e.g. "docker compose up -d postgres" or "pg_ctlcluster 15 main start") or set DATABASE_URL.`,
    );
  }
  const ds = new DataSource(dataSourceOptions({ url: config.DATABASE_URL, poolSize: 2, applicationName: 'switchboard-migrate' }));
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    if (config.MIGRATIONS_RUN) {
      const applied = await ds.runMigrations({ transaction: 'each' });
      if (applied.length) logger.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
    } else if (await ds.showMigrations()) {
      logger.warn('there are pending migrations and MIGRATIONS_RUN=false: run them before using this version');
    }
    await seedAdmin(ds, config, logger);
    if (config.SEED_DEMO) await seedDemo(ds, logger);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
    await ds.destroy();
  }
}

async function checkRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new DependencyUnavailable(
      `Redis is not reachable at ${redactUrl(url)} (${(err as Error).message}). Start it (e.g. "docker compose up -d redis" or "redis-server --daemonize yes") or set REDIS_URL.`,
    );
  } finally {
    redis.disconnect();
  }
}
