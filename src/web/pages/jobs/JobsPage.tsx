import { Button, Popconfirm, Segmented, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { JOB_STATUS_LABELS, JOB_STATUSES, type JobStatus } from '../../../shared/jobs.schemas';
import { useDiscardJob, useJobs, useRetryJob, type JobView } from '../../api/jobs';
import { dateTime, useLabels } from '../../components/labels';
import { ListTable, useListState } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';

const STATUS_COLORS: Record<JobStatus, string> = {
  queued: 'default',
  running: 'processing',
  done: 'success',
  dead: 'error',
};

/** The job queue: what runs in the background, what failed and why; failed jobs are retried or discarded here. */
export default function JobsPage() {
  const { t } = useTranslation('jobs');
  const { label } = useLabels();
  const list = useListState(['status', 'kind']);
  const { state, set, page, pageSize } = list;
  const { data, isFetching } = useJobs({ status: state.status, kind: state.kind, page, pageSize });
  const retry = useRetryJob();
  const discard = useDiscardJob();
  const count = (s: string) => data?.counts[s] ?? 0;

  return (
    <>
      <PageHeader title={t('title')} sub={t('subtitle')} />
      <Segmented
        style={{ marginBottom: 16 }}
        value={state.status ?? 'all'}
        onChange={(v) => set({ status: v === 'all' ? undefined : String(v) })}
        data-testid="job-status-filter"
        options={[
          { value: 'all', label: t('all') },
          ...JOB_STATUSES.map((s) => ({ value: s, label: `${label(JOB_STATUS_LABELS, s)} ${count(s)}` })),
        ]}
      />
      <ListTable<JobView>
        loading={isFetching}
        data-testid="job-table"
        list={list}
        data={data}
        scroll={{ x: 1000 }}
        expandable={{
          rowExpandable: (r) => Boolean(r.lastError || r.result),
          expandedRowRender: (r) => (
            <Space direction="vertical">
              {r.lastError ? <Typography.Text type="danger">{r.lastError}</Typography.Text> : null}
              {r.result ? <Typography.Text code>{JSON.stringify(r.result)}</Typography.Text> : null}
            </Space>
          ),
        }}
        columns={[
          { title: 'ID', dataIndex: 'id', width: 80 },
          {
            title: t('kind'),
            dataIndex: 'kind',
            width: 220,
            render: (v: string) => t(`kinds.${v}`, { defaultValue: v }),
          },
          {
            title: t('status'),
            dataIndex: 'status',
            width: 100,
            render: (v: JobStatus) => <Tag color={STATUS_COLORS[v]}>{label(JOB_STATUS_LABELS, v)}</Tag>,
          },
          { title: t('attempts'), width: 90, render: (_, r) => `${r.attempts} / ${r.maxAttempts}` },
          { title: t('runAt'), dataIndex: 'runAt', width: 170, render: (v: string) => dateTime(v) },
          {
            title: t('finishedAt'),
            dataIndex: 'finishedAt',
            width: 170,
            render: (v: string | null) => (v ? dateTime(v) : '—'),
          },
          {
            title: t('lastError'),
            dataIndex: 'lastError',
            ellipsis: true,
            render: (v: string | null) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : '—'),
          },
          {
            title: t('common:actions'),
            key: 'actions',
            width: 150,
            fixed: 'right',
            render: (_, r) => (
              <Space size={4}>
                {r.status === 'dead' ? (
                  <Button size="small" type="link" onClick={() => retry.mutate(r.id)} data-testid={`job-retry-${r.id}`}>
                    {t('retry')}
                  </Button>
                ) : null}
                {r.status !== 'running' ? (
                  <Popconfirm
                    title={t('discardConfirm')}
                    onConfirm={() => discard.mutateAsync(r.id).catch(() => undefined)}
                  >
                    <Button size="small" type="link" danger>
                      {t('discard')}
                    </Button>
                  </Popconfirm>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
    </>
  );
}
