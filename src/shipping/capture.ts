/**
 * Turns a function and everything it reaches into the node graph of a ShippedFunction. Each
 * value is captured once (a second sighting is a reference to the first node, which is what
 * makes cycles and shared values work) as one of: data (structured clone), a function or class
 * by source with its own free variables, an import the receiving thread performs itself, a
 * well-known global, or the job's client. Whatever fits none of these is refused here, with the
 * variable's name: never later, in a worker.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { serialize } from 'node:v8';
import { show } from '../errors.js';
import type { ImportNode, ShippedNode } from '../types/shipped-function.js';
import { pack } from '../wire/payload.js';
import { isCloudClient, isData, isModuleNamespace, isPlainContainer } from './captured-data.js';
import { readSourceFacts, type SourceFacts } from './free-variables.js';
import { readFunctionSource } from './function-source.js';
import { resolveSpecifier } from './module-resolution.js';
import type { FunctionFacts, FunctionInspector } from './scope-reader.js';
import { sourceOriginOf } from './source-origin.js';
import { scriptInfo, type ScriptInfo } from './script-info.js';
import { builtinExportOf, builtinModuleOfNamespace, globalPathOf, isStandardGlobal } from './well-known-values.js';

/** The name a shipped function may use for the job's own client, without declaring it. */
export const CLOUD_BINDING = 'cloud';
/** What `import(...)` inside shipped code is rewritten to call: an import from the original module. */
export const IMPORTER_BINDING = '__nimbus_import';

/** Names the language resolves by itself, never by scope. */
const LANGUAGE_NAMES = new Set(['arguments', 'undefined', 'NaN', 'Infinity']);
/** The module `import cloud from '@nimbus-js/nimbus'` names: this copy of nimbus's entry. */
const NIMBUS_ENTRY = new URL('../index.js', import.meta.url).href;

/**
 * Why something cannot ship. `subject` is how the part at fault is reached (`config.db`,
 * `helper → conn`), '' for the function itself, undefined when `reason` says it all.
 */
export class Refusal extends Error {
  constructor(
    readonly subject: string | undefined,
    readonly reason: string,
  ) {
    super(subject === undefined ? reason : subject === '' ? `it ${reason}` : `'${subject}' ${reason}`);
  }
}

export class Capture {
  readonly nodes: ShippedNode[] = [];
  readonly #data: { value: unknown; path: string }[] = [];
  readonly #memo = new Map<unknown, number>();
  /** Memo keys in the order they were added, so a failed attempt can be taken back. */
  readonly #memoOrder: unknown[] = [];
  readonly #inspector: FunctionInspector;

  constructor(inspector: FunctionInspector) {
    this.#inspector = inspector;
  }

