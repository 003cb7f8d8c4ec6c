/**
 * Job bodies the Redis tests run on `nimbus worker`s, and the test's side of the files they write.
 * Each body is self-contained (it reaches node:fs through process.getBuiltinModule), as shipping
 * needs. In process isolation a job runs in a child of its worker: `process.ppid` is the worker's
 * pid, which is how a job tells where it runs and a test tells where it ran.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { Cloud } from '@nimbus-js/nimbus';

/** How long a job waits for the others it meets, or for a file, before it fails. */
export const JOB_WAIT_MS = 15_000;

/**
 * Marks `dir` with its worker's pid, waits until `workers` distinct workers have, then returns its
 * worker's pid. Jobs that run this can only all finish when they are spread over `workers` workers.
 */
export const meetWorkers = async (dir: string, workers: number): Promise<number> => {
  const { readdirSync, writeFileSync } = process.getBuiltinModule('node:fs');
  writeFileSync(`${dir}/${process.ppid}`, '');
  const deadline = Date.now() + 15_000;
  while (readdirSync(dir).length < workers) {
    if (Date.now() > deadline) throw new Error(`only workers ${readdirSync(dir).join(', ')} met, not ${workers}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return process.ppid;
};

/** Returns once `path` exists (a test creates it to release the job). */
export const waitForFile = async (path: string, value: unknown = path): Promise<unknown> => {
  const { existsSync } = process.getBuiltinModule('node:fs');
  const deadline = Date.now() + 15_000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return value;
};

/**
 * Writes `<name>@<worker pid>` in `dir` as it starts; on the worker whose pid is `lostPid` it then
 * never ends, elsewhere it returns where it ran. A restartable job that ran on a lost worker thus
 * leaves two marks; a job that ran once leaves one.
 */
export const runUnlessOn = async (lostPid: number, dir: string, name: string): Promise<string> => {
  const { writeFileSync } = process.getBuiltinModule('node:fs');
  writeFileSync(`${dir}/${name}@${process.ppid}`, '');
  if (process.ppid === lostPid) await new Promise(() => {});
  return `${name} on ${process.ppid}`;
};

/** The marks runUnlessOn left in `dir`, as [name, worker pid]. */
export function marks(dir: string): [string, number][] {
  return readdirSync(dir).map((file) => {
    const at = file.lastIndexOf('@');
    return [file.slice(0, at), Number(file.slice(at + 1))];
  });
}

/** Resolves once `count` files are in `dir` that `accept` accepts (a test waits for jobs to reach a point). */
export async function filesAppear(dir: string, count: number, accept: (file: string) => boolean = () => true): Promise<string[]> {
  const deadline = Date.now() + JOB_WAIT_MS;
  for (;;) {
    const found = existsSync(dir) ? readdirSync(dir).filter(accept) : [];
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`${count} files in ${dir} never appeared (found: ${found.join(', ') || 'none'})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `path` once it exists. */
export async function fileAppears(path: string): Promise<void> {
  const at = path.lastIndexOf('/');
  const name = path.slice(at + 1);
  await filesAppear(path.slice(0, at), 1, (file) => file === name);
}

// Inside a job, the name `cloud` is the job's own client of the same cluster.
declare const cloud: Cloud;

/**
 * Meets `other` on another worker (as meetWorkers, in `dir`), writes `exchange/<me>.txt` to the
 * cluster's file store, waits for `exchange/<other>.txt` and returns what it says: two of these
 * end only when each job reads what a job on another worker wrote.
 */
export const exchangeFiles = async (dir: string, me: string, other: string): Promise<string> => {
  const { readdirSync, writeFileSync } = process.getBuiltinModule('node:fs');
  const deadline = Date.now() + 15_000;
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
  writeFileSync(`${dir}/${process.ppid}`, '');
  while (readdirSync(dir).length < 2) {
    if (Date.now() > deadline) throw new Error(`${me} met no other worker`);
    await pause();
  }
  await cloud.files.putf(`from ${me} on ${process.ppid}`, `exchange/${me}.txt`);
  while (!(await cloud.files.exists(`exchange/${other}.txt`))) {
    if (Date.now() > deadline) throw new Error(`exchange/${other}.txt never appeared`);
    await pause();
  }
  let text = '';
  for await (const chunk of (await cloud.files.getf(`exchange/${other}.txt`)).setEncoding('utf8')) text += String(chunk);
  return text;
};

/** A stored file's content as text, read by a client. */
export async function readText(client: Cloud, name: string): Promise<string> {
  let text = '';
  for await (const chunk of (await client.files.getf(name)).setEncoding('utf8')) text += String(chunk);
  return text;
}
