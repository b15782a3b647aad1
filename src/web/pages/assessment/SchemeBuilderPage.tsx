import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  ConfigProvider,
  Flex,
  Input,
  InputNumber,
  Popconfirm,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { INDICATOR_KIND_LABELS, type IndicatorDef, type SchemeDefinition } from '../../../shared/assessment.schemas';
import { useCreateScheme, useOpenScheme, useScheme, useUpdateScheme } from '../../api/assessment';
import { useMe } from '../../api/auth';
import { ApiError, errorText } from '../../api/client';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { NoPermission } from '../../components/NoPermission';
import { AssignmentsPanel } from './AssignmentsPanel';
import { IndicatorModal } from './IndicatorModal';
import {
  addDimension,
  allIndicatorKeys,
  emptyDefinition,
  removeDimension,
  removeIndicator,
  scoredSum,
  updateDimension,
  upsertIndicator,
  weightSum,
} from './schemeDraft';

/** Builds or edits a scheme: dimensions with weights, indicators under them, bound scoring. */
export default function SchemeBuilderPage() {
  const { t } = useTranslation('assessment');
  const { label, en } = useLabels();
  const { id } = useParams();
  const schemeId = id && id !== 'new' ? Number(id) : undefined;
  const navigate = useNavigate();
  const me = useMe();
  const existing = useScheme(schemeId);
  const create = useCreateScheme();
  const update = useUpdateScheme(schemeId ?? 0);
  const openScheme = useOpenScheme();
  const [name, setName] = useState('');
  const [year, setYear] = useState(2025);
  const [regionCode, setRegionCode] = useState('');
  const [def, setDef] = useState<SchemeDefinition>(emptyDefinition());
  const [editing, setEditing] = useState<{ dim: number; ind: IndicatorDef | null } | null>(null);
  const [errors, setErrors] = useState<string[]>([]);

  useEffect(() => {
    if (existing.data) {
      setName(existing.data.name);
      setYear(existing.data.year);
      setRegionCode(existing.data.regionCode);
      setDef(existing.data.definition);
    } else if (!schemeId && me.data?.scope.kind === 'region') setRegionCode(me.data.scope.id);
  }, [existing.data, schemeId, me.data]);

  const save = async () => {
    setErrors([]);
    try {
      if (schemeId) await update.mutateAsync({ name, definition: def });
      else {
        const s = await create.mutateAsync({ regionCode, year, name, definition: def });
        navigate(`/assessment/schemes/${s.id}`, { replace: true });
      }
    } catch (err) {
      setErrors(
        err instanceof ApiError && err.body.details.length
          ? err.body.details.map((d) => (en ? d.messageEn : d.message))
          : [errorText(err)],
      );
    }
  };
  const total = weightSum(def);
  // only a bureau builds schemes (server: assessment policy); assessors and viewers read them
  const canBuild = me.data?.role === 'bureau_admin' && me.data.scope.kind === 'region';
  if (me.data && !canBuild && !schemeId) return <NoPermission />;

  return (
    <ConfigProvider componentDisabled={!canBuild}>
      <PageHeader
        title={!schemeId ? t('newScheme') : canBuild ? t('editScheme') : t('viewScheme')}
        sub={
          existing.data
            ? t('versionInfo', { version: existing.data.version, count: existing.data.evaluationCount })
            : undefined
        }
        extra={
          canBuild ? (
            <>
              {schemeId && existing.data?.evaluationCount === 0 && (
                <Popconfirm
                  title={t('openConfirm')}
                  onConfirm={() => openScheme.mutateAsync(schemeId).catch(() => undefined)}
                >
                  <Button data-testid="scheme-open">{t('openAssessment')}</Button>
                </Popconfirm>
              )}
              <Button
                type="primary"
                onClick={() => void save()}
                loading={create.isPending || update.isPending}
                data-testid="scheme-save"
              >
                {t('common:save')}
              </Button>
            </>
          ) : null
        }
      />
      {errors.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="scheme-errors"
          message={
            <ul style={{ margin: 0, paddingLeft: 16 }}>
              {errors.map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          }
        />
      )}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <span>{t('schemeName')}</span>
          <Input
            style={{ width: 360 }}
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="scheme-name"
          />
          <span>{t('year')}</span>
          <InputNumber
            min={2000}
            max={2100}
            value={year}
            disabled={!!schemeId}
            onChange={(v) => setYear(v ?? 2025)}
            data-testid="scheme-year"
          />
          <span>{t('region')}</span>
          <Input
            style={{ width: 100 }}
            value={regionCode}
            disabled={!!schemeId}
            onChange={(e) => setRegionCode(e.target.value)}
            data-testid="scheme-region"
          />
          <Tag color={Math.abs(total - 100) < 0.01 ? 'green' : 'red'} data-testid="weight-sum">
            {t('weightSum', { sum: total })}
          </Tag>
        </Space>
        <Flex gap={12} align="center" style={{ marginTop: 12 }} wrap>
          <Switch
            checked={def.bound.enabled}
            onChange={(v) => setDef({ ...def, bound: { ...def.bound, enabled: v } })}
            data-testid="bound-enabled"
          />
          <span>{t('boundScoring')}</span>
          {(['urban', 'town', 'rural'] as const).map((c) => (
            <Space key={c} size={4}>
              {t(`weight_${c}`)}
              <InputNumber
                size="small"
                min={0}
                max={10}
                step={0.5}
                value={def.bound.weights[c]}
                onChange={(v) =>
                  setDef({ ...def, bound: { ...def.bound, weights: { ...def.bound.weights, [c]: v ?? 0 } } })
                }
              />
            </Space>
          ))}
          <Space size={4}>
            {t('principalShare')}
            <InputNumber
              size="small"
              min={0}
              max={1}
              step={0.05}
              value={def.bound.principalShare}
              onChange={(v) => setDef({ ...def, bound: { ...def.bound, principalShare: v ?? 0 } })}
            />
          </Space>
        </Flex>
      </Card>
      {def.dimensions.map((d, di) => (
        <Card
          key={d.key}
          size="small"
          style={{ marginBottom: 12 }}
          data-testid={`dimension-${di}`}
          title={
            <Space>
              <Input
                value={d.name}
                placeholder={t('dimensionName')}
                onChange={(e) => setDef(updateDimension(def, di, { name: e.target.value }))}
                data-testid={`dimension-name-${di}`}
                style={{ width: 200 }}
              />
              {t('weight')}
              <InputNumber
                min={0}
                max={100}
                value={d.weight}
                onChange={(v) => setDef(updateDimension(def, di, { weight: v ?? 0 }))}
                data-testid={`dimension-weight-${di}`}
              />
              <Typography.Text type={Math.abs(scoredSum(d) - d.weight) < 0.01 ? 'success' : 'danger'}>
                {t('indicatorSum', { sum: scoredSum(d) })}
              </Typography.Text>
            </Space>
          }
          extra={
            <Space>
              <Button
                size="small"
                icon={<PlusOutlined />}
                onClick={() => setEditing({ dim: di, ind: null })}
                data-testid={`add-indicator-${di}`}
              >
                {t('addIndicator')}
              </Button>
              <Button size="small" danger type="link" onClick={() => setDef(removeDimension(def, di))}>
                {t('common:delete')}
              </Button>
            </Space>
          }
        >
          <Table<IndicatorDef>
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={d.indicators}
            columns={[
              { title: t('indicatorName'), dataIndex: 'name' },
              {
                title: t('indicatorKind'),
                dataIndex: 'kind',
                width: 110,
                render: (k: IndicatorDef['kind']) => label(INDICATOR_KIND_LABELS, k),
              },
              { title: t('maxPoints'), dataIndex: 'maxPoints', width: 80 },
              {
                title: t('detail'),
                render: (_, i) =>
                  i.kind === 'computed' ? (
                    <code>{i.formula}</code>
                  ) : i.kind === 'manual' ? (
                    i.levels.map((l) => `${l.label} ${l.points}`).join(' / ')
                  ) : (
                    ''
                  ),
              },
              {
                title: t('common:actions'),
                width: 120,
                render: (_, i) => (
                  <Space size={0}>
                    <Button size="small" type="link" onClick={() => setEditing({ dim: di, ind: i })}>
                      {t('common:edit')}
                    </Button>
                    <Button size="small" type="link" danger onClick={() => setDef(removeIndicator(def, di, i.key))}>
                      {t('common:delete')}
                    </Button>
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      ))}
      <Button icon={<PlusOutlined />} onClick={() => setDef(addDimension(def, '', 0))} data-testid="add-dimension">
        {t('addDimension')}
      </Button>
      {schemeId && existing.data && <AssignmentsPanel schemeId={schemeId} regionCode={existing.data.regionCode} />}
      <IndicatorModal
        open={editing !== null}
        indicator={editing?.ind ?? null}
        takenKeys={allIndicatorKeys(def)}
        regionCode={regionCode || undefined}
        year={year}
        onClose={() => setEditing(null)}
        onSave={(ind) => {
          if (editing) setDef(upsertIndicator(def, editing.dim, ind));
          setEditing(null);
        }}
      />
    </ConfigProvider>
  );
}
