/**
 * Turns a shipped function back into a function, once per function per thread (the simulator's
 * FunctionCache here; a worker's own cache, by content, is src/worker/worker-functions.ts). The imports it
 * needs are imported first (the only asynchronous part); then every node is made in one pass,
 * each function's free variables bound in a scope of its own. A function is made once what it
 * needs at creation (a class's superclass) exists; a reference that closes a cycle (mutually
 * recursive functions) is bound right after, before anything runs.
 */
import { deserialize } from 'node:v8';
import { compileFunction } from 'node:vm';
import type { ImportNode, ShippedFunction, SourceNode, SourceOrigin } from '../types/shipped-function.js';
import { registerShippedScript, registerSourceMap, shippedMarker, shippedScriptUrl } from './shipped-scripts.js';

export type JobFunction = (...args: unknown[]) => unknown;

/**
 * What the name `cloud` means inside rebuilt functions (the job's own client), asked for only
 * when a function names it: a worker's loads at that first use (worker/job-cloud.ts).
 */
export type CloudOf = () => unknown;

/** The names each rebuilt scope uses for itself; no shipped variable is ever called so. */
const VALUES_PARAMETER = '__nimbus_values';
const SETTER = '__nimbus_set';
/** Binding kinds a child job's function keeps as they are when shipped again from inside a job. */
const SPECIAL_KINDS = new Set(['import', 'importer', 'cloud', 'global']);

export class FunctionCache {
  readonly #rebuilt = new Map<string, Promise<JobFunction>>();
  readonly #cloud: CloudOf;

  /** @param cloud what the name `cloud` means inside rebuilt functions: the job's own client */
  constructor(cloud: unknown) {
    this.#cloud = () => cloud;
  }

