import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Col, DatePicker, Form, Input, InputNumber, Row, TimePicker, Upload, type UploadFile } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ACTIVITY_KIND_LABELS, type ActivityInput, type ActivityKind } from '../../../shared/activities.schemas';
import { shanghaiInstant } from '../../../shared/activities.semester';
import { useMe } from '../../api/auth';
import { api, errorText } from '../../api/client';
import { useCreateActivity } from '../../api/activities';
import type { Attachment } from '../../../shared/activities.schemas';
import { StorageFullError } from '../../offline/db';
import { newClientId, PhotoError, prepareFiles, type PreparedFile } from '../../offline/photos';
import { enqueue, isNetworkError } from '../../offline/queue';
import { EnumSelect } from '../../components/EnumSelect';
import { FormDrawer } from '../../components/FormDrawer';
import { SchoolSelect } from '../../components/RemoteSelect';
import { DetailFields } from './DetailFields';
import { isPhone, useOwnCommunityId, ScopedCommunitySelect } from './shared';

interface Values {
  kind: ActivityKind;
  communityId: number;
  organizerSchoolId: number;
  participantSchoolIds?: number[];
  title: string;
  description?: string;
  date: Dayjs;
  time: Dayjs;
  minutes: number;
  teacherCount: number;
  studentCount?: number;
  details: Record<string, unknown>;
}

function uploadPrepared(activityId: number, f: PreparedFile, clientId: string) {
  const form = new FormData();
  form.append('file', f.blob, f.name);
  return api<Attachment>(`/activities/${activityId}/attachments`, { method: 'POST', body: form, query: { clientId } });
}

