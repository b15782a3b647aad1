import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Progress, Radio, Steps, Table, Typography, Upload } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportLevel, ImportRowError } from '../../../shared/quality.schemas';
import { errorText } from '../../api/client';
import { qualityKeys, templateUrl, uploadScores, useCommitJob, useJob, useJobErrors } from '../../api/quality';
import { num } from '../../components/labels';

/** Upload → check (progress) → preview of every bad row → commit (progress) → done. */
export function ImportWizard({ examId }: { examId: number }) {
  const { t, i18n } = useTranslation('quality');
  const en = i18n.language === 'en-US';
  const qc = useQueryClient();
  const [level, setLevel] = useState<ImportLevel>('student');
  const [jobId, setJobId] = useState<string>();
  const [uploadError, setUploadError] = useState<string>();
  const [uploading, setUploading] = useState(false);
  const [errorPage, setErrorPage] = useState(1);
  const { data: job } = useJob(jobId);
  const commit = useCommitJob();
  const errors = useJobErrors(jobId, errorPage, job?.status === 'invalid');

  useEffect(() => {
    if (job?.status === 'committed') void qc.invalidateQueries({ queryKey: qualityKeys.all });
  }, [job?.status, qc]);

  const step = !job
    ? 0
    : job.status === 'checking'
      ? 1
      : job.status === 'checked' || job.status === 'invalid' || job.status === 'failed'
        ? 2
        : 3;
  const running = job?.status === 'checking' || job?.status === 'committing';
  const percent =
    job?.status === 'committing' && job.rowsTotal
      ? Math.round((job.rowsWritten / job.rowsTotal) * 100)
      : job?.status === 'committed'
        ? 100
        : undefined;

  return (
    <Flex vertical gap={16} data-testid="import-wizard">
      <Steps
        current={step}
        items={[
          { title: t('import.stepUpload') },
          { title: t('import.stepCheck') },
          { title: t('import.stepPreview') },
          { title: t('import.stepCommit') },
        ]}
      />
      {!job || job.status === 'failed' || job.status === 'invalid' ? (
        <>
          <Flex gap={12} align="center" wrap>
            <Radio.Group
              value={level}
              onChange={(e) => setLevel(e.target.value as ImportLevel)}
              optionType="button"
              options={[
                { value: 'student', label: t('import.levelStudent') },
                { value: 'item', label: t('import.levelItem') },
              ]}
            />
            <Button icon={<DownloadOutlined />} href={templateUrl(level)}>
              {t('import.template')}
            </Button>
          </Flex>
          <Upload.Dragger
            accept=".csv,.xlsx,.txt"
            showUploadList={false}
            disabled={uploading}
            data-testid="import-upload"
            customRequest={({ file }) => {
              setUploadError(undefined);
              setUploading(true);
              uploadScores(examId, level, file as File)
                .then((j) => {
                  setErrorPage(1);
                  setJobId(j.id);
                })
                .catch((e: unknown) => setUploadError(errorText(e)))
                .finally(() => setUploading(false));
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p>{t('import.drop')}</p>
            <Typography.Text type="secondary">{t('import.hint')}</Typography.Text>
          </Upload.Dragger>
        </>
      ) : null}
      {uploadError ? <Alert type="error" title={uploadError} showIcon /> : null}
      {job ? (
        <Flex vertical gap={8}>
          <Typography.Text data-testid="import-status">
            {t(`import.status.${job.status}`)} · {job.fileName} ·{' '}
            {t('import.progress', {
              checked: num(job.rowsChecked),
              written: num(job.rowsWritten),
              total: num(job.rowsTotal),
            })}
          </Typography.Text>
          {running || job.status === 'committed' ? (
            <Progress
              percent={percent ?? 100}
              status={running ? 'active' : 'success'}
              showInfo={percent !== undefined}
              data-testid="import-progress"
            />
          ) : null}
          {job.message ? <Alert type="error" title={job.message} showIcon /> : null}
          {job.status === 'checked' ? (
            <Alert
              type="success"
              showIcon
              title={t('import.ready', { n: num(job.rowsTotal) })}
              action={
                <Button
                  type="primary"
                  loading={commit.isPending}
                  onClick={() => commit.mutate(job.id)}
                  data-testid="import-commit"
                >
                  {t('import.commit')}
                </Button>
              }
            />
          ) : null}
          {job.status === 'committed' ? (
            <Alert
              type="success"
              showIcon
              title={t('import.done', { n: num(job.rowsWritten) })}
              data-testid="import-done"
            />
          ) : null}
          {job.status === 'invalid' ? (
            <>
              <Alert type="warning" showIcon title={t('import.invalid', { n: num(job.errorCount) })} />
              <Table<ImportRowError>
                size="small"
                rowKey={(r) => `${r.row}-${r.column}-${r.code}`}
                loading={errors.isFetching}
                dataSource={errors.data?.items ?? []}
                data-testid="import-errors"
                pagination={{
                  current: errorPage,
                  pageSize: 50,
                  total: errors.data?.total ?? 0,
                  onChange: setErrorPage,
                  showSizeChanger: false,
                }}
                columns={[
                  { title: t('import.row'), dataIndex: 'row', width: 80 },
                  { title: t('import.column'), dataIndex: 'column', width: 120 },
                  { title: t('import.problem'), key: 'm', render: (_, r) => (en ? r.messageEn : r.message) },
                ]}
              />
            </>
          ) : null}
        </Flex>
      ) : null}
    </Flex>
  );
}
