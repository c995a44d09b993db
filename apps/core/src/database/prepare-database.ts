import { DependencyUnavailable, redactUrl } from '@switchboard/common';
import { dataSourceOptions, ensureDatabase } from '@switchboard/db';
import { checkRedis } from '@switchboard/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { CoreConfig } from '../config.js';
import { seedAdmin } from '../seed/seed-admin.js';
import { seedDemo } from '../seed/seed-demo.js';

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
    if (config.SEED_DEMO) await seedDemo(ds, config, logger);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
    await ds.destroy();
  }
}
