/**
 * The dashboard's server: its JSON API over a cloud, the live load as server-sent events, who
 * may read it (a token off the loopback, a loopback Host without one), and a close that ends
 * everything.
 */
import { request } from 'node:http';
import { Cloud, type Jid } from '@nimbus-js/nimbus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../dist/dashboard/server.js';
import { hang } from '../support/clouds.js';
import { withFiles } from './support/dashboard-cloud.js';

const TOKEN = 'a-secret-token-of-some-length';

/** A request with any headers (fetch will not set Host nor Origin): status, headers, body. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; type: string; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(url, { method, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, type: String(response.headers['content-type']), body, headers: response.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard server', () => {
  const cloud = new Cloud({ cores: 2, isolation: 'thread' });
  const files = { list: async (prefix?: string) => ['data/a.csv', 'notes.txt'].filter((name) => name.startsWith(prefix ?? '')) };
  let dashboard: Dashboard;
  let done: Jid;
  let failed: Jid;
  beforeAll(async () => {
    done = await cloud.with({ label: 'ok' }).call(function answer() {
      return { answer: 42 };
    });
    failed = await cloud.call(function explode() {
      throw new TypeError('no such thing');
    });
    await cloud.join([done, failed], { ignoreErrors: true });
    dashboard = await startDashboard(withFiles(cloud, files), { port: 0 });
  });
  afterAll(async () => {
    await dashboard.close();
    await cloud.close();
  });
  const api = async (path: string) => {
    const response = await get(new URL(path, dashboard.url).href);
    return { status: response.status, body: JSON.parse(response.body) };
  };

  it('listens on 127.0.0.1 and serves the page', async () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(dashboard.url);
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<script type="module" src="app.js"></script>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const units = await get(new URL('/human-units.js', dashboard.url).href);
    expect(units.body).toContain('export function formatDuration');
    expect(units.body).not.toContain('sourceMappingURL');
    // Chart.js from the package's dependency, never a CDN; the page's modules load each other.
    const chart = await get(new URL('/chart.umd.js', dashboard.url).href);
    expect(chart.type).toBe('text/javascript; charset=utf-8');
    expect(chart.body).toContain('window.Chart=');
    expect((await get(new URL('/task-stream.js', dashboard.url).href)).body).toContain("from './clock-axis.js';");
  });

  const jidsOf = async (path: string) => {
    const { body } = await api(path);
    return { jids: body.jobs.map((job: { jid: number }) => job.jid), next: body.next };
  };

  it('lists jobs newest first, filtered by status, label and function', async () => {
    const times = { created: expect.any(Number), started: expect.any(Number), finished: expect.any(Number), runtime: expect.any(Number) };
    expect((await api('/api/jobs')).body).toEqual({
      jobs: [
        { jid: failed, status: 'error', fn: 'explode', type: 'c1', ...times },
        { jid: done, status: 'done', fn: 'answer', label: 'ok', type: 'c1', ...times },
      ],
      next: null,
    });
    expect(await jidsOf('/api/jobs?status=error')).toEqual({ jids: [failed], next: null });
    expect(await jidsOf('/api/jobs?status=done,error&label=ok')).toEqual({ jids: [done], next: null });
    expect(await jidsOf('/api/jobs?fn=answer')).toEqual({ jids: [done], next: null });
    expect(await jidsOf('/api/jobs?fn=nothing')).toEqual({ jids: [], next: null });
  });

  it('pages through every job by jid: next is the before of the following page', async () => {
    expect(await jidsOf('/api/jobs?limit=1')).toEqual({ jids: [failed], next: failed });
    expect(await jidsOf(`/api/jobs?limit=1&before=${failed}`)).toEqual({ jids: [done], next: null });
    expect(await jidsOf(`/api/jobs?limit=1&before=${done}`)).toEqual({ jids: [], next: null });
    expect(await jidsOf(`/api/jobs?limit=1&fn=answer`)).toEqual({ jids: [done], next: null });
  });

  it('answers bad page parameters with 400, naming them', async () => {
    for (const limit of ['0', '501', 'ten', '1.5']) {
      expect(await api(`/api/jobs?limit=${limit}`)).toEqual({
        status: 400,
        body: { error: `limit must be an integer from 1 to 500, got "${limit}"`, code: 'ERR_BAD_OPTION' },
      });
    }
    for (const before of ['0', '-3', 'x']) {
      const answer = await api(`/api/jobs?before=${before}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: expect.stringContaining('before must be a positive integer'), code: 'ERR_BAD_OPTION' });
    }
  });

  it('gives the task stream: the jobs that ran, each on a row', async () => {
    const { status, body } = await api('/api/tasks');
    expect(status).toBe(200);
    expect(body.now).toEqual(expect.any(Number));
    expect(body.rows.length).toBeGreaterThanOrEqual(1);
    expect(body.bars.map((bar: { jid: number }) => bar.jid).sort()).toEqual([done, failed].sort());
    for (const bar of body.bars) {
      expect(body.rows).toContain(bar.row);
      expect(bar.finished).toBeGreaterThanOrEqual(bar.started);
    }
  });

  it('gives the progress per label and function, newest first', async () => {
    const counts = { done: 0, error: 0, killed: 0, running: 0, queued: 0 };
    expect((await api('/api/progress')).body).toEqual([
      { fn: 'explode', first: failed, last: failed, total: 1, ...counts, error: 1 },
      { fn: 'answer', label: 'ok', first: done, last: done, total: 1, ...counts, done: 1 },
    ]);
  });

  it('opens a job: its record, its exception with the stack, its value when done', async () => {
    const bad = (await api(`/api/jobs/${failed}`)).body;
    expect(bad).toMatchObject({ jid: failed, status: 'error', exception: { name: 'TypeError', message: 'no such thing' } });
    expect(bad.exception.stack).toContain('at explode');
    expect(bad.result).toBeUndefined();
    expect((await api(`/api/jobs/${done}`)).body).toMatchObject({ status: 'done', result: '{ answer: 42 }', dependsOn: [] });
  });

  it('lists files, and tells the load', async () => {
    expect((await api('/api/files')).body).toEqual(['data/a.csv', 'notes.txt']);
    expect((await api('/api/files?prefix=data/')).body).toEqual(['data/a.csv']);
    expect((await api('/api/load')).body).toMatchObject({ computeUnits: { used: 0, total: 5 }, running: {}, queued: 0, waiting: 0 });
  });

  it('answers a bad question with 400 and the reason, an unknown job or path with 404, a write with 405', async () => {
    expect(await api('/api/jobs?status=finished')).toEqual({
      status: 400,
      body: { error: expect.stringContaining("must be one of 'queued', 'processing'"), code: 'ERR_BAD_OPTION' },
    });
    expect(await api('/api/jobs/424242')).toEqual({
      status: 404,
      body: { error: 'unknown jid 424242: no such job (never created, or deleted)', code: 'ERR_UNKNOWN_JID' },
    });
    expect((await api('/api/nothing')).status).toBe(404);
    expect((await api('/nothing.html')).status).toBe(404);
    expect((await get(new URL('/api/jobs', dashboard.url).href, {}, 'POST')).status).toBe(405);
    // Kill and delete are POST only: a link or an image cannot kill.
    expect((await get(new URL(`/api/jobs/${done}/delete`, dashboard.url).href)).status).toBe(405);
  });

  it('kills a job and deletes a complete one by POST; an unknown jid is 404, an unfinished one cannot be deleted (409)', async () => {
    const post = async (path: string, headers: Record<string, string> = {}) => {
      const response = await get(new URL(path, dashboard.url).href, headers, 'POST');
      return { status: response.status, body: JSON.parse(response.body) };
    };
    const running = await cloud.call(hang);
    while ((await cloud.status(running)) !== 'processing') await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await post(`/api/jobs/${running}/delete`)).toMatchObject({ status: 409, body: { code: 'ERR_NOT_COMPLETE' } });
    // A page of another site may make the browser POST here: the Origin it names is refused.
    expect(await post(`/api/jobs/${running}/kill`, { origin: 'http://evil.example' })).toEqual({
      status: 403,
      body: { error: "a job is killed or deleted only from the dashboard's own page" },
    });
    expect(await cloud.status(running)).toBe('processing');
    const host = new URL(dashboard.url).host;
    expect(await post(`/api/jobs/${running}/kill`, { origin: `http://${host}` })).toEqual({ status: 200, body: { jid: running, status: 'killed' } });
    expect(await post(`/api/jobs/${running}/delete`)).toEqual({ status: 200, body: { jid: running, status: 'deleted' } });
    expect((await api(`/api/jobs/${running}`)).status).toBe(404);
    expect(await post('/api/jobs/424242/kill')).toMatchObject({ status: 404, body: { code: 'ERR_UNKNOWN_JID' } });
    expect(await post('/api/jobs/424242/delete')).toMatchObject({ status: 404, body: { code: 'ERR_UNKNOWN_JID' } });
  });

  it('pushes the load as server-sent events, at once and then every second', async () => {
    const running = await cloud.call(hang);
    while ((await cloud.status(running)) !== 'processing') await new Promise((resolve) => setTimeout(resolve, 10));
    const controller = new AbortController();
    const response = await fetch(new URL('/api/events', dashboard.url), { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while ((text.match(/\n\n/g) ?? []).length < 2) text += (await reader.read()).value;
    const events = text.split('\n\n').filter(Boolean).slice(0, 2);
    for (const event of events) {
      const [name, data] = event.split('\n');
      expect(name).toBe('event: load');
      expect(JSON.parse(data!.slice('data: '.length))).toMatchObject({ computeUnits: { used: 1 }, running: { c1: 1 } });
    }
    controller.abort();
    await cloud.kill(running);
  });

  it('refuses a Host that is not the loopback when it has no token (DNS rebinding)', async () => {
    const refused = await get(dashboard.url, { host: 'evil.example:80' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ error: 'this dashboard answers only to a loopback host name (127.0.0.1, localhost)' });
    expect((await get(dashboard.url, { host: 'localhost' })).status).toBe(200);
  });
});

describe('the dashboard with a token', () => {
  const cloud = new Cloud({ cores: 1, isolation: 'thread' });
  afterAll(() => cloud.close());
  const files = { list: async () => [] };

  it('asks it of every request, as ?token= or an Authorization header', async () => {
    const dashboard = await startDashboard(withFiles(cloud, files), { port: 0, token: TOKEN });
    try {
      expect(dashboard.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/\\?token=${TOKEN}$`));
      const bare = new URL(dashboard.url);
      bare.search = '';
      for (const path of ['/', '/app.js', '/chart.umd.js', '/api/jobs', '/api/tasks', '/api/events']) {
        const response = await get(new URL(path, bare).href);
        expect(response.status).toBe(401);
        expect(JSON.parse(response.body)).toEqual({ error: 'a token is required: add ?token=... to the address' });
      }
      expect((await get(`${new URL('/api/jobs', bare).href}?token=wrong-token-of-some-length`)).status).toBe(403);
      expect((await get(`${new URL('/api/jobs', bare).href}?token=${TOKEN}`)).status).toBe(200);
      expect((await get(new URL('/api/jobs', bare).href, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      // The page loads its script and style with the token.
      const page = await get(dashboard.url);
      expect(page.body).toContain(`<script type="module" src="app.js?token=${TOKEN}"></script>`);
      expect(page.body).toContain(`<link rel="stylesheet" href="style.css?token=${TOKEN}">`);
      // ...and the modules load each other with it.
      expect((await get(new URL(`/app.js?token=${TOKEN}`, bare).href)).body).toContain(`from './task-stream.js?token=${TOKEN}';`);
    } finally {
      await dashboard.close();
    }
  });

  it('listens beyond the loopback only with one', async () => {
    await expect(startDashboard(withFiles(cloud, files), { port: 0, host: '0.0.0.0' })).rejects.toThrow(
      'the dashboard listens on 0.0.0.0, beyond this machine: give it a token of 16 characters or more, which every request must carry',
    );
    await expect(startDashboard(withFiles(cloud, files), { port: 0, host: '0.0.0.0', token: 'short-secret' })).rejects.toThrow(
      'the dashboard token must be a string of 16 characters or more, got 12 characters',
    );
    const dashboard = await startDashboard(withFiles(cloud, files), { port: 0, host: '0.0.0.0', token: TOKEN });
    try {
      const port = new URL(dashboard.url).port;
      expect(dashboard.url).toBe(`http://0.0.0.0:${port}/?token=${TOKEN}`);
      expect((await get(`http://127.0.0.1:${port}/api/jobs?token=${TOKEN}`, { host: 'nimbus.example' })).status).toBe(200);
      // Off the loopback, a kill without the token is refused, and the job runs on.
      const running = await cloud.call(hang);
      expect((await get(`http://127.0.0.1:${port}/api/jobs/${running}/kill`, {}, 'POST')).status).toBe(401);
      expect((await get(`http://127.0.0.1:${port}/api/jobs/${running}/kill?token=wrong-token-of-some-length`, {}, 'POST')).status).toBe(403);
      expect(await cloud.status(running)).not.toBe('killed');
      const killed = await get(`http://127.0.0.1:${port}/api/jobs/${running}/kill?token=${TOKEN}`, {}, 'POST');
      expect(JSON.parse(killed.body)).toEqual({ jid: running, status: 'killed' });
    } finally {
      await dashboard.close();
    }
  });
});

describe('starting and stopping the dashboard', () => {
  const cloud = new Cloud({ cores: 1, isolation: 'thread' });
  const dashboardCloud = withFiles(cloud, { list: async () => [] });
  afterAll(() => cloud.close());

  it('refuses bad options, naming them', async () => {
    await expect(startDashboard(dashboardCloud, { port: -1 })).rejects.toThrow('dashboard port must be an integer from 0 to 65535, got -1');
    await expect(startDashboard(dashboardCloud, { prot: 80 } as never)).rejects.toThrow(
      "dashboard options has no option 'prot'; known options: port, host, token",
    );
  });

  it('says when the port is taken', async () => {
    const first = await startDashboard(dashboardCloud, { port: 0 });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startDashboard(dashboardCloud, { port })).rejects.toThrow(`the dashboard cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
    } finally {
      await first.close();
    }
  });

  it('close() ends the open event streams and frees the port', async () => {
    const dashboard = await startDashboard(dashboardCloud, { port: 0 });
    const response = await fetch(new URL('/api/events', dashboard.url));
    const reader = response.body!.getReader();
    await reader.read();
    await dashboard.close();
    let ended = false;
    while (!ended) ended = (await reader.read().catch(() => ({ done: true }))).done;
    const again = await startDashboard(dashboardCloud, { port: Number(new URL(dashboard.url).port) });
    await again.close();
    await dashboard.close(); // a second close is harmless
  });
});
