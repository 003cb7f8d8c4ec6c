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
