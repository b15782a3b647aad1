import { PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Popconfirm, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  ATTENDEE_CATEGORY_LABELS,
  type Attendee,
  type AttendeeCategory,
  type MeetingDetail,
} from '../../../shared/meetings.schemas';
import { useAddAttendee, useRemoveAttendee } from '../../api/meetings';
import { EnumSelect } from '../../components/EnumSelect';
import { useLabels } from '../../components/labels';
import { SchoolSelect } from '../../components/RemoteSelect';
import { applyServerErrors } from '../../components/serverErrors';

/** Attendees and observers (teacher, community and parent representatives, seed 001). */
export function AttendeesTab({ meeting }: { meeting: MeetingDetail }) {
  const { t } = useTranslation('meetings');
  const { label } = useLabels();
  const [form] = Form.useForm<{
    category: AttendeeCategory;
    personName: string;
    schoolId?: number;
    position?: string;
  }>();
  const add = useAddAttendee(meeting.id);
  const remove = useRemoveAttendee(meeting.id);
  const submit = async () => {
    const v = await form.validateFields();
    try {
      await add.mutateAsync({
        category: v.category,
        personName: v.personName,
        schoolId: v.schoolId ?? null,
        position: v.position?.trim() || null,
      });
      form.resetFields(['personName', 'position']);
    } catch (e) {
      applyServerErrors(form, e);
    }
  };
  return (
    <>
      {meeting.can.manage ? (
        <Form
          form={form}
          layout="inline"
          initialValues={{ category: 'attendee' }}
          style={{ marginBottom: 12, rowGap: 8 }}
        >
          <Form.Item name="category" style={{ width: 220 }}>
            <EnumSelect labels={ATTENDEE_CATEGORY_LABELS} allowClear={false} />
          </Form.Item>
          <Form.Item name="personName" rules={[{ required: true, message: t('common:required') }]}>
            <Input placeholder={t('personName')} maxLength={50} data-testid="attendee-name" />
          </Form.Item>
          <Form.Item name="schoolId" style={{ width: 220 }}>
            <SchoolSelect placeholder={t('school')} filters={{ communityId: meeting.communityId }} />
          </Form.Item>
          <Form.Item name="position">
            <Input placeholder={t('position')} maxLength={50} />
          </Form.Item>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => void submit().catch(() => undefined)}
            loading={add.isPending}
            data-testid="attendee-add"
          >
            {t('addAttendee')}
          </Button>
        </Form>
      ) : null}
      <Table<Attendee>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={meeting.attendees}
        locale={{ emptyText: t('noAttendees') }}
        columns={[
          {
            title: t('category'),
            dataIndex: 'category',
            width: 220,
            render: (v: AttendeeCategory) => (
              <Tag color={v === 'attendee' ? 'blue' : 'purple'}>{label(ATTENDEE_CATEGORY_LABELS, v)}</Tag>
            ),
          },
          { title: t('personName'), dataIndex: 'personName' },
          { title: t('school'), dataIndex: 'schoolName', render: (v: string | null) => v ?? '—' },
          { title: t('position'), dataIndex: 'position', render: (v: string | null) => v ?? '—' },
          ...(meeting.can.manage
            ? [
                {
                  title: t('common:actions'),
                  key: 'a',
                  width: 80,
                  render: (_: unknown, a: Attendee) => (
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