  rebuild(shipped: ShippedFunction): Promise<JobFunction> {
    let fn = this.#rebuilt.get(shipped.id);
    if (!fn) {
      fn = rebuildFunction(shipped, decodeData(shipped.data), this.#cloud);
      this.#rebuilt.set(shipped.id, fn);
      // A failed rebuild (a module that would not import) is tried again by the next job.
      fn.catch(() => this.#rebuilt.delete(shipped.id));
    }
    return fn;
  }
}

/** What rebuilding needs of a shipped function: all of it but its data, which comes decoded. */
export type RebuildSource = Pick<ShippedFunction, 'id' | 'root' | 'nodes'>;

/** Decodes a shipped function's data blob: the values its `data` nodes index. */
export function decodeData(bytes: Uint8Array | undefined): readonly unknown[] {
  return bytes ? (deserialize(bytes) as unknown[]) : [];
}

export async function rebuildFunction(shipped: RebuildSource, data: readonly unknown[], cloudOf: CloudOf): Promise<JobFunction> {
  const [imported, cloud] = await Promise.all([importAll(shipped), shipped.nodes.some((node) => node.kind === 'cloud') ? cloudOf() : undefined]);
  return new Rebuild(shipped, imported, data, cloud).valueOf(shipped.root) as JobFunction;
}

async function importAll(shipped: RebuildSource): Promise<Map<number, unknown>> {
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  const load = (node: ImportNode) => {
    const key = `${node.url} ${JSON.stringify(node.attributes ?? {})}`;
    let module = modules.get(key);
    if (!module) {
      module = import(node.url, node.attributes ? { with: node.attributes } : undefined) as Promise<Record<string, unknown>>;
      modules.set(key, module);
    }
    return module;
  };
  const entries = await Promise.all(
    shipped.nodes.flatMap((node, index) =>
      node.kind !== 'import' ? [] : [load(node).then((module) => [index, node.name === '*' ? module : module[node.name]] as const)],
    ),
  );
  return new Map(entries);
}

class Rebuild {
  readonly #shipped: RebuildSource;
  readonly #imported: Map<number, unknown>;
  readonly #data: readonly unknown[];
  readonly #cloud: unknown;
  readonly #values: unknown[];
  /** 0: not started; 1: started, value not there yet (a function being made); 2: value there. */
  readonly #state: Uint8Array;
  /** Bindings that closed a cycle: made once every node exists. */
  readonly #late: (() => void)[] = [];

  constructor(shipped: RebuildSource, imported: Map<number, unknown>, data: readonly unknown[], cloud: unknown) {
    this.#shipped = shipped;
    this.#imported = imported;
    this.#data = data;
    this.#cloud = cloud;
    this.#values = new Array(shipped.nodes.length);
    this.#state = new Uint8Array(shipped.nodes.length);
  }

  valueOf(root: number): unknown {
    this.#make(root);
    for (const bind of this.#late) bind();
    return this.#values[root];
  }

  /** Calls `use` with node `index`'s value, now if it exists, else once every node does. */
  #whenMade(index: number, use: (value: unknown) => void): void {
    this.#make(index);
    if (this.#state[index] === 2) use(this.#values[index]);
    else this.#late.push(() => use(this.#values[index]));
  }

  #make(index: number): void {
    if (this.#state[index] !== 0) return;
    this.#state[index] = 1;
    const node = this.#shipped.nodes[index]!;
    let value: unknown;
    switch (node.kind) {
      case 'primitive':
        value = node.value;
        break;
      case 'data':
        value = this.#data[node.index];
        break;
      case 'import':
        value = this.#imported.get(index);
        break;
      case 'cloud':
        value = this.#cloud;
        break;
      case 'symbol':
        value = Symbol.for(node.key);
        break;
      case 'global':
        // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- a value of the user's, whatever its type
        value = node.path.reduce<any>((object, key) => object[key], globalThis);
        break;
      case 'importer':
        value = importerFrom(node.module);
        break;
      case 'object': {
        const object: Record<string, unknown> = node.array ? ([] as unknown as Record<string, unknown>) : {};
        this.#set(index, object);
        for (const [key, member] of node.entries)
          this.#whenMade(member, (memberValue) => {
            object[key] = memberValue;
          });
        return;
      }
      case 'bound': {
        const [target, thisArg, ...args] = [node.target, node.thisArg, ...node.args].map((part) => this.#madeNow(part));
        value = (target as Function).bind(thisArg, ...args);
        break;
      }
      case 'source':
        value = this.#source(index, node);
        break;
    }
    this.#set(index, value);
  }

  #source(index: number, node: SourceNode): unknown {
    const names = node.bindings.map(([name]) => name);
    const url = shippedScriptUrl(this.#shipped.id, index, node.name);
    const preamble = [
      node.strict ? "'use strict';" : '',
      names.length > 0 ? `let ${names.join(', ')};` : '',
      `const ${SETTER} = (${VALUES_PARAMETER}) => {`,
      ...names.map((name) => `  if (${VALUES_PARAMETER}.has(${JSON.stringify(name)})) ${name} = ${VALUES_PARAMETER}.get(${JSON.stringify(name)});`),
      '};',
      `${SETTER}(${VALUES_PARAMETER});`,
    ];
    const factory = node.origin ? factoryAt(node.origin, preamble, node.expression, url) : factoryOf(preamble, node.expression, url);
    const now = new Map<string, unknown>();
    const later: [string, number][] = [];
    for (const [name, member] of node.bindings) {
      this.#make(member);
      if (this.#state[member] === 2) now.set(name, this.#values[member]);
      else later.push([name, member]);
    }
    const [set, create] = factory(now);
    for (const [name, member] of later) this.#late.push(() => set(new Map([[name, this.#values[member]]])));
    registerShippedScript(url, {
      strict: node.strict,
      module: node.module,
      specials: new Map(
        node.bindings.flatMap(([name, member]) => {
          const bound = this.#shipped.nodes[member]!;
          return SPECIAL_KINDS.has(bound.kind) ? [[name, bound] as const] : [];
        }),
      ),
    });
    return create();
  }

  #madeNow(index: number): unknown {
    this.#make(index);
    if (this.#state[index] !== 2) throw new Error('nimbus internal error: a bound function is part of a cycle');
    return this.#values[index];
  }

  #set(index: number, value: unknown): void {
    this.#values[index] = value;
    this.#state[index] = 2;
  }
}

type Factory = (values: Map<string, unknown>) => [(values: Map<string, unknown>) => void, () => unknown];

/** The factory of a function whose origin is not known: a script of its own, named by its shipped URL. */
function factoryOf(preamble: readonly string[], expression: string, url: string): Factory {
  const body = [...preamble, `return [${SETTER}, () => (${expression})];`, `//# sourceURL=${url}`].join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- rebuilding shipped source is what this module is for
  return new Function(VALUES_PARAMETER, body) as Factory;
}

/**
 * The factory of a function whose origin is known: compiled under its file's name, its text
 * placed at the line and column it was written at, so that its stack frames and a debugger's
 * breakpoints name that file and line. The preamble and the wrapper take the line before the
 * text (V8 offsets the first line's columns only); the text's own lines are as they were written.
 * The marker at the end keeps it known as a rebuilt script (script-info.ts).
 */
function factoryAt(origin: SourceOrigin, preamble: readonly string[], expression: string, url: string): Factory {
  const head = expression.slice(0, origin.textStart);
  const text = expression.slice(origin.textStart);
  const body = [`${preamble.join(' ')} return [${SETTER}, () => (${head}`, `${' '.repeat(origin.column)}${text})];`, shippedMarker(url)].join('\n');
  registerSourceMap(origin.url, origin.sourceMap);
  return compileFunction(body, [VALUES_PARAMETER], { filename: origin.url, lineOffset: origin.line - 1 }) as Factory;
}

/**
 * `import(specifier)` as the module the function was written in would do it. The resolver
 * (import-meta-resolve) is loaded at the first such import, not with every worker.
 */
function importerFrom(module: string | undefined): (specifier: string, options?: ImportCallOptions) => Promise<unknown> {
  if (!module) return (specifier, options) => import(specifier, options);
  return async (specifier, options) => {
    const { resolveSpecifier } = await import('./module-resolution.js');
    return import(resolveSpecifier(String(specifier), module) ?? specifier, options) as Promise<unknown>;
  };
}
