import { describe, expect, it } from 'vitest';
import { TYPED_FROM, argsAt, argsReader, encodeBatchArgs, numberColumn } from '../../../src/wire/batch-args.js';

describe('batch arguments', () => {
  it('flattens argument lists of primitives of one length, and gives each job its own back', () => {
    const encoded = encodeBatchArgs([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(encoded).toEqual({ arity: 2, flat: [1, 'a', 2, 'b', 3, 'c'] });
    expect([0, 1, 2].map((i) => argsAt(encoded, i))).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it('sends numbers-only argument lists as one Float64Array, and gives back exact numbers', () => {
    const filler = Array.from({ length: TYPED_FROM / 2 }, (_, i) => [i, i]);
    const encoded = encodeBatchArgs([[1, -0], [Number.NaN, 2 ** 53], ...filler]);
    expect('flat' in encoded && encoded.flat instanceof Float64Array).toBe(true);
    expect(argsAt(encoded, 0)).toEqual([1, -0]);
    expect(argsAt(encoded, 1)).toEqual([Number.NaN, 2 ** 53]);
    expect(Array.isArray(argsAt(encoded, 1))).toBe(true);
  });

  it('sends a short numbers-only list (a lone job) as a plain array: no typed array to clone', () => {
    const encoded = encodeBatchArgs([[1, -0], [Number.NaN]].slice(0, 1));
    expect('flat' in encoded && Array.isArray(encoded.flat)).toBe(true);
    expect(argsAt(encoded, 0)).toEqual([1, -0]);
    expect(numberColumn([1, 2])).toEqual([1, 2]);
    expect(numberColumn(Array.from({ length: TYPED_FROM }, (_, i) => i))).toBeInstanceOf(Float64Array);
  });

  it('keeps each job apart when lengths differ or a job carries packed bytes', () => {
    const packed = { packed: new Uint8Array([1, 2]) };
    for (const list of [
      [[1], [2, 3]],
      [[1], packed],
    ]) {
      const encoded = encodeBatchArgs(list);
      expect(encoded).toEqual({ each: list });
      expect(argsAt(encoded, 1)).toBe(list[1]);
    }
  });

  it('handles jobs without arguments', () => {
    const encoded = encodeBatchArgs([[], []]);
    expect(argsAt(encoded, 1)).toEqual([]);
  });

  it("reads each job's arguments through one reader, as argsAt gives them", () => {
    const lists = [
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ];
    const columns = encodeBatchArgs(lists);
    const readColumns = argsReader(columns);
    // A column's list is refilled per read: each is compared as it is read.
    lists.forEach((list, i) => expect(readColumns(i)).toEqual(list));
    const numbers = Array.from({ length: TYPED_FROM }, (_, i) => [i + 0.5]);
    const readNumbers = argsReader(encodeBatchArgs(numbers));
    numbers.forEach((list, i) => expect(readNumbers(i)).toEqual(list));
    const each = encodeBatchArgs([[1], { packed: new Uint8Array([255]) }]);
    expect(argsReader(each)(1)).toBe(argsAt(each, 1));
  });
});
