import { Segmented, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Activity } from '../../../shared/activities.schemas';
import type { EvidenceLink } from '../../../shared/assessment.schemas';
import type { Assignment } from '../../../shared/exchange.schemas';
import type { Meeting } from '../../../shared/meetings.schemas';
import type { SearchResult } from '../../../shared/resources.schemas';
import { http, type Page } from '../../api/client';
import { RemoteSelect, type Option } from '../../components/RemoteSelect';

const RECORD_TYPES = ['activity', 'meeting', 'resource', 'exchange'] as const;
type RecordType = (typeof RECORD_TYPES)[number];

/** A date as the Shanghai calendar day. */
const day = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * Evidence picked from the community's archive: a record type, then a searchable list of the
 * community's records of the evaluated school year (resources: those of the community). Picking one
 * hands back a link to the record's page; the server checks it is the community's.
 */
export function ArchivePicker({
  communityId,
  year,
  onPick,
}: {
  communityId: number;
  year: number;
  onPick: (link: EvidenceLink) => void;
}) {
  const { t } = useTranslation('assessment');
  const [type, setType] = useState<RecordType>('activity');
  const [links] = useState(() => new Map<string, EvidenceLink>());
  const from = `${year}-09-01`;
  const to = `${year + 1}-08-31`;
  const typeLabel = t(`archive.${type}`);
  const remember = (value: string, label: string, url: string): Option => {
    links.set(value, { label: `${typeLabel}：${label}`.slice(0, 100), url });
    return { value, label };
  };
  const fetchOptions = async (search: string): Promise<Option[]> => {
    const s = search || undefined;
    if (type === 'activity') {
      const r = await http.get<Page<Activity>>('/activities', { communityId, from, to, search: s, pageSize: 20 });
      return r.items.map((a) => remember(`a${a.id}`, `${a.title} (${day(a.startsAt)})`, `/activities/${a.id}`));
    }
    if (type === 'meeting') {
      const r = await http.get<Page<Meeting>>('/meetings', { communityId, from, to, search: s, pageSize: 20 });
      return r.items.map((m) => remember(`m${m.id}`, `${m.title} (${day(m.startsAt)})`, `/meetings/${m.id}`));
    }
    if (type === 'resource') {
      const r = await http.get<SearchResult>('/resources', { communityId, q: s, pageSize: 20 });
      return r.items.map((x) => remember(`r${x.id}`, `${x.title} (${day(x.createdAt)})`, `/resources/${x.id}`));
    }
    const r = await http.get<Page<Assignment>>('/exchange/assignments', { communityId, year, search: s, pageSize: 20 });
    return r.items.map((x) =>
      remember(
        `x${x.id}`,
        `${x.teacherName} ${x.fromSchoolName}→${x.toSchoolName} (${x.startDate})`,
        `/exchange?assignment=${x.id}`,
      ),
    );
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} size={4} data-testid="archive-picker">
      <Segmented<RecordType>
        size="small"
        value={type}
        onChange={setType}
        options={RECORD_TYPES.map((k) => ({ value: k, label: t(`archive.${k}`) }))}
        data-testid="archive-type"
      />
      <RemoteSelect
        key={type}
        source={`evidence:${type}:${communityId}:${year}`}
        fetchOptions={fetchOptions}
        value={null}
        placeholder={t('archive.pick')}
        style={{ width: '100%' }}
        data-testid="archive-select"
        onChange={(v: string | undefined) => {
          const link = v ? links.get(v) : undefined;
          if (link) onPick(link);
        }}
      />
    </Space>
  );
}
