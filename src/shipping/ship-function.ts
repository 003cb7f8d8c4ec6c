/**
 * Makes a function shippable, once per function object: its source and everything it reaches,
 * captured at the first `call` or `map` that ships it (later changes to the values it closes
 * over are not seen: they are a snapshot). What cannot ship is refused here, naming the variable
 * at fault, never as a ReferenceError inside a worker.
 */
import { nanoid } from 'nanoid';
import { errors } from '../errors.js';
import type { ShippedFunction } from '../types/shipped-function.js';
import { Capture, Refusal } from './capture.js';
import { withInspector } from './scope-reader.js';

export { CLOUD_BINDING } from './capture.js';

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
  try {
    const result = withInspector((inspector): ShippedFunction => {
      const capture = new Capture(inspector);
      const root = capture.function(fn, '');
      const data = capture.serializeData();
      return { id: nanoid(), name: fn.name, root, nodes: capture.nodes, data };
    });
    if (!result) throw new Refusal(undefined, 'this Node.js has no inspector (node:inspector), which nimbus needs to read the variables a function uses');
    return result;
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    throw errors.unshippableFunction(fn.name, error.message);
  }
}
