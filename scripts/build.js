#!/usr/bin/env node
/**
 * Builds every application in nest-cli.json (`"type": "application"`), one after another, with
 * `nest build <project>`. Stops at the first failure and exits with its code.
 *
 *   node scripts/build.js            # all applications
 *   node scripts/build.js core sms   # only these (must be applications in nest-cli.json)
 *
 * Each app becomes dist/apps/<name>/main.js (rspack builder, one bundle per app; fork-ts-checker
 * type-checks each app, so a type error fails the build). With webform, the embeddable widget
 * is built too, to dist/widget/widget.js (esbuild; fails at 30 KB gzipped). With core, the agents'
 * console core serves at `/` is built too, to dist/console (Vite; fails at 300 KB gzipped for the
 * first screen).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nestCli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'));
const apps = Object.entries(nestCli.projects ?? {})
  .filter(([, project]) => project.type === 'application')
  .map(([name]) => name);

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !apps.includes(name));
if (unknown.length > 0) {
  console.error(`build: not an application in nest-cli.json: ${unknown.join(', ')} (applications: ${apps.join(', ')})`);
  process.exit(2);
}
const targets = requested.length > 0 ? requested : apps;
if (targets.length === 0) {
  console.error('build: nest-cli.json lists no projects with "type": "application"');
  process.exit(2);
}

const nestBin = createRequire(join(root, 'package.json')).resolve('@nestjs/cli/bin/nest.js');

for (const [i, app] of targets.entries()) {
  console.log(`\n=== build ${i + 1}/${targets.length}: ${app} ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [nestBin, 'build', app], { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`build: could not run nest build ${app}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    const why = result.signal ? `signal ${result.signal}` : `exit code ${result.status}`;
    console.error(`\nbuild: FAILED building app "${app}" (${why})`);
    process.exit(result.status || 1);
  }
  console.log(`=== built ${app} -> dist/apps/${app}/main.js in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
}
if (targets.includes('webform')) {
  // The webform service serves the embeddable script; it is bundled for browsers, not by nest.
  const { buildWidget } = await import('./build-widget.js');
  const widget = await buildWidget();
  console.log(`=== built widget -> ${widget.outfile} (${widget.gzipBytes} bytes gzipped) ===`);
}
if (targets.includes('core')) {
  // Core serves the agents' single-page console; it is bundled for browsers by Vite, not by nest.
  const { buildConsole } = await import('./build-console.js');
  const consoleBuild = await buildConsole();
  console.log(`=== built console -> ${consoleBuild.outDir} (${consoleBuild.gzipBytes} bytes gzipped, first screen) ===`);
}
console.log(`\nbuild: ${targets.length} app(s) built: ${targets.join(', ')}`);
