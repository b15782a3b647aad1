import { Card, DatePicker, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Reminders } from '../../../shared/meetings.schemas';
import { useReminders } from '../../api/meetings';
import { FilterBar } from '../../components/FilterBar';
import { dateTime } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { CommunitySelect } from '../../components/RemoteSelect';
import { useUrlState } from '../../components/useUrlState';

type Due = Reminders['meetingsDue'][number];
type Pending = Reminders['pendingSignatures'][number];
type Overdue = Reminders['overdueItems'][number];

/** What needs attention: communities that have not met in six months, signatures pending, items overdue. */
export default function RemindersPage() {
  const { t } = useTranslation('meetings');
  const { state, set } = useUrlState();
  const { data, isFetching } = useReminders({ communityId: state.communityId, asOf: state.asOf });
  const community = (id: number, name: string) => <Link to={`/meetings?communityId=${id}`}>{name}</Link>;
  return (
    <>
      <PageHeader title={t('remindersTitle')} sub={data ? t('asOf', { date: data.asOf }) : undefined} />
      <FilterBar onReset={() => set({ communityId: undefined, asOf: undefined })}>
        <CommunitySelect
          placeholder={t('community')}
          value={state.communityId ? Number(state.communityId) : undefined}
          onChange={(v) => set({ communityId: v as number | undefined })}
          style={{ width: 240 }}
        />
        <DatePicker
          value={state.asOf ? dayjs(state.asOf) : null}
          onChange={(d) => set({ asOf: d ? d.format('YYYY-MM-DD') : undefined })}
          placeholder={t('asOfPlaceholder')}
        />
      </FilterBar>
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card
          size="small"
          title={
            <>
              {t('meetingsDue')} <Tag color="red">{data?.meetingsDue.length ?? 0}</Tag>
            </>
          }
          data-testid="reminders-due"
        >
          <Table<Due>
            rowKey="communityId"
            size="small"
            loading={isFetching}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={data?.meetingsDue ?? []}
            locale={{ emptyText: t('nothingDue') }}
            columns={[
              {
                title: t('community'),
                dataIndex: 'communityName',
                render: (v: string, r) => community(r.communityId, v),
              },
              {
                title: t('lastMeeting'),
                dataIndex: 'lastMeetingAt',
                width: 180,
                render: (v: string | null) => (v ? dateTime(v).slice(0, 10) : t('never')),
              },
              {
                title: t('daysSince'),
                dataIndex: 'daysSince',
                width: 120,
                align: 'right',
                render: (v: number | null) => v ?? '—',
              },
              {
                title: t('nextMeeting'),
                dataIndex: 'nextMeetingAt',
                width: 180,
                render: (v: string | null) => (v ? dateTime(v).slice(0, 16) : '—'),
              },
            ]}
          />
        </Card>
        <Card
          size="small"
          title={
            <>
              {t('pendingSignatures')} <Tag color="orange">{data?.pendingSignatures.length ?? 0}</Tag>
            </>
          }
          data-testid="reminders-pending"
        >
          <Table<Pending>
            rowKey={(r) => `${r.meetingId}-${r.schoolId}`}
            size="small"
            loading={isFetching}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={data?.pendingSignatures ?? []}
            locale={{ emptyText: t('nothingPending') }}
            columns={[
              {
                title: t('titleField'),
                dataIndex: 'meetingTitle',
                render: (v: string, r) => <Link to={`/meetings/${r.meetingId}`}>{v}</Link>,
              },
              { title: t('community'), dataIndex: 'communityName', width: 200 },
              { title: t('school'), dataIndex: 'schoolName', width: 180 },
              { title: t('signer'), dataIndex: 'signerName', width: 120 },
              { title: t('daysWaiting'), dataIndex: 'daysWaiting', width: 110, align: 'right' },
            ]}
          />
        </Card>
        <Card
          size="small"
          title={
            <>
              {t('overdueItems')} <Tag color="red">{data?.overdueItems.length ?? 0}</Tag>
            </>
          }
          data-testid="reminders-overdue"
        >
          <Table<Overdue>
            rowKey="id"
            size="small"
            loading={isFetching}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={data?.overdueItems ?? []}
            locale={{ emptyText: t('nothingOverdue') }}
            columns={[
              {
                title: t('itemTitle'),
                dataIndex: 'title',
                render: (v: string, r) => <Link to={`/meetings/${r.meetingId}`}>{v}</Link>,
              },
              { title: t('community'), dataIndex: 'communityName', width: 200 },
              { title: t('owner'), dataIndex: 'ownerName', width: 180 },
              { title: t('dueDate'), dataIndex: 'dueDate', width: 110 },
              { title: t('daysOverdue'), dataIndex: 'daysOverdue', width: 110, align: 'right' },
            ]}
          />
        </Card>
      </Space>
    </>
  );
}
