/**
 * Values every thread already has, so a shipped function refers to them by name instead of
 * carrying them: the standard globals (`Math.max`, `Symbol.iterator`) and the exports of Node's
 * own modules (`createHash` of node:crypto). Indexes are built once per thread, on first need,
 * from data properties only: no getter of a global or a module is ever run.
 */
import { builtinModules, createRequire } from 'node:module';

/** The global names of a fresh thread: read when nimbus loads, before the user's code runs. */
const STANDARD_GLOBALS = new Set(Object.getOwnPropertyNames(globalThis));

/** Node modules searched for a function's home, by the name a worker imports them under. */
const SEARCHED_BUILTINS = builtinModules.filter(
  (name) => !name.startsWith('_') && !/^(test|sqlite|wasi|inspector|repl|trace_events|sea|sys|punycode|domain|constants)\b/.test(name),
);

let globalPaths: Map<unknown, string[]> | undefined;
let builtinExports: Map<unknown, { url: string; name: string }> | undefined;
/** Each builtin module's exports object (a namespace's `default`) → the module's URL. */
const builtinModuleObjects = new Map<unknown, string>();

export function isStandardGlobal(name: string): boolean {
  return STANDARD_GLOBALS.has(name);
}

/** `['Math', 'max']` for Math.max: a function or symbol reachable from a standard global. */
export function globalPathOf(value: Function | symbol): readonly string[] | undefined {
  if (!globalPaths) {
    globalPaths = new Map();
    for (const [name, outer] of dataProperties(globalThis)) {
      if (!STANDARD_GLOBALS.has(name) || name === 'globalThis' || name === 'global') continue;
      if (typeof outer === 'function' && !globalPaths.has(outer)) globalPaths.set(outer, [name]);
      if ((typeof outer !== 'object' && typeof outer !== 'function') || outer === null) continue;
      for (const [key, inner] of dataProperties(outer)) {
        if ((typeof inner === 'function' || typeof inner === 'symbol') && !globalPaths.has(inner)) globalPaths.set(inner, [name, key]);
      }
    }
  }
  return globalPaths.get(value);
}

/** The builtin module and export name a function is, e.g. node:crypto's createHash. */
export function builtinExportOf(fn: Function): { url: string; name: string } | undefined {
  if (!builtinExports) {
    builtinExports = new Map();
    const require = createRequire(import.meta.url);
    for (const module of SEARCHED_BUILTINS) {
      let exports: unknown;
      try {
        exports = require(`node:${module}`);
      } catch {
        continue;
      }
      if (!builtinModuleObjects.has(exports)) builtinModuleObjects.set(exports, `node:${module}`);
      if (typeof exports === 'function' && !builtinExports.has(exports)) builtinExports.set(exports, { url: `node:${module}`, name: 'default' });
      if (typeof exports !== 'object' && typeof exports !== 'function') continue;
      for (const [name, value] of dataProperties(exports as object)) {
        if (typeof value === 'function' && !builtinExports.has(value)) builtinExports.set(value, { url: `node:${module}`, name });
      }
    }
  }
  return builtinExports.get(fn);
}

/** The URL of the builtin module whose namespace this is (its `default` is the module's exports). */
export function builtinModuleOfNamespace(namespace: object): string | undefined {
  if (!('default' in namespace)) return undefined;
  builtinExportOf(Function);
  return builtinModuleObjects.get(namespace.default);
}

function* dataProperties(object: object): Iterable<[string, unknown]> {
  for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(object))) {
    if ('value' in descriptor) yield [key, descriptor.value];
  }
}
