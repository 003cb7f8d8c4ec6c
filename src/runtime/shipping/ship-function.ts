/**
 * Makes a function shippable: its source, checked once per function object. A function that
 * reads a variable from outside itself is refused here, at `call` time, naming the variable,
 * never as a ReferenceError inside the worker.
 */
import { nanoid } from 'nanoid';
import { errors } from '../../errors.js';
import type { ShippedFunction } from '../../types/shipped-function.js';
import { collectFreeVariables } from './free-variables.js';
import { readFunctionSource } from './function-source.js';

/** The name a shipped function may use for the job's own client, to start jobs. */
export const CLOUD_BINDING = 'cloud';

/** Names every function may read: resolved by the language itself, not by scope. */
const ALWAYS_AVAILABLE = new Set(['arguments', 'undefined', 'NaN', 'Infinity', CLOUD_BINDING]);

const shipped = new WeakMap<Function, ShippedFunction>();

export function shipFunction(fn: Function): ShippedFunction {
  let result = shipped.get(fn);
  if (!result) {
    result = analyseFunction(fn);
    shipped.set(fn, result);
  }
  return result;
}

function analyseFunction(fn: Function): ShippedFunction {
  const text = Function.prototype.toString.call(fn);
  const name = fn.name;
  if (text.endsWith('{ [native code] }')) {
    const what = name.startsWith('bound ') ? 'a bound function' : 'a native function';
    throw errors.unshippableFunction(name, `it is ${what}, whose source JavaScript cannot read; wrap it in an arrow function that calls it`);
  }
  const source = readFunctionSource(text, name);
  if (source === 'accessor') throw errors.unshippableFunction(name, 'getters, setters and methods with computed names cannot be shipped; wrap the call in an arrow function');
  if (!source) throw errors.unshippableFunction(name, 'its source could not be parsed as JavaScript');
  const outside = collectFreeVariables(source.ast).filter((variable) => !isAvailableInJobs(variable));
  if (outside.length > 0) {
    const list = outside.map((v) => `'${v}'`).join(', ');
    const advice = outside.length > 1 ? 'pass them as arguments' : 'pass it as an argument';
    throw errors.unshippableFunction(name, `it uses ${list} from outside the function; a job sees only its own code, its arguments and the globals (${advice})`);
  }
  return { id: nanoid(), name, source: source.expression };
}

function isAvailableInJobs(variable: string): boolean {
  return ALWAYS_AVAILABLE.has(variable) || variable in globalThis;
}
