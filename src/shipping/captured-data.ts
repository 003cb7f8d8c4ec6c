/**
 * Which captured values are data: values a structured clone carries without changing what they
 * are (numbers, strings, plain objects and arrays, Map, Set, Date, typed arrays, ...). An object
 * of a class is not: a clone would arrive as a plain object, without its class, its private
 * fields or the native handle it may hold, so it is never treated as data.
 */

const ERROR_PROTOTYPES = new Set<object>(
  [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError, AggregateError].map((type) => type.prototype),
);

/** Objects a structured clone carries as what they are, by their exact prototype (a subclass's would be lost). */
const CLONED_AS_THEMSELVES = new Set<object>([Date, RegExp, ArrayBuffer, SharedArrayBuffer, DataView, Boolean, Number, String].map((type) => type.prototype));

/** An array, or an object made by `{}` or `Object.create(null)`. */
export function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return (prototype === Object.prototype || prototype === null) && !isModuleNamespace(value);
}

export function isModuleNamespace(value: object): boolean {
  return Object.prototype.toString.call(value) === '[object Module]';
}

/** Is the value, and everything it holds, data? Iterative, so deep or huge values are fine. */
export function isData(value: unknown): boolean {
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'function' || typeof item === 'symbol') return false;
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        const member: unknown = item[i];
        if (typeof member === 'object' || typeof member === 'function' || typeof member === 'symbol') pending.push(member);
      }
      continue;
    }
    const prototype = Object.getPrototypeOf(item) as object | null;
    if (prototype === Map.prototype) {
      for (const [key, member] of item as Map<unknown, unknown>) pending.push(key, member);
    } else if (prototype === Set.prototype) {
      for (const member of item as Set<unknown>) pending.push(member);
    } else if (isPlainContainer(item) || ERROR_PROTOTYPES.has(prototype!)) {
      for (const key of Object.keys(item)) pending.push((item as Record<string, unknown>)[key]);
    } else if (!ArrayBuffer.isView(item) && !CLONED_AS_THEMSELVES.has(prototype!)) {
      return false;
    }
  }
  return true;
}

/** A nimbus Cloud (of any copy of nimbus loaded in this thread): recognised by its class's shape. */
export function isCloudClient(value: object): boolean {
  for (
    let prototype = Object.getPrototypeOf(value) as Record<string, unknown> | null;
    prototype;
    prototype = Object.getPrototypeOf(prototype) as Record<string, unknown> | null
  ) {
    const constructor = prototype.constructor as Function | undefined;
    if (constructor?.name === 'Cloud' && ['call', 'map', 'result', 'iresult', 'with'].every((name) => name in prototype)) return true;
  }
  return false;
}