/** Quick entry (under a minute on a phone): kind, where, when, how many, the kind's details, photos. */
export function ActivityFormDrawer({
  open,
  onClose,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  onSaved?: (id: number) => void;
}) {
  const { t } = useTranslation('activities');
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  // a network failure is not an error here: the record is kept on the device (待同步)
  const create = useCreateActivity({ toastError: false });
  const { data: me } = useMe();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const own = useOwnCommunityId();
  const kind = Form.useWatch('kind', form) ?? 'sync_class';
  const communityId = Form.useWatch('communityId', form);
  const organizerSchoolId = Form.useWatch('organizerSchoolId', form);

  const onSubmit = async (v: Values) => {
    const startsAt = shanghaiInstant(v.date.format('YYYY-MM-DD'), v.time.format('HH:mm'));
    const endsAt = new Date(Date.parse(startsAt) + v.minutes * 60000).toISOString();
    const details = kind === 'sync_class' ? { ...v.details, durationMinutes: v.minutes } : v.details;
    const body = {
      kind,
      communityId: v.communityId,
      organizerSchoolId: v.organizerSchoolId,
      participantSchoolIds: v.participantSchoolIds ?? [],
      title: v.title,
      description: v.description || null,
      startsAt,
      endsAt,
      teacherCount: v.teacherCount,
      ...(v.studentCount != null ? { studentCount: v.studentCount } : {}),
      details,
    } as ActivityInput;
    // photos are made smaller on the device first; a file it cannot use is named, the form stays open
    let prepared: PreparedFile[];
    try {
      prepared = await prepareFiles(files.flatMap((f) => (f.originFileObj ? [f.originFileObj] : [])));
    } catch (e) {
      if (e instanceof PhotoError) {
        void message.error(
          t(`common:offline.${e.reason === 'not_image' ? 'notImage' : 'undecodable'}`, { name: e.fileName }),
        );
      }
      throw e;
    }
    // one device id per record and per photo: a repeated send is answered with the first result, so
    // neither is ever stored twice (also when an answer was lost and the rest goes through the queue)
    const clientId = newClientId();
    const withIds = prepared.map((f) => ({ ...f, clientId: newClientId() }));
    const keep = async (activityId?: number, rest: (PreparedFile & { clientId: string })[] = withIds) => {
      try {
        await enqueue(me!.id, clientId, body, rest, activityId);
      } catch (e) {
        if (e instanceof StorageFullError)
          void message.error({ content: t('common:offline.storageFull'), duration: 10 });
        throw e;
      }
      setFiles([]);
      void message.warning(t(activityId ? 'common:offline.savedPartly' : 'common:offline.savedOffline'));
    };
    if (!navigator.onLine && me) return keep();
    let saved;
    try {
      saved = await create.mutateAsync({ ...body, clientId });
    } catch (e) {
      if (isNetworkError(e) && me) return keep();
      void message.error(errorText(e));
      throw e;
    }
    // photos go once the record exists; a refused file is reported, the record stays
    for (const [i, f] of withIds.entries()) {
      try {
        await uploadPrepared(saved.id, f, f.clientId);
      } catch (e) {
        if (isNetworkError(e) && me) {
          await keep(saved.id, withIds.slice(i));
          onSaved?.(saved.id);
          return;
        }
        void message.error(`${f.name}: ${errorText(e)}`);
      }
    }
    setFiles([]);
    onSaved?.(saved.id);
  };

  const req = [{ required: true, message: t('common:required') }];
  const initial: Partial<Values> = {
    kind: 'sync_class',
    communityId: own,
    date: dayjs(),
    time: dayjs().hour(9).minute(0),
    minutes: 40,
    teacherCount: 2,
    details: { mode: 'sync', receiving: [{ expectedStudents: 40 }] },
  };
  return (
    <FormDrawer<Values>
      open={open}
      form={form}
      title={t('create')}
      onClose={onClose}
      onSubmit={onSubmit}
      initialValues={initial}
      width={isPhone() ? window.innerWidth : 760}
      testId="activity-form"
      mapField={(p) =>
        p[0] === 'startsAt'
          ? ['date']
          : p[0] === 'endsAt'
            ? ['minutes']
            : p[0] === 'details' && p[1] === 'durationMinutes'
              ? ['minutes']
              : undefined
      }
    >
      <Row gutter={12}>
        <Col xs={24} sm={8}>
          <Form.Item name="kind" label={t('f.kind')} rules={req}>
            <EnumSelect
              labels={ACTIVITY_KIND_LABELS}
              allowClear={false}
              onChange={(k: ActivityKind) =>
                form.setFieldValue(
                  'details',
                  k === 'sync_class' ? { mode: 'sync', receiving: [{ expectedStudents: 40 }] } : {},
                )
              }
              data-testid="f-kind"
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={16}>
          <Form.Item name="communityId" label={t('f.community')} rules={req}>
            <ScopedCommunitySelect
              data-testid="f-community"
              onChange={() => form.setFieldsValue({ organizerSchoolId: undefined, participantSchoolIds: [] })}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="organizerSchoolId" label={t('f.organizer')} rules={req}>
            <SchoolSelect filters={{ communityId }} disabled={!communityId} data-testid="f-organizer" />
          </Form.Item>
        </Col>
        {kind !== 'sync_class' ? (
          <Col xs={24} sm={12}>
            <Form.Item name="participantSchoolIds" label={t('f.participants')}>
              <SchoolSelect mode="multiple" filters={{ communityId }} disabled={!communityId} />
            </Form.Item>
          </Col>
        ) : null}
        <Col xs={24}>
          <Form.Item name="title" label={t('f.title')} rules={req}>
            <Input maxLength={200} data-testid="f-title" />
          </Form.Item>
        </Col>
        <Col xs={12} sm={8}>
          <Form.Item name="date" label={t('f.date')} rules={req}>
            <DatePicker style={{ width: '100%' }} allowClear={false} data-testid="f-date" />
          </Form.Item>
        </Col>
        <Col xs={12} sm={5}>
          <Form.Item name="time" label={t('f.time')} rules={req}>
            <TimePicker
              format="HH:mm"
              minuteStep={5}
              style={{ width: '100%' }}
              allowClear={false}
              needConfirm={false}
              data-testid="f-time"
            />
          </Form.Item>
        </Col>
        <Col xs={8} sm={4}>
          <Form.Item name="minutes" label={t('f.minutes')} rules={req}>
            <InputNumber min={10} max={44640} style={{ width: '100%' }} data-testid="f-minutes" />
          </Form.Item>
        </Col>
        <Col xs={8} sm={3}>
          <Form.Item name="teacherCount" label={t('f.teachers')} rules={req}>
            <InputNumber min={0} max={3000} style={{ width: '100%' }} data-testid="f-teachers" />
          </Form.Item>
        </Col>
        <Col xs={8} sm={4}>
          <Form.Item
            name="studentCount"
            label={t('f.studentsTotal')}
            tooltip={kind === 'sync_class' ? t('f.studentsAuto') : undefined}
          >
            <InputNumber min={0} max={20000} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <DetailFields kind={kind} communityId={communityId} organizerSchoolId={organizerSchoolId} />
      <Form.Item name="description" label={t('f.description')}>
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
      <Form.Item label={t('f.photos')} extra={t('f.photosHint')}>
        <Upload
          multiple
          listType="picture"
          fileList={files}
          beforeUpload={() => false}
          onChange={({ fileList }) => setFiles(fileList)}
          accept="image/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
          capture={undefined}
        >
          <Button icon={<UploadOutlined />} data-testid="f-photos">
            {t('f.addFiles')}
          </Button>
        </Upload>
      </Form.Item>
    </FormDrawer>
  );
}
