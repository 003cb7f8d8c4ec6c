import cloud, { type Jid } from '@nimbus-js/nimbus';
import { describe, expectTypeOf, it } from 'vitest';

// These assertions are checked by `tsc -p tsconfig.test.json` (part of npm test); at run time
// they only run the jobs.
describe('Jid<R> carries the result type', () => {
  it('result of a call is typed by the function', async () => {
    const add = (x: number, y: number) => x + y;
    const sum = await cloud.result(await cloud.call(add, 1, 2));
    expectTypeOf(sum).toEqualTypeOf<number>();
    expectTypeOf(await cloud.call(add, 1, 2)).toEqualTypeOf<Jid<number>>();
  });

  it('async functions give the awaited type, generators an array of what they yield', async () => {
    const text = await cloud.result(await cloud.call(async (s: string) => s.toUpperCase(), 'a'));
    expectTypeOf(text).toEqualTypeOf<string>();
    const items = await cloud.result(
      await cloud.call(function* gen(n: number) {
        yield n;
        yield n + 1;
      }, 1),
    );
    expectTypeOf(items).toEqualTypeOf<number[]>();
  });

  it('map gives a list of jids and result a list of values', async () => {
    const jids = await cloud.map((x: number, y: string) => `${x}${y}`, [1], ['a']);
    expectTypeOf(jids).toEqualTypeOf<Jid<string>[]>();
    expectTypeOf(await cloud.result(jids)).toEqualTypeOf<string[]>();
  });

  it('a jid read back from a database as a plain number is accepted', async () => {
    const stored: number = await cloud.call(() => 1);
    expectTypeOf(await cloud.status(stored)).toEqualTypeOf<import('@nimbus-js/nimbus').JobStatus>();
  });
});
