/**
 * Regenerates the console's typed API description, apps/console/src/api/schema.d.ts, from core's
 * OpenAPI document (openapi-typescript). Needs a running core:
 *
 *   npm run console:api-schema                                   # http://127.0.0.1:3000/api/docs/openapi.json
 *   npm run console:api-schema -- http://host:port/api/docs/openapi.json
 *
 * test/console/api-schema.e2e-spec.ts fails when the committed file differs from what a core built
 * from the sources describes.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

export const CONSOLE_API_SCHEMA = join(dirname(fileURLToPath(import.meta.url)), '../apps/console/src/api/schema.d.ts');

const HEADER = `/**
 * Generated from core's OpenAPI document by scripts/generate-console-api.ts (npm run console:api-schema).
 * Do not edit by hand: test/console/api-schema.e2e-spec.ts fails when this file is stale.
 */

`;

/** The schema.d.ts text for an OpenAPI document. */
export async function renderApiSchema(doc: object): Promise<string> {
  const ast = await openapiTS(JSON.parse(JSON.stringify(doc)) as Parameters<typeof openapiTS>[0], { alphabetize: true });
  return HEADER + astToString(ast);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = process.argv[2] ?? 'http://127.0.0.1:3000/api/docs/openapi.json';
  const res = await fetch(url).catch((err: unknown) => {
    console.error(`console:api-schema: cannot reach ${url} (${err instanceof Error ? err.message : String(err)}); start core first (npm start)`);
    process.exit(1);
  });
  if (!res.ok) {
    console.error(`console:api-schema: ${url} answered ${res.status}`);
    process.exit(1);
  }
  writeFileSync(CONSOLE_API_SCHEMA, await renderApiSchema((await res.json()) as object));
  console.log(`console:api-schema: wrote ${CONSOLE_API_SCHEMA}`);
}
