/**
 * A dashboard started from a script lives as long as the script's own work: it never keeps the
 * process alive, and the cloud's close() stops it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Cloud } from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../fixtures/dashboard/script-with-dashboard.mjs', import.meta.url));

describe('cloud.dashboard() and the life of the process', () => {
  it('a script that opened a dashboard (with a page listening) ends by itself when its work is done', async () => {
    // The fixture imports '@nimbus-js/nimbus' as a user does (the package's self-reference: the built dist/).
    const child = spawn(process.execPath, [SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(err).toBe('');
    expect(out).toMatch(/^result 42 http:\/\/127\.0\.0\.1:\d+\//);
    expect(code).toBe(0);
  });

  it("the cloud's close() stops its dashboards: the address refuses connections after", async () => {
    const cloud = new Cloud({ cores: 1, isolation: 'thread' });
    const dashboard = await cloud.dashboard({ port: 0 });
    expect((await fetch(new URL('api/load', dashboard.url))).status).toBe(200);
    await cloud.close();
    await expect(fetch(new URL('api/load', dashboard.url))).rejects.toThrow();
    // Closing it again, by itself, is harmless.
    await dashboard.close();
  });
});
