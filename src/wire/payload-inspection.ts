/**
 * Looks over a value before it is packed: finds the part that cannot travel (a function, a
 * symbol, a symbol-keyed property, a Proxy, a getter that throws, a host object) and names its
 * path, and measures how deep the value nests. It walks with an explicit stack, never recursing,
 * so no depth of data can overflow the call stack here.
 */
import { serialize } from 'node:v8';
import { isAnyArrayBuffer, isBoxedPrimitive, isDate, isMap, isNativeError, isProxy, isRegExp, isSet } from 'node:util/types';
import { describeThrown, show } from '../errors.js';

export type Inspection = { depth: number } | { unshippable: string };

const FUNCTION_WHY = ' (functions cannot be sent as values; pass data, or call a function inside the job)';
const SYMBOL_WHY = ' (symbols cannot be cloned)';
const SYMBOL_KEY_WHY = ' (symbols cannot be cloned, as values or as keys: a copy would drop it)';
const PROXY_WHY = ' (a Proxy cannot be cloned; pass the plain data it stands for)';
const CLASS_WHY = ' (an object of a class that holds functions or a native handle cannot be sent; pass the data it holds)';
const OPAQUE_WHY =
  ' (its state is private to its class, so it would arrive as an empty object; pass what it holds as data, such as url.href, and build it again where it arrives)';
const HOST_WHY = ' (it holds a native handle or a host object that cannot be cloned)';

/** How an object was reached from its parent, to spell its path. */
const enum Via {
  Root,
  Property,
  Index,
  MapKey,
  MapValue,
  SetMember,
}

/** Plain data whose failure lies in what it holds, not in what it is. */
const CONTAINERS = new Set<unknown>([Object.prototype, Array.prototype, Map.prototype, Set.prototype, null]);

/**
 * Where a problem lies: a child of the visited object `at`, reached by `via` and `key`, or with
 * `via` Root the object itself. `reason` follows the path in the message: ` is a function f (...)`.
 */
interface Problem {
  at: number;
  via: Via;
  key: unknown;
  reason: string;
}

class Found {
  constructor(readonly problem: Problem) {}
}

/** @param path the root's name in messages: `args`, `result` */
export function inspect(root: unknown, path: string): Inspection {
  if (typeof root !== 'object' || root === null) {
    const why = childProblem(root);
    return why === undefined ? { depth: 0 } : { unshippable: `${path} is ${show(root)}${why}` };
  }
  try {
    return { depth: new Walk(false).run(root) };
  } catch (thrown) {
    if (thrown instanceof Found) return { unshippable: describeAgain(root, path, thrown.problem) };
    // A trap of a Proxy used as a prototype, or the like: still said as a refusal, never raw.
    return { unshippable: `${path} could not be read: reading it threw ${describeThrown(thrown)}` };
  }
}

/**
 * The first walk keeps no way back to the root, which costs a fifth of its time on every value;
 * once it found a problem, a second walk that keeps it finds the same one and names its path.
 */
function describeAgain(root: object, path: string, first: Problem): string {
  const walk = new Walk(true);
  try {
    walk.run(root);
  } catch (thrown) {
    if (thrown instanceof Found) return walk.describe(thrown.problem, path);
  }
  // Read again, the value answered otherwise (a getter that changes): no path to give.
  return `${path} holds a part that${first.reason}`;
}

/** Children a childless object may have and still be looked over again where it recurs, rather than remembered. */
const LEAF_RESCAN_MAX = 64;

/**
 * Depth-first, children in the order v8 writes them, so the depth found is the one v8 would
 * recurse to. Flat arrays rather than an object per step: the walk runs over every argument and
 * result, and must cost about what v8's own serialization does.
 */
class Walk {
  /** Whether to keep how each object was reached, to name a path. */
  readonly #tracked: boolean;
  /** Objects still to visit, with their depth; tracked, their parent (a visit index) and how they were reached. */
  readonly #stackValue: object[] = [];
  readonly #stackDepth: number[] = [];
  readonly #stackParent: number[] = [];
  readonly #stackVia: Via[] = [];
  readonly #stackKey: unknown[] = [];
  /**
   * Objects visited that hold objects (or many values): met again, they are not walked again,
   * which ends cycles and keeps shared parts from being walked once per path to them. A small
   * object holding only primitives is cheaper to look over again than to remember.
   */
  readonly #seen = new Set<object>();
  /** Tracked: every object visited, in order, with how it was reached. */
  readonly #visited: object[] = [];
  readonly #parentOf: number[] = [];
  readonly #viaOf: Via[] = [];
  readonly #keyOf: unknown[] = [];
  /** The object children of the object being visited, in order: the first #kidCount entries. */
  readonly #kids: object[] = [];
  readonly #kidVia: Via[] = [];
  readonly #kidKey: unknown[] = [];
  #kidCount = 0;
  /** How many values the object being visited holds. */
  #size = 0;

  constructor(tracked: boolean) {
    this.#tracked = tracked;
  }

