import { PlusOutlined } from '@ant-design/icons';
import {
  Button,
  Checkbox,
  DatePicker,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ACTION_ITEM_STATUS_LABELS,
  type ActionItem,
  type MeetingDetail,
  type OwnerKind,
} from '../../../shared/meetings.schemas';
import { useMe } from '../../api/auth';
import {
  useActionItems,
  useAddProgressNote,
  useCreateActionItem,
  useDeleteActionItem,
  useUpdateActionItem,
} from '../../api/meetings';
import { toIsoDate } from '../../components/dates';
import { FormErrors } from '../../components/FormErrors';
import { dateTime, useLabels } from '../../components/labels';
import { SchoolSelect } from '../../components/RemoteSelect';
import { applyServerErrors } from '../../components/serverErrors';
import { ITEM_COLOR } from './labels';
import { useChoose } from '../../components/formRules';

interface ItemValues {
  title: string;
  ownerKind: OwnerKind;
  ownerSchoolId?: number;
  ownerName?: string;
  dueDate: Dayjs;
  activityIds?: string[];
  description?: string;
}

/** Decisions of this meeting with owner, due date, status and progress notes. */
export function ActionItemsTab({ meeting }: { meeting: MeetingDetail }) {
  const { t } = useTranslation('meetings');
  const { label } = useLabels();
  const { data: me } = useMe();
  const { data, isFetching } = useActionItems({ meetingId: meeting.id, pageSize: 200 });
  const update = useUpdateActionItem();
  const remove = useDeleteActionItem();
  const [creating, setCreating] = useState(false);
  const [noting, setNoting] = useState<ActionItem | null>(null);
  const ownsSchool = (i: ActionItem) =>
    me?.role === 'school_admin' && me.scope.kind === 'school' && me.scope.id === String(i.ownerSchoolId);

  return (
    <>
      {meeting.can.manage ? (
        <Button
          type="primary"
          icon={<PlusOutlined />}
          style={{ marginBottom: 12 }}
          onClick={() => setCreating(true)}
          data-testid="item-create"
        >
          {t('addItem')}
        </Button>
      ) : null}
      <Table<ActionItem>
        rowKey="id"
        size="small"
        loading={isFetching}
        pagination={false}
        dataSource={data?.items ?? []}
        data-testid="items-table"
        locale={{ emptyText: t('noItems') }}
        expandable={{
          rowExpandable: (i) => i.notes.length > 0,
          expandedRowRender: (i) => (
            <ul style={{ margin: 0 }}>
              {i.notes.map((n) => (
                <li key={n.id}>
                  {dateTime(n.createdAt)} {n.authorName}：{n.note}
                </li>
              ))}
            </ul>
          ),
        }}
        columns={[
          { title: t('itemTitle'), dataIndex: 'title' },
          { title: t('owner'), dataIndex: 'ownerName', width: 180 },
          { title: t('dueDate'), dataIndex: 'dueDate', width: 110 },
          {
            title: t('itemStatus'),
            dataIndex: 'status',
            width: 100,
            render: (v: ActionItem['status']) => <Tag color={ITEM_COLOR[v]}>{label(ACTION_ITEM_STATUS_LABELS, v)}</Tag>,
          },
          {
            title: t('activities'),
            dataIndex: 'activityIds',
            width: 120,
            render: (v: number[]) => (v.length ? v.map((x) => `#${x}`).join(' ') : '—'),
          },
          {
            title: t('common:actions'),
            key: 'actions',
            width: 220,
            render: (_, i) => (
              <Space size={4}>
                {meeting.can.manage || ownsSchool(i) ? (
                  <Button size="small" type="link" onClick={() => setNoting(i)}>
                    {t('reportProgress')}
                  </Button>
                ) : null}
                {meeting.can.manage ? (
                  <>
                    <Button
                      size="small"
                      type="link"
                      onClick={() => update.mutate({ id: i.id, patch: { done: i.status !== 'done' } })}
                    >
                      {i.status === 'done' ? t('reopen') : t('markDone')}
                    </Button>
                    <Popconfirm
                      title={t('removeConfirm')}
                      onConfirm={() => remove.mutateAsync(i.id).catch(() => undefined)}
                    >
                      <Button size="small" type="link" danger>
                        {t('common:delete')}
                      </Button>
                    </Popconfirm>
                  </>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <ItemModal meeting={meeting} open={creating} onClose={() => setCreating(false)} />
      <NoteModal item={noting} onClose={() => setNoting(null)} />
    </>
  );
}

function ItemModal({ meeting, open, onClose }: { meeting: MeetingDetail; open: boolean; onClose: () => void }) {
  const { t } = useTranslation('meetings');
  const choose = useChoose();
  const [form] = Form.useForm<ItemValues>();
  const create = useCreateActionItem(meeting.id);
  const [errors, setErrors] = useState<string[]>([]);
  const kind = Form.useWatch('ownerKind', form);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await create.mutateAsync({
        title: v.title,
        description: v.description ?? null,
        ownerKind: v.ownerKind,
        ownerSchoolId: v.ownerKind === 'school' ? (v.ownerSchoolId ?? null) : null,
        ...(v.ownerKind === 'person' && v.ownerName ? { ownerName: v.ownerName } : {}),
        dueDate: toIsoDate(v.dueDate) ?? '',
        activityIds: (v.activityIds ?? []).map(Number).filter((n) => Number.isInteger(n) && n > 0),
      });
      form.resetFields();
      setErrors([]);
      onClose();
    } catch (e) {
      setErrors(applyServerErrors(form, e));
    }
  };
  return (
    <Modal
      open={open}
      title={t('addItem')}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={create.isPending}
      forceRender
      okButtonProps={{ ...({ 'data-testid': 'item-submit' } as object) }}
    >
      <FormErrors errors={errors} />
      <Form form={form} layout="vertical" initialValues={{ ownerKind: 'school' }}>
        <Form.Item name="title" label={t('itemTitle')} rules={[{ required: true, message: t('common:required') }]}>
          <Input maxLength={300} data-testid="item-title" />
        </Form.Item>
        <Form.Item name="ownerKind" label={t('ownerKind')}>
          <Radio.Group
            options={[
              { value: 'school', label: t('ownerSchool') },
              { value: 'person', label: t('ownerPerson') },
            ]}
          />
        </Form.Item>
        {kind === 'person' ? (
          <Form.Item name="ownerName" label={t('owner')} rules={[{ required: true, message: t('common:required') }]}>
            <Input maxLength={50} />
          </Form.Item>
        ) : (
          <Form.Item name="ownerSchoolId" label={t('ownerSchool')} rules={[choose(t('ownerSchool'))]}>
            <SchoolSelect filters={{ communityId: meeting.communityId }} data-testid="item-owner" />
          </Form.Item>
        )}
        <Form.Item name="dueDate" label={t('dueDate')} rules={[choose(t('dueDate'))]}>
          <DatePicker style={{ width: '100%' }} data-testid="item-due" />
        </Form.Item>
        <Form.Item name="activityIds" label={t('activities')} extra={t('activitiesHint')}>
          <Select mode="tags" tokenSeparators={[',', ' ']} open={false} />
        </Form.Item>
        <Form.Item name="description" label={t('description')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function NoteModal({ item, onClose }: { item: ActionItem | null; onClose: () => void }) {
  const { t } = useTranslation('meetings');
  const add = useAddProgressNote();
  const [note, setNote] = useState('');
  const [done, setDone] = useState(false);
  return (
    <Modal
      open={!!item}
      title={t('reportProgress')}
      onCancel={onClose}
      okButtonProps={{ disabled: !note.trim(), loading: add.isPending }}
      onOk={() =>
        item &&
        void add
          .mutateAsync({ id: item.id, note: note.trim(), ...(done ? { done } : {}) })
          .then(() => {
            setNote('');
            setDone(false);
            onClose();
          })
          .catch(() => undefined)
      }
    >
      <Typography.Paragraph strong>{item?.title}</Typography.Paragraph>
      <Input.TextArea
        rows={3}
        maxLength={2000}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        placeholder={t('notePlaceholder')}
      />
      <Checkbox checked={done} onChange={(e) => setDone(e.target.checked)} style={{ marginTop: 8 }}>
        {t('markDone')}
      </Checkbox>
    </Modal>
  );
}
