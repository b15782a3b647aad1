import { CheckCircleOutlined, DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Flex,
  Radio,
  Result,
  Space,
  Statistic,
  Steps,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useMe } from '../../api/auth';
import { useTranslation } from 'react-i18next';
import {
  IMPORT_KIND_LABELS,
  IMPORT_KINDS,
  type ImportJob,
  type ImportKind,
  type RowError,
} from '../../../shared/io.schemas';
import { errorText, http } from '../../api/client';
import { importKeys, templateUrl, untilChecked, uploadImport, useCommitImport, useImportJobs } from '../../api/io';
import { dateTime, num, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ColumnMappingPanel } from './ColumnMappingPanel';

const STATUS_COLORS: Record<string, string> = {
  checking: 'processing',
  validated: 'blue',
  committing: 'processing',
  invalid: 'red',
  committed: 'green',
  failed: 'volcano',
};

/** 数据导入 wizard: kind → template and upload → preview of every bad row → commit → result. */
export default function ImportPage() {
  const { t } = useTranslation('imports');
  const { label, en } = useLabels();
  const qc = useQueryClient();
  const [step, setStep] = useState(0);
  // a module's page links here with its kind chosen (/imports?kind=classes)
  const [params] = useSearchParams();
  // travel times are the pairing planner's, a bureau's job
  const { data: me } = useMe();
  const [kind, setKind] = useState<ImportKind>(() => {
    const asked = params.get('kind');
    return (IMPORT_KINDS as readonly string[]).includes(asked ?? '') ? (asked as ImportKind) : 'schools';
  });
  const [job, setJob] = useState<ImportJob | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const commit = useCommitImport();
  const [jobsPage, setJobsPage] = useState(1);
  const jobs = useImportJobs({ page: jobsPage, pageSize: 10 });

  const reset = (toStep = 0) => {
    setJob(null);
    setUploadError(null);
    setStep(toStep);
  };
  const openJob = async (id: string) => {
    try {
      const j = await untilChecked(await http.get<ImportJob>(`/imports/${id}`));
      setKind(j.kind);
      setJob(j);
      setStep(j.status === 'committed' ? 3 : 2);
    } catch (e) {
      setUploadError(errorText(e));
    }
  };

  const kindCard = (
    <Radio.Group value={kind} onChange={(e) => setKind(e.target.value as ImportKind)} data-testid="import-kind">
      <Space orientation="vertical">
        {IMPORT_KINDS.filter((k) => k !== 'travel-times' || me?.role === 'bureau_admin').map((k) => (
          <Radio key={k} value={k} data-testid={`import-kind-${k}`}>
            <b>{label(IMPORT_KIND_LABELS, k)}</b>{' '}
            <Typography.Text type="secondary">— {t(`kindHint.${k}`)}</Typography.Text>
          </Radio>
        ))}
      </Space>
    </Radio.Group>
  );

  const uploadCard = (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Alert
        type="info"
        showIcon
        title={t('templateHint', { kind: label(IMPORT_KIND_LABELS, kind) })}
        action={
          <Button icon={<DownloadOutlined />} href={templateUrl(kind)} data-testid="import-template">
            {t('downloadTemplate')}
          </Button>
        }
      />
      {uploadError ? (
        <Alert
          type="error"
          showIcon
          title={t('uploadRejected')}
          description={uploadError}
          data-testid="import-upload-error"
        />
      ) : null}
      <Upload.Dragger
        accept=".xlsx,.csv,.txt"
        multiple={false}
        showUploadList={false}
        disabled={uploading}
        data-testid="import-upload"
        customRequest={({ file, onSuccess, onError }) => {
          setUploading(true);
          setUploadError(null);
          uploadImport(kind, file as File)
            .then((j) => {
              setJob(j);
              setStep(2);
              void qc.invalidateQueries({ queryKey: importKeys.all });
              onSuccess?.(j);
            })
            .catch((e: unknown) => {
              setUploadError(errorText(e));
              onError?.(e instanceof Error ? e : new Error(String(e)));
            })
            .finally(() => setUploading(false));
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{uploading ? t('uploading') : t('dropHint')}</p>
        <p className="ant-upload-hint">{t('fileHint')}</p>
      </Upload.Dragger>
    </Space>
  );

  const preview = job ? (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Flex gap={48} wrap>
        <Statistic title={t('fileName')} value={job.fileName} valueStyle={{ fontSize: 16 }} />
        <Statistic title={t('totalRows')} value={num(job.totalRows)} data-testid="import-total" />
        <Statistic
          title={t('validRows')}
          value={num(job.validRows)}
          valueStyle={{ color: '#3f8600' }}
          data-testid="import-valid"
        />
        <Statistic
          title={t('errorCount')}
          value={num(job.errorCount)}
          valueStyle={{ color: job.errorCount ? '#cf1322' : undefined }}
          data-testid="import-error-count"
        />
      </Flex>
      {job.status === 'validated' || job.status === 'invalid' ? (
        <ColumnMappingPanel
          key={`${job.id}-${job.errorCount}-${JSON.stringify(job.mapping)}`}
          job={job}
          onChange={setJob}
        />
      ) : null}
      {job.errorCount > 0 || job.status === 'invalid' ? (
        <>
          <Alert
            type="error"
            showIcon
            title={t('hasErrors', { count: job.errorCount })}
            description={t('hasErrorsHint')}
            data-testid="import-invalid"
          />
          <Table<RowError & { key: number }>
            size="small"
            data-testid="import-errors"
            dataSource={job.errors.map((e, i) => ({ ...e, key: i }))}
            pagination={{
              pageSize: 20,
              showSizeChanger: true,
              showTotal: (n) =>
                job.errorCount > n
                  ? t('errorsShown', { shown: n, total: job.errorCount })
                  : t('common:totalItems', { count: n }),
            }}
            columns={[
              { title: t('row'), dataIndex: 'row', width: 90 },
              { title: t('column'), dataIndex: 'column', width: 180 },
              { title: t('reason'), key: 'reason', render: (_, r) => (en ? r.messageEn || r.message : r.message) },
            ]}
          />
          <Button type="primary" onClick={() => reset(1)} data-testid="import-reupload">
            {t('reupload')}
          </Button>
        </>
      ) : job.status === 'failed' ? (
        <Alert type="error" showIcon title={t('failed')} />
      ) : (
        <>
          <Alert type="success" showIcon title={t('allValid', { count: job.validRows })} />
          <Space>
            <Button
              type="primary"
              icon={<CheckCircleOutlined />}
              loading={commit.isPending}
              data-testid="import-commit"
              onClick={() =>
                commit.mutate(job.id, {
                  onSuccess: (j) => {
                    setJob(j);
                    setStep(3);
                  },
                })
              }
            >
              {t('commit')}
            </Button>
            <Button onClick={() => reset(1)}>{t('chooseAnother')}</Button>
          </Space>
        </>
      )}
    </Space>
  ) : null;

  const done = job?.result ? (
    <Result
      status="success"
      title={t('doneTitle')}
      subTitle={t('doneSub', { created: job.result.created, updated: job.result.updated })}
      data-testid="import-result"
      extra={
        <Button type="primary" onClick={() => reset(0)}>
          {t('again')}
        </Button>
      }
    />
  ) : null;

  return (
    <>
      <PageHeader title={t('title')} sub={t('subtitle')} />
      <Card>
        <Steps
          current={step}
          style={{ marginBottom: 24 }}
          items={[
            { title: t('stepKind') },
            { title: t('stepUpload') },
            { title: t('stepPreview') },
            { title: t('stepDone') },
          ]}
        />
        {step === 0 ? (
          <>
            {kindCard}
            <div style={{ marginTop: 24 }}>
              <Button type="primary" onClick={() => setStep(1)} data-testid="import-next">
                {t('next')}
              </Button>
            </div>
          </>
        ) : null}
        {step === 1 ? (
          <>
            {uploadCard}
            <Button style={{ marginTop: 16 }} onClick={() => reset(0)}>
              {t('back')}
            </Button>
          </>
        ) : null}
        {step === 2 ? preview : null}
        {step === 3 ? done : null}
      </Card>

      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('recent')}
      </Typography.Title>
      <Table<ImportJob>
        rowKey="id"
        size="small"
        loading={jobs.isFetching}
        dataSource={jobs.data?.items ?? []}
        pagination={{ current: jobsPage, pageSize: 10, total: jobs.data?.total ?? 0, onChange: setJobsPage }}
        columns={[
          { title: t('createdAt'), dataIndex: 'createdAt', width: 170, render: (v: string) => dateTime(v) },
          { title: t('kind'), dataIndex: 'kind', width: 110, render: (v: ImportKind) => label(IMPORT_KIND_LABELS, v) },
          { title: t('fileName'), dataIndex: 'fileName' },
          {
            title: t('status'),
            dataIndex: 'status',
            width: 100,
            render: (v: ImportJob['status']) => <Tag color={STATUS_COLORS[v]}>{t(`statusLabel.${v}`)}</Tag>,
          },
          { title: t('totalRows'), dataIndex: 'totalRows', width: 80, align: 'right', render: (v: number) => num(v) },
          { title: t('errorCount'), dataIndex: 'errorCount', width: 80, align: 'right', render: (v: number) => num(v) },
          {
            title: t('result'),
            dataIndex: 'result',
            width: 160,
            render: (r: ImportJob['result']) =>
              r ? t('resultShort', { created: r.created, updated: r.updated }) : '—',
          },
          {
            title: t('common:actions'),
            key: 'a',
            width: 80,
            render: (_, r) => (
              <Button size="small" type="link" onClick={() => void openJob(r.id)}>
                {t('common:view')}
              </Button>
            ),
          },
        ]}
      />
    </>
  );
}
