import { Alert, Button, Card, Checkbox, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportJob } from '../../../shared/io.schemas';
import { errorText, http } from '../../api/client';
import { untilChecked } from '../../api/io';
import { useLabels } from '../../components/labels';

interface Row {
  column: string;
  header: string;
  key: string | null;
  unnamed?: boolean;
}

/**
 * The preview's column mapping: every column used (with its field), every column ignored (with a
 * choice of field), optional fields not found, the header row and whether a blank cell clears.
 * "Check again" re-validates the stored file with the choices; nothing is written.
 */
export function ColumnMappingPanel({ job, onChange }: { job: ImportJob; onChange: (j: ImportJob) => void }) {
  const { t } = useTranslation('imports');
  const { en } = useLabels();
  const mapping = job.mapping;
  const [custom, setCustom] = useState<Record<string, string | null>>({});
  const [headerRow, setHeaderRow] = useState<number | undefined>(job.options.headerRow);
  const [blankClears, setBlankClears] = useState(job.options.blankClears === true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!mapping) return null;
  const fieldName = (f: { field: string; fieldEn: string }) => (en ? f.fieldEn : f.field);
  const rows: Row[] = [
    ...mapping.used.map((u) => ({ column: u.column, header: u.header, key: u.key })),
    ...mapping.ignored.map((i) => ({ column: i.column, header: i.header, key: null, unnamed: i.unnamed === true })),
  ].sort((a, b) => a.column.length - b.column.length || a.column.localeCompare(b.column));
  const ignoredCount = mapping.ignored.filter((i) => !custom[i.header]).length;
  const changed =
    Object.keys(custom).length > 0 ||
    headerRow !== job.options.headerRow ||
    blankClears !== (job.options.blankClears === true);

  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = {
        ...(headerRow !== undefined ? { headerRow } : {}),
        blankClears,
        ...(Object.keys(custom).length ? { custom } : {}),
      };
      onChange(await untilChecked(await http.post<ImportJob>(`/imports/${job.id}/options`, body)));
      setCustom({});
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('mapping.title')}
      data-testid="import-mapping"
      extra={
        <Typography.Text type="secondary">
          {t('mapping.headerRows', { rows: mapping.headerRows.join('、') })}
        </Typography.Text>
      }
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {mapping.ignored.length > 0 ? (
          <Alert
            type="warning"
            showIcon
            title={t('mapping.ignored', { count: mapping.ignored.length })}
            description={t('mapping.ignoredHint')}
            data-testid="import-ignored"
          />
        ) : (
          <Alert type="success" showIcon title={t('mapping.noneIgnored')} />
        )}
        {mapping.missingOptional.length > 0 ? (
          <Typography.Text type="secondary" data-testid="import-missing">
            {t('mapping.missing', { fields: mapping.missingOptional.map(fieldName).join(en ? ', ' : '、') })}
          </Typography.Text>
        ) : null}
        <Table<Row>
          size="small"
          rowKey="column"
          pagination={false}
          dataSource={rows}
          data-testid="import-mapping-table"
          columns={[
            { title: t('mapping.fileColumn'), dataIndex: 'column', width: 80 },
            { title: t('mapping.header'), dataIndex: 'header' },
            {
              title: t('mapping.field'),
              key: 'field',
              render: (_, r) => {
                if (r.key) {
                  const f = job.fields.find((x) => x.key === r.key);
                  return <Tag color="blue">{f ? fieldName(f) : r.key}</Tag>;
                }
                // data under an empty header cell: no name to remember a choice by; name the column to map it
                if (r.unnamed) return <Tag>{t('mapping.ignore')}</Tag>;
                return (
                  <Select
                    size="small"
                    style={{ minWidth: 180 }}
                    data-testid={`import-map-${r.column}`}
                    value={custom[r.header] ?? ''}
                    onChange={(v: string) => setCustom((c) => ({ ...c, [r.header]: v || null }))}
                    options={[
                      { value: '', label: t('mapping.ignore') },
                      ...job.fields
                        .filter((f) => !mapping.used.some((u) => u.key === f.key))
                        .map((f) => ({ value: f.key, label: fieldName(f) })),
                    ]}
                  />
                );
              },
            },
          ]}
        />
        <Space wrap>
          <span>{t('mapping.headerRow')}</span>
          <Select
            size="small"
            style={{ width: 120 }}
            value={headerRow ?? 0}
            data-testid="import-header-row"
            onChange={(v: number) => setHeaderRow(v === 0 ? undefined : v)}
            options={[
              { value: 0, label: t('mapping.auto') },
              ...Array.from({ length: 10 }, (_, i) => ({ value: i + 1, label: t('mapping.row', { n: i + 1 }) })),
            ]}
          />
          <Checkbox
            checked={blankClears}
            onChange={(e) => setBlankClears(e.target.checked)}
            data-testid="import-blank-clears"
          >
            {t('mapping.blankClears')}
          </Checkbox>
          <Button
            size="small"
            type={changed ? 'primary' : 'default'}
            disabled={!changed}
            loading={busy}
            onClick={() => void apply()}
            data-testid="import-apply-mapping"
          >
            {t('mapping.apply')}
          </Button>
          {ignoredCount !== mapping.ignored.length ? (
            <Typography.Text type="secondary">{t('mapping.ignored', { count: ignoredCount })}</Typography.Text>
          ) : null}
        </Space>
        {error ? <Alert type="error" showIcon title={error} /> : null}
      </Space>
    </Card>
  );
}
