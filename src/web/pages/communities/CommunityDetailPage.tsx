import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Empty, Result, Skeleton, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import {
  COMMUNITY_MODEL_LABELS,
  COMMUNITY_TYPE_LABELS,
  LOCATION_CLASS_LABELS,
  MEMBERSHIP_ROLE_LABELS,
  SCHOOL_LEVEL_LABELS,
} from '../../../shared/enums';
import type { Membership } from '../../../shared/registry.schemas';
import { useMe } from '../../api/auth';
import { errorText } from '../../api/client';
import { useCommunity } from '../../api/registry';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { CommunityFormDrawer } from './CommunityFormDrawer';
import { LeadershipTab } from './LeadershipTab';
import { AddMemberModal, EndMemberModal } from './MembershipModals';

export default function CommunityDetailPage() {
  const { t } = useTranslation('communities');
  const { label } = useLabels();
  const id = Number(useParams().id);
  const { data: me } = useMe();
  const { data: c, isLoading, error } = useCommunity(Number.isFinite(id) ? id : undefined);
  const [adding, setAdding] = useState(false);
  const [ending, setEnding] = useState<Membership | null>(null);
  const [editing, setEditing] = useState(false);
  const [tab, setTab] = useState('members');

  if (isLoading) return <Skeleton active />;
  if (error || !c) return <Result status="warning" title={error ? errorText(error) : t('common:notFound')} />;
  const canEdit =
    me?.role === 'bureau_admin' ||
    (me?.role === 'community_lead' && me.scope.kind === 'community' && me.scope.id === String(c.id));

  const current = c.memberships
    .filter((m) => m.isCurrent)
    .sort((a, b) => (a.role === b.role ? a.schoolName.localeCompare(b.schoolName) : a.role === 'core' ? -1 : 1));
  const history = [...c.memberships].sort((a, b) => (b.endDate ?? b.startDate).localeCompare(a.endDate ?? a.startDate));
  const events = c.memberships
    .flatMap((m) => [
      { date: m.startDate, kind: 'join' as const, m },
      ...(m.endDate ? [{ date: m.endDate, kind: 'leave' as const, m }] : []),
    ])
    .sort((a, b) => b.date.localeCompare(a.date));

  const schoolCols = [
    {
      title: t('school'),
      dataIndex: 'schoolName',
      render: (v: string, r: Membership) => <Link to={`/schools/${r.schoolId}`}>{v}</Link>,
    },
    { title: t('schoolCode'), dataIndex: 'schoolCode', width: 130 },
    {
      title: t('role'),
      dataIndex: 'role',
      width: 100,
      render: (v: Membership['role']) => (
        <Tag color={v === 'core' ? 'gold' : 'blue'}>{label(MEMBERSHIP_ROLE_LABELS, v)}</Tag>
      ),
    },
    {
      title: t('schoolLevel'),
      dataIndex: 'schoolLevel',
      width: 110,
      render: (v: Membership['schoolLevel']) => label(SCHOOL_LEVEL_LABELS, v),
    },
    {
      title: t('locationClass'),
      dataIndex: 'locationClass',
      width: 90,
      render: (v: Membership['locationClass']) => label(LOCATION_CLASS_LABELS, v),
    },
    { title: t('startDate'), dataIndex: 'startDate', width: 110 },
  ];

  return (
    <>
      <PageHeader
        title={c.name}
        sub={
          <>
            {c.code} · {label(COMMUNITY_TYPE_LABELS, c.type)} · {label(COMMUNITY_MODEL_LABELS, c.model)} ·{' '}
            {c.regionName ?? c.regionCode}
            {c.isCrossRegion ? ` ↔ ${c.partnerRegionName ?? c.partnerRegionCode ?? ''}` : ''}
          </>
        }
        extra={
          canEdit ? (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="community-edit">
              {t('editInfo')}
            </Button>
          ) : undefined
        }
      />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'members',
            label: t('tabMembers', { count: current.length }),
            children: (
              <>
                {canEdit ? (
                  <Button
                    type="primary"
                    icon={<PlusOutlined />}
                    onClick={() => setAdding(true)}
                    style={{ marginBottom: 12 }}
                    data-testid="member-add"
                  >
                    {t('addMember')}
                  </Button>
                ) : null}
                <Table<Membership>
                  rowKey="id"
                  size="small"
                  pagination={false}
                  dataSource={current}
                  data-testid="member-table"
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noMembers')} /> }}
                  columns={[
                    ...schoolCols,
                    { title: t('note'), dataIndex: 'note', render: (v: string | null) => v ?? '—' },
                    ...(canEdit
                      ? [
                          {
                            title: t('common:actions'),
                            key: 'a',
                            width: 100,
                            render: (_: unknown, r: Membership) => (
                              <Button
                                size="small"
                                type="link"
                                danger
                                onClick={() => setEnding(r)}
                                data-testid={`member-end-${r.schoolId}`}
                              >
                                {t('endMember')}
                              </Button>
                            ),
                          },
                        ]
                      : []),
                  ]}
                />
              </>
            ),
          },
          {
            key: 'history',
            label: t('tabHistory'),
            children: (
              <div style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 2fr) minmax(240px, 1fr)', gap: 24 }}>
                <Table<Membership>
                  rowKey="id"
                  size="small"
                  pagination={false}
                  dataSource={history}
                  columns={[
                    ...schoolCols,
                    { title: t('endDate'), dataIndex: 'endDate', width: 110, render: (v: string | null) => v ?? '—' },
                    {
                      title: t('state'),
                      dataIndex: 'isCurrent',
                      width: 90,
                      render: (v: boolean) => (v ? <Tag color="green">{t('current')}</Tag> : <Tag>{t('ended')}</Tag>),
                    },
                    { title: t('note'), dataIndex: 'note', render: (v: string | null) => v ?? '—' },
                  ]}
                />
                <Card size="small" title={t('timeline')}>
                  {events.length ? (
                    <Timeline
                      items={events.map((e) => ({
                        key: `${e.m.id}-${e.kind}`,
                        color: e.kind === 'join' ? 'green' : 'gray',
                        content: (
                          <>
                            <Typography.Text type="secondary">{e.date}</Typography.Text>
                            <div>
                              {t(e.kind === 'join' ? 'eventJoin' : 'eventLeave', {
                                school: e.m.schoolName,
                                role: label(MEMBERSHIP_ROLE_LABELS, e.m.role),
                              })}
                            </div>
                          </>
                        ),
                      }))}
                    />
                  ) : (
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
                  )}
                </Card>
              </div>
            ),
          },
          {
            key: 'leadership',
            label: t('tabLeadership', { count: c.leadership.length }),
            children: <LeadershipTab community={c} canEdit={canEdit} />,
          },
          {
            key: 'info',
            label: t('tabInfo'),
            children: (
              <Descriptions
                column={{ xs: 1, md: 2 }}
                bordered
                size="small"
                extra={
                  canEdit ? (
                    <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                      {t('common:edit')}
                    </Button>
                  ) : undefined
                }
              >
                <Descriptions.Item label={t('code')}>{c.code}</Descriptions.Item>
                <Descriptions.Item label={t('name')}>{c.name}</Descriptions.Item>
                <Descriptions.Item label={t('type')}>{label(COMMUNITY_TYPE_LABELS, c.type)}</Descriptions.Item>
                <Descriptions.Item label={t('model')}>{label(COMMUNITY_MODEL_LABELS, c.model)}</Descriptions.Item>
                <Descriptions.Item label={t('region')}>{c.regionName ?? c.regionCode}</Descriptions.Item>
                <Descriptions.Item label={t('isCrossRegion')}>
                  {c.isCrossRegion
                    ? `${t('common:yes')}（${c.partnerRegionName ?? c.partnerRegionCode ?? ''}）`
                    : t('common:no')}
                </Descriptions.Item>
                <Descriptions.Item label={t('foundedOn')}>{c.foundedOn}</Descriptions.Item>
                <Descriptions.Item label={t('dissolvedOn')}>{c.dissolvedOn ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('coreSchools')} span={2}>
                  {c.coreSchools.map((s) => s.name).join('、') || '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('description')} span={2}>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                    {c.description ?? '—'}
                  </Typography.Paragraph>
                </Descriptions.Item>
              </Descriptions>
            ),
          },
        ]}
      />
      <AddMemberModal communityId={c.id} open={adding} onClose={() => setAdding(false)} />
      <EndMemberModal communityId={c.id} membership={ending} onClose={() => setEnding(null)} />
      <CommunityFormDrawer open={editing} community={c} onClose={() => setEditing(false)} />
    </>
  );
}
