/**
 * A job's stack names the user's file, line and column, as the function was written there, in
 * every mode; through the file's source map when it has one (TypeScript compiled with sourceMap).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODES } from '../support/clouds.js';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/stacks/${name}`, import.meta.url));
const REPORT = fixture('report-stacks.mjs');
const TYPED_SOURCE = fixture('typed-jobs.mts');

/** 1-based line and column of the `new Error` thrown in a file. */
function positionOfNewError(file: string): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((text) => text.includes('throw new Error'));
  return `${line + 1}:${lines[line]!.indexOf('new Error') + 1}`;
}

let compiled: string;

beforeAll(() => {
  // typed-jobs.mts compiled as tsc would with sourceMap, beside a map that names the .mts.
  const folder = mkdtempSync(join(tmpdir(), 'nimbus-stacks-'));
  compiled = join(folder, 'typed-jobs.mjs');
  const output = ts.transpileModule(readFileSync(TYPED_SOURCE, 'utf8'), {
    fileName: TYPED_SOURCE,
    compilerOptions: { sourceMap: true, module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const map = JSON.parse(output.sourceMapText!) as { sources: string[] };
  map.sources = [pathToFileURL(TYPED_SOURCE).href];
  writeFileSync(`${compiled}.map`, JSON.stringify(map));
  writeFileSync(compiled, output.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=typed-jobs.mjs.map'));
});

describe.each(MODES)('stack traces point at the user’s code (%s)', (mode) => {
  it('names the file, line and column the job was written at, through its source map too', async () => {
    const { stdout } = await run(process.execPath, [REPORT, mode, compiled], { timeout: 30_000 });
    const { js, ts: typed } = JSON.parse(stdout) as { js: string; ts: string };
    expect(js).toContain(`at boom (${pathToFileURL(fixture('jobs.mjs')).href}:${positionOfNewError(fixture('jobs.mjs'))})`);
    expect(js).not.toContain('nimbus-shipped:');
    expect(typed).toContain(`at boomTyped (${TYPED_SOURCE}:${positionOfNewError(TYPED_SOURCE)})`);
  }, 40_000);
});

describe('breakpoints in the simulator', () => {
  it('a breakpoint set by the user’s file and line stops the job there', async () => {
    // What a debugger does with a breakpoint in jobs.mjs (Debugger.setBreakpointByUrl).
    const { stdout } = await run(process.execPath, [fixture('breakpoint-in-simulator.mjs'), '4'], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual([{ fn: 'boom', line: 4 }]);
  }, 40_000);
});
