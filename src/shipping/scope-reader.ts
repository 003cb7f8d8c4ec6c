/**
 * Reads what JavaScript itself cannot: the variables a function closes over (`[[Scopes]]`), the
 * script it was written in (`[[FunctionLocation]]`), a bound function's parts. Through
 * node:inspector, connected to this very thread, whose answers come back synchronously. It only
 * reads: it never pauses the thread, and the Debugger domain (needed to name a script) is on only
 * for the moment of one look-up, so no `debugger` statement can ever stop on it.
 */
import { createRequire } from 'node:module';
import type { Runtime, Session } from 'node:inspector';

/** Everything the inspector hands out during one analysis; released together at its end. */
const OBJECT_GROUP = 'nimbus-shipping';
/** Where a value waits on the global object while it crosses between JavaScript and the inspector. */
const STASH = '__nimbusShippingStash';

export interface ScopeView {
  /** 'Closure', 'Block', 'Module', 'Script', 'Catch', 'With', 'Eval', 'Local'. */
  readonly type: string;
  /** Is this the outermost scope before the global one (a module's own, or a script's top)? */
  readonly outermost: boolean;
  variables(): Map<string, Runtime.RemoteObject>;
}

export interface FunctionFacts {
  readonly scriptId: string | undefined;
  /** Where the function is in its script (0-based), as V8 tells it: at or just after the start of its text. */
  readonly location?: { readonly line: number; readonly column: number } | undefined;
  /** Innermost first, without the global scope; read on first use. */
  scopes(): readonly ScopeView[];
  readonly bound: { target: Function; thisArg: unknown; args: unknown[] } | undefined;
}

export interface ScriptFacts {
  readonly url: string;
  readonly isModule: boolean;
  /** The script's text, as this thread runs it (after any loader transformed it). */
  readonly source: string;
}

export interface FoundVariable {
  readonly value: unknown;
  readonly scope: ScopeView;
}

/** The scripts of this thread seen so far: from a script id to its URL and kind. */
const scriptsSeen = new Map<string, { url: string; isModule: boolean }>();

let session: Session | undefined | null;

/** Runs `body` with an inspector; undefined when this Node has none (built without it). */
export function withInspector<T>(body: (inspector: FunctionInspector) => T): T | undefined {
  const connected = connect();
  if (!connected) return undefined;
  const inspector = new FunctionInspector(connected);
  try {
    return body(inspector);
  } finally {
    inspector.release();
  }
}

function connect(): Session | undefined {
  if (session === undefined) {
    try {
      const inspector = createRequire(import.meta.url)('node:inspector') as typeof import('node:inspector');
      session = new inspector.Session();
      session.connect();
      session.on('Debugger.scriptParsed', ({ params }) => {
        scriptsSeen.set(params.scriptId, { url: params.url, isModule: params.isModule === true });
      });
    } catch {
      session = null;
    }
  }
  return session ?? undefined;
}

export class FunctionInspector {
  readonly #session: Session;
  #global: string | undefined;

  constructor(connected: Session) {
    this.#session = connected;
  }

