import { dataSourceOptions } from '@switchboard/db';
import pg from 'pg';
import { DataSource } from 'typeorm';

/** Migrations against a database of their own: up, entities agree, down, up again. */
describe('migrations (real Postgres)', () => {
  const url = new URL(process.env.DATABASE_URL!);
  const name = `${url.pathname.slice(1)}_migrations`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  url.pathname = `/${name}`;
  let ds: DataSource;

  const adminQuery = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    await adminQuery(`CREATE DATABASE "${name}"`);
    ds = new DataSource(dataSourceOptions({ url: url.toString(), poolSize: 2, applicationName: 'switchboard-migration-test' }));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('creates the schema the entities describe, with the system rows', async () => {
    await ds.runMigrations();
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    expect(await ds.query(`SELECT key, kind FROM statuses ORDER BY position`)).toEqual([
      { key: 'open', kind: 'open' },
      { key: 'pending', kind: 'pending' },
      { key: 'on_hold', kind: 'on_hold' },
      { key: 'resolved', kind: 'resolved' },
      { key: 'closed', kind: 'closed' },
    ]);
    expect(await ds.query(`SELECT name, line FROM agent_groups ORDER BY line`)).toEqual([
      { name: '1st line', line: 1 },
      { name: '2nd line', line: 2 },
    ]);
  });

  it('reverts cleanly, one migration at a time, and applies again', async () => {
    const exists = async (table: string) => (await ds.query(`SELECT to_regclass($1) IS NOT NULL AS e`, [table]))[0].e as boolean;
    await ds.undoLastMigration();
    expect([await exists('webforms'), await exists('tickets')]).toEqual([false, true]);
    await ds.undoLastMigration();
    const [{ tables }] = await ds.query(`SELECT count(*)::int AS tables FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`);
    expect(tables).toBe(0);
    await ds.runMigrations();
    const [{ tickets }] = await ds.query(`SELECT count(*)::int AS tickets FROM tickets`);
    expect(tickets).toBe(0);
  });
});
