import cloud, { type CloudException, type Jid, type JobInfo } from '@nimbus-js/nimbus';
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

describe('mixed lists of jids and picked info fields', () => {
  it('result of a tuple of jids is a tuple of their result types', async () => {
    const a = await cloud.call((x: number) => x + 1, 1);
    const b = await cloud.call((s: string) => s.length > 0, 'x');
    const c = await cloud.call(async () => 'text');
    const [n, ok, text] = await cloud.result([a, b, c]);
    expectTypeOf(n).toEqualTypeOf<number>();
    expectTypeOf(ok).toEqualTypeOf<boolean>();
    expectTypeOf(text).toEqualTypeOf<string>();
    expectTypeOf(await cloud.result([a, b])).toEqualTypeOf<[number, boolean]>();
  });

  it('with ignoreErrors: true each slot may hold the CloudException', async () => {
    const a = await cloud.call((x: number) => x + 1, 1);
    const b = await cloud.call((s: string) => s, 'x');
    expectTypeOf(await cloud.result([a, b], { ignoreErrors: true })).toEqualTypeOf<[number | CloudException, string | CloudException]>();
    expectTypeOf(await cloud.result(a, { ignoreErrors: true })).toEqualTypeOf<number | CloudException>();
    const many = await cloud.map((x: number) => x, [1, 2]);
    expectTypeOf(await cloud.result(many, { ignoreErrors: true })).toEqualTypeOf<(number | CloudException)[]>();
    expectTypeOf(await cloud.result(new Set(many))).toEqualTypeOf<number[]>();
  });

  it('a list of mixed jids that is not a tuple, and the iterators over one, type-check', async () => {
    const a = await cloud.call((x: number) => x + 1, 1);
    const b = await cloud.call((s: string) => s, 'x');
    const mixed = [a, b].slice();
    expectTypeOf(await cloud.result(mixed)).toEqualTypeOf<(number | string)[]>();
    for await (const value of cloud.iresult([a, b])) expectTypeOf(value).toEqualTypeOf<number | string>();
    for await (const [jid, value] of cloud.iresultUnordered(mixed)) {
      expectTypeOf(jid).toEqualTypeOf<Jid<number> | Jid<string>>();
      expectTypeOf(value).toEqualTypeOf<number | string>();
    }
    // Jids read back as plain numbers: their results are of no known type.
    const stored: number[] = [a, b];
    expectTypeOf(await cloud.result(stored)).toEqualTypeOf<unknown[]>();
  });

  it('ignoreErrors that may be true (a boolean, not the literal) types each slot with the CloudException', async () => {
    const a = await cloud.call((x: number) => x + 1, 1);
    const lenient = Math.random() < 2;
    expectTypeOf(await cloud.result(a, { ignoreErrors: lenient })).toEqualTypeOf<number | CloudException>();
    expectTypeOf(await cloud.result([a, a], { ignoreErrors: lenient })).toEqualTypeOf<[number | CloudException, number | CloudException]>();
    expectTypeOf(await cloud.result([a], { ignoreErrors: false })).toEqualTypeOf<[number]>();
    for await (const value of cloud.iresult([a], { ignoreErrors: true })) expectTypeOf(value).toEqualTypeOf<number | CloudException>();
    for await (const [, value] of cloud.iresultUnordered([a], { ignoreErrors: true })) expectTypeOf(value).toEqualTypeOf<number | CloudException>();
  });

  it('info with fields is typed with just those fields; without, the whole JobInfo', async () => {
    const jid = await cloud.call(() => 1);
    await cloud.join(jid);
    expectTypeOf(await cloud.info(jid, ['status'])).toEqualTypeOf<Pick<JobInfo, 'status'>>();
    const picked = await cloud.info([jid], ['status', 'label']);
    expectTypeOf(picked).toEqualTypeOf<Pick<JobInfo, 'status' | 'label'>[]>();
    expectTypeOf(await cloud.info(jid)).toEqualTypeOf<JobInfo>();
    // @ts-expect-error: a field that was not asked for is not there
    void (await cloud.info(jid, ['status'])).label;
  });

  it('cloud.wait keeps the jids typed', async () => {
    const jids = await cloud.map((x: number) => `${x}`, [1]);
    const { done, pending } = await cloud.wait(jids, { count: 1 });
    expectTypeOf(done).toEqualTypeOf<Jid<string>[]>();
    expectTypeOf(pending).toEqualTypeOf<Jid<string>[]>();
  });
});