  describe(fn: Function): FunctionFacts {
    const remote = this.#remoteOf(fn);
    const { internalProperties = [] } = this.#post<Runtime.GetPropertiesReturnType>('Runtime.getProperties', {
      objectId: remote.objectId,
      ownProperties: true,
    });
    const internal = new Map(internalProperties.map((property) => [property.name, property.value]));
    const target = internal.get('[[TargetFunction]]');
    if (target) {
      const [targetFn, thisArg, args] = this.valuesOf([target, internal.get('[[BoundThis]]')!, internal.get('[[BoundArgs]]')!]);
      return { scriptId: undefined, scopes: () => [], bound: { target: targetFn as Function, thisArg, args: args as unknown[] } };
    }
    const location = internal.get('[[FunctionLocation]]')?.value as { scriptId: string; lineNumber: number; columnNumber: number } | undefined;
    const scopesRemote = internal.get('[[Scopes]]');
    let scopes: ScopeView[] | undefined;
    return {
      scriptId: location?.scriptId,
      location: location && { line: location.lineNumber, column: location.columnNumber },
      scopes: () => (scopes ??= scopesRemote ? this.#scopes(scopesRemote) : []),
      bound: undefined,
    };
  }

  /** The innermost scope that declares `name`, and its value there. */
  lookup(facts: FunctionFacts, name: string): FoundVariable | undefined {
    for (const scope of facts.scopes()) {
      const remote = scope.variables().get(name);
      if (remote) return { value: this.valuesOf([remote])[0], scope };
    }
    return undefined;
  }

  /** The script with this id; the Debugger domain is on only while it answers. */
  script(scriptId: string): ScriptFacts {
    this.#post('Debugger.enable', {});
    try {
      const { scriptSource } = this.#post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId });
      const seen = scriptsSeen.get(scriptId);
      return { url: seen?.url ?? '', isModule: seen?.isModule ?? false, source: scriptSource };
    } finally {
      this.#post('Debugger.disable', {});
    }
  }

  /** Brings remote objects back as the JavaScript values they are, in one round trip. */
  valuesOf(remotes: readonly Runtime.RemoteObject[]): unknown[] {
    const args = remotes.map((remote): Runtime.CallArgument => {
      if (remote.objectId) return { objectId: remote.objectId };
      if (remote.unserializableValue) return { unserializableValue: remote.unserializableValue };
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a value of the user's, whatever its type
      return remote.type === 'undefined' ? {} : { value: remote.value };
    });
    this.#post('Runtime.callFunctionOn', {
      objectId: this.#globalObject(),
      functionDeclaration: `function (...values) { this.${STASH} = values; }`,
      arguments: args,
    });
    const values = (globalThis as Record<string, unknown>)[STASH] as unknown[];
    delete (globalThis as Record<string, unknown>)[STASH];
    return values;
  }

  release(): void {
    this.#post('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP });
  }

  #scopes(remote: Runtime.RemoteObject): ScopeView[] {
    const { result } = this.#post<Runtime.GetPropertiesReturnType>('Runtime.getProperties', { objectId: remote.objectId, ownProperties: true });
    const entries = result.filter((entry) => /^\d+$/.test(entry.name) && entry.value?.objectId && entry.value.description !== 'Global');
    return entries.map((entry, i) => this.#scopeView(entry.value!, i === entries.length - 1));
  }

  #scopeView(remote: Runtime.RemoteObject, outermost: boolean): ScopeView {
    let variables: Map<string, Runtime.RemoteObject> | undefined;
    const type = (remote.description ?? '').split(' ')[0]!;
    return {
      type,
      outermost,
      variables: () => {
        if (!variables) {
          const { result } = this.#post<Runtime.GetPropertiesReturnType>('Runtime.getProperties', { objectId: remote.objectId, ownProperties: true });
          variables = new Map(result.filter((entry) => entry.value).map((entry) => [entry.name, entry.value!]));
        }
        return variables;
      },
    };
  }

  #remoteOf(value: unknown): Runtime.RemoteObject {
    (globalThis as Record<string, unknown>)[STASH] = value;
    try {
      return this.#post<Runtime.EvaluateReturnType>('Runtime.evaluate', { expression: `globalThis.${STASH}`, objectGroup: OBJECT_GROUP }).result;
    } finally {
      delete (globalThis as Record<string, unknown>)[STASH];
    }
  }

  #globalObject(): string {
    this.#global ??= this.#post<Runtime.EvaluateReturnType>('Runtime.evaluate', { expression: 'globalThis', objectGroup: OBJECT_GROUP }).result.objectId!;
    return this.#global;
  }

  #post<T = unknown>(method: string, params: object): T {
    let answer: T | undefined;
    let failure: Error | null = null;
    this.#session.post(method, params, (error: Error | null, result: unknown) => {
      failure = error;
      answer = result as T;
    });
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- an internal signal, caught a few lines away, never seen by a user
    if (failure) throw failure;
    if (answer === undefined) throw new Error(`nimbus internal error: the inspector did not answer ${method} at once`);
    return answer;
  }
}
