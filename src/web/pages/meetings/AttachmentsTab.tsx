import { UploadOutlined } from '@ant-design/icons';
import { Button, Popconfirm, Table, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Attachment, MeetingDetail } from '../../../shared/meetings.schemas';
import { attachmentUrl, useDeleteAttachment, useUploadAttachment } from '../../api/meetings';
import { dateTime, num } from '../../components/labels';

/** Sign-in sheets, photos and slides of the meeting, kept with the record. */
export function AttachmentsTab({ meeting }: { meeting: MeetingDetail }) {
  const { t } = useTranslation('meetings');
  const upload = useUploadAttachment(meeting.id);
  const remove = useDeleteAttachment(meeting.id);
  return (
    <>
      {meeting.can.manage ? (
        <Upload
          showUploadList={false}
          customRequest={({ file, onSuccess, onError }) =>
            void upload
              .mutateAsync(file as File)
              .then((a) => onSuccess?.(a))
              .catch((e: Error) => onError?.(e))
          }
        >
          <Button icon={<UploadOutlined />} loading={upload.isPending} style={{ marginBottom: 12 }}>
            {t('upload')}
          </Button>
        </Upload>
      ) : null}
      <Table<Attachment>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={meeting.attachments}
        locale={{ emptyText: t('noFiles') }}
        columns={[
          {
            title: t('fileName'),
            dataIndex: 'fileName',
            render: (v: string, a) => <a href={attachmentUrl(meeting.id, a.id)}>{v}</a>,
          },
          {
            title: t('size'),
            dataIndex: 'size',
            width: 110,
            align: 'right',
            render: (v: number) => `${num(v / 1024, 1)} KB`,
          },
          { title: t('uploadedBy'), dataIndex: 'uploadedByName', width: 160, render: (v: string | null) => v ?? '—' },
          { title: t('uploadedAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => dateTime(v) },
          ...(meeting.can.manage
            ? [
                {
                  title: t('common:actions'),
                  key: 'a',
                  width: 80,
                  render: (_: unknown, a: Attachment) => (
                    <Popconfirm
                      title={t('removeConfirm')}
                      onConfirm={() => remove.mutateAsync(a.id).catch(() => undefined)}
                    >
                      <Button size="small" type="link" danger>
                        {t('common:delete')}
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
