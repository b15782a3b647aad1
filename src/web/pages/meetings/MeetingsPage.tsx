import { BellOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Input, List, Segmented, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { currentSchoolYear, shanghaiDateTime, shanghaiMonth } from '../../../shared/beijing-time';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { MEETING_KIND_LABELS, MINUTES_STATUS_LABELS, type Meeting } from '../../../shared/meetings.schemas';
import { useMe } from '../../api/auth';
import { useMeetings } from '../../api/meetings';
import { EnumSelect } from '../../components/EnumSelect';
import { FilterBar } from '../../components/FilterBar';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { CommunitySelect } from '../../components/RemoteSelect';
import { ListTable, useListState } from '../../components/ListTable';
import { listOf } from '../../components/useUrlState';
import { MINUTES_COLOR } from './labels';
import { MeetingFormDrawer } from './MeetingFormDrawer';

const when = (m: Meeting) => shanghaiDateTime(m.startsAt);

/** First calendar year of the school year (September–August) that contains a day. */

export default function MeetingsPage() {
  const { t } = useTranslation('meetings');
  const { label } = useLabels();
  const { data: me } = useMe();
  const list = useListState(['communityId', 'kind', 'minutesStatus', 'search']);
  const { state, set, page, pageSize } = list;
  const [creating, setCreating] = useState(false);
  const view = state.view === 'calendar' ? 'calendar' : 'list';
  const year = Number(state.year) || currentSchoolYear();
  const filters = {
    communityId: state.communityId,
    kind: listOf(state.kind),
    minutesStatus: listOf(state.minutesStatus),
    search: state.search,
    ...(view === 'calendar'
      ? { from: `${year}-09-01`, to: `${year + 1}-08-31`, order: 'asc', page: 1, pageSize: 500 }
      : { page, pageSize }),
  };
  const { data, isFetching } = useMeetings(filters);
  const canCreate = me?.role === 'bureau_admin' || me?.role === 'community_lead';

  const status = (m: Meeting) => (
    <Tag color={MINUTES_COLOR[m.minutesStatus]}>{label(MINUTES_STATUS_LABELS, m.minutesStatus)}</Tag>
  );
  const months = new Map<string, Meeting[]>();
  for (const m of data?.items ?? []) {
    const k = shanghaiMonth(m.startsAt);
    months.set(k, [...(months.get(k) ?? []), m]);
  }

  return (
    <>
      <PageHeader
        title={t('title')}
        sub={t('subtitle')}
        extra={
          <>
            <Link to="/meetings/reminders">
              <Button icon={<BellOutlined />} data-testid="meeting-reminders">
                {t('reminders')}
              </Button>
            </Link>
            {canCreate ? (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="meeting-create"
              >
                {t('create')}
              </Button>
            ) : null}
          </>
        }
      />
      <FilterBar onReset={list.reset}>
        <Segmented
          value={view}
          onChange={(v) => set({ view: v === 'list' ? undefined : v })}
          options={[
            { value: 'list', label: t('viewList') },
            { value: 'calendar', label: t('viewCalendar') },
          ]}
        />
        <CommunitySelect
          placeholder={t('community')}
          value={state.communityId ? Number(state.communityId) : undefined}
          onChange={(v) => set({ communityId: v as number | undefined })}
          style={{ width: 220 }}
        />
        <EnumSelect
          labels={MEETING_KIND_LABELS}
          mode="multiple"
          placeholder={t('kind')}
          value={listOf(state.kind)}
          onChange={(v: string[]) => set({ kind: v })}
          style={{ width: 180 }}
        />
        <EnumSelect
          labels={MINUTES_STATUS_LABELS}
          mode="multiple"
          placeholder={t('minutesStatus')}
          value={listOf(state.minutesStatus)}
          onChange={(v: string[]) => set({ minutesStatus: v })}
          style={{ width: 200 }}
        />
        <Input.Search
          key={state.search ?? ''}
          allowClear
          placeholder={t('searchPlaceholder')}
          defaultValue={state.search}
          onSearch={(v) => set({ search: v })}
          style={{ width: 220 }}
        />
        {view === 'calendar' ? (
          <Space>
            <Button onClick={() => set({ year: year - 1 })}>‹</Button>
            <Typography.Text strong>{t('schoolYear', { from: year, to: year + 1 })}</Typography.Text>
            <Button onClick={() => set({ year: year + 1 })}>›</Button>
          </Space>
        ) : null}
      </FilterBar>
      {view === 'list' ? (
        <ListTable<Meeting>
          loading={isFetching}
          data-testid="meeting-table"
          list={list}
          data={data}
          columns={[
            { title: t('startsAt'), key: 'startsAt', width: 160, render: (_, m) => when(m) },
            {
              title: t('titleField'),
              dataIndex: 'title',
              render: (v: string, m) => <Link to={`/meetings/${m.id}`}>{v}</Link>,
            },
            { title: t('community'), dataIndex: 'communityName', width: 200 },
            {
              title: t('kind'),
              dataIndex: 'kind',
              width: 140,
              render: (v: Meeting['kind']) => label(MEETING_KIND_LABELS, v),
            },
            { title: t('minutesStatus'), key: 'status', width: 140, render: (_, m) => status(m) },
            { title: t('agendaCount'), dataIndex: 'agendaCount', width: 80, align: 'right' },
            { title: t('openItems'), dataIndex: 'openItems', width: 90, align: 'right' },
          ]}
        />
      ) : months.size ? (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="meeting-calendar">
          {[...months.entries()].map(([month, ms]) => (
            <Card key={month} size="small" title={dayjs(`${month}-01`).format(t('monthFormat'))}>
              <List
                dataSource={ms}
                renderItem={(m) => (
                  <List.Item extra={status(m)}>
                    <List.Item.Meta
                      title={<Link to={`/meetings/${m.id}`}>{m.title}</Link>}
                      description={`${when(m)} · ${m.communityName} · ${label(MEETING_KIND_LABELS, m.kind)}`}
                    />
                  </List.Item>
                )}
              />
            </Card>
          ))}
        </Space>
      ) : (
        <Empty description={t('noMeetings')} />
      )}
      <MeetingFormDrawer
        open={creating}
        onClose={() => setCreating(false)}
        communityId={state.communityId ? Number(state.communityId) : undefined}
      />
    </>
  );
}
