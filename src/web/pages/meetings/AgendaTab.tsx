import { ArrowDownOutlined, ArrowUpOutlined, PlusOutlined, RetweetOutlined } from '@ant-design/icons';
import { Button, Form, Input, Popconfirm, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ACTION_ITEM_STATUS_LABELS, type AgendaItem, type MeetingDetail } from '../../../shared/meetings.schemas';
import { useAddAgendaItem, useCarryOver, useRemoveAgendaItem, useReorderAgenda } from '../../api/meetings';
import { useLabels } from '../../components/labels';
import { SchoolSelect } from '../../components/RemoteSelect';
import { applyServerErrors } from '../../components/serverErrors';
import { ITEM_COLOR } from './labels';

/** The agenda: topics proposed by the lead and the member principals, and last meeting's open items. */
export function AgendaTab({ meeting }: { meeting: MeetingDetail }) {
  const { t } = useTranslation('meetings');
  const { label, en } = useLabels();
  const [form] = Form.useForm<{ topic: string; proposerSchoolId?: number; proposerName?: string }>();
  const add = useAddAgendaItem(meeting.id);
  const remove = useRemoveAgendaItem(meeting.id);
  const carry = useCarryOver(meeting.id);
  const reorder = useReorderAgenda(meeting.id);
  /** Moves one item up (-1) or down (+1): the whole new order goes to the server, which renumbers. */
  const move = (index: number, by: -1 | 1) => {
    const ids = meeting.agenda.map((a) => a.id);
    const [it] = ids.splice(index, 1);
    ids.splice(index + by, 0, it!);
    reorder.mutate(ids);
  };
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
                <span>{en && a.topicEn ? a.topicEn : v}</span>
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
            render: (_, a) =>
              `${en && a.proposerNameEn ? a.proposerNameEn : a.proposerName}${a.proposerSchoolName ? `（${a.proposerSchoolName}）` : ''}`,
          },
          ...(meeting.can.manage && editable
            ? [
                {
                  title: t('common:actions'),
                  key: 'actions',
                  width: 150,
                  render: (_: unknown, a: AgendaItem, index: number) => (
                    <Space size={0}>
                      <Button
                        size="small"
                        type="text"
                        icon={<ArrowUpOutlined />}
                        disabled={index === 0 || reorder.isPending}
                        onClick={() => move(index, -1)}
                        aria-label={t('moveUp')}
                        title={t('moveUp')}
                        data-testid={`agenda-up-${a.id}`}
                      />
                      <Button
                        size="small"
                        type="text"
                        icon={<ArrowDownOutlined />}
                        disabled={index === meeting.agenda.length - 1 || reorder.isPending}
                        onClick={() => move(index, 1)}
                        aria-label={t('moveDown')}
                        title={t('moveDown')}
                        data-testid={`agenda-down-${a.id}`}
                      />
                      <Popconfirm
                        title={t('removeConfirm')}
                        onConfirm={() => remove.mutateAsync(a.id).catch(() => undefined)}
                      >
                        <Button size="small" type="link" danger>
                          {t('common:remove')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
