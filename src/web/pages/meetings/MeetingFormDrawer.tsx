import { DatePicker, Form, Input } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { MEETING_KIND_LABELS, type MeetingDetail, type MeetingKind } from '../../../shared/meetings.schemas';
import { useCreateMeeting, useUpdateMeeting } from '../../api/meetings';
import { fromBeijingInstant, toBeijingInstant } from '../../components/dates';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { CommunitySelect } from '../../components/RemoteSelect';
import { useChoose } from '../../components/formRules';

interface Values {
  communityId: number;
  kind: MeetingKind;
  title: string;
  startsAt: Dayjs;
  endsAt?: Dayjs | null;
  place?: string;
  link?: string;
  note?: string;
}

/** Schedules a meeting (meeting undefined) or edits one. */
export function MeetingFormDrawer({
  open,
  meeting,
  onClose,
  communityId,
}: {
  open: boolean;
  meeting?: MeetingDetail;
  onClose: () => void;
  communityId?: number;
}) {
  const { t } = useTranslation('meetings');
  const choose = useChoose();
  const [form] = Form.useForm<Values>();
  const create = useCreateMeeting();
  const update = useUpdateMeeting(meeting?.id ?? 0);
  const navigate = useNavigate();
  const initialValues: Partial<Values> = meeting
    ? {
        communityId: meeting.communityId,
        kind: meeting.kind,
        title: meeting.title,
        startsAt: fromBeijingInstant(meeting.startsAt),
        endsAt: meeting.endsAt ? fromBeijingInstant(meeting.endsAt) : null,
        place: meeting.place ?? undefined,
        link: meeting.link ?? undefined,
        note: meeting.note ?? undefined,
      }
    : { kind: 'regular', ...(communityId ? { communityId } : {}) };
  const submit = async (v: Values) => {
    const body = {
      kind: v.kind,
      title: v.title,
      startsAt: toBeijingInstant(v.startsAt),
      endsAt: v.endsAt ? toBeijingInstant(v.endsAt) : null,
      place: v.place?.trim() || null,
      link: v.link?.trim() || null,
      note: v.note?.trim() || null,
    };
    if (meeting) return update.mutateAsync(body);
    const created = await create.mutateAsync({ ...body, communityId: v.communityId });
    navigate(`/meetings/${created.id}`);
    return created;
  };
  return (
    <FormDrawer<Values>
      open={open}
      title={meeting ? t('editMeeting') : t('create')}
      form={form}
      onClose={onClose}
      onSubmit={submit}
      initialValues={initialValues}
      width={560}
      testId="meeting-form"
    >
      <Form.Item name="communityId" label={t('community')} rules={[choose(t('community'))]}>
        <CommunitySelect disabled={!!meeting} data-testid="meeting-community" />
      </Form.Item>
      <Form.Item name="kind" label={t('kind')} rules={[choose(t('kind'))]}>
        <EnumSelect labels={MEETING_KIND_LABELS} allowClear={false} />
      </Form.Item>
      <Form.Item name="title" label={t('titleField')} rules={[{ required: true, message: t('common:required') }]}>
        <Input maxLength={200} placeholder={t('titlePlaceholder')} data-testid="meeting-title" />
      </Form.Item>
      <Form.Item name="startsAt" label={t('startsAt')} rules={[choose(t('startsAt'))]}>
        <DatePicker
          showTime={{ format: 'HH:mm' }}
          format="YYYY-MM-DD HH:mm"
          style={{ width: '100%' }}
          data-testid="meeting-starts"
        />
      </Form.Item>
      <Form.Item name="endsAt" label={t('endsAt')}>
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="place" label={t('place')} extra={t('placeOrLink')}>
        <Input maxLength={200} data-testid="meeting-place" />
      </Form.Item>
      <Form.Item name="link" label={t('link')}>
        <Input maxLength={500} placeholder="https://" />
      </Form.Item>
      <Form.Item name="note" label={t('note')}>
        <Input.TextArea rows={2} maxLength={2000} />
      </Form.Item>
    </FormDrawer>
  );
}
