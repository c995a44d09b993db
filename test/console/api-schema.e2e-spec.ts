/**
 * The console's generated API types (apps/console/src/api/schema.d.ts) match the OpenAPI document
 * of a core built from the current sources. When this fails: start core and run
 * `npm run console:api-schema`, then commit the file (or, without a running core:
 * `UPDATE_CONSOLE_API_SCHEMA=1 npm test -- test/console/api-schema`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CONSOLE_API_SCHEMA, renderApiSchema } from '../../scripts/generate-console-api.js';
import { startCore, type RunningCore } from '../support/core.js';

describe('console API schema', () => {
  let core: RunningCore | undefined;
  beforeAll(async () => {
    core = await startCore();
  });
  afterAll(async () => {
    await core?.close();
  });

  it('the committed schema.d.ts is what core describes now (npm run console:api-schema regenerates it)', async () => {
    const res = await fetch(`${core!.url}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    const fresh = await renderApiSchema((await res.json()) as object);
    if (process.env.UPDATE_CONSOLE_API_SCHEMA === '1') writeFileSync(CONSOLE_API_SCHEMA, fresh);
    const committed = readFileSync(CONSOLE_API_SCHEMA, 'utf8');
    expect(committed === fresh ? 'up to date' : 'stale: run `npm run console:api-schema` against a core started from these sources').toBe('up to date');
  });
});