  /** v8.serialize of the captured data values, in one blob (their shared parts stay shared). */
  serializeData(): Uint8Array | undefined {
    if (this.#data.length === 0) return undefined;
    try {
      return serialize(this.#data.map((entry) => entry.value));
    } catch {
      for (const { value, path } of this.#data) {
        const packed = pack(value, path);
        if (packed !== null && typeof packed === 'object' && 'unshippable' in packed) throw new Refusal(undefined, packed.unshippable);
      }
      throw new Refusal(undefined, 'a captured value cannot be cloned');
    }
  }

  /** @param path how the value is reached, for messages: `config.db`, `helper → conn` */
  value(value: unknown, path: string): number {
    switch (typeof value) {
      case 'function':
        return this.function(value, path);
      case 'symbol':
        return this.#symbol(value, path);
      case 'object':
        return value === null ? this.#add({ kind: 'primitive', value: null }) : this.#object(value, path);
      default:
        return this.#add({ kind: 'primitive', value: value as string | number | boolean | bigint | undefined });
    }
  }

  function(fn: Function, path: string): number {
    const known = this.#memo.get(fn);
    if (known !== undefined) return known;
    const facts = this.#inspector.describe(fn);
    if (facts.bound) return this.#bound(fn, facts.bound, path);
    const script = facts.scriptId === undefined ? undefined : scriptInfo(this.#inspector, facts.scriptId);
    const native = Function.prototype.toString.call(fn).endsWith('{ [native code] }');
    if (native || script?.url.startsWith('node:')) return this.#nodeFunction(fn, native, script, path);
    if (script && isInNodeModules(script.url)) {
      const reference = this.#referenceOf(fn, facts, script);
      if (reference) return this.#remember(fn, reference);
    }
    const mark = this.#mark();
    try {
      return this.#source(fn, facts, script, path);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      // It cannot travel by value; if its module exports it, the worker imports it instead.
      const reference = script && this.#referenceOf(fn, facts, script);
      if (!reference) throw error;
      this.#rollback(mark);
      return this.#remember(fn, reference);
    }
  }

  /** A function of Node or of the engine: by the name every thread knows it under, or refused. */
  #nodeFunction(fn: Function, native: boolean, script: ScriptInfo | undefined, path: string): number {
    const global = globalPathOf(fn);
    if (global) return this.#remember(fn, { kind: 'global', path: global });
    const builtin = builtinExportOf(fn);
    if (builtin) return this.#remember(fn, { kind: 'import', url: builtin.url, name: builtin.name, attributes: undefined });
    if (native) {
      throw new Refusal(
        path,
        `is a native function (${show(fn)}): its code is not JavaScript, and it is no export of a module nimbus can import; call it inside the job, from an import`,
      );
    }
    throw new Refusal(
      path,
      `is ${show(fn)}, internal to Node (${script!.url}) and no export of its modules; import what you need in the function's module instead`,
    );
  }

  #source(fn: Function, facts: FunctionFacts, script: ScriptInfo | undefined, path: string): number {
    const name = fn.name;
    const text = Function.prototype.toString.call(fn);
    const source = readFunctionSource(text, name);
    if (source === 'accessor')
      throw new Refusal(path, 'is a getter, a setter or a method with a computed name, which cannot be shipped; wrap the call in an arrow function');
    if (!source)
      throw new Refusal(path, 'has a source that could not be parsed as JavaScript (a method using a private field #x cannot travel without its class)');
    const sourceFacts = readSourceFacts(source.ast, source.wrapper);
    if (sourceFacts.lexicalContext) {
      throw new Refusal(
        path,
        `uses the \`${sourceFacts.lexicalContext}\` of the code around it, which does not travel with it; use a regular function, or pass what it needs as an argument`,
      );
    }
    const index = this.#reserve(fn);
    const bindings: [string, number][] = [];
    for (const variable of sourceFacts.free) {
      if (LANGUAGE_NAMES.has(variable) || (source.isClass && variable === name)) continue;
      const bound = this.#freeVariable(variable, facts, script, sourceFacts, path === '' ? variable : `${path} → ${variable}`);
      if (bound !== undefined) bindings.push([variable, bound]);
    }
    let expression = source.expression;
    if (sourceFacts.dynamicImports.length > 0) {
      expression = rewriteDynamicImports(expression, sourceFacts.dynamicImports);
      bindings.push([IMPORTER_BINDING, this.#add({ kind: 'importer', module: script?.module })]);
    }
    this.nodes[index] = {
      kind: 'source',
      name,
      expression,
      bindings: bindings,
      strict: source.isClass || (script?.strict ?? false),
      module: script?.module,
      origin: sourceOriginOf(text, source.textStart, script, facts.location),
    };
    return index;
  }

  /** A node for a free variable, or undefined when it is a global every thread has. */
  #freeVariable(variable: string, facts: FunctionFacts, script: ScriptInfo | undefined, source: SourceFacts, path: string): number | undefined {
    const found = this.#inspector.lookup(facts, variable);
    if (found) {
      const special = found.scope.outermost && script ? this.#special(variable, script, path) : undefined;
      return special ?? this.value(found.value, path);
    }
    if (variable === CLOUD_BINDING) return this.#add({ kind: 'cloud' });
    if (isStandardGlobal(variable) || source.typeofOnly.has(variable)) return undefined;
    // A global the program set itself: workers do not have it, so it travels like a variable.
    if (variable in globalThis) return this.value((globalThis as Record<string, unknown>)[variable], path);
    throw new Refusal(path, 'is not defined where the function was written (nor a global)');
  }

  /** An import of the function's module, or a special variable of a rebuilt function's script. */
  #special(variable: string, script: ScriptInfo, path: string): number | undefined {
    const special = script.specials.get(variable);
    if (special) return this.#add(special);
    const binding = script.imports.get(variable);
    if (!binding) return undefined;
    const url = script.module && resolveSpecifier(binding.specifier, script.module);
    if (!url) throw new Refusal(path, `is imported from '${binding.specifier}', which nimbus could not resolve from ${script.url}`);
    if (url === NIMBUS_ENTRY && binding.name === 'default') return this.#add({ kind: 'cloud' });
    const key = `import ${url} ${binding.name}`;
    return this.#memo.get(key) ?? this.#remember(key, { kind: 'import', url, name: binding.name, attributes: binding.attributes });
  }

  /** The function as an export of its ES module, when that module is not the entry script. */
  #referenceOf(fn: Function, facts: FunctionFacts, script: ScriptInfo): ImportNode | undefined {
    if (!script.isModule || !script.url.startsWith('file:') || script.url === entryScriptUrl() || script.exports.size === 0) return undefined;
    const moduleScope = facts.scopes().find((scope) => scope.type === 'Module');
    if (!moduleScope) return undefined;
    const variables = moduleScope.variables();
    const exported = [...script.exports].filter(([local]) => variables.get(local)?.type === 'function');
    const values = this.#inspector.valuesOf(exported.map(([local]) => variables.get(local)!));
    const at = values.indexOf(fn);
    return at < 0 ? undefined : { kind: 'import', url: script.url, name: exported[at]![1][0]!, attributes: undefined };
  }

