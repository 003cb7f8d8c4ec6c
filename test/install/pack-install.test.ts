/**
 * What a user installs: the project packed with `npm pack` (the built dist/, nothing else),
 * installed into a new app with `npm install <tarball>`, and the README's first program run there
 * by plain `node`, importing '@nimbus-js/nimbus' by its name. `npm test` built dist/ already, so
 * the pack runs no scripts (a `prepare` here would rebuild dist/ under the other tests' feet).
 * Dependencies come from npm's cache, which `npm ci` filled; optional ones (better-sqlite3, only
 * for a home) are left out so that nothing compiles.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
const NAME = '@nimbus-js/nimbus';

const work = mkdtempSync(join(tmpdir(), 'nimbus-pack-'));
const app = join(work, 'app');
let tarball = '';
let packed: string[] = [];

beforeAll(async () => {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
  const [report] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, report!.filename);
  packed = report!.files.map((file) => file.path);
  await run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', private: true, type: 'module' }));
  await run('npm', ['install', tarball, '--prefer-offline', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: app,
    timeout: 240_000,
  });
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package, installed into a new app', () => {
  it('holds the built code, the dashboard page and the Lua scripts, and no sources or tests', () => {
    expect(packed).toContain('dist/index.js');
    expect(packed).toContain('dist/index.d.ts');
    expect(packed).toContain('dist/cli/main.js');
    expect(packed.some((path) => path.startsWith('dist/dashboard/static/'))).toBe(true);
    expect(packed.some((path) => path.startsWith('dist/redis/scripts/') && path.endsWith('.lua'))).toBe(true);
    expect(packed.filter((path) => path.startsWith('src/') || path.startsWith('test/'))).toEqual([]);
  });

  it('is installed under its name, and the README program runs there as plain JavaScript', async () => {
    const installed = JSON.parse(readFileSync(join(app, 'node_modules', ...NAME.split('/'), 'package.json'), 'utf8')) as { name: string };
    expect(installed.name).toBe(NAME);
    const program = [
      `import cloud from '${NAME}';`,
      'const jids = await cloud.map((x) => x * x, [1, 2, 3]);',
      'console.log(JSON.stringify(await cloud.result(jids)));',
    ];
    writeFileSync(join(app, 'app.js'), program.join('\n'));
    const { stdout, stderr } = await run(process.execPath, ['app.js'], { cwd: app, timeout: 60_000 });
    expect([stdout, stderr]).toEqual(['[1,4,9]\n', '']);
  });

  it('answers require() from CommonJS with the ESM-only message', async () => {
    writeFileSync(join(app, 'old.cjs'), `try { require('${NAME}'); } catch (e) { console.log(e.message); }`);
    const { stdout } = await run(process.execPath, ['old.cjs'], { cwd: app, timeout: 60_000 });
    expect(stdout).toContain('ES module only');
  });

  it('gives the `nimbus` command', async () => {
    const { stdout } = await run(join(app, 'node_modules', '.bin', 'nimbus'), ['--help'], { cwd: app, timeout: 60_000 });
    expect(stdout).toContain('nimbus');
    expect(stdout).toContain('worker');
  });
});
