import { shanghaiDateTime } from '../../../shared/activities.semester';
import { UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Descriptions,
  Drawer,
  Form,
  Image,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Space,
  Tag,
  Upload,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  ACTIVITY_KIND_LABELS,
  type ActivityDetail,
  type Attachment,
  type SyncClassDetails,
} from '../../../shared/activities.schemas';
import { SUBJECT_LABELS } from '../../../shared/enums';
import { errorText } from '../../api/client';
import {
  activityKeys,
  attachmentUrl,
  uploadEvidence,
  useActivity,
  useDeleteActivity,
  useSyncResult,
} from '../../api/activities';
import { useLabels } from '../../components/labels';
import { isPhone } from './shared';

/** One activity: what was logged, its evidence (with versions), and for sync classes the after-class entry. */
export function ActivityDetailDrawer({ id, onClose }: { id: number | undefined; onClose: () => void }) {
  const { t } = useTranslation('activities');
  const { label, grade } = useLabels();
  const { data } = useActivity(id);
  /** What the kind's details say — subject, grade, the teachers by name, the receiving classes. */
  const detailItems = (a: ActivityDetail) => {
    const d = a.details;
    const teacher = (k: string) =>
      typeof d[k] === 'number'
        ? [{ key: k, label: t(`f.${k}`), children: a.teacherNames[String(d[k])] ?? String(d[k]) }]
        : [];
    const text = (k: string) =>
      typeof d[k] === 'string' && d[k] ? [{ key: k, label: t(`f.${k}`), children: d[k] }] : [];
    const schoolName = (sid: number) => a.schools.find((s) => s.id === sid)?.name ?? String(sid);
    const receiving = (d.receiving as SyncClassDetails['receiving'] | undefined) ?? [];
    return [
      ...teacher('hostTeacherId'),
      ...text('hostClass'),
      ...teacher('teacherId'),
      ...teacher('observerTeacherId'),
      ...teacher('observedTeacherId'),
      ...(typeof d.subject === 'string'
        ? [{ key: 'subject', label: t('f.subject'), children: label(SUBJECT_LABELS, d.subject as never) }]
        : []),
      ...(typeof d.grade === 'number' ? [{ key: 'grade', label: t('f.grade'), children: grade(d.grade) }] : []),
      ...text('lessonTitle'),
      ...(receiving.length
        ? [
            {
              key: 'receiving',
              label: t('f.receiving'),
              children: (
                <div data-testid="detail-receiving">
                  {receiving.map((r, i) => (
                    <div key={i}>
                      {schoolName(r.schoolId)} {r.className}：
                      {r.attended === null || r.attended === undefined
                        ? t('detail.expectedOnly', { expected: r.expectedStudents })
                        : t('detail.attended', { attended: r.attended, expected: r.expectedStudents })}
                    </div>
                  ))}
                </div>
              ),
            },
          ]
        : []),
    ];
  };
  const remove = useDeleteActivity();
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={isPhone() ? window.innerWidth : 640}
      title={data?.title}
      data-testid="activity-detail"
      extra={
        data?.canEdit ? (
          <Popconfirm
            title={t('deleteConfirm')}
            onConfirm={() =>
              remove
                .mutateAsync(data.id)
                .then(onClose)
                .catch(() => undefined)
            }
          >
            <Button danger>{t('common:delete')}</Button>
          </Popconfirm>
        ) : null
      }
    >
      {data ? (
        <>
          <Descriptions
            column={1}
            size="small"
            bordered
            items={[
              { key: 'kind', label: t('f.kind'), children: label(ACTIVITY_KIND_LABELS, data.kind) },
              {
                key: 'when',
                label: t('f.date'),
                children: `${shanghaiDateTime(data.startsAt)} – ${shanghaiDateTime(data.endsAt).slice(11)}（${data.semester}）`,
              },
              { key: 'c', label: t('f.community'), children: data.communityName },
              {
                key: 's',
                label: t('f.participants'),
                children: data.schools.map((s) => <Tag key={s.id}>{s.name}</Tag>),
              },
              ...detailItems(data),
              { key: 'n', label: t('detail.teachers'), children: t('detail.teachersN', { n: data.teacherCount }) },
              { key: 'st', label: t('detail.students'), children: t('detail.studentsN', { n: data.studentCount }) },
              ...(data.description ? [{ key: 'd', label: t('f.description'), children: data.description }] : []),
              ...(data.libraryResources.length
                ? [
                    {
                      key: 'lib',
                      label: t('publishedToLibrary'),
                      children: (
                        <Space direction="vertical" size={0}>
                          {data.libraryResources.map((r) => (
                            <Link key={r.id} to={`/resources/${r.id}`} data-testid="library-resource-link">
                              <Tag color="green">{t('publishedToLibrary')}</Tag>
                              {r.title}
                            </Link>
                          ))}
                        </Space>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          {data.kind === 'sync_class' ? <SyncResult activity={data} /> : null}
          <Evidence activity={data} />
        </>
      ) : null}
    </Drawer>
  );
}

function SyncResult({ activity }: { activity: ActivityDetail }) {
  const { t } = useTranslation('activities');
  const d = activity.details as unknown as SyncClassDetails;
  const save = useSyncResult();
  const [form] = Form.useForm<{ attended: number[]; recordingUrl?: string }>();
  const started = Date.parse(activity.startsAt) <= Date.now();
  return (
    <div style={{ marginTop: 16 }}>
      <h4>{t('afterClass')}</h4>
      {!started ? (
        <div style={{ color: '#888' }}>{t('notStarted')}</div>
      ) : (
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            attended: d.receiving.map((r) => r.attended ?? r.expectedStudents),
            recordingUrl: d.recordingUrl ?? '',
          }}
          onFinish={(v) =>
            save.mutate({
              id: activity.id,
              body: {
                attendance: d.receiving.map((r, i) => ({
                  schoolId: r.schoolId,
                  className: r.className,
                  attended: v.attended[i] ?? 0,
                })),
                recordingUrl: v.recordingUrl || null,
              },
            })
          }
        >
          {d.receiving.map((r, i) => (
            <Form.Item
              key={i}
              name={['attended', i]}
              label={`${activity.schools.find((s) => s.id === r.schoolId)?.name ?? r.schoolId} ${r.className}（${t('expected')} ${r.expectedStudents}）`}
            >
              <InputNumber min={0} max={80} data-testid={`attended-${i}`} />
            </Form.Item>
          ))}
          <Form.Item name="recordingUrl" label={t('f.recordingUrl')}>
            <Input placeholder="https://" data-testid="recording-url" />
          </Form.Item>
          <Button htmlType="submit" type="primary" loading={save.isPending} data-testid="sync-result-save">
            {t('saveResult')}
          </Button>
        </Form>
      )}
    </div>
  );
}

function Evidence({ activity }: { activity: ActivityDetail }) {
  const { t } = useTranslation('activities');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const send = async (file: File, correctsId?: number) => {
    try {
      await uploadEvidence(activity.id, file, { correctsId });
      await qc.invalidateQueries({ queryKey: activityKeys.all });
      void message.success(t('common:done.uploadEvidence'));
    } catch (e) {
      void message.error(errorText(e));
    }
    return false;
  };
  return (
    <div style={{ marginTop: 16 }}>
      <Space style={{ marginBottom: 8 }}>
        <h4 style={{ margin: 0 }}>{t('evidence')}</h4>
        <Upload
          showUploadList={false}
          beforeUpload={(f) => send(f)}
          accept="image/*,video/mp4,video/quicktime,video/webm,.mp4,.m4v,.mov,.webm,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
        >
          <Button size="small" icon={<UploadOutlined />} data-testid="evidence-upload">
            {t('f.addFiles')}
          </Button>
        </Upload>
      </Space>
      <List<Attachment>
        size="small"
        dataSource={activity.attachments}
        locale={{ emptyText: t('noEvidence') }}
        renderItem={(a) => (
          <List.Item
            actions={[
              <Upload key="v" showUploadList={false} beforeUpload={(f) => send(f, a.id)}>
                <Button size="small" type="link">
                  {t('correct')}
                </Button>
              </Upload>,
            ]}
          >
            <List.Item.Meta
              avatar={
                a.hasThumbnail ? (
                  <Image
                    width={64}
                    src={attachmentUrl(a.id, 'thumb')}
                    preview={{ src: attachmentUrl(a.id, 'file') }}
                    alt={a.fileName}
                  />
                ) : null
              }
              title={
                <a href={attachmentUrl(a.id, 'file')} target="_blank" rel="noreferrer">
                  {a.fileName}
                </a>
              }
              description={
                <>
                  {a.caption ? `${a.caption} · ` : ''}v{a.version} · {shanghaiDateTime(a.uploadedAt)}
                  {a.history.length ? (
                    <>
                      {' '}
                      · {t('history')}:{' '}
                      {a.history.map((h) => (
                        <a key={h.id} href={attachmentUrl(h.id, 'file')} style={{ marginLeft: 4 }}>
                          v{h.version}
                        </a>
                      ))}
                    </>
                  ) : null}
                </>
              }
            />
          </List.Item>
        )}
      />
    </div>
  );
}
