import { shanghaiDateTime } from '../../../shared/activities.semester';
import { DownloadOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  List,
  Modal,
  Progress,
  Row,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ACTIVITY_KIND_LABELS,
  COMPLIANCE_STATUS_LABELS,
  type ComplianceRow,
  type ComplianceStatus,
} from '../../../shared/activities.schemas';
import { SUBJECT_LABELS } from '../../../shared/enums';
import { apiLanguage } from '../../api/client';
import { useActivities, useCompliance, useReminders, useWorkPlans } from '../../api/activities';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ReportButton } from '../../components/ReportButton';
import { useUrlState } from '../../components/useUrlState';
import { PlanFormDrawer } from './PlanFormDrawer';
import { ActivitiesNav, currentSemester, SemesterSelect, useOwnCommunityId, ScopedCommunitySelect } from './shared';

const STATUS_COLOR: Record<ComplianceStatus, string> = {
  done: 'green',
  on_track: 'blue',
  behind: 'red',
  upcoming: 'default',
};

/** The semester plan of a community, its compliance (done / due / behind) with drill-down, and reminders. */
export default function PlansPage() {
  const { t } = useTranslation('activities');
  const { label, grade } = useLabels();
  const { state, set } = useUrlState();
  const own = useOwnCommunityId();
  const communityId = state.communityId ? Number(state.communityId) : own;
  const semester = state.semester ?? currentSemester();
  const plans = useWorkPlans({ communityId, semester }, !!communityId);
  const plan = plans.data?.items[0];
  const { data: c } = useCompliance(plan?.id);
  const reminders = useReminders({ semester, communityId });
  const [editing, setEditing] = useState(false);
  const [drill, setDrill] = useState<ComplianceRow | null>(null);
  const status = (s: ComplianceStatus | null) =>
    s ? <Tag color={STATUS_COLOR[s]}>{label(COMPLIANCE_STATUS_LABELS, s)}</Tag> : null;
  const scopeOf = (r: ComplianceRow) =>
    [
      r.schoolName,
      r.grade ? grade(r.grade) : null,
      r.subject ? label(SUBJECT_LABELS, r.subject as never) : null,
      r.month,
      r.cadence === 'monthly' ? t('cadence.monthly') : null,
    ]
      .filter(Boolean)
      .join(' · ');

  return (
    <>
      <ActivitiesNav />
      <PageHeader
        title={t('plansTitle')}
        extra={
          !communityId ? (
            // the archive is per community and term: say what to choose instead of hiding the buttons
            <Tooltip title={t('archiveNeedsCommunity')}>
              <Space data-testid="plan-archive-disabled">
                <Button icon={<DownloadOutlined />} disabled data-testid="plan-archive-xlsx">
                  {t('archiveXlsx')}
                </Button>
                <Button icon={<DownloadOutlined />} disabled data-testid="plan-archive-pdf">
                  {t('archivePdf')}
                </Button>
                <Typography.Text type="secondary">{t('archiveNeedsCommunity')}</Typography.Text>
              </Space>
            </Tooltip>
          ) : (
            <>
              <ReportButton
                kind="activities.archive-xlsx"
                params={{ communityId, semester, lang: apiLanguage() }}
                data-testid="plan-archive-xlsx"
              >
                {t('archiveXlsx')}
              </ReportButton>
              <ReportButton
                kind="activities.archive-pdf"
                params={{ communityId, semester, lang: apiLanguage() }}
                data-testid="plan-archive-pdf"
              >
                {t('archivePdf')}
              </ReportButton>
              {plan?.canEdit ? (
                <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                  {t('editPlan')}
                </Button>
              ) : null}
              {!plan && !plans.isFetching ? (
                <Button
                  type="primary"
                  icon={<PlusOutlined />}
                  onClick={() => setEditing(true)}
                  data-testid="plan-create"
                >
                  {t('createPlan')}
                </Button>
              ) : null}
            </>
          )
        }
      />
      <Space wrap style={{ marginBottom: 12 }}>
        <ScopedCommunitySelect
          placeholder={t('f.community')}
          value={communityId}
          onChange={(v) => set({ communityId: v as number | undefined })}
          style={{ width: 260 }}
          data-testid="plan-community"
        />
        <SemesterSelect
          value={semester}
          onChange={(v: string) => set({ semester: v })}
          style={{ width: 240 }}
          data-testid="plan-semester"
        />
      </Space>
      {!communityId ? (
        <Empty description={t('chooseCommunity')} />
      ) : !plan ? (
        <Empty description={t('noPlan')} />
      ) : c ? (
        <>
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            <Col xs={24} md={8}>
              <Card size="small" title={plan.title}>
                <Progress type="dashboard" percent={Math.round(c.summary.rate * 100)} size={110} />
                <div>
                  {t('summary', { done: c.summary.done, targets: c.summary.targets, behind: c.summary.behind })}
                </div>
                <div style={{ color: '#888' }}>{t('asOf', { date: c.asOf })}</div>
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card size="small" title={t('bySchool')}>
                <Table
                  size="small"
                  pagination={false}
                  rowKey={(r) => String(r.schoolId)}
                  dataSource={c.bySchool}
                  columns={[
                    {
                      title: t('school'),
                      dataIndex: 'schoolName',
                      render: (v: string | null) => v ?? t('wholeCommunity'),
                    },
                    { title: t('doneDue'), render: (_, r) => `${r.done} / ${r.due} / ${r.target}` },
                    {
                      title: t('status.behind'),
                      dataIndex: 'behind',
                      render: (v: number) => (v ? <Tag color="red">{v}</Tag> : 0),
                    },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card size="small" title={t('byMonth')}>
                <Table
                  size="small"
                  pagination={false}
                  rowKey="month"
                  dataSource={c.byMonth}
                  columns={[
                    { title: t('month'), dataIndex: 'month' },
                    { title: t('doneCount'), dataIndex: 'done' },
                    {
                      title: t('status.behind'),
                      dataIndex: 'behind',
                      render: (v: number) => (v ? <Tag color="red">{v}</Tag> : 0),
                    },
                  ]}
                />
              </Card>
            </Col>
          </Row>
          <Table<ComplianceRow>
            rowKey="targetId"
            size="middle"
            pagination={false}
            dataSource={c.rows}
            data-testid="compliance-table"
            scroll={{ x: 800 }}
            onRow={(r) => ({ onClick: () => setDrill(r), style: { cursor: 'pointer' } })}
            columns={[
              {
                title: t('f.kind'),
                dataIndex: 'kind',
                render: (v: ComplianceRow['kind']) => label(ACTIVITY_KIND_LABELS, v),
              },
              { title: t('scope'), render: (_, r) => scopeOf(r) || t('wholeCommunity') },
              { title: t('target'), dataIndex: 'target', align: 'right' },
              { title: t('doneCount'), dataIndex: 'done', align: 'right' },
              { title: t('due'), dataIndex: 'due', align: 'right' },
              { title: t('statusTitle'), dataIndex: 'status', render: (s: ComplianceStatus) => status(s) },
              {
                title: t('months'),
                render: (_, r) => (
                  <Space size={2} wrap>
                    {r.months
                      .filter((m) => m.target !== null)
                      .map((m) => (
                        <Tag key={m.month} color={m.status ? STATUS_COLOR[m.status] : undefined}>
                          {m.month.slice(5)}: {m.done}/{m.target}
                        </Tag>
                      ))}
                  </Space>
                ),
              },
            ]}
          />
        </>
      ) : null}
      {reminders.data?.length ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 16 }}
          title={t('remindersTitle', { count: reminders.data.length })}
          data-testid="reminders"
          description={
            <List
              size="small"
              dataSource={reminders.data.slice(0, 20)}
              renderItem={(r) => (
                <List.Item>
                  {r.communityName}：{label(ACTIVITY_KIND_LABELS, r.kind)}
                  {r.schoolName ? `（${r.schoolName}）` : ''} —{' '}
                  {r.shortMonths.length
                    ? t('missingMonths', {
                        n: r.missing,
                        months: r.shortMonths.map((m) => String(Number(m.slice(5)))).join('、'),
                      })
                    : t('missing', { n: r.missing, done: r.done, due: r.due })}
                </List.Item>
              )}
            />
          }
        />
      ) : null}
      {communityId ? (
        <PlanFormDrawer
          open={editing}
          onClose={() => setEditing(false)}
          communityId={communityId}
          semester={semester}
          plan={plan}
        />
      ) : null}
      <Drill row={drill} onClose={() => setDrill(null)} />
    </>
  );
}

function Drill({ row, onClose }: { row: ComplianceRow | null; onClose: () => void }) {
  const { t } = useTranslation('activities');
  const ids = row?.activityIds ?? [];
  const { data } = useActivities({ ids, pageSize: 100 }, ids.length > 0);
  return (
    <Modal
      open={!!row}
      onCancel={onClose}
      footer={null}
      title={t('drillTitle')}
      width={720}
      data-testid="compliance-drill"
    >
      {ids.length === 0 ? (
        <Empty description={t('noneYet')} />
      ) : (
        <List
          size="small"
          dataSource={data?.items ?? []}
          renderItem={(a) => (
            <List.Item>
              {shanghaiDateTime(a.startsAt)} · {a.title} · {a.organizerSchoolName}
            </List.Item>
          )}
        />
      )}
    </Modal>
  );
}
