import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Segmented, Select, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Course, CourseTotalsRow } from '../../../shared/resources.schemas';
import { useMe } from '../../api/auth';
import { useCourses, useCourseTotals } from '../../api/resources';
import { num, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { useUrlState } from '../../components/useUrlState';
import { CourseFormDrawer } from './CourseFormDrawer';
import { GRADE_LABELS, SUBJECT_LABELS } from './labels';
import { currentSchoolYear } from '../../../shared/beijing-time';

/** School years on offer: the current one (2026–2027 from September 2026) and the four before. */
const thisYear = () => currentSchoolYear();

export default function CoursesPage() {
  const { t } = useTranslation('resources');
  const { label } = useLabels();
  const { data: me } = useMe();
  const { state, set, page, pageSize } = useUrlState();
  const year = Number(state.year ?? thisYear() - 1);
  const groupBy = state.groupBy ?? 'community';
  const totals = useCourseTotals({ groupBy, schoolYear: year });
  const courses = useCourses({ schoolYear: year, page, pageSize });
  const [creating, setCreating] = useState(false);
  const canCreate = me?.role === 'bureau_admin' || me?.role === 'community_lead' || me?.role === 'school_admin';
  const years = Array.from({ length: 5 }, (_, i) => thisYear() - i);
  const yearLabel = (y: number) => t('courses.yearLabel', { year: y, next: y + 1 });

  return (
    <>
      <PageHeader
        title={t('courses.title')}
        extra={
          <>
            <Select
              value={year}
              onChange={(v) => set({ year: v })}
              options={years.map((y) => ({ value: y, label: yearLabel(y) }))}
              style={{ width: 160 }}
              data-testid="course-year"
            />
            {canCreate ? (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="course-create"
              >
                {t('courses.create')}
              </Button>
            ) : null}
          </>
        }
      />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={24} md={8}>
          <Card>
            <Statistic
              title={t('courses.hours')}
              value={totals.data?.total.classHours ?? 0}
              loading={totals.isLoading}
              data-testid="course-total-hours"
            />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic
              title={t('courses.studentsDistinct')}
              value={totals.data?.total.students ?? 0}
              loading={totals.isLoading}
              data-testid="course-total-students"
            />
            <Typography.Text type="secondary" data-testid="course-total-student-times">
              {t('courses.studentTimesHint', { n: totals.data?.total.studentTimes ?? 0 })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card>
            <Statistic title={t('courses.count')} value={totals.data?.total.courses ?? 0} loading={totals.isLoading} />
          </Card>
        </Col>
      </Row>
      <Card
        size="small"
        title={t('courses.groupBy')}
        extra={
          <Segmented
            value={groupBy}
            onChange={(v) => set({ groupBy: String(v) }, true)}
            options={[
              { value: 'community', label: t('courses.byCommunity') },
              { value: 'school', label: t('courses.bySchool') },
              { value: 'region', label: t('courses.byRegion') },
            ]}
          />
        }
        style={{ marginBottom: 16 }}
      >
        <Table<CourseTotalsRow>
          size="small"
          rowKey="key"
          loading={totals.isFetching}
          dataSource={totals.data?.rows ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          columns={[
            { title: t('courses.name'), dataIndex: 'name' },
            { title: t('courses.count'), dataIndex: 'courses', align: 'right', width: 100 },
            { title: t('courses.sessions'), dataIndex: 'sessions', align: 'right', width: 100 },
            {
              title: t('courses.hours'),
              dataIndex: 'classHours',
              align: 'right',
              width: 120,
              render: (v: number) => num(v, 1),
            },
            {
              title: t('courses.studentsDistinct'),
              dataIndex: 'students',
              align: 'right',
              width: 140,
              render: (v: number) => num(v),
            },
            {
              title: t('courses.studentTimes'),
              dataIndex: 'studentTimes',
              align: 'right',
              width: 110,
              render: (v: number) => num(v),
            },
            { title: t('courses.schoolsReached'), dataIndex: 'schools', align: 'right', width: 100 },
          ]}
        />
      </Card>
      <Table<Course>
        rowKey="id"
        size="middle"
        loading={courses.isFetching}
        dataSource={courses.data?.items ?? []}
        data-testid="course-table"
        pagination={{
          current: page,
          pageSize,
          total: courses.data?.total ?? 0,
          onChange: (p, s) => set({ page: p, pageSize: s }, true),
        }}
        columns={[
          {
            title: t('courses.course'),
            dataIndex: 'title',
            render: (v: string, c) => <Link to={`/shared-courses/${c.id}`}>{v}</Link>,
          },
          { title: t('courses.owner'), dataIndex: 'ownerSchoolName' },
          { title: t('courses.community'), dataIndex: 'communityName', render: (v: string | null) => v ?? '—' },
          {
            title: t('courses.subject'),
            dataIndex: 'subject',
            width: 110,
            render: (v: Course['subject']) => label(SUBJECT_LABELS, v),
          },
          {
            title: t('courses.targetGrades'),
            dataIndex: 'targetGrades',
            render: (g: number[]) => g.map((x) => <Tag key={x}>{label(GRADE_LABELS, String(x))}</Tag>),
          },
          {
            title: t('courses.openSchools'),
            dataIndex: 'openSchools',
            render: (o: Course['openSchools']) => o.map((s) => s.name).join('、'),
          },
          { title: t('courses.sessions'), dataIndex: 'sessions', align: 'right', width: 80 },
          {
            title: t('courses.hours'),
            dataIndex: 'classHours',
            align: 'right',
            width: 100,
            render: (v: number) => num(v, 1),
          },
          { title: t('courses.students'), dataIndex: 'students', align: 'right', width: 120 },
        ]}
      />
      <CourseFormDrawer open={creating} year={year} onClose={() => setCreating(false)} />
    </>
  );
}
