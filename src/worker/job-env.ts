/**
 * A job's own environment (the `env` job option): `process.env` read inside the job holds the
 * worker's variables with the job's over them, and what the job sets stays its own. Jobs that
 * interleave in one thread (s1 jobs, the simulator, a parent awaiting its children) each see their
 * own: `process.env` becomes a Proxy that routes every access to the running job's copy (found
 * through AsyncLocalStorage, job-context.ts), or to the thread's own variables outside any job
 * with an env. Nothing is ever written to the thread's variables, so there is nothing to restore
 * after a job, whatever it did. Installed on the first job that has an env; jobs without one pay
 * nothing before that, and a property lookup after.
 */
import { currentJob } from './job-context.js';

let installed = false;

/** The job's copy: the thread's variables as they are now, with `env` over them. */
export function jobEnvironment(env: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  installJobEnvironments();
  return { ...process.env, ...env };
}

function installJobEnvironments(): void {
  if (installed) return;
  installed = true;
  const shared = process.env;
  const current = (): NodeJS.ProcessEnv => currentJob()?.env ?? shared;
  // The shared object is the target, so that what inspects the proxy itself sees real variables.
  process.env = new Proxy(shared, {
    get: (_target, key) => (typeof key === 'string' ? current()[key] : undefined),
    has: (_target, key) => typeof key === 'string' && key in current(),
    set: (_target, key, value) => {
      // As the real process.env does: every value is stored as a string.
      if (typeof key === 'string') store(current(), key, value);
      return true;
    },
    deleteProperty: (_target, key) => typeof key !== 'string' || delete current()[key],
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_target, key) => {
      const env = current();
      return typeof key === 'string' && Object.hasOwn(env, key) ? { value: env[key], writable: true, enumerable: true, configurable: true } : undefined;
    },
    defineProperty: (_target, key, descriptor) => {
      if (typeof key === 'string') store(current(), key, descriptor.value);
      return true;
    },
  });
}

/** Stores a variable as the real process.env does (a string); defined, so that `__proto__` is a name as any other. */
function store(env: NodeJS.ProcessEnv, key: string, value: unknown): void {
  Object.defineProperty(env, key, { value: String(value), writable: true, enumerable: true, configurable: true });
}
