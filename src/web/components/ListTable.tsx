import { Button, Card, Empty, Flex, Grid, Pagination, Table, Typography, type TableProps } from 'antd';
import type { HTMLAttributes, Key, ReactNode } from 'react';
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
  const phone = Grid.useBreakpoint().md === false;
  const emptyText = (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={list.filtered ? t('common:listEmptyFiltered') : t('common:listEmpty')}
      data-testid="list-empty"
    >
      {list.filtered && list.reset ? <Button onClick={list.reset}>{t('common:clearFilters')}</Button> : null}
    </Empty>
  );
  const showTotal = (n: number) =>
    estimated ? (
      <span data-testid="list-total-estimate">
        {t('common:totalEstimate', { count: n, approx: approxCount(n, i18n.language) })}{' '}
        <Typography.Link onClick={() => list.set({ exactTotal: '1' }, true)} data-testid="list-total-exact">
          {t('common:exactCount')}
        </Typography.Link>
      </span>
    ) : (
      t('common:totalItems', { count: n })
    );
  const columns = (table.columns ?? []) as unknown as CardColumn[];
  // a phone shows one card per row (title, fields, actions); lists with expandable or selectable
  // rows or grouped columns keep the table, which then scrolls inside its own box (layout.css)
  if (phone && !table.expandable && !table.rowSelection && columns.every((c) => !('children' in c)))
    return (
      <div data-testid="list-cards">
        {data?.items.length ? (
          <Flex vertical gap={8}>
            {data.items.map((r, i) => (
              <RowCard
                key={rowKeyOf(r, table.rowKey, i)}
                row={r}
                index={i}
                columns={columns}
                attrs={table.onRow?.(r, i) ?? {}}
              />
            ))}
          </Flex>
        ) : (
          emptyText
        )}
        <Pagination
          simple
          size="small"
          style={{ marginTop: 12, justifyContent: 'center' }}
          current={list.page}
          pageSize={list.pageSize}
          total={data?.total ?? 0}
          showTotal={showTotal}
          showSizeChanger={false}
          onChange={(page) => list.set({ page }, true)}
        />
      </div>
    );
  return (
    <Table<T>
      rowKey="id"
      size={size}
      {...table}
      dataSource={data?.items ?? []}
      locale={{ emptyText }}
      pagination={{
        current: list.page,
        pageSize: list.pageSize,
        total: data?.total ?? 0,
        showSizeChanger: sizeChanger,
        showTotal,
      }}
      onChange={(paging, _filters, sorter, extra) => list.set(tableChangeToUrl(paging, sorter, extra.action), true)}
    />
  );
}

/** What a card needs of a table column (kept loose: antd's column types are heavy for the checker). */
interface CardColumn {
  key?: Key;
  dataIndex?: string | number | readonly (string | number)[];
  title?: unknown;
  hidden?: boolean;
  children?: unknown;
  render?: (value: unknown, record: unknown, index: number) => unknown;
}

function rowKeyOf(r: object, rowKey: unknown, i: number): Key {
  if (typeof rowKey === 'function') return (rowKey as (r: object, i: number) => Key)(r, i);
  const v = (r as Record<string, unknown>)[typeof rowKey === 'string' ? rowKey : 'id'];
  return typeof v === 'string' || typeof v === 'number' ? v : i;
}

/** The cell a column renders for a row, as the table would. */
function cellOf(c: CardColumn, r: object, i: number): ReactNode {
  const path = c.dataIndex === undefined ? [] : Array.isArray(c.dataIndex) ? c.dataIndex : [c.dataIndex];
  let v: unknown = r;
  for (const k of path as (string | number)[]) v = (v as Record<string | number, unknown> | null | undefined)?.[k];
  const out: unknown = c.render ? c.render(v, r, i) : path.length ? v : null;
  if (out === null || out === undefined || typeof out !== 'object') return out as ReactNode;
  if (Array.isArray(out) || '$$typeof' in out) return out as ReactNode;
  // a render may answer { children, props } (cell spans): the card shows the children; a plain
  // object cannot be shown as such
  return 'children' in out ? ((out as { children: unknown }).children as ReactNode) : null;
}

const columnKey = (c: CardColumn) =>
  String(c.key ?? (Array.isArray(c.dataIndex) ? c.dataIndex.join('.') : (c.dataIndex ?? '')));

const isActions = (c: CardColumn) => /^(actions?|ops|operations)$/.test(columnKey(c));

/** One row as a card: the name or title column on top, the other columns as label/value lines, actions below. */
function RowCard({
  row,
  index,
  columns,
  attrs,
}: {
  row: object;
  index: number;
  columns: CardColumn[];
  attrs: HTMLAttributes<HTMLElement>;
}) {
  const shown = columns.filter((c) => !c.hidden);
  const head =
    shown.find((c) => ['name', 'title', 'displayName'].includes(columnKey(c))) ?? shown.find((c) => !isActions(c));
  const actions = shown.filter(isActions);
  const rest = shown.filter((c) => c !== head && !isActions(c));
  const title = (c: CardColumn) => (typeof c.title === 'function' ? null : (c.title as ReactNode));
  return (
    <Card size="small" data-testid="list-card" onClick={attrs.onClick} style={attrs.style}>
      {head ? (
        <Typography.Text strong style={{ display: 'block', marginBottom: 4, wordBreak: 'break-word' }}>
          {cellOf(head, row, index)}
        </Typography.Text>
      ) : null}
      {rest.map((c) => (
        <Flex key={columnKey(c)} gap={8} style={{ fontSize: 13, lineHeight: 1.8 }}>
          <Typography.Text type="secondary" style={{ flex: 'none', maxWidth: '40%' }}>
            {title(c)}
          </Typography.Text>
          <div style={{ minWidth: 0, wordBreak: 'break-word' }}>{cellOf(c, row, index)}</div>
        </Flex>
      ))}
      {actions.length ? (
        // a tap on an action does not also open the row
        <Flex wrap gap={8} style={{ marginTop: 8 }} onClick={(e) => e.stopPropagation()}>
          {actions.map((c) => (
            <div key={columnKey(c)}>{cellOf(c, row, index)}</div>
          ))}
        </Flex>
      ) : null}
    </Card>
  );
}
