/**
 * Every ```js block of the README, run as a user runs it: saved as `app.mjs` in an app whose
 * node_modules has this package, then `node app.mjs` on its own. Each `console.log(x); // value`
 * (or a `console.log(x);` followed by a `//   value` line) is an assertion: the block prints x, and
 * x must deep-equal value, evaluated right there in the block; every such line must be reached.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');

interface Block {
  /** README line of the block's first code line (1-based). */
  line: number;
  code: string[];
  heading: string;
}

function readmeBlocks(): Block[] {
  const blocks: Block[] = [];
  let heading = '';
  let inOtherBlock = false;
  for (let i = 0; i < README.length; i++) {
    const text = README[i]!;
    if (text.startsWith('```') && text !== '```js') inOtherBlock = !inOtherBlock;
    if (inOtherBlock) continue;
    if (text.startsWith('#')) heading = text.replace(/^#+\s*/, '');
    if (text !== '```js') continue;
    const end = README.indexOf('```', i + 1);
    blocks.push({ line: i + 2, code: README.slice(i + 1, end), heading });
    i = end;
  }
  return blocks;
}

const PRINTED = /^(.*?)console\.log\((.*)\);\s*(?:\/\/ (.*))?$/;

/** The block with each checked `console.log` turned into a check that also prints. */
function checkedProgram(block: Block): { program: string; checked: number[] } {
  const lines = [...block.code];
  const checked: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = PRINTED.exec(lines[i]!);
    if (!match) continue;
    const next = /^\/\/ {3}(.*)$/.exec(lines[i + 1] ?? '');
    const expected = match[3] ?? next?.[1];
    if (expected === undefined) continue;
    lines[i] = `${match[1]}__printed(${block.line + i}, ${match[2]}, ${expected});`;
    checked.push(block.line + i);
  }
  // Nothing goes before the block's own lines, so that a stack it prints names the README's lines.
  const expectedLines = `function __expectedLines() { return ${JSON.stringify(checked)}; }`;
  return { program: [...lines, CHECKER, expectedLines].join('\n'), checked };
}

const CHECKER = `
process.on('exit', __unreached);
import { inspect as __inspect, isDeepStrictEqual as __equal } from 'node:util';
function __printed(line, actual, expected) {
  console.log(actual);
  (globalThis.__readmeLines ??= new Set()).add(line);
  if (__equal(actual, expected)) return;
  console.error('README line ' + line + ': printed ' + __inspect(actual) + ', the README says ' + __inspect(expected));
  process.exitCode = 1;
}
function __unreached() {
  for (const line of __expectedLines()) {
    if (globalThis.__readmeLines?.has(line)) continue;
    console.error('README line ' + line + ': never printed');
    process.exitCode = 1;
  }
}`;

const app = mkdtempSync(join(tmpdir(), 'nimbus-readme-app-'));
mkdirSync(join(app, 'node_modules', '@nimbus-js'), { recursive: true });
symlinkSync(ROOT, join(app, 'node_modules', '@nimbus-js', 'nimbus'), 'dir');
afterAll(() => rmSync(app, { recursive: true, force: true }));

/** Runs the program in a fresh folder of the app; resolves with its exit code and output. */
function runNode(program: string, folder: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dir = join(app, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.mjs'), program);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NIMBUS_')));
  const child = spawn(process.execPath, ['app.mjs'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

/**
 * At most this many blocks run at once. A block spends most of its time waiting (its own sleeps,
 * its workers starting), little on the CPU, so a few side by side take a third of the time one
 * after another does; each is its own process in its own folder, so they share nothing. Kept
 * small so that the blocks whose printed values depend on a job starting within a few hundred ms
 * of another (`iresultUnordered`) see about the load a user's machine would.
 */
const AT_ONCE = 3;
let running = 0;
const queue: (() => void)[] = [];

/** Runs `task` once fewer than AT_ONCE others run. A finished task hands its turn to the first waiting. */
async function inTurn<T>(task: () => Promise<T>): Promise<T> {
  if (running < AT_ONCE) running++;
  else await new Promise<void>((resolve) => queue.push(resolve));
  try {
    return await task();
  } finally {
    const next = queue.shift();
    if (next) next();
    else running--;
  }
}

describe('README blocks, run as pasted', () => {
  const blocks = readmeBlocks();

  it('finds the blocks, and each has something to check', () => {
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) expect([block.line, checkedProgram(block).checked.length]).not.toEqual([block.line, 0]);
  });

  for (const block of blocks) {
    const name = `${block.heading} (README line ${block.line})`;
    // Each block's own `expect`, as a concurrent test must use to be told its own failures.
    it.concurrent(name, { timeout: 120_000 }, async ({ expect }) => {
      const run = await inTurn(() => runNode(checkedProgram(block).program, `block-${block.line}`));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    });
  }
});
