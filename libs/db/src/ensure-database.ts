import { DependencyUnavailable, redactUrl } from '@switchboard/common';
import pg from 'pg';

/**
 * Creates the database named in the URL when it does not exist yet (a newcomer's first start).
 * Connects to the server's `postgres` database to do so.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL ${redactUrl(url)} names no database`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (err) {
    // Another replica may have created it in the meantime.
    if ((err as { code?: string }).code === '42P04') return false;
    throw err;
  } finally {
    await client.end();
  }
}

/**
 * Fails fast when the database is unreachable or core has not created the schema yet (services
 * other than core never migrate): `tables` are the ones this service reads or writes.
 */
export async function checkDatabase(url: string, tables: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new DependencyUnavailable(
      `PostgreSQL is not reachable at ${redactUrl(url)} (${(err as Error).message}). Start it (e.g. "docker compose up -d postgres") or set DATABASE_URL.`,
    );
  }
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT t AS name FROM unnest($1::text[]) AS t WHERE to_regclass(t) IS NULL`, [tables]);
    if (rows.length) {
      throw new DependencyUnavailable(
        `the database at ${redactUrl(url)} has no ${rows.map((r) => r.name).join(', ')} table: start core once (it applies the migrations) or point DATABASE_URL at core's database.`,
      );
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
