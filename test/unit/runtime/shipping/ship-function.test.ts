/**
 * What a function must be to travel to a job. Each shipped function is rebuilt here the way a
 * worker rebuilds it (FunctionCache), so "ships" means "comes back and runs".
 */
import { describe, expect, it } from 'vitest';
import { CloudError } from '../../../../src/errors.js';
import { FunctionCache, type JobFunction } from '../../../../src/shipping/rebuild-function.js';
import { CLOUD_BINDING, shipFunction } from '../../../../src/shipping/ship-function.js';

/** What the name `cloud` means inside a rebuilt function: here, a marker to recognise. */
const JOB_CLOUD = { isJobCloud: true };

/** Ships `fn` and rebuilds it as a worker would. */
function travel(fn: Function): Promise<JobFunction> {
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
  it('an arrow function', async () => {
    expect((await travel((x: number, y: number) => x + y))(1, 2)).toBe(3);
  });

  it('an async function', async () => {
    const double = async (x: number) => x * 2;
    expect(await (await travel(double))(21)).toBe(42);
  });

  it('a function declaration, keeping its name', async () => {
    function multiply(x: number, y: number) {
      return x * y;
    }
    expect(shipFunction(multiply).name).toBe('multiply');
    expect((await travel(multiply))(6, 7)).toBe(42);
  });

  it('a method written in shorthand', async () => {
    const shapes = {
      area(w: number, h: number) {
        return w * h;
      },
    };
    expect(shipFunction(shapes.area).name).toBe('area');
    expect((await travel(shapes.area))(3, 4)).toBe(12);
  });

  it('a class method', async () => {
    class Circle {
      scale(x: number) {
        return x * 10;
      }
    }
    expect((await travel(Circle.prototype.scale))(2)).toBe(20);
  });

  it('a generator function and a generator method', async () => {
    function* count(n: number) {
      for (let i = 0; i < n; i++) yield i;
    }
    const helpers = {
      *pairs(n: number) {
        yield [n, n];
      },
    };
    expect([...((await travel(count))(3) as Iterable<number>)]).toEqual([0, 1, 2]);
    expect([...((await travel(helpers.pairs))(1) as Iterable<number[]>)]).toEqual([[1, 1]]);
  });

  it('an async generator function', async () => {
    async function* ticks() {
      yield 1;
      yield 2;
    }
    const out: number[] = [];
    for await (const tick of (await travel(ticks))() as AsyncIterable<number>) out.push(tick);
    expect(out).toEqual([1, 2]);
  });

  it('default, rest and destructured parameters', async () => {
    const fn = (a = 1, { b, c: [d] }: { b: number; c: [number] } = { b: 2, c: [3] }, ...rest: number[]) => a + b + d + rest.length;
    expect((await travel(fn))()).toBe(6);
    expect((await travel(fn))(10, { b: 20, c: [30] }, 0, 0)).toBe(62);
  });

  it('a function with its own local variables, inner functions, labels and catch bindings', async () => {
    function busy(n: number) {
      const factor = 2;
      const inner = (x: number) => x * factor;
      let total = 0;
      outer: for (let i = 0; i < n; i++) {
        for (;;) {
          total += inner(i);
          continue outer;
        }
      }
      try {
        JSON.parse('{');
      } catch (e) {
        total += e instanceof SyntaxError ? 100 : 0;
      }
      return total;
    }
    expect((await travel(busy))(3)).toBe(106);
  });

  it('a function that reads its own arguments object', async () => {
    function count() {
      return arguments.length;
    }
    expect((await travel(count))(1, 2, 3)).toBe(3);
  });
});

describe('free variables', () => {
  it('captures a variable from outside by value', async () => {
    const factor = 3;
    const scaled = (x: number) => x * factor;
    expect((await travel(scaled))(2)).toBe(6);
  });

  it('captures every variable from outside, and one read only by a default parameter', async () => {
    const offset = 1;
    const factor = 2;
    const fallback = 5;
    expect(
      (
        await travel(function transform(x: number = fallback) {
          return x * factor + offset;
        })
      )(),
    ).toBe(11);
  });

  it('refuses a variable that cannot ship, naming it, and (anonymous) for an anonymous function', async () => {
    const limit = Symbol('limit');
    expect(refusalOf([() => limit][0]!)).toMatch(/^cannot ship function \(anonymous\): 'limit' is Symbol\(limit\), a symbol of this thread only/);
  });

  it('leaves the globals of JavaScript and Node alone', async () => {
    const usesGlobals = async (text: string) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      return JSON.stringify({
        n: Math.max(1, 2),
        b: Buffer.from(text).length,
        u: new URL('http://x/').host,
        // eslint-disable-next-line no-constant-binary-expression -- a constant expression is the case under test
        ok: Number.isFinite(NaN) || Infinity > 0 || undefined === void 0,
      });
    };
    expect(shipFunction(usesGlobals).nodes).toHaveLength(1);
    expect(await (await travel(usesGlobals))('ab')).toBe('{"n":2,"b":2,"u":"x","ok":true}');
  });

  it('allows `cloud`, which means the job’s own client', async () => {
    expect(CLOUD_BINDING).toBe('cloud');
    expect((await travel(() => cloud.isJobCloud))()).toBe(true);
  });
});

describe('functions without a source of their own', () => {
  it('ships a bound function as its target and bound arguments', async () => {
    function greet(this: { who: string }, greeting: string) {
      return `${greeting}, ${this.who}`;
    }
    expect((await travel(greet.bind({ who: 'ada' }, 'hi')))()).toBe('hi, ada');
  });

  it('ships a native function every thread has by its name', async () => {
    expect(shipFunction(Math.max).nodes[0]).toEqual({ kind: 'global', path: ['Math', 'max'] });
    expect((await travel(Math.max))(1, 5)).toBe(5);
  });

  it('refuses an accessor or a symbol-keyed method, or ships it as itself', async () => {
    const getter = Object.getOwnPropertyDescriptor(
      {
        get total() {
          return 3;
        },
      },
      'total',
    )!.get!;
    const iterate = {
      [Symbol.iterator]() {
        return 4;
      },
    }[Symbol.iterator];
    for (const fn of [getter, iterate]) {
      let rebuilt: unknown;
      try {
        rebuilt = await travel(fn);
      } catch (error) {
        expect(error).toBeInstanceOf(CloudError);
        continue;
      }
      expect(typeof rebuilt).toBe('function');
    }
  });
});

describe('the cache', () => {
  it('ships a function object once: the same object gives the same shipped function and id', async () => {
    const fn = (x: number) => x;
    const first = shipFunction(fn);
    expect(shipFunction(fn)).toBe(first);
    expect(shipFunction(fn).id).toBe(first.id);
  });

  it('gives another function object its own id, even with the same source', async () => {
    const make = () => (x: number) => x;
    expect(shipFunction(make()).id).not.toBe(shipFunction(make()).id);
  });

  it('refuses a refused function again on every call', async () => {
    const outside = Symbol('outside');
    const fn = () => outside;
    expect(() => shipFunction(fn)).toThrow(CloudError);
    expect(() => shipFunction(fn)).toThrow(CloudError);
  });
});
