/**
 * Functions that ship by reference (module URL and export name; the worker imports them): a
 * package's exports, and an exported function of another module of the user's that cannot ship
 * by value. Never a function of the entry script: a worker must not run the user's script again.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { nanoid } from 'nanoid';
import { afterAll, describe, expect, it } from 'vitest';
import { shipFunction } from '../../dist/shipping/ship-function.js';
import { serverState } from '../fixtures/shipping/by-reference.mjs';
import { MODES, makeCloud } from '../support/clouds.js';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/shipping/${name}`, import.meta.url));

describe('what ships by reference', () => {
  it("a package's exported function, as an import of its module", () => {
    const shipped = shipFunction(nanoid);
    expect(shipped.nodes[shipped.root]).toMatchObject({ kind: 'import', name: 'nanoid' });
    expect((shipped.nodes[shipped.root] as { url: string }).url).toMatch(/\/node_modules\/nanoid\/index\.js$/);
  });

  it("an exported function of the user's other module that cannot ship by value", () => {
    const shipped = shipFunction(serverState);
    expect(shipped.nodes[shipped.root]).toMatchObject({ kind: 'import', name: 'serverState' });
  });
});

describe.each(MODES)('functions shipped by reference run (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it("a package's function passed directly", async () => {
    const id = await cloud.result(await cloud.call(nanoid, 8));
    expect(id).toMatch(/^[\w-]{8}$/);
  });

  it('a function using a server of its module gets the server of the module the worker imported', async () => {
    expect(await cloud.result(await cloud.call(serverState))).toBe('Server, listening: false');
  });

  it('a function of the entry script ships by value or is refused, never by reference', async () => {
    const env = { ...process.env, NIMBUS_SIMULATOR: mode === 'simulator' ? '1' : '' };
    const { stdout } = await run(process.execPath, [fixture('entry-script.mjs')], { env, timeout: 15_000 });
    const { refusal, value } = JSON.parse(stdout) as { refusal: string; value: number };
    expect(refusal).toMatch(/^cannot ship function usesServer: 'server' is a Server, an object of a class/);
    expect(value).toBe(42);
  });
});