  run(root: object): number {
    const values = this.#stackValue;
    const depths = this.#stackDepth;
    const tracked = this.#tracked;
    const seen = this.#seen;
    values.push(root);
    depths.push(1);
    if (tracked) this.#pushWay(-1, Via.Root, undefined);
    let deepest = 0;
    let at = -1;
    while (values.length > 0) {
      const value = values.pop()!;
      const depth = depths.pop()!;
      if (seen.has(value)) {
        if (tracked) this.#popWay();
        continue;
      }
      if (tracked) at = this.#recordWay(value);
      if (depth > deepest) deepest = depth;
      this.#kidCount = 0;
      this.#size = 0;
      this.#visit(value, at);
      // Marked when visited, not when pushed: an object reached first through a deeper path is
      // written there by v8, and its depth counts from there.
      if (this.#kidCount > 0 || this.#size > LEAF_RESCAN_MAX) seen.add(value);
      for (let i = this.#kidCount - 1; i >= 0; i--) {
        values.push(this.#kids[i]!);
        depths.push(depth + 1);
        if (tracked) this.#pushWay(at, this.#kidVia[i]!, this.#kidKey[i]);
      }
    }
    return deepest;
  }

  #pushWay(parent: number, via: Via, key: unknown): void {
    this.#stackParent.push(parent);
    this.#stackVia.push(via);
    this.#stackKey.push(key);
  }

  #popWay(): void {
    this.#stackParent.pop();
    this.#stackVia.pop();
    this.#stackKey.pop();
  }

  /** Moves how `value` was reached from the stack to the visited list; returns its visit index. */
  #recordWay(value: object): number {
    this.#parentOf.push(this.#stackParent.pop()!);
    this.#viaOf.push(this.#stackVia.pop()!);
    this.#keyOf.push(this.#stackKey.pop());
    return this.#visited.push(value) - 1;
  }

  /** Checks one object and lists its object children. */
  #visit(value: object, at: number): void {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- an internal signal, caught a few lines away, never seen by a user
    if (isProxy(value)) throw new Found({ at, via: Via.Root, key: undefined, reason: ` is a Proxy${PROXY_WHY}` });
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Object.prototype || prototype === null) return this.#visitProperties(value, at);
    if (Array.isArray(value)) return this.#visitItems(value, at);
    if (isMap(value)) {
      for (const [k, v] of Map.prototype.entries.call(value) as Iterable<[unknown, unknown]>) {
        this.#child(k, Via.MapKey, k, at);
        this.#child(v, Via.MapValue, k, at);
      }
    } else if (isSet(value)) {
      for (const member of Set.prototype.values.call(value) as Iterable<unknown>) this.#child(member, Via.SetMember, member, at);
    } else if (isClonedWhole(value)) {
      return;
    } else if (isBuiltIn(value)) {
      // A WeakMap, a Promise, a handle: only v8 can tell whether it clones.
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- an internal signal, caught a few lines away, never seen by a user
      if (!serializes(value)) throw new Found({ at, via: Via.Root, key: undefined, reason: ` is ${show(value)}${HOST_WHY}` });
    } else if (isOpaqueGlobal(value)) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- an internal signal, caught a few lines away, never seen by a user
      throw new Found({ at, via: Via.Root, key: undefined, reason: ` is ${show(value)}${OPAQUE_WHY}` });
    } else {
      // An object of a class: v8 copies its own properties, as a plain object.
      this.#visitProperties(value, at);
    }
  }

  // The loops below inline what #child does for an object child: they run once per property
  // of every value sent to or from a job.
  #visitProperties(value: object, at: number): void {
    checkSymbolKeys(value, at);
    const keys = Object.keys(value);
    this.#size = keys.length;
    const kids = this.#kids;
    let i = 0;
    try {
      for (; i < keys.length; i++) {
        const child = (value as Record<string, unknown>)[keys[i]!];
        if (typeof child === 'object') {
          if (child === null) continue;
          const k = this.#kidCount++;
          kids[k] = child;
          this.#kidVia[k] = Via.Property;
          this.#kidKey[k] = keys[i];
        } else if (typeof child === 'function' || typeof child === 'symbol') {
          this.#child(child, Via.Property, keys[i], at);
        }
      }
    } catch (thrown) {
      if (thrown instanceof Found) throw thrown;
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- an internal signal, caught a few lines away, never seen by a user
      throw new Found({ at, via: Via.Property, key: keys[i], reason: unreadable(thrown) });
    }
  }

  #visitItems(value: readonly unknown[], at: number): void {
    const kids = this.#kids;
    this.#size = value.length;
    let i = 0;
    try {
      for (; i < value.length; i++) {
        const child = value[i];
        if (typeof child === 'object') {
          if (child === null) continue;
          const k = this.#kidCount++;
          kids[k] = child;
          this.#kidVia[k] = Via.Index;
          this.#kidKey[k] = i;
        } else if (typeof child === 'function' || typeof child === 'symbol') {
          this.#child(child, Via.Index, i, at);
        }
      }
    } catch (thrown) {
      if (thrown instanceof Found) throw thrown;
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- an internal signal, caught a few lines away, never seen by a user
      throw new Found({ at, via: Via.Index, key: i, reason: unreadable(thrown) });
    }
  }

  #child(child: unknown, via: Via, key: unknown, at: number): void {
    this.#size++;
    if (typeof child === 'object') {
      if (child === null) return;
      const i = this.#kidCount++;
      this.#kids[i] = child;
      this.#kidVia[i] = via;
      this.#kidKey[i] = key;
      return;
    }
    const why = childProblem(child);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- an internal signal, caught a few lines away, never seen by a user
    if (why !== undefined) throw new Found({ at, via, key, reason: ` is ${show(child)}${why}` });
  }

  /**
   * The message for a problem found by a tracked walk. Inside an object of a class (a Socket, a
   * stream), the outermost such object is named: it is what the user passed, not some listener
   * deep inside it.
   */
  describe(problem: Problem, rootPath: string): string {
    let outermostInstance: number | undefined;
    for (let at = problem.at; at >= 0; at = this.#parentOf[at]!) {
      if (isClassInstance(this.#visited[at]!)) outermostInstance = at;
    }
    // The instance is itself the problem (a URL): its own reason says more than the general one.
    const itself = outermostInstance === problem.at && problem.via === Via.Root;
    if (outermostInstance !== undefined && !itself) {
      return `${this.#pathOf(outermostInstance, rootPath)} is ${show(this.#visited[outermostInstance])}${CLASS_WHY}`;
    }
    return `${this.#pathOf(problem.at, rootPath)}${step(problem.via, problem.key)}${problem.reason}`;
  }

  #pathOf(at: number, rootPath: string): string {
    const steps: string[] = [];
    for (let i = at; i >= 0; i = this.#parentOf[i]!) steps.push(step(this.#viaOf[i]!, this.#keyOf[i]));
    return rootPath + steps.reverse().join('');
  }
}

/** What is wrong with a value that is not an object; undefined when it travels. */
function childProblem(value: unknown): string | undefined {
  if (typeof value === 'function') return FUNCTION_WHY;
  if (typeof value === 'symbol') return SYMBOL_WHY;
  return undefined;
}

function unreadable(thrown: unknown): string {
  return ` could not be read: reading it threw ${describeThrown(thrown)}`;
}

/** A copy keeps only string keys: an enumerable symbol-keyed property would vanish silently. */
function checkSymbolKeys(value: object, at: number): void {
  const symbols = Object.getOwnPropertySymbols(value);
  if (symbols.length === 0) return;
  for (const symbol of symbols) {
    if (Object.prototype.propertyIsEnumerable.call(value, symbol)) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- an internal signal, caught a few lines away, never seen by a user
      throw new Found({ at, via: Via.Property, key: symbol, reason: ` is keyed by a symbol${SYMBOL_KEY_WHY}` });
    }
  }
}

