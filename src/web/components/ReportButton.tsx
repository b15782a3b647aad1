import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Modal, Progress, Space, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueryParams } from '../api/client';
import { downloadReport, useReportJob } from './useReportJob';

interface Props {
  /** a report kind the server offers, e.g. 'activities.archive-pdf' */
  kind: string;
  params: QueryParams;
  icon?: ReactNode;
  children: ReactNode;
  'data-testid'?: string;
}

/**
 * A download that may take a while: the report is made on the server's job queue while a dialog
 * shows its progress, and the file downloads when it is ready (or from the dialog's button).
 */
export function ReportButton({ kind, params, icon, children, 'data-testid': testId }: Props) {
  const { t, i18n } = useTranslation('reports');
  const r = useReportJob(kind, params);
  // closing the dialog while the report runs only hides it: the download still starts when ready
  const [hidden, setHidden] = useState(false);
  const open = !hidden && (r.busy || !!r.job || !!r.error);
  const close = () => (r.busy ? setHidden(true) : r.reset());
  const status = r.job?.status;
  const en = i18n.language === 'en-US';
  return (
    <>
      <Button
        icon={icon ?? <DownloadOutlined />}
        loading={r.busy}
        onClick={() => {
          setHidden(false);
          void r.start();
        }}
        data-testid={testId}
      >
        {children}
      </Button>
      <Modal
        open={open}
        title={r.job ? (en ? r.job.label.en : r.job.label.zh) : t('title')}
        onCancel={close}
        footer={
          <Space>
            {status === 'done' ? (
              <Button
                type="primary"
                icon={<DownloadOutlined />}
                onClick={() => downloadReport(r.job!.id)}
                data-testid={testId ? `${testId}-download` : undefined}
              >
                {t('download')}
              </Button>
            ) : null}
            <Button onClick={close} data-testid={testId ? `${testId}-close` : undefined}>
              {r.busy ? t('background') : t('close')}
            </Button>
          </Space>
        }
      >
        <div data-testid={testId ? `${testId}-dialog` : undefined}>
          <div data-testid={testId ? `${testId}-progress` : undefined}>
            <Progress
              percent={r.job?.progress ?? 0}
              status={r.error ? 'exception' : status === 'done' ? 'success' : 'active'}
              format={(p) => `${p ?? 0}%`}
            />
          </div>
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {r.error
              ? t('failed')
              : status === 'done'
                ? t('done', { name: r.job?.fileName ?? '' })
                : status === 'running'
                  ? t('running')
                  : t('queued')}
          </Typography.Paragraph>
          {r.error ? <Alert type="error" showIcon message={r.error} /> : null}
        </div>
      </Modal>
    </>
  );
}
