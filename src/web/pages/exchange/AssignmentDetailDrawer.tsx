import {
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import {
  DIRECTION_LABELS,
  EVALUATION_GRADE_LABELS,
  EXCHANGE_KIND_LABELS,
  EXCHANGE_STATUS_LABELS,
  WEEKDAY_LABELS,
  WORKLOAD_LABELS,
} from '../../../shared/exchange.enums';
import type { Assignment } from '../../../shared/exchange.schemas';
import { exchangeKeys, useAddSession, useEvaluateAssignment, useHistory } from '../../api/exchange';
import { http } from '../../api/client';
import { toIsoDate } from '../../components/dates';
import { hours, num, useLabels } from '../../components/labels';
import { STATUS_COLOR } from './shared';

/** One assignment: timetable or sessions, evaluation, and the teacher's exchange history with promotion credit. */
export function AssignmentDetailDrawer({ id, onClose }: { id: number | undefined; onClose: () => void }) {
  const { t } = useTranslation('exchange');
  const { label, options, en } = useLabels();
  const { data: a } = useQuery({
    queryKey: exchangeKeys.assignment(id ?? 0),
    queryFn: () => http.get<Assignment>(`/exchange/assignments/${id}`),
    enabled: !!id,
  });
  const history = useHistory(a?.teacherId);
  const addSession = useAddSession();
  const evaluate = useEvaluateAssignment();
  const [sessionForm] = Form.useForm<{ heldOn: Dayjs; hours: number; topic?: string }>();
  const [evalForm] = Form.useForm<{ grade: Assignment['evaluationGrade']; comment?: string }>();
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={760}
      title={a ? `${a.teacherName} · ${label(EXCHANGE_KIND_LABELS, a.kind)}` : ''}
      data-testid="assignment-detail"
    >
      {a ? (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('fromSchool')}>{a.fromSchoolName}</Descriptions.Item>
            <Descriptions.Item label={t('toSchool')}>{a.toSchoolName}</Descriptions.Item>
            <Descriptions.Item label={t('period')}>
              {a.startDate} ~ {a.endDate}
            </Descriptions.Item>
            <Descriptions.Item label={t('direction')}>{label(DIRECTION_LABELS, a.direction)}</Descriptions.Item>
            <Descriptions.Item label={t('workload')}>
              {label(WORKLOAD_LABELS, a.workload)}
              {a.partTimeFraction ? ` ×${a.partTimeFraction}` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('status')}>
              <Tag color={STATUS_COLOR[a.status]}>{label(EXCHANGE_STATUS_LABELS, a.status)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('hours')}>
              <span data-testid="detail-hours">{hours(a.hours)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('computedHours')}>
              {hours(a.computedHours)}
              {a.overrideReason ? `（${t('overrideReason')}：${a.overrideReason}）` : ''}
            </Descriptions.Item>
            {a.postHeld ? <Descriptions.Item label={t('postHeld')}>{a.postHeld}</Descriptions.Item> : null}
            {a.allowanceYuan != null ? (
              <Descriptions.Item label={t('allowance')}>{num(a.allowanceYuan)}</Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('evaluation')}>
              {a.evaluationGrade
                ? `${label(EVALUATION_GRADE_LABELS, a.evaluationGrade)} ${a.evaluationComment ?? ''}`
                : '—'}
            </Descriptions.Item>
          </Descriptions>
          {a.slots.length ? (
            <Table
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={a.slots}
              columns={[
                {
                  title: t('weekday'),
                  dataIndex: 'weekday',
                  render: (d: number) => (en ? WEEKDAY_LABELS[d]?.en : WEEKDAY_LABELS[d]?.zh),
                },
                { title: t('time'), key: 'time', render: (_, s) => `${s.startTime}–${s.endTime}` },
                { title: t('className'), dataIndex: 'className' },
              ]}
            />
          ) : null}
          {a.kind === 'send_lesson' ? (
            <>
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={a.sessions}
                columns={[
                  { title: t('heldOn'), dataIndex: 'heldOn' },
                  { title: t('hours'), dataIndex: 'hours' },
                  { title: t('topic'), dataIndex: 'topic' },
                ]}
              />
              <Form
                form={sessionForm}
                layout="inline"
                onFinish={(v) =>
                  addSession
                    .mutateAsync({
                      id: a.id,
                      body: { heldOn: toIsoDate(v.heldOn)!, hours: v.hours, topic: v.topic ?? null },
                    })
                    .then(() => sessionForm.resetFields())
                    .catch(() => undefined)
                }
              >
                <Form.Item name="heldOn" rules={[{ required: true, message: t('common:required') }]}>
                  <DatePicker placeholder={t('heldOn')} />
                </Form.Item>
                <Form.Item name="hours" rules={[{ required: true, message: t('common:required') }]}>
                  <InputNumber min={0.5} max={12} step={0.5} placeholder={t('hours')} />
                </Form.Item>
                <Form.Item name="topic">
                  <Input placeholder={t('topic')} />
                </Form.Item>
                <Button htmlType="submit">{t('addSession')}</Button>
              </Form>
            </>
          ) : null}
          <Form
            form={evalForm}
            layout="inline"
            onFinish={(v) =>
              evaluate
                .mutateAsync({ id: a.id, body: { grade: v.grade!, comment: v.comment ?? null } })
                .catch(() => undefined)
            }
          >
            <Form.Item name="grade" rules={[{ required: true, message: t('common:required') }]}>
              <Select options={options(EVALUATION_GRADE_LABELS)} placeholder={t('evaluation')} style={{ width: 120 }} />
            </Form.Item>
            <Form.Item name="comment">
              <Input placeholder={t('evaluationComment')} style={{ width: 260 }} />
            </Form.Item>
            <Button htmlType="submit">{t('evaluate')}</Button>
          </Form>
          {history.data ? (
            <div data-testid="teacher-history">
              <Typography.Title level={5}>{t('history', { name: history.data.teacherName })}</Typography.Title>
              <Typography.Paragraph>
                {t('historySummary', { times: history.data.personTimes, hours: hours(history.data.hours) })}{' '}
                <Tag color={history.data.credit.meets ? 'green' : 'orange'}>
                  {t('credit', { months: history.data.credit.months, required: history.data.credit.requiredMonths })}
                </Tag>
              </Typography.Paragraph>
              <Table
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={history.data.assignments}
                columns={[
                  {
                    title: t('kind'),
                    dataIndex: 'kind',
                    render: (v: Assignment['kind']) => label(EXCHANGE_KIND_LABELS, v),
                  },
                  { title: t('toSchool'), dataIndex: 'toSchoolName' },
                  { title: t('period'), key: 'p', render: (_, r) => `${r.startDate} ~ ${r.endDate}` },
                  {
                    title: t('status'),
                    dataIndex: 'status',
                    render: (v: Assignment['status']) => label(EXCHANGE_STATUS_LABELS, v),
                  },
                  { title: t('hours'), dataIndex: 'hours', align: 'right', render: (v: number) => hours(v) },
                ]}
              />
            </div>
          ) : null}
        </Space>
      ) : null}
    </Drawer>
  );
}