  #bound(fn: Function, bound: NonNullable<FunctionFacts['bound']>, path: string): number {
    const index = this.#reserve(fn);
    const target = this.function(bound.target, `${path} (its target)`);
    const thisArg = this.value(bound.thisArg, `${path} (its this)`);
    const args = bound.args.map((arg, i) => this.value(arg, `${path} (its bound argument ${i})`));
    this.nodes[index] = { kind: 'bound', target, thisArg, args };
    return index;
  }

  #object(object: object, path: string): number {
    const known = this.#memo.get(object);
    if (known !== undefined) return known;
    if (isCloudClient(object)) return this.#remember(object, { kind: 'cloud' });
    if (isData(object)) {
      this.#data.push({ value: object, path });
      return this.#remember(object, { kind: 'data', index: this.#data.length - 1 });
    }
    if (isModuleNamespace(object)) {
      const builtin = builtinModuleOfNamespace(object);
      if (builtin) return this.#remember(object, { kind: 'import', url: builtin, name: '*', attributes: undefined });
      throw new Refusal(path, 'is a module namespace held in a variable; import the module in the function’s own module instead');
    }
    if (!isPlainContainer(object)) {
      throw new Refusal(
        path,
        `is ${show(object)}, an object of a class: it cannot be shipped (a copy would lose its class and any native handle it holds, such as a socket, a file or a stream); create it inside the job, or pass its data`,
      );
    }
    if (object instanceof Map || object instanceof Set)
      throw new Refusal(path, `is ${show(object)} holding a function or an object of a class, which cannot be shipped`);
    const index = this.#reserve(object);
    const array = Array.isArray(object);
    const entries = Object.keys(object).map(
      (key) => [key, this.value((object as Record<string, unknown>)[key], array ? `${path}[${key}]` : `${path}.${key}`)] as const,
    );
    this.nodes[index] = { kind: 'object', array, entries };
    return index;
  }

  #symbol(symbol: symbol, path: string): number {
    const known = this.#memo.get(symbol);
    if (known !== undefined) return known;
    const global = globalPathOf(symbol);
    if (global) return this.#remember(symbol, { kind: 'global', path: global });
    const key = Symbol.keyFor(symbol);
    if (key !== undefined) return this.#remember(symbol, { kind: 'symbol', key });
    throw new Refusal(path, `is ${String(symbol)}, a symbol of this thread only; use Symbol.for(key) to share one`);
  }

  #add(node: ShippedNode): number {
    this.nodes.push(node);
    return this.nodes.length - 1;
  }

  /** A node index for `value`, known before its node is complete: references to it are cycles. */
  #reserve(value: unknown): number {
    return this.#remember(value, { kind: 'primitive', value: undefined });
  }

  #remember(value: unknown, node: ShippedNode): number {
    const index = this.#add(node);
    this.#memo.set(value, index);
    this.#memoOrder.push(value);
    return index;
  }

  #mark(): { nodes: number; memo: number; data: number } {
    return { nodes: this.nodes.length, memo: this.#memoOrder.length, data: this.#data.length };
  }

  #rollback(mark: { nodes: number; memo: number; data: number }): void {
    this.nodes.length = mark.nodes;
    this.#data.length = mark.data;
    for (const value of this.#memoOrder.splice(mark.memo)) this.#memo.delete(value);
  }
}

function rewriteDynamicImports(expression: string, offsets: readonly number[]): string {
  let rewritten = expression;
  for (const offset of [...offsets].sort((a, b) => b - a)) {
    rewritten = rewritten.slice(0, offset) + IMPORTER_BINDING + rewritten.slice(offset + 'import'.length);
  }
  return rewritten;
}

function isInNodeModules(url: string): boolean {
  return url.includes('/node_modules/');
}

let entryUrl: string | null | undefined;

/** The URL of the script `node` was started with: its functions always ship by value. */
function entryScriptUrl(): string | undefined {
  if (entryUrl === undefined) {
    try {
      entryUrl = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : null;
    } catch {
      entryUrl = null;
    }
  }
  return entryUrl ?? undefined;
}
