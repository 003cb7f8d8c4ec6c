/**
 * A function in a form that can cross a thread and be rebuilt there: plain data only (what
 * v8.serialize and postMessage carry), never a live object of the sending thread.
 *
 * The function and everything it reaches (its free variables, theirs, and so on) form a graph of
 * nodes, each stored once; nodes refer to each other by index, so cycles (mutually recursive
 * functions, a function that names itself) and shared values need nothing special.
 */

export interface ShippedFunction {
  /** Unique across threads (nanoid), so a thread rebuilds each shipped function once. */
  readonly id: string;
  /** The function's own name, '' when anonymous; shown by `info().fn`. */
  readonly name: string;
  /** Index in `nodes` of the function itself. */
  readonly root: number;
  readonly nodes: readonly ShippedNode[];
  /**
   * v8.serialize of the array of every captured data value; a `data` node is an index into it.
   * One blob, so two variables holding the same object still hold one object after the trip.
   */
  readonly data: Uint8Array | undefined;
}

/** A node's references to other nodes: `[variable name, node index]`. */
export type Bindings = readonly (readonly [string, number])[];

export type ShippedNode =
  SourceNode | BoundNode | ImportNode | ImporterNode | DataNode | PrimitiveNode | ObjectNode | GlobalNode | RegisteredSymbolNode | CloudNode;

/** A function or class shipped by value: its source, evaluated where its free variables are bound. */
export interface SourceNode {
  readonly kind: 'source';
  readonly name: string;
  /** A JavaScript expression that evaluates to the function or class. */
  readonly expression: string;
  /** Whether the code was strict where it was written (an ES module, a class, 'use strict'). */
  readonly strict: boolean;
  /** The URL of the module it was written in, for `import()` inside it; undefined when unknown. */
  readonly module: string | undefined;
  readonly bindings: Bindings;
  /** Where its text is in the file it was written in, so that rebuilt it reports that file's lines; absent when unknown. */
  readonly origin?: SourceOrigin | undefined;
}

/** Where a shipped function's text was written: its stack frames and breakpoints name that place. */
export interface SourceOrigin {
  /** The script's name as its own frames show it: a file URL for a module, a path for CommonJS. */
  readonly url: string;
  /** The position of the text's first character, 0-based. */
  readonly line: number;
  readonly column: number;
  /** Where the text starts in `expression` (after the wrapper that makes it an expression). */
  readonly textStart: number;
  /** The script's source map (a file URL or a data: URL), when it names one: frames are mapped through it (TypeScript). */
  readonly sourceMap: string | undefined;
}

/** `target.bind(thisArg, ...args)`. */
export interface BoundNode {
  readonly kind: 'bound';
  readonly target: number;
  readonly thisArg: number;
  readonly args: readonly number[];
}

/** An export of a module the receiving thread imports itself: `name` is an export, 'default', or '*' for the namespace. */
export interface ImportNode {
  readonly kind: 'import';
  readonly url: string;
  readonly name: string;
  /** Import attributes (`with { type: 'json' }`), when the original import had some. */
  readonly attributes: Readonly<Record<string, string>> | undefined;
}

/** What `import(specifier)` means inside shipped code: resolved against the module it was written in. */
export interface ImporterNode {
  readonly kind: 'importer';
  readonly module: string | undefined;
}

/** A value that travels by structured clone: index into ShippedFunction.data. */
export interface DataNode {
  readonly kind: 'data';
  readonly index: number;
}

export interface PrimitiveNode {
  readonly kind: 'primitive';
  readonly value: null | undefined | boolean | number | string | bigint;
}

/** A plain object or array some of whose members are not data (functions, imports, ...). */
export interface ObjectNode {
  readonly kind: 'object';
  readonly array: boolean;
  readonly entries: Bindings;
}

/** A value every thread has under the same name: `Math.max`, `Symbol.iterator`, `JSON`. */
export interface GlobalNode {
  readonly kind: 'global';
  readonly path: readonly string[];
}

/** `Symbol.for(key)`. */
export interface RegisteredSymbolNode {
  readonly kind: 'symbol';
  readonly key: string;
}

/** The nimbus client: in a job, the job's own client of the same runtime. */
export interface CloudNode {
  readonly kind: 'cloud';
}
