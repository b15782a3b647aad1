import { Button, Empty, Table, Typography, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { approxCount, resetPatch, sortOrderOf, tableChangeToUrl } from './listState';
import { useUrlState, type UrlState } from './useUrlState';

/**
 * A server-paged list's state, kept in the URL (page, size, sort, filters) so a list can be linked to
 * and survives a reload. `sortOrder(key)` gives a column its arrow; `reset()` clears the filters.
 */
export function useListState(filterKeys: readonly string[] = [], defaults: UrlState = {}) {
  const url = useUrlState(defaults);
  return {
    ...url,
    // a new filter (which resets the page) drops an exact count asked for the old one
    set: (patch: Parameters<typeof url.set>[0], keepPage = false) =>
      url.set(keepPage || 'exactTotal' in patch ? patch : { ...patch, exactTotal: null }, keepPage),
    /** '1' after the user asked for the exact total of a long list (pass it to the list's query) */
    exactTotal: url.state.exactTotal,
    /** whether any of the list's filters is set (an empty list then offers to clear them) */
    filtered: filterKeys.some((k) => Boolean(url.state[k])),
    sortOrder: (key: string) => sortOrderOf(url.state, key),
    reset: () => url.set({ ...resetPatch(filterKeys), exactTotal: null }),
  };
}

export type ListState = ReturnType<typeof useListState>;

export interface ListTableProps<T> extends Omit<TableProps<T>, 'dataSource' | 'pagination' | 'onChange'> {
  list: Pick<ListState, 'page' | 'pageSize' | 'set'> & Partial<Pick<ListState, 'filtered' | 'reset'>>;
  /** one page of the list as the API answers it; `totalExact: false` when the total is an estimate */
  data: { items: T[]; total: number; totalExact?: boolean } | undefined;
  /** false for short lists that need no size changer */
  sizeChanger?: boolean;
}

/**
 * Every server-paged list: antd's Table bound to the URL state — the page, the page size and the
 * column sort go to the URL (and from there to the API query); the total shows as 共 N 条, or as
 * 约 29.3 万条 when the server estimated it (a long list), with a link that asks for the exact count
 * (`exactTotal=1` in the URL; the page passes `list.exactTotal` to its query). An empty
 * list says whether nothing exists yet or nothing matches the filters, and then offers to clear them.
 */
export function ListTable<T extends object>({
  list,
  data,
  sizeChanger = true,
  size = 'middle',
  ...table
}: ListTableProps<T>) {
  const { t, i18n } = useTranslation();
  const estimated = data?.totalExact === false;
  return (
    <Table<T>
      rowKey="id"
      size={size}
      {...table}
      dataSource={data?.items ?? []}
      locale={{
        emptyText: (
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={list.filtered ? t('common:listEmptyFiltered') : t('common:listEmpty')}
            data-testid="list-empty"
          >
            {list.filtered && list.reset ? <Button onClick={list.reset}>{t('common:clearFilters')}</Button> : null}
          </Empty>
        ),
      }}
      pagination={{
        current: list.page,
        pageSize: list.pageSize,
        total: data?.total ?? 0,
        showSizeChanger: sizeChanger,
        showTotal: (n) =>
          estimated ? (
            <span data-testid="list-total-estimate">
              {t('common:totalEstimate', { count: n, approx: approxCount(n, i18n.language) })}{' '}
              <Typography.Link onClick={() => list.set({ exactTotal: '1' }, true)} data-testid="list-total-exact">
                {t('common:exactCount')}
              </Typography.Link>
            </span>
          ) : (
            t('common:totalItems', { count: n })
          ),
      }}
      onChange={(paging, _filters, sorter, extra) => list.set(tableChangeToUrl(paging, sorter, extra.action), true)}
    />
  );
}
