import { PlusOutlined } from '@ant-design/icons';
import {
  Button,
  Col,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EVALUATION_GRADE_LABELS, MENTORSHIP_STATUS_LABELS } from '../../../shared/exchange.enums';
import type {
  Mentorship,
  MentorshipEvaluationInput,
  MentorshipInput,
} from '../../../shared/exchange-mentorship.schemas';
import {
  useCreateMentorship,
  useEvaluateMentorship,
  useLinkActivity,
  useMentorship,
  useMentorships,
} from '../../api/exchange';
import { useMe } from '../../api/auth';
import { toIsoDate } from '../../components/dates';
import { FilterBar, boolOptions } from '../../components/FilterBar';
import { FormDrawer } from '../../components/FormDrawer';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { CommunitySelect, TeacherSelect } from '../../components/RemoteSelect';
import { ListTable, useListState } from '../../components/ListTable';
import { ExchangeNav } from './ExchangeNav';
import { percent } from './shared';

type Values = Omit<MentorshipInput, 'signedOn' | 'endsOn'> & { signedOn?: Dayjs; endsOn?: Dayjs };

/** 师徒结对: pairs with their monthly observation compliance; the lead sees who is behind. */
export default function MentorshipsPage() {
  const { t } = useTranslation('exchange');
  const { label } = useLabels();
  const list = useListState(['search', 'communityId', 'behind']);
  const { state, set, page, pageSize } = list;
  const [creating, setCreating] = useState(false);
  const [viewing, setViewing] = useState<number | undefined>();
  const [form] = Form.useForm<Values>();
  const create = useCreateMentorship();
  // who may sign a pair (server: exchangePolicy.signMentorship); others are not offered a form they cannot save
  const { data: me } = useMe();
  const canSign = me?.role === 'bureau_admin' || me?.role === 'community_lead';
  const { data, isFetching } = useMentorships({
    search: state.search,
    communityId: state.communityId,
    behind: state.behind,
    page,
    pageSize,
  });
  const req = [{ required: true, message: t('common:required') }];
  return (
    <>
      <PageHeader
        title={t('mentorshipsTitle')}
        sub={t('mentorshipsSubtitle')}
        extra={
          canSign ? (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="mentorship-create"
            >
              {t('signPair')}
            </Button>
          ) : null
        }
      />
      <ExchangeNav />
      <FilterBar onReset={list.reset}>
        <Input.Search
          key={state.search ?? ''}
          allowClear
          placeholder={t('searchTeacher')}
          defaultValue={state.search}
          onSearch={(v) => set({ search: v })}
          style={{ width: 200 }}
        />
        <CommunitySelect
          placeholder={t('community')}
          value={state.communityId ? Number(state.communityId) : undefined}
          onChange={(v) => set({ communityId: v as number | undefined })}
          style={{ width: 240 }}
        />
        <Select
          allowClear
          placeholder={t('behindFilter')}
          options={boolOptions(t)}
          value={state.behind}
          onChange={(v?: string) => set({ behind: v })}
          style={{ width: 160 }}
        />
      </FilterBar>
      <ListTable<Mentorship>
        loading={isFetching}
        data-testid="mentorship-table"
        scroll={{ x: 1100 }}
        list={list}
        data={data}
        sizeChanger={false}
        columns={[
          {
            title: t('mentor'),
            key: 'mentor',
            render: (_, r) => (
              <a onClick={() => setViewing(r.id)}>
                {r.mentorName}
                <Typography.Text type="secondary">（{r.mentorSchoolName}）</Typography.Text>
              </a>
            ),
          },
          {
            title: t('apprentice'),
            key: 'apprentice',
            render: (_, r) => (
              <>
                {r.apprenticeName}
                <Typography.Text type="secondary">（{r.apprenticeSchoolName}）</Typography.Text>
              </>
            ),
          },
          { title: t('signedOn'), dataIndex: 'signedOn', width: 110 },
          {
            title: t('status'),
            dataIndex: 'status',
            width: 90,
            render: (v: Mentorship['status']) => label(MENTORSHIP_STATUS_LABELS, v),
          },
          {
            title: t('quota'),
            dataIndex: 'observationsPerMonth',
            width: 90,
            render: (v: number) => t('perMonth', { n: v }),
          },
          { title: t('observations'), dataIndex: 'observations', width: 80, align: 'right' },
          { title: t('demoLessons'), dataIndex: 'demoLessons', width: 80, align: 'right' },
          {
            title: t('compliance'),
            key: 'c',
            width: 160,
            render: (_, r) => `${r.monthsMet}/${r.monthsJudged}（${percent(r.complianceRate)}）`,
          },
          {
            title: '',
            dataIndex: 'behind',
            width: 90,
            render: (v: boolean) => (v ? <Tag color="red">{t('behind')}</Tag> : null),
          },
        ]}
      />
      <FormDrawer<Values>
        open={creating}
        form={form}
        title={t('signPair')}
        onClose={() => setCreating(false)}
        testId="mentorship-form"
        initialValues={{ status: 'active' }}
        onSubmit={async (v) => {
          await create.mutateAsync({
            ...v,
            signedOn: toIsoDate(v.signedOn)!,
            endsOn: toIsoDate(v.endsOn),
          } as MentorshipInput);
        }}
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="mentorTeacherId" label={t('mentor')} rules={req}>
              <TeacherSelect filters={{}} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="apprenticeTeacherId" label={t('apprentice')} rules={req}>
              <TeacherSelect />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="signedOn" label={t('signedOn')} rules={req}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="endsOn" label={t('endsOn')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="observationsPerMonth" label={t('quota')} extra={t('quotaHint')}>
              <InputNumber min={1} max={20} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="communityId" label={t('community')}>
              <CommunitySelect />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="goals" label={t('goals')} rules={req}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </FormDrawer>
      <MentorshipDrawer id={viewing} onClose={() => setViewing(undefined)} />
    </>
  );
}

function MentorshipDrawer({ id, onClose }: { id: number | undefined; onClose: () => void }) {
  const { t } = useTranslation('exchange');
  const { options } = useLabels();
  const { data: m } = useMentorship(id);
  const link = useLinkActivity();
  const evaluate = useEvaluateMentorship();
  const [linkForm] = Form.useForm<{ activityId: number }>();
  const [evalForm] = Form.useForm<MentorshipEvaluationInput>();
  return (
    <Drawer open={!!id} onClose={onClose} size={720} title={m ? `${m.mentorName} — ${m.apprenticeName}` : ''}>
      {m ? (
        <Space orientation="vertical" size="large" style={{ width: '100%' }}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('goals')}>{m.goals}</Descriptions.Item>
            <Descriptions.Item label={t('community')}>{m.communityName ?? '—'}</Descriptions.Item>
            <Descriptions.Item
              label={t('compliance')}
            >{`${m.monthsMet}/${m.monthsJudged}（${percent(m.complianceRate)}）`}</Descriptions.Item>
          </Descriptions>
          <Table
            size="small"
            rowKey="month"
            pagination={false}
            dataSource={m.months}
            columns={[
              { title: t('month'), dataIndex: 'month' },
              { title: t('observations'), dataIndex: 'observations', align: 'right' },
              {
                title: '',
                key: 'met',
                render: (_, r) =>
                  !r.judged ? (
                    <Tag>{t('notJudged')}</Tag>
                  ) : r.met ? (
                    <Tag color="green">{t('met')}</Tag>
                  ) : (
                    <Tag color="red">{t('missed')}</Tag>
                  ),
              },
            ]}
          />
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={m.activities}
            columns={[
              { title: t('activity'), dataIndex: 'title' },
              { title: t('date'), dataIndex: 'startsAt', render: (v: string) => v.slice(0, 10) },
            ]}
          />
          <Form
            form={linkForm}
            layout="inline"
            onFinish={(v) =>
              link
                .mutateAsync({ id: m.id, activityId: v.activityId })
                .then(() => linkForm.resetFields())
                .catch(() => undefined)
            }
          >
            <Form.Item
              name="activityId"
              rules={[{ required: true, message: t('common:required') }]}
              extra={t('linkHint')}
            >
              <InputNumber min={1} placeholder={t('activityId')} />
            </Form.Item>
            <Button htmlType="submit">{t('linkActivity')}</Button>
          </Form>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={m.evaluations}
            columns={[
              { title: t('semester'), dataIndex: 'semester' },
              {
                title: t('evaluation'),
                dataIndex: 'grade',
                render: (v: keyof typeof EVALUATION_GRADE_LABELS) =>
                  options(EVALUATION_GRADE_LABELS).find((o) => o.value === v)?.label,
              },
              { title: t('evaluationComment'), dataIndex: 'comment' },
            ]}
          />
          <Form
            form={evalForm}
            layout="inline"
            onFinish={(v) => evaluate.mutateAsync({ id: m.id, body: v }).catch(() => undefined)}
          >
            <Form.Item name="semester" rules={[{ required: true, message: t('common:required') }]}>
              <Input placeholder="2026-2027-1" style={{ width: 120 }} />
            </Form.Item>
            <Form.Item name="grade" rules={[{ required: true, message: t('common:required') }]}>
              <Select options={options(EVALUATION_GRADE_LABELS)} style={{ width: 110 }} placeholder={t('evaluation')} />
            </Form.Item>
            <Form.Item name="comment">
              <Input placeholder={t('evaluationComment')} />
            </Form.Item>
            <Button htmlType="submit">{t('evaluate')}</Button>
          </Form>
        </Space>
      ) : null}
    </Drawer>
  );
}
