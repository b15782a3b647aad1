import { EditOutlined, TeamOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Empty, Result, Skeleton, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import {
  LOCATION_CLASS_LABELS,
  MEMBERSHIP_ROLE_LABELS,
  QUALITY_TIER_LABELS,
  SCHOOL_LEVEL_LABELS,
} from '../../../shared/enums';
import type { SchoolYearStats } from '../../../shared/registry.schemas';
import { errorText } from '../../api/client';
import { useSchool, useSchoolYearStats } from '../../api/registry';
import { num, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { SchoolFormDrawer } from './SchoolFormDrawer';

export default function SchoolDetailPage() {
  const { t } = useTranslation('schools');
  const { label } = useLabels();
  const id = Number(useParams().id);
  const { data: s, isLoading, error } = useSchool(Number.isFinite(id) ? id : undefined);
  const stats = useSchoolYearStats({ schoolId: id, pageSize: 50 }, Number.isFinite(id));
  const [editing, setEditing] = useState(false);

  if (isLoading) return <Skeleton active />;
  if (error || !s) return <Result status="warning" title={error ? errorText(error) : t('common:notFound')} />;
  const yesNo = (b: boolean) => (b ? t('common:yes') : t('common:no'));

  return (
    <>
      <PageHeader
        title={s.name}
        sub={`${s.code} · ${s.regionName ?? s.regionCode}${s.townshipName ? ' · ' + s.townshipName : ''}`}
        extra={
          <>
            <Link to={`/teachers?schoolId=${s.id}`}>
              <Button icon={<TeamOutlined />}>{t('viewTeachers', { count: s.teacherCount })}</Button>
            </Link>
            <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t('common:edit')}
            </Button>
          </>
        }
      />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card title={t('basicInfo')} size="small">
          <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small">
            <Descriptions.Item label={t('shortName')}>{s.shortName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('level')}>{label(SCHOOL_LEVEL_LABELS, s.level)}</Descriptions.Item>
            <Descriptions.Item label={t('locationClass')}>
              {label(LOCATION_CLASS_LABELS, s.locationClass)}
            </Descriptions.Item>
            <Descriptions.Item label={t('qualityTier')}>{label(QUALITY_TIER_LABELS, s.qualityTier)}</Descriptions.Item>
            <Descriptions.Item label={t('isTeachingPoint')}>{yesNo(s.isTeachingPoint)}</Descriptions.Item>
            <Descriptions.Item label={t('parentSchool')}>
              {s.parentSchoolId ? <Link to={`/schools/${s.parentSchoolId}`}>#{s.parentSchoolId}</Link> : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('students')}>{num(s.students)}</Descriptions.Item>
            <Descriptions.Item label={t('classes')}>{num(s.classes)}</Descriptions.Item>
            <Descriptions.Item label={t('teacherCount')}>{num(s.teacherCount)}</Descriptions.Item>
            <Descriptions.Item label={t('principalName')}>{s.principalName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('phone')}>{s.phone ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('foundedYear')}>{s.foundedYear ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('hasRecordingClassroom')}>{yesNo(s.hasRecordingClassroom)}</Descriptions.Item>
            <Descriptions.Item label={t('hasSyncClassroom')}>{yesNo(s.hasSyncClassroom)}</Descriptions.Item>
            <Descriptions.Item label={t('status')}>{s.isActive ? t('active') : t('inactive')}</Descriptions.Item>
            <Descriptions.Item label={t('address')} span={2}>
              {s.address ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('coordinates')}>
              {s.latitude != null && s.longitude != null ? `${s.latitude}, ${s.longitude}` : '—'}
            </Descriptions.Item>
          </Descriptions>
        </Card>
        <Card title={t('communities')} size="small">
          {s.communities.length ? (
            <Space wrap>
              {s.communities.map((c) => (
                <Tag key={c.id} color={c.role === 'core' ? 'gold' : 'blue'}>
                  <Link to={`/communities/${c.id}`}>{c.name}</Link> · {label(MEMBERSHIP_ROLE_LABELS, c.role)}
                </Tag>
              ))}
            </Space>
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('noCommunity')} />
          )}
        </Card>
        <Card
          title={t('annualStats')}
          size="small"
          extra={<Link to={`/school-year-stats?schoolId=${s.id}`}>{t('manageStats')}</Link>}
        >
          <Table<SchoolYearStats>
            rowKey="id"
            size="small"
            loading={stats.isFetching}
            pagination={false}
            dataSource={[...(stats.data?.items ?? [])].sort((a, b) => b.schoolYear - a.schoolYear)}
            columns={[
              {
                title: t('stats:schoolYear'),
                dataIndex: 'schoolYear',
                render: (y: number) => t('stats:yearLabel', { year: y, next: y + 1 }),
              },
              {
                title: t('stats:studentsTotal'),
                dataIndex: 'studentsTotal',
                align: 'right',
                render: (v: number) => num(v),
              },
              {
                title: t('stats:classesTotal'),
                dataIndex: 'classesTotal',
                align: 'right',
                render: (v: number) => num(v),
              },
              {
                title: t('stats:teachersTotal'),
                dataIndex: 'teachersTotal',
                align: 'right',
                render: (v: number) => num(v),
              },
              {
                title: t('stats:backboneTeachers'),
                dataIndex: 'backboneTeachers',
                align: 'right',
                render: (v: number | null) => num(v),
              },
              {
                title: t('stats:largeClasses'),
                key: 'large',
                align: 'right',
                render: (_, r) => num((r.classesBySizeBand.b56_65 ?? 0) + (r.classesBySizeBand.ge66 ?? 0)),
              },
              { title: t('stats:isStandardized'), dataIndex: 'isStandardized', render: (v: boolean) => yesNo(v) },
            ]}
          />
        </Card>
      </Space>
      <SchoolFormDrawer open={editing} school={s} onClose={() => setEditing(false)} />
    </>
  );
}
