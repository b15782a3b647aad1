import { SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { AutoComplete, Input, Spin, type RefSelectProps } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { GlobalSearch as SearchResult, SearchHit, SearchKind } from '../../shared/search.schemas';
import { http } from '../api/client';

/** Where a hit opens: the record's own page; a teacher (no page of its own) opens the filtered list. */
export function hitPath(kind: SearchKind, hit: SearchHit): string {
  switch (kind) {
    case 'school':
      return `/schools/${hit.id}`;
    case 'community':
      return `/communities/${hit.id}`;
    case 'meeting':
      return `/meetings/${hit.id}`;
    case 'resource':
      return `/resources/${hit.id}`;
    case 'teacher':
      return `/teachers?search=${encodeURIComponent(hit.label)}`;
  }
}

/**
 * The header's search over schools, teachers, communities, meetings and resources: a few hits of
 * each kind the user may see (the server asks each list with the user's scope), grouped by kind;
 * choosing a hit, or Enter on the highlighted one, opens it. On a phone it fills the width of the
 * panel it opens in (`block`), takes the cursor when shown (`focused`) and tells the panel to close
 * (`onPicked`).
 */
export function GlobalSearch({
  compact = false,
  block = false,
  focused = false,
  onPicked,
}: {
  compact?: boolean;
  block?: boolean;
  focused?: boolean;
  onPicked?: () => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const ref = useRef<RefSelectProps>(null);
  useEffect(() => {
    if (focused) ref.current?.focus();
  }, [focused]);
  const [text, setText] = useState('');
  const [term, setTerm] = useState('');
  useEffect(() => {
    const h = setTimeout(() => setTerm(text.trim()), 250);
    return () => clearTimeout(h);
  }, [text]);
  const { data, isFetching } = useQuery({
    queryKey: ['global-search', term],
    queryFn: () => http.get<SearchResult>('/search', { q: term }),
    enabled: term !== '',
    staleTime: 30_000,
  });
  const options = useMemo(
    () =>
      (term ? (data?.groups ?? []) : []).map((g) => ({
        label: t(`search.kind.${g.kind}`),
        options: g.items.map((hit) => ({
          value: hitPath(g.kind, hit),
          label: (
            <span data-testid={`search-hit-${g.kind}`}>
              {hit.label}
              {hit.detail ? <span style={{ color: 'rgba(0,0,0,0.45)', marginLeft: 8 }}>{hit.detail}</span> : null}
            </span>
          ),
        })),
      })),
    [data, term, t],
  );
  return (
    <AutoComplete
      ref={ref}
      value={text}
      options={options}
      onChange={(v: string) => setText(v.startsWith('/') ? '' : v)}
      onSelect={(path: string) => {
        setText('');
        setTerm('');
        onPicked?.();
        void navigate(path);
      }}
      notFoundContent={term ? isFetching ? <Spin size="small" /> : t('search.none') : null}
      popupMatchSelectWidth={block ? true : compact ? 300 : 360}
      style={{ width: block ? '100%' : compact ? 140 : 280 }}
      data-testid="global-search"
    >
      <Input
        prefix={<SearchOutlined />}
        placeholder={t('search.placeholder')}
        aria-label={t('search.placeholder')}
        allowClear
      />
    </AutoComplete>
  );
}
