import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, DatePicker, Empty, Form, Input, List, Row, Space, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SUBJECT_LABELS } from '../../../shared/enums';
import type { StudioInput } from '../../../shared/exchange-mentorship.schemas';
import { useAddStudioMember, useCreateStudio, useStudios } from '../../api/exchange';
import { toIsoDate } from '../../components/dates';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { RegionSelect, TeacherSelect } from '../../components/RemoteSelect';
import { ExchangeNav } from './ExchangeNav';

type Values = Omit<StudioInput, 'foundedOn'> & { foundedOn?: Dayjs };

/** 名师工作室: studios led by master teachers, with their members across schools. */
export default function StudiosPage() {
  const { t } = useTranslation('exchange');
  const { label } = useLabels();
  const { data } = useStudios({ pageSize: 100 });
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<Values>();
  const create = useCreateStudio();
  const addMember = useAddStudioMember();
  const req = [{ required: true, message: t('common:required') }];
  return (
    <>
      <PageHeader
        title={t('studiosTitle')}
        sub={t('studiosSubtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('createStudio')}
          </Button>
        }
      />
      <ExchangeNav />
      {data && !data.items.length ? <Empty /> : null}
      <Row gutter={[16, 16]}>
        {(data?.items ?? []).map((s) => (
          <Col xs={24} md={12} xl={8} key={s.id}>
            <Card
              size="small"
              title={s.name}
              extra={s.subject ? <Tag>{label(SUBJECT_LABELS, s.subject as never)}</Tag> : null}
            >
              <Typography.Paragraph>
                {t('leader')}：{s.leaderName}（{s.leaderSchoolName}） · {t('foundedOn')} {s.foundedOn}
              </Typography.Paragraph>
              <List
                size="small"
                header={t('members', { n: s.members.length })}
                dataSource={s.members}
                renderItem={(m) => (
                  <List.Item>
                    {m.name}
                    <Typography.Text type="secondary">（{m.schoolName}）</Typography.Text>
                  </List.Item>
                )}
              />
              <Space style={{ marginTop: 8 }}>
                <TeacherSelect
                  placeholder={t('addMember')}
                  style={{ width: 220 }}
                  value={undefined}
                  onChange={(v) => {
                    if (v) addMember.mutate({ id: s.id, teacherId: Number(v) });
                  }}
                />
              </Space>
            </Card>
          </Col>
        ))}
      </Row>
      <FormDrawer<Values>
        open={creating}
        form={form}
        title={t('createStudio')}
        onClose={() => setCreating(false)}
        onSubmit={async (v) => {
          await create.mutateAsync({
            ...v,
            foundedOn: toIsoDate(v.foundedOn)!,
            memberIds: v.memberIds ?? [],
          } as StudioInput);
        }}
      >
        <Form.Item name="name" label={t('studioName')} rules={req}>
          <Input />
        </Form.Item>
        <Form.Item name="regionCode" label={t('region')} rules={req}>
          <RegionSelect filters={{ level: 3 }} />
        </Form.Item>
        <Form.Item name="leaderTeacherId" label={t('leader')} rules={req}>
          <TeacherSelect />
        </Form.Item>
        <Form.Item name="subject" label={t('subject')}>
          <EnumSelect labels={SUBJECT_LABELS} />
        </Form.Item>
        <Form.Item name="foundedOn" label={t('foundedOn')} rules={req}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="memberIds" label={t('membersLabel')}>
          <TeacherSelect mode="multiple" />
        </Form.Item>
        <Form.Item name="description" label={t('description')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </FormDrawer>
    </>
  );
}
