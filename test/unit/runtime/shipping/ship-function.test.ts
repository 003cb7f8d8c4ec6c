/**
 * What a function must be to travel to a job. Each shipped function is rebuilt here the way a
 * worker rebuilds it (FunctionCache), so "ships" means "comes back and runs".
 */
import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../../src/errors.js';
import { FunctionCache, type JobFunction } from '../../../../src/runtime/shipping/rebuild-function.js';
import { CLOUD_BINDING, shipFunction } from '../../../../src/runtime/shipping/ship-function.js';

/** What the name `cloud` means inside a rebuilt function: here, a marker to recognise. */
const JOB_CLOUD = { isJobCloud: true };

/** Ships `fn` and rebuilds it as a worker would. */
function travel(fn: Function): JobFunction {
  return new FunctionCache(JOB_CLOUD).rebuild(shipFunction(fn));
}

function refusalOf(fn: Function): string {
  try {
    shipFunction(fn);
  } catch (error) {
    expect(error).toBeInstanceOf(CloudError);
    return (error as Error).message;
  }
  throw new Error('expected shipFunction to refuse the function');
}

declare const cloud: typeof JOB_CLOUD;

describe('forms of functions that ship', () => {
  it('an arrow function', () => {
    expect(travel((x: number, y: number) => x + y)(1, 2)).toBe(3);
  });

  it('an async function', async () => {
    const double = async (x: number) => x * 2;
    expect(await travel(double)(21)).toBe(42);
  });

  it('a function declaration, keeping its name', () => {
    function multiply(x: number, y: number) { return x * y; }
    expect(shipFunction(multiply).name).toBe('multiply');
    expect(travel(multiply)(6, 7)).toBe(42);
  });

  it('a method written in shorthand', () => {
    const shapes = { area(w: number, h: number) { return w * h; } };
    expect(shipFunction(shapes.area).name).toBe('area');
    expect(travel(shapes.area)(3, 4)).toBe(12);
  });

  it('a class method', () => {
    class Circle { scale(x: number) { return x * 10; } }
    expect(travel(Circle.prototype.scale)(2)).toBe(20);
  });

  it('a generator function and a generator method', () => {
    function* count(n: number) { for (let i = 0; i < n; i++) yield i; }
    const helpers = { *pairs(n: number) { yield [n, n]; } };
    expect([...(travel(count)(3) as Iterable<number>)]).toEqual([0, 1, 2]);
    expect([...(travel(helpers.pairs)(1) as Iterable<number[]>)]).toEqual([[1, 1]]);
  });

  it('an async generator function', async () => {
    async function* ticks() { yield 1; yield 2; }
    const out: number[] = [];
    for await (const tick of travel(ticks)() as AsyncIterable<number>) out.push(tick);
    expect(out).toEqual([1, 2]);
  });

  it('default, rest and destructured parameters', () => {
    const fn = (a = 1, { b, c: [d] }: { b: number; c: number[] } = { b: 2, c: [3] }, ...rest: number[]) => a + b + d + rest.length;
    expect(travel(fn)()).toBe(6);
    expect(travel(fn)(10, { b: 20, c: [30] }, 0, 0)).toBe(62);
  });

  it('a function with its own local variables, inner functions, labels and catch bindings', () => {
    function busy(n: number) {
      const factor = 2;
      const inner = (x: number) => x * factor;
      let total = 0;
      outer: for (let i = 0; i < n; i++) {
        for (;;) { total += inner(i); continue outer; }
      }
      try { JSON.parse('{'); } catch (e) { total += e instanceof SyntaxError ? 100 : 0; }
      return total;
    }
    expect(travel(busy)(3)).toBe(106);
  });

  it('a function that reads its own arguments object', () => {
    function count() { return arguments.length; }
    expect(travel(count)(1, 2, 3)).toBe(3);
  });
});

describe('free variables', () => {
  it('refuses a function that reads a variable from outside, naming it', () => {
    const factor = 3;
    const scaled = (x: number) => x * factor;
    expect(refusalOf(scaled)).toBe(
      "cannot ship function scaled: it uses 'factor' from outside the function; a job sees only its own code, its arguments and the globals (pass it as an argument)",
    );
  });

  it('names every variable from outside', () => {
    const offset = 1;
    const factor = 2;
    const message = refusalOf(function transform(x: number) { return x * factor + offset; });
    expect(message).toMatch(/^cannot ship function transform: it uses '(factor|offset)', '(factor|offset)' from outside/);
    expect(message).toContain("'factor'");
    expect(message).toContain("'offset'");
    expect(message).toContain('(pass them as arguments)');
  });

  it('names a variable read only by a default parameter', () => {
    const fallback = 5;
    expect(refusalOf((x = fallback) => x)).toContain("it uses 'fallback' from outside the function");
  });

  it('calls an anonymous function (anonymous)', () => {
    const limit = 1;
    expect(refusalOf([(x: number) => x < limit][0]!)).toMatch(/^cannot ship function \(anonymous\): it uses 'limit'/);
  });

  it('allows the globals of JavaScript and Node', () => {
    const usesGlobals = async (text: string) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      console.debug(process.pid);
      return JSON.stringify({ n: Math.max(1, 2), b: Buffer.from(text).length, u: new URL('http://x/').host, ok: Number.isFinite(NaN) || Infinity > 0 || undefined === void 0 });
    };
    expect(() => shipFunction(usesGlobals)).not.toThrow();
  });

  it('allows `cloud`, which means the job’s own client', () => {
    expect(CLOUD_BINDING).toBe('cloud');
    expect(travel(() => cloud.isJobCloud)()).toBe(true);
  });
});

describe('functions whose source cannot be read', () => {
  it('refuses a bound function', () => {
    function greet() { return 'hi'; }
    expect(refusalOf(greet.bind(null))).toBe(
      'cannot ship function bound greet: it is a bound function, whose source JavaScript cannot read; wrap it in an arrow function that calls it',
    );
  });

  it('refuses a native function', () => {
    expect(refusalOf(Math.max)).toBe(
      'cannot ship function max: it is a native function, whose source JavaScript cannot read; wrap it in an arrow function that calls it',
    );
  });

  it('refuses an accessor or a symbol-keyed method, or ships it as itself', () => {
    const getter = Object.getOwnPropertyDescriptor({ get total() { return 3; } }, 'total')!.get!;
    const iterate = { [Symbol.iterator]() { return 4; } }[Symbol.iterator];
    for (const fn of [getter, iterate]) {
      let rebuilt: unknown;
      try {
        rebuilt = travel(fn);
      } catch (error) {
        expect(error).toBeInstanceOf(CloudError);
        continue;
      }
      expect(typeof rebuilt).toBe('function');
    }
  });
});

describe('the cache', () => {
  it('ships a function object once: the same object gives the same shipped function and id', () => {
    const fn = (x: number) => x;
    const first = shipFunction(fn);
    expect(shipFunction(fn)).toBe(first);
    expect(shipFunction(fn).id).toBe(first.id);
  });

  it('gives another function object its own id, even with the same source', () => {
    const make = () => (x: number) => x;
    expect(shipFunction(make()).id).not.toBe(shipFunction(make()).id);
  });

  it('refuses a refused function again on every call', () => {
    const outside = 1;
    const fn = () => outside;
    expect(() => shipFunction(fn)).toThrow(CloudError);
    expect(() => shipFunction(fn)).toThrow(CloudError);
  });
});
