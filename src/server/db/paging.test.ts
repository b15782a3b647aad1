import { describe, expect, it } from 'vitest';
import { pageOffset, paged, pageSlice } from './paging.js';

describe('one way to page', () => {
  it('turns a 1-based page into limit and offset', () => {
    expect(pageOffset({ page: 1, pageSize: 20 })).toBe(0);
    expect(pageOffset({ page: 3, pageSize: 20 })).toBe(40);
    const calls: string[] = [];
    const qb = {
      limit(n: number) {
        calls.push(`limit ${n}`);
        return qb;
      },
      offset(n: number) {
        calls.push(`offset ${n}`);
        return qb;
      },
    };
    paged({ page: 2, pageSize: 50 })(qb);
    expect(calls).toEqual(['limit 50', 'offset 50']);
  });

  it('slices the same page out of an in-memory list, short at the end', () => {
    const xs = Array.from({ length: 45 }, (_, i) => i);
    expect(pageSlice(xs, { page: 1, pageSize: 20 })).toEqual(xs.slice(0, 20));
    expect(pageSlice(xs, { page: 3, pageSize: 20 })).toEqual([40, 41, 42, 43, 44]);
    expect(pageSlice(xs, { page: 4, pageSize: 20 })).toEqual([]);
  });
});
