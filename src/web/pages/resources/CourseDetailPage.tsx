import {
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Result,
  Row,
  Select,
  Spin,
  Statistic,
  Table,
  Tag,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { CourseSession, Enrolment } from '../../../shared/resources.schemas';
import { useAddSession, useCourse, useDeleteCourse, useEnrol, useRemoveSession, useUnenrol } from '../../api/resources';
import { num, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { GRADE_LABELS, SUBJECT_LABELS } from './labels';
import { useChoose } from '../../components/formRules';

export default function CourseDetailPage() {
  const { t } = useTranslation('resources');
  const choose = useChoose();
  const { label } = useLabels();
  const navigate = useNavigate();
  const id = Number(useParams().id);
  const { data: c, isLoading, isError } = useCourse(id);
  const addSession = useAddSession();
  const removeSession = useRemoveSession();
  const enrol = useEnrol();
  const unenrol = useUnenrol();
  const remove = useDeleteCourse();
  const [sessionForm] = Form.useForm<{ heldOn: Dayjs; classHours: number; topic: string }>();
  const [enrolForm] = Form.useForm<{ schoolId: number; className: string; students: number }>();
  if (isLoading) return <Spin />;
  if (isError || !c) return <Result status="404" title={t('common:notFound')} />;

  return (
    <>
      <PageHeader
        title={c.title}
        sub={`${c.ownerSchoolName}${c.communityName ? ` · ${c.communityName}` : ''} · ${t('courses.yearLabel', { year: c.schoolYear, next: c.schoolYear + 1 })}`}
        extra={
          c.can.edit ? (
            <Popconfirm
              title={t('courses.deleteConfirm', { title: c.title })}
              onConfirm={() =>
                remove
                  .mutateAsync(c.id)
                  .then(() => navigate('/shared-courses'))
                  .catch(() => undefined)
              }
            >
              <Button danger>{t('common:delete')}</Button>
            </Popconfirm>
          ) : null
        }
      />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={8}>
          <Card>
            <Statistic title={t('courses.sessions')} value={c.sessions} />
          </Card>
        </Col>
        <Col span={8}>
          <Card>
            <Statistic title={t('courses.hours')} value={c.classHours} data-testid="course-hours" />
          </Card>
        </Col>
        <Col span={8}>
          <Card>
            <Statistic title={t('courses.students')} value={c.students} />
          </Card>
        </Col>
      </Row>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={2}>
          <Descriptions.Item label={t('courses.subject')}>{label(SUBJECT_LABELS, c.subject)}</Descriptions.Item>
          <Descriptions.Item label={t('courses.targetGrades')}>
            {c.targetGrades.map((g) => (
              <Tag key={g}>{label(GRADE_LABELS, String(g))}</Tag>
            ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('courses.openSchools')} span={2}>
            {c.openSchools.map((s) => s.name).join('、') || '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('courses.description')} span={2}>
            {c.description ?? '—'}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('courses.sessionList')}>
            {c.can.edit ? (
              <Form
                form={sessionForm}
                layout="inline"
                style={{ marginBottom: 12 }}
                onFinish={(v) =>
                  addSession
                    .mutateAsync({
                      id,
                      body: {
                        heldOn: v.heldOn.format('YYYY-MM-DD'),
                        classHours: v.classHours,
                        topic: v.topic,
                        activityId: null,
                      },
                    })
                    .then(() => sessionForm.resetFields())
                    .catch(() => undefined)
                }
              >
                <Form.Item name="heldOn" rules={[choose(t('courses.heldOn'))]}>
                  <DatePicker placeholder={t('courses.heldOn')} />
                </Form.Item>
                <Form.Item name="classHours" rules={[{ required: true }]} initialValue={1}>
                  <InputNumber min={0.5} max={8} step={0.5} placeholder={t('courses.classHours')} />
                </Form.Item>
                <Form.Item name="topic" rules={[{ required: true }]}>
                  <Input placeholder={t('courses.topic')} />
                </Form.Item>
                <Button htmlType="submit" type="primary" loading={addSession.isPending}>
                  {t('courses.addSession')}
                </Button>
              </Form>
            ) : null}
            <Table<CourseSession>
              size="small"
              rowKey="id"
              dataSource={c.sessionList}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('courses.heldOn'), dataIndex: 'heldOn', width: 120 },
                { title: t('courses.topic'), dataIndex: 'topic' },
                {
                  title: t('courses.classHours'),
                  dataIndex: 'classHours',
                  width: 80,
                  align: 'right',
                  render: (v: number) => num(v, 1),
                },
                {
                  title: t('courses.activity'),
                  dataIndex: 'activityId',
                  width: 90,
                  render: (v: number | null) => (v ? `#${v}` : ''),
                },
                ...(c.can.edit
                  ? [
                      {
                        key: 'x',
                        width: 70,
                        render: (_: unknown, s: CourseSession) => (
                          <Button
                            size="small"
                            type="link"
                            danger
                            onClick={() => removeSession.mutate({ id, sessionId: s.id })}
                          >
                            {t('common:remove')}
                          </Button>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('courses.enrolments')}>
            {c.can.enrolSchoolIds.length ? (
              <Form
                form={enrolForm}
                layout="inline"
                style={{ marginBottom: 12 }}
                onFinish={(v) =>
                  enrol
                    .mutateAsync({ id, body: v })
                    .then(() => enrolForm.resetFields())
                    .catch(() => undefined)
                }
              >
                <Form.Item name="schoolId" rules={[choose(t('facets.school'))]} initialValue={c.can.enrolSchoolIds[0]}>
                  <Select
                    style={{ width: 160 }}
                    options={c.openSchools
                      .filter((s) => c.can.enrolSchoolIds.includes(s.id))
                      .map((s) => ({ value: s.id, label: s.name }))}
                  />
                </Form.Item>
                <Form.Item name="className" rules={[{ required: true }]}>
                  <Input placeholder={t('courses.className')} style={{ width: 110 }} />
                </Form.Item>
                <Form.Item name="students" rules={[{ required: true }]}>
                  <InputNumber min={1} max={200} placeholder={t('courses.enrolStudents')} />
                </Form.Item>
                <Button htmlType="submit" type="primary" loading={enrol.isPending}>
                  {t('courses.enrol')}
                </Button>
              </Form>
            ) : null}
            <Table<Enrolment>
              size="small"
              rowKey="id"
              dataSource={c.enrolments}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              columns={[
                { title: t('courses.school'), dataIndex: 'schoolName' },
                { title: t('courses.className'), dataIndex: 'className' },
                { title: t('courses.enrolStudents'), dataIndex: 'students', align: 'right', width: 90 },
                {
                  key: 'x',
                  width: 70,
                  render: (_: unknown, e: Enrolment) =>
                    c.can.enrolSchoolIds.includes(e.schoolId) ? (
                      <Button size="small" type="link" danger onClick={() => unenrol.mutate({ id, enrolmentId: e.id })}>
                        {t('common:remove')}
                      </Button>
                    ) : null,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