/** Values v8 clones as one piece, whatever they hold: dates, regexps, binary data, errors, boxed primitives. */
function isClonedWhole(value: object): boolean {
  return ArrayBuffer.isView(value) || isAnyArrayBuffer(value) || isDate(value) || isRegExp(value) || isBoxedPrimitive(value) || isNativeError(value);
}

/** Values that v8, not a walk of ours, copies: no part of them is looked into. */
export function clonedByV8(value: object): boolean {
  return isClonedWhole(value) || isBuiltIn(value);
}

/** Made by the engine or Node itself (a WeakMap, a Promise), not by a JavaScript class. */
function isBuiltIn(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (CONTAINERS.has(prototype)) return false;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a value of the user's, whatever its type
  const constructor = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
  return typeof constructor === 'function' && Function.prototype.toString.call(constructor).endsWith('{ [native code] }');
}

/**
 * An object of a global class (URL, URLSearchParams, Headers, AbortController...) that keeps all
 * its state in private fields: v8 copies own properties only, so it would clone to `{}` silently.
 */
function isOpaqueGlobal(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  const constructor: unknown = prototype === null ? undefined : Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
  if (typeof constructor !== 'function' || !constructor.name) return false;
  return (globalThis as Record<string, unknown>)[constructor.name] === constructor && Reflect.ownKeys(value).length === 0;
}

/** An instance of a class of the user's or a library's: the culprit itself, not some part inside it. */
function isClassInstance(value: object): boolean {
  if (isProxy(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return !CONTAINERS.has(prototype) && !isBuiltIn(value) && !isClonedWhole(value);
}

function serializes(value: object): boolean {
  try {
    serialize(value);
    return true;
  } catch {
    return false;
  }
}

function step(via: Via, key: unknown): string {
  switch (via) {
    case Via.Root:
      return '';
    case Via.Index:
      return `[${String(key)}]`;
    case Via.Property:
      return typeof key === 'symbol' ? `[${key.toString()}]` : `.${String(key)}`;
    case Via.MapKey:
      return `[map key ${show(key)}]`;
    case Via.MapValue:
      return `.get(${show(key)})`;
    case Via.SetMember:
      return '[set member]';
  }
}
