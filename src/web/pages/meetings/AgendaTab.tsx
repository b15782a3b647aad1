import { PlusOutlined, RetweetOutlined } from '@ant-design/icons';
import { Button, Form, Input, Popconfirm, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ACTION_ITEM_STATUS_LABELS, type AgendaItem, type MeetingDetail } from '../../../shared/meetings.schemas';
import { useAddAgendaItem, useCarryOver, useRemoveAgendaItem } from '../../api/meetings';
import { useLabels } from '../../components/labels';
import { SchoolSelect } from '../../components/RemoteSelect';
import { applyServerErrors } from '../../components/serverErrors';
import { ITEM_COLOR } from './labels';

/** The agenda: topics proposed by the lead and the member principals, and last meeting's open items. */
export function AgendaTab({ meeting }: { meeting: MeetingDetail }) {
  const { t } = useTranslation('meetings');
  const { label } = useLabels();
  const [form] = Form.useForm<{ topic: string; proposerSchoolId?: number; proposerName?: string }>();
  const add = useAddAgendaItem(meeting.id);
  const remove = useRemoveAgendaItem(meeting.id);
  const carry = useCarryOver(meeting.id);
  const editable = meeting.minutesStatus === 'none' || meeting.minutesStatus === 'draft';

  const submit = async () => {
    const v = await form.validateFields();
    try {
      await add.mutateAsync({
        topic: v.topic,
        ...(meeting.can.manage
          ? { proposerSchoolId: v.proposerSchoolId ?? null, proposerName: v.proposerName?.trim() || undefined }
          : {}),
      });
      form.resetFields();
    } catch (e) {
      applyServerErrors(form, e);
    }
  };

  return (
    <>
      {meeting.can.propose && editable ? (
        <Form form={form} layout="inline" style={{ marginBottom: 12, rowGap: 8 }} data-testid="agenda-form">
          <Form.Item name="topic" rules={[{ required: true, message: t('common:required') }]} style={{ width: 360 }}>
            <Input placeholder={t('topicPlaceholder')} maxLength={300} data-testid="agenda-topic" />
          </Form.Item>
          {meeting.can.manage ? (
            <>
              <Form.Item name="proposerSchoolId" style={{ width: 220 }}>
                <SchoolSelect placeholder={t('proposerSchool')} filters={{ communityId: meeting.communityId }} />
              </Form.Item>
              <Form.Item name="proposerName" style={{ width: 160 }}>
                <Input placeholder={t('proposerName')} maxLength={50} />
              </Form.Item>
            </>
          ) : null}
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => void submit().catch(() => undefined)}
            loading={add.isPending}
            data-testid="agenda-add"
          >
            {t('propose')}
          </Button>
          {meeting.can.manage ? (
            <Button icon={<RetweetOutlined />} onClick={() => carry.mutate()} loading={carry.isPending}>
              {t('carryOver')}
            </Button>
          ) : null}
        </Form>
      ) : null}
      <Table<AgendaItem>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={meeting.agenda}
        data-testid="agenda-table"
        locale={{ emptyText: t('noAgenda') }}
        columns={[
          { title: '#', dataIndex: 'position', width: 50 },
          {
            title: t('topic'),
            dataIndex: 'topic',
            render: (v: string, a) => (
              <Space orientation="vertical" size={0}>
                <span>{v}</span>
                {a.carriedActionItem ? (
                  <span>
                    <Tag color={ITEM_COLOR[a.carriedActionItem.status]}>
                      {label(ACTION_ITEM_STATUS_LABELS, a.carriedActionItem.status)}
                    </Tag>
                    <Link to={`/meetings/${a.carriedActionItem.meetingId}`}>{t('fromMeeting')}</Link>
                  </span>
                ) : null}
              </Space>
            ),
          },
          {
            title: t('proposer'),
            key: 'proposer',
            width: 240,
            render: (_, a) => `${a.proposerName}${a.proposerSchoolName ? `（${a.proposerSchoolName}）` : ''}`,
          },
          ...(meeting.can.manage && editable
            ? [
                {
                  title: t('common:actions'),
                  key: 'actions',
                  width: 80,
                  render: (_: unknown, a: AgendaItem) => (
                    <Popconfirm
                      title={t('removeConfirm')}
                      onConfirm={() => remove.mutateAsync(a.id).catch(() => undefined)}
                    >
                      <Button size="small" type="link" danger>
                        {t('common:remove')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
