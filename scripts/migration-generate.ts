/**
 * Prints the SQL that brings a database at the latest migration up to the entities, as a
 * migration class to paste into libs/db/src/migrations. Usage: npm run migration:generate -- <name>
 */
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../libs/db/src/data-source-options.js';

const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: npm run migration:generate -- <kebab-case-name>');
  process.exit(2);
}
const ds = new DataSource(
  dataSourceOptions({ url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/switchboard', poolSize: 2, applicationName: 'migration-generate' }),
);
await ds.initialize();
await ds.runMigrations();
const sql = await ds.driver.createSchemaBuilder().log();
await ds.destroy();
if (sql.upQueries.length === 0) {
  console.error('entities and migrations agree: nothing to generate');
  process.exit(0);
}
const q = (s: string) => '`' + s.replace(/`/g, '\\`') + '`';
const ts = Date.now();
const cls = name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()) + ts;
console.log(`import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {
  name = '${cls}';

  async up(q: QueryRunner): Promise<void> {
${sql.upQueries.map((u) => `    await q.query(${q(u.query)});`).join('\n')}
  }

  async down(q: QueryRunner): Promise<void> {
${sql.downQueries.reverse().map((d) => `    await q.query(${q(d.query)});`).join('\n')}
  }
}
// file name: ${ts}-${name}.ts`);
