import { describe, expect, it } from 'vitest';
import { approxCount, resetPatch, sortOrderOf, tableChangeToUrl } from './listState';

describe('list state in the URL', () => {
  it('paging writes page and size and keeps the sort', () => {
    expect(tableChangeToUrl({ current: 3, pageSize: 50 }, { order: 'ascend', columnKey: 'name' }, 'paginate')).toEqual({
      page: 3,
      pageSize: 50,
    });
  });

  it('sorting writes the column key (else the field) and the order, back on page 1', () => {
    expect(
      tableChangeToUrl({ current: 4, pageSize: 20 }, { order: 'descend', columnKey: 'code', field: 'x' }, 'sort'),
    ).toEqual({ page: 1, pageSize: 20, sort: 'code', order: 'desc' });
    expect(tableChangeToUrl({ current: 1, pageSize: 20 }, [{ order: 'ascend', field: 'birthYear' }], 'sort')).toEqual({
      page: 1,
      pageSize: 20,
      sort: 'birthYear',
      order: 'asc',
    });
  });

  it('turning sorting off clears sort and order', () => {
    expect(tableChangeToUrl({ current: 2, pageSize: 20 }, { order: null, columnKey: 'code' }, 'sort')).toEqual({
      page: 1,
      pageSize: 20,
      sort: undefined,
      order: undefined,
    });
  });

  it('shows the arrow the URL asks for', () => {
    expect(sortOrderOf({ sort: 'name', order: 'desc' }, 'name')).toBe('descend');
    expect(sortOrderOf({ sort: 'name' }, 'name')).toBe('ascend');
    expect(sortOrderOf({ sort: 'name' }, 'code')).toBeNull();
  });

  it('reset clears the filters, the sort and the page', () => {
    expect(resetPatch(['search', 'level'])).toEqual({
      search: undefined,
      level: undefined,
      sort: undefined,
      order: undefined,
      page: undefined,
    });
  });
});

describe('an estimated total', () => {
  it('reads as three significant figures, in 万 for Chinese', () => {
    expect(approxCount(293_247, 'zh-CN')).toBe('29.3 万');
    expect(approxCount(1_000_123, 'zh-CN')).toBe('100 万');
    expect(approxCount(10_001, 'zh-CN')).toBe('1 万');
    expect(approxCount(8, 'zh-CN')).toBe('8');
    expect(approxCount(293_247, 'en-US')).toBe('293,000');
    expect(approxCount(12_345, 'en')).toBe('12,300');
  });
});
