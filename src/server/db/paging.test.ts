import { describe, expect, it } from 'vitest';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { pageLiteral, pageOffset, paged, pageSlice } from './paging.js';

describe('one way to page', () => {
  it('turns a 1-based page into limit and offset', () => {
    expect(pageOffset({ page: 1, pageSize: 20 })).toBe(0);
    expect(pageOffset({ page: 3, pageSize: 20 })).toBe(40);
    // compiled, not run: the page bounds are numbers in the text, not parameters (see paged)
    const db = new Kysely<{ t: { id: number } }>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const q = db
      .selectFrom('t')
      .select('id')
      .where('id', '>', 7)
      .$call(paged({ page: 2, pageSize: 50 }))
      .compile();
    expect(q.sql).toBe('select "id" from "t" where "id" > $1 limit 50 offset 50');
    expect(q.parameters).toEqual([7]);
    expect(() => pageLiteral(-1)).toThrow(RangeError);
    expect(() => pageLiteral(1.5)).toThrow(RangeError);
  });

  it('slices the same page out of an in-memory list, short at the end', () => {
    const xs = Array.from({ length: 45 }, (_, i) => i);
    expect(pageSlice(xs, { page: 1, pageSize: 20 })).toEqual(xs.slice(0, 20));
    expect(pageSlice(xs, { page: 3, pageSize: 20 })).toEqual([40, 41, 42, 43, 44]);
    expect(pageSlice(xs, { page: 4, pageSize: 20 })).toEqual([]);
  });
});
