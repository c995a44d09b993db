import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConsoleDir } from './console-static.js';

describe('resolveConsoleDir', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'console-dir-'));
    mkdirSync(join(root, 'dist/apps/core'), { recursive: true });
    mkdirSync(join(root, 'dist/console'), { recursive: true });
    writeFileSync(join(root, 'dist/console/index.html'), '<!doctype html>');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds dist/console next to core’s bundle, wherever the process was started', () => {
    expect(resolveConsoleDir(undefined, join(root, 'dist/apps/core/main.js'), '/')).toEqual({ path: join(root, 'dist/console'), found: true });
  });

  it('falls back to dist/console under the working directory', () => {
    expect(resolveConsoleDir(undefined, '/elsewhere/bin/jest.js', root)).toEqual({ path: join(root, 'dist/console'), found: true });
  });

  it('uses CONSOLE_DIST_DIR (relative to the working directory) and says when it has no index.html', () => {
    expect(resolveConsoleDir('dist/console', undefined, root)).toEqual({ path: join(root, 'dist/console'), found: true });
    expect(resolveConsoleDir(join(root, 'nothing'), undefined, root)).toEqual({ path: join(root, 'nothing'), found: false });
    expect(resolveConsoleDir(undefined, '/elsewhere/bin/x.js', '/nowhere')).toEqual({ path: '/nowhere/dist/console', found: false });
  });
});
