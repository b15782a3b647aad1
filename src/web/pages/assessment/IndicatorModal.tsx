import {
  Alert,
  Button,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  INDICATOR_KIND_LABELS,
  INDICATOR_KINDS,
  RULE_TYPE_LABELS,
  RULE_TYPES,
  type FormulaCheckResult,
  type IndicatorDef,
  type ScoringRule,
} from '../../../shared/assessment.schemas';
import { checkFormula, useSources } from '../../api/assessment';
import { useLabels } from '../../components/labels';
import { nextKey } from './schemeDraft';

interface Props {
  open: boolean;
  indicator: IndicatorDef | null;
  takenKeys: string[];
  regionCode?: string | undefined;
  year?: number | undefined;
  onClose: () => void;
  onSave: (ind: IndicatorDef) => void;
}

type Kind = IndicatorDef['kind'];
interface Level {
  key: string;
  label: string;
  points: number;
}

/** Edits one indicator; computed ones get a formula editor checked and previewed on the real data. */
export function IndicatorModal({ open, indicator, takenKeys, regionCode, year, onClose, onSave }: Props) {
  const { t } = useTranslation('assessment');
  const { options, en } = useLabels();
  const sources = useSources();
  const [kind, setKind] = useState<Kind>('computed');
  const [name, setName] = useState('');
  const [maxPoints, setMaxPoints] = useState<number>(10);
  const [formula, setFormula] = useState('');
  const [perMemberSchool, setPerMemberSchool] = useState(false);
  const [rule, setRule] = useState<ScoringRule>({ type: 'linear', target: 10 });
  const [levels, setLevels] = useState<Level[]>([]);
  const [check, setCheck] = useState<FormulaCheckResult | null>(null);
  // a bonus/deduction item: 手工评分 (false) or 数据源 (true: formula × points per unit, capped)
  const [sourced, setSourced] = useState(false);
  const [perUnit, setPerUnit] = useState<number>(1);

  useEffect(() => {
    if (!open) return;
    setKind(indicator?.kind ?? 'computed');
    setName(indicator?.name ?? '');
    setMaxPoints(indicator?.maxPoints ?? 10);
    setFormula(indicator && indicator.kind !== 'manual' ? (indicator.formula ?? '') : '');
    setSourced((indicator?.kind === 'bonus' || indicator?.kind === 'deduction') && indicator.formula !== undefined);
    setPerUnit(indicator?.kind === 'bonus' || indicator?.kind === 'deduction' ? indicator.perUnit : 1);
    setPerMemberSchool(indicator?.kind === 'computed' ? indicator.perMemberSchool : false);
    setRule(indicator?.kind === 'computed' ? indicator.rule : { type: 'linear', target: 10 });
    setLevels(indicator?.kind === 'manual' ? indicator.levels : []);
    setCheck(null);
  }, [open, indicator]);

  // the server checks the formula as it is typed and previews it on this region's communities
  useEffect(() => {
    if (!open || kind !== 'computed' || !formula.trim()) return;
    const timer = setTimeout(() => {
      checkFormula({ formula, regionCode, year, perMemberSchool, rule, maxPoints })
        .then(setCheck)
        .catch(() => setCheck(null));
    }, 400);
    return () => clearTimeout(timer);
  }, [open, kind, formula, perMemberSchool, rule, maxPoints, regionCode, year]);

  const save = () => {
    const key = indicator?.key ?? nextKey('i', takenKeys);
    const base = { key, name: name.trim(), maxPoints };
    if (kind === 'computed') onSave({ ...base, kind, formula, rule, perMemberSchool });
    else if (kind === 'manual') onSave({ ...base, kind, levels, evidenceRequired: false });
    else if (sourced && formula.trim()) onSave({ ...base, kind, formula, perUnit });
    else onSave({ ...base, kind, perUnit: 1 });
  };
  const setRuleField = (field: string, value: unknown) => setRule({ ...rule, [field]: value } as ScoringRule);
  const insert = (key: string) => setFormula((f) => (f.trim() ? `${f} ${key}` : key));

  const formulaEditor = (
    <>
      <Form.Item label={t('formula')} extra={t('formulaHelp')}>
        <Input.TextArea
          rows={2}
          value={formula}
          onChange={(e) => setFormula(e.target.value)}
          data-testid="indicator-formula"
          style={{ fontFamily: 'monospace' }}
        />
      </Form.Item>
      <div style={{ maxHeight: 96, overflow: 'auto', marginBottom: 12 }}>
        {(sources.data ?? [])
          .filter((s) => s.available)
          .map((s) => (
            <Tag key={s.key} style={{ cursor: 'pointer', marginBottom: 4 }} onClick={() => insert(s.key)} title={s.key}>
              {en ? s.labelEn : s.label}（{s.unitLabel}）
            </Tag>
          ))}
      </div>
    </>
  );

  return (
    <Modal
      open={open}
      title={indicator ? t('editIndicator') : t('addIndicator')}
      width={820}
      onCancel={onClose}
      onOk={save}
      okText={t('common:save')}
      okButtonProps={{
        'data-testid': 'indicator-save',
        disabled:
          !name.trim() ||
          (kind === 'computed' && !!check && !check.ok) ||
          ((kind === 'bonus' || kind === 'deduction') && sourced && !formula.trim()),
      }}
      destroyOnHidden
    >
      <Form layout="vertical">
        <Space wrap>
          <Form.Item label={t('indicatorKind')}>
            <Select
              style={{ width: 160 }}
              value={kind}
              onChange={setKind}
              options={options(INDICATOR_KIND_LABELS, INDICATOR_KINDS)}
              data-testid="indicator-kind"
            />
          </Form.Item>
          <Form.Item label={t('indicatorName')}>
            <Input
              style={{ width: 320 }}
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-testid="indicator-name"
            />
          </Form.Item>
          <Form.Item label={kind === 'bonus' || kind === 'deduction' ? t('cap') : t('maxPoints')}>
            <InputNumber
              min={0}
              max={100}
              value={maxPoints}
              onChange={(v) => setMaxPoints(v ?? 0)}
              data-testid="indicator-points"
            />
          </Form.Item>
        </Space>
        {(kind === 'bonus' || kind === 'deduction') && (
          <>
            <Form.Item label={t('scoredBy')}>
              <Radio.Group
                value={sourced}
                onChange={(e) => setSourced(e.target.value as boolean)}
                data-testid="indicator-scored-by"
                options={[
                  { value: false, label: t('scoredByHand') },
                  { value: true, label: t('scoredBySource') },
                ]}
              />
            </Form.Item>
            {sourced && (
              <>
                {formulaEditor}
                <Form.Item label={t('pointsPerUnit')} extra={t('pointsPerUnitHelp')}>
                  <InputNumber
                    min={0.01}
                    max={100}
                    value={perUnit}
                    onChange={(v) => setPerUnit(v ?? 1)}
                    data-testid="indicator-per-unit"
                  />
                </Form.Item>
              </>
            )}
          </>
        )}
        {kind === 'computed' && (
          <>
            {formulaEditor}
            <Space wrap align="start">
              <Form.Item label={t('rule')}>
                <Select
                  style={{ width: 220 }}
                  value={rule.type}
                  data-testid="rule-type"
                  options={options(RULE_TYPE_LABELS, RULE_TYPES)}
                  onChange={(type) =>
                    setRule(
                      type === 'linear'
                        ? { type, target: 10 }
                        : type === 'bands'
                          ? { type, bands: [{ min: 1, points: maxPoints }] }
                          : type === 'threshold'
                            ? { type, threshold: 1, direction: 'gte' }
                            : { type, perUnit: 1 },
                    )
                  }
                />
              </Form.Item>
              {rule.type === 'linear' && (
                <Form.Item label={t('target')}>
                  <InputNumber
                    min={0}
                    value={rule.target}
                    onChange={(v) => setRuleField('target', v ?? 0)}
                    data-testid="rule-target"
                  />
                </Form.Item>
              )}
              {rule.type === 'threshold' && (
                <Form.Item label={t('threshold')}>
                  <Space.Compact>
                    <Select
                      style={{ width: 80 }}
                      value={rule.direction}
                      onChange={(v) => setRuleField('direction', v)}
                      options={[
                        { value: 'gte', label: '≥' },
                        { value: 'lte', label: '≤' },
                      ]}
                    />
                    <InputNumber value={rule.threshold} onChange={(v) => setRuleField('threshold', v ?? 0)} />
                  </Space.Compact>
                </Form.Item>
              )}
              {rule.type === 'deduction' && (
                <Form.Item label={t('perUnit')}>
                  <InputNumber min={0} value={rule.perUnit} onChange={(v) => setRuleField('perUnit', v ?? 0)} />
                </Form.Item>
              )}
              {rule.type === 'bands' && (
                <Form.Item label={t('bands')}>
                  <Space direction="vertical" size={4}>
                    {rule.bands.map((b, i) => (
                      <Space key={i}>
                        ≥{' '}
                        <InputNumber
                          value={b.min}
                          onChange={(v) =>
                            setRuleField(
                              'bands',
                              rule.bands.map((x, j) => (j === i ? { ...x, min: v ?? 0 } : x)),
                            )
                          }
                        />
                        →{' '}
                        <InputNumber
                          min={0}
                          value={b.points}
                          onChange={(v) =>
                            setRuleField(
                              'bands',
                              rule.bands.map((x, j) => (j === i ? { ...x, points: v ?? 0 } : x)),
                            )
                          }
                        />{' '}
                        {t('points')}
                      </Space>
                    ))}
                    <Button size="small" onClick={() => setRuleField('bands', [...rule.bands, { min: 0, points: 0 }])}>
                      {t('addBand')}
                    </Button>
                  </Space>
                </Form.Item>
              )}
              <Form.Item label={t('perMemberSchool')}>
                <Switch checked={perMemberSchool} onChange={setPerMemberSchool} />
              </Form.Item>
            </Space>
            {check && (
              <div data-testid="formula-check">
                {check.issues.length ? (
                  <Alert
                    type="error"
                    showIcon
                    data-testid="formula-issues"
                    message={
                      <ul style={{ margin: 0, paddingLeft: 16 }}>
                        {check.issues.map((i, n) => (
                          <li key={n}>{en ? i.messageEn : i.message}</li>
                        ))}
                      </ul>
                    }
                  />
                ) : (
                  <>
                    <Typography.Text type="success">{t('formulaOk', { unit: check.unit })}</Typography.Text>
                    <Table
                      size="small"
                      rowKey="communityId"
                      pagination={false}
                      scroll={{ y: 200 }}
                      data-testid="formula-preview"
                      dataSource={check.preview}
                      columns={[
                        { title: t('community'), dataIndex: 'communityName' },
                        { title: t('value'), dataIndex: 'value', width: 100, render: (v: number | null) => v ?? '—' },
                        {
                          title: t('pointsHeader'),
                          dataIndex: 'points',
                          width: 100,
                          render: (v: number | null) => v ?? '—',
                        },
                      ]}
                    />
                  </>
                )}
              </div>
            )}
          </>
        )}
        {kind === 'manual' && (
          <Form.Item label={t('levels')}>
            <Space direction="vertical" size={4}>
              {levels.map((l, i) => (
                <Space key={l.key}>
                  <Input
                    style={{ width: 160 }}
                    value={l.label}
                    placeholder={t('levelLabel')}
                    onChange={(e) => setLevels(levels.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))}
                    data-testid={`level-label-${i}`}
                  />
                  <InputNumber
                    min={0}
                    max={100}
                    value={l.points}
                    onChange={(v) => setLevels(levels.map((x, j) => (j === i ? { ...x, points: v ?? 0 } : x)))}
                    data-testid={`level-points-${i}`}
                  />{' '}
                  {t('points')}
                  <Button size="small" type="link" danger onClick={() => setLevels(levels.filter((_, j) => j !== i))}>
                    {t('common:delete')}
                  </Button>
                </Space>
              ))}
              <Button
                size="small"
                onClick={() =>
                  setLevels([
                    ...levels,
                    {
                      key: nextKey(
                        'l',
                        levels.map((x) => x.key),
                      ),
                      label: '',
                      points: 0,
                    },
                  ])
                }
                data-testid="level-add"
              >
                {t('addLevel')}
              </Button>
            </Space>
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
