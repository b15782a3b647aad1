import { useQuery } from '@tanstack/react-query';
import { Select, Spin, type SelectProps } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Community, Region, School, Teacher, TeacherOption } from '../../shared/registry.schemas';
import { http, type Page, type QueryParams } from '../api/client';

export interface Option {
  value: string | number;
  label: string;
}

type Props = Omit<SelectProps, 'options' | 'onSearch' | 'filterOption' | 'showSearch'> & {
  /** Stable name of the source, for the query cache. */
  source: string;
  fetchOptions: (search: string) => Promise<Option[]>;
  /** Labels for values already chosen (e.g. when editing) so they show names, not ids. */
  initialOptions?: Option[];
};

/** A Select whose options come from the server as the user types (debounced). */
export function RemoteSelect({ source, fetchOptions, initialOptions, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  // fetch only once the user opens the list or types, so filter bars do not fire a request per select
  const [wanted, setWanted] = useState(false);
  useEffect(() => {
    const h = setTimeout(() => setDebounced(search.trim()), 250);
    return () => clearTimeout(h);
  }, [search]);
  const { data, isFetching } = useQuery({
    queryKey: ['select', source, debounced],
    queryFn: () => fetchOptions(debounced),
    staleTime: 30_000,
    enabled: wanted || debounced !== '',
  });
  // remember labels of everything seen, so a chosen value keeps its name after the search changes
  const seen = useRef(new Map<string | number, Option>());
  const options = useMemo(() => {
    for (const o of initialOptions ?? []) seen.current.set(o.value, o);
    for (const o of data ?? []) seen.current.set(o.value, o);
    const list = [...(data ?? [])];
    const values =
      rest.value === undefined || rest.value === null ? [] : Array.isArray(rest.value) ? rest.value : [rest.value];
    for (const v of values as (string | number)[]) {
      if (!list.some((o) => o.value === v)) list.push(seen.current.get(v) ?? { value: v, label: String(v) });
    }
    return list;
  }, [data, initialOptions, rest.value]);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      placeholder={t('typeToSearch')}
      notFoundContent={isFetching ? <Spin size="small" /> : t('noMatch')}
      options={options}
      onOpenChange={(open) => {
        if (open) setWanted(true);
        else setSearch('');
      }}
      onFocus={() => setWanted(true)}
      {...rest}
    />
  );
}

type SourceProps = Omit<Props, 'source' | 'fetchOptions'> & { filters?: QueryParams };

export function SchoolSelect({ filters, ...p }: SourceProps) {
  return (
    <RemoteSelect
      source={`schools:${JSON.stringify(filters ?? {})}`}
      fetchOptions={async (search) => {
        const r = await http.get<Page<School>>('/schools', { search, pageSize: 20, ...filters });
        return r.items.map((s) => ({ value: s.id, label: `${s.name}（${s.code}）` }));
      }}
      {...p}
    />
  );
}

export function CommunitySelect({ filters, ...p }: SourceProps) {
  return (
    <RemoteSelect
      source={`communities:${JSON.stringify(filters ?? {})}`}
      fetchOptions={async (search) => {
        const r = await http.get<Page<Community>>('/communities', { search, pageSize: 20, ...filters });
        return r.items.map((c) => ({ value: c.id, label: c.name }));
      }}
      {...p}
    />
  );
}

export function TeacherSelect({ filters, ...p }: SourceProps) {
  return (
    <RemoteSelect
      source={`teachers:${JSON.stringify(filters ?? {})}`}
      fetchOptions={async (search) => {
        const r = await http.get<Page<Teacher>>('/teachers', { search, pageSize: 20, ...filters });
        return r.items.map((x) => ({ value: x.id, label: `${x.name}（${x.schoolName}）` }));
      }}
      {...p}
    />
  );
}

/**
 * Teachers a record may name (observers, mentors, hosts): for a school user also the staff of the
 * schools in their communities, by name and school only (`/teachers/options`, scoped on the server).
 */
export function TeacherPickSelect({ filters, ...p }: SourceProps) {
  return (
    <RemoteSelect
      source={`teacher-options:${JSON.stringify(filters ?? {})}`}
      fetchOptions={async (search) => {
        const r = await http.get<{ items: TeacherOption[] }>('/teachers/options', { search, pageSize: 20, ...filters });
        return r.items.map((x) => ({ value: x.id, label: `${x.name}（${x.schoolName}）` }));
      }}
      {...p}
    />
  );
}

/** Regions by name or code prefix; `level` 3 for counties, 4 for townships. */
export function RegionSelect({ filters, ...p }: SourceProps) {
  return (
    <RemoteSelect
      source={`regions:${JSON.stringify(filters ?? {})}`}
      fetchOptions={async (search) => {
        const r = await http.get<Page<Region>>('/regions', { search, pageSize: 30, ...filters });
        return r.items.map((x) => ({ value: x.code, label: `${x.name}（${x.code}）` }));
      }}
      {...p}
    />
  );
}
