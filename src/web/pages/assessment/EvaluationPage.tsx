import { Alert, Button, Card, Col, Input, Popconfirm, Row, Select, Space, Statistic, Steps, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import {
  EVALUATION_STATUS_LABELS,
  INDICATOR_KIND_LABELS,
  type IndicatorDef,
  type Score,
} from '../../../shared/assessment.schemas';
import {
  reportUrl,
  useAppeal,
  useClearScore,
  useDecideAppeal,
  useEvaluation,
  useEvaluationAction,
} from '../../api/assessment';
import { dateTime, useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { ExplanationTree } from './ExplanationTree';
import { ScoreModal } from './ScoreModal';

const STEPS = ['self_assessment', 'assessor_scoring', 'review', 'published'] as const;

/** One community's assessment: scores by stage, workflow actions, the explanation and appeals. */
export default function EvaluationPage() {
  const { t } = useTranslation('assessment');
  const { label, en } = useLabels();
  const id = Number(useParams().id);
  const { data, error } = useEvaluation(id);
  const submit = useEvaluationAction(id, 'submit');
  const publish = useEvaluationAction(id, 'publish');
  const back = useEvaluationAction(id, 'return');
  const appeal = useAppeal(id);
  const decide = useDecideAppeal();
  const clear = useClearScore(id);
  const [scoring, setScoring] = useState<IndicatorDef | null>(null);
  const [appealKey, setAppealKey] = useState<string>();
  const [appealReason, setAppealReason] = useState('');
  if (error) return <Alert type="error" showIcon message={String((error as Error).message)} />;
  if (!data) return null;

  const stage = data.can.selfScore ? 'self' : data.can.assessorScore ? 'assessor' : null;
  const scoreOf = (key: string, s: 'self' | 'assessor'): Score | undefined =>
    data.scores.find((x) => x.indicatorKey === key && x.stage === s);
  const shown = data.preview ?? data.result;
  const pointsOf = (key: string) => {
    for (const d of shown?.explanation.children ?? [])
      for (const c of d.children ?? []) if (c.key === key) return c.points;
    return null;
  };
  const rows = data.definition.dimensions.flatMap((d) => d.indicators.map((i) => ({ ...i, dimension: d.name })));
  const step = data.status === 'rescoring' ? 1 : STEPS.indexOf(data.status as (typeof STEPS)[number]);

  return (
    <>
      <PageHeader
        title={`${data.communityName} · ${data.schemeName}`}
        sub={
          <Tag color={data.status === 'published' ? 'green' : 'blue'} data-testid="evaluation-status">
            {label(EVALUATION_STATUS_LABELS, data.status)}
          </Tag>
        }
        extra={
          <>
            {data.can.submit && (
              <Popconfirm title={t('submitConfirm')} onConfirm={() => submit.mutateAsync().catch(() => undefined)}>
                <Button type="primary" data-testid="evaluation-submit">
                  {t(stage === 'self' ? 'submitSelf' : 'submitAssessor')}
                </Button>
              </Popconfirm>
            )}
            {data.can.returnToAssessor && (
              <Button onClick={() => back.mutateAsync().catch(() => undefined)} data-testid="evaluation-return">
                {t('returnToAssessor')}
              </Button>
            )}
            {data.can.publish && (
              <Popconfirm title={t('publishConfirm')} onConfirm={() => publish.mutateAsync().catch(() => undefined)}>
                <Button type="primary" data-testid="evaluation-publish">
                  {t('publish')}
                </Button>
              </Popconfirm>
            )}
            {data.result && (
              <Button href={reportUrl(id, en ? 'en' : 'zh')} data-testid="evaluation-pdf">
                {t('reportPdf')}
              </Button>
            )}
          </>
        }
      />
      <Steps
        size="small"
        current={step}
        style={{ marginBottom: 16 }}
        items={STEPS.map((s) => ({ title: label(EVALUATION_STATUS_LABELS, s) }))}
      />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}>
          <Card size="small">
            <Statistic
              title={data.result ? t('publishedIndex') : t('previewIndex')}
              value={shown?.total ?? 0}
              precision={2}
            />
          </Card>
        </Col>
        {shown?.dimensions.map((d) => (
          <Col span={3} key={d.key}>
            <Card size="small">
              <Statistic title={d.name} value={d.points} suffix={`/ ${d.weight}`} valueStyle={{ fontSize: 18 }} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" title={t('indicators')} style={{ marginBottom: 16 }}>
        <Table
          size="small"
          rowKey="key"
          pagination={false}
          dataSource={rows}
          data-testid="indicator-table"
          columns={[
            { title: t('dimension'), dataIndex: 'dimension', width: 120 },
            { title: t('indicatorName'), dataIndex: 'name' },
            {
              title: t('indicatorKind'),
              dataIndex: 'kind',
              width: 100,
              render: (k: IndicatorDef['kind']) => label(INDICATOR_KIND_LABELS, k),
            },
            { title: t('maxPoints'), dataIndex: 'maxPoints', width: 70 },
            { title: t('selfScore'), width: 90, render: (_, r) => scoreOf(r.key, 'self')?.points ?? '—' },
            { title: t('assessorScore'), width: 90, render: (_, r) => scoreOf(r.key, 'assessor')?.points ?? '—' },
            { title: t('points'), width: 80, render: (_, r) => pointsOf(r.key) ?? '—' },
            {
              title: '',
              width: 170,
              render: (_, r) =>
                stage && r.kind !== 'computed' ? (
                  <Space size={4}>
                    <Button size="small" onClick={() => setScoring(r)} data-testid={`score-${r.key}`}>
                      {t('score')}
                    </Button>
                    {/* a data-driven item scored by hand: the hand score can be withdrawn */}
                    {'formula' in r && r.formula && scoreOf(r.key, stage) ? (
                      <Popconfirm
                        title={t('clearScoreConfirm')}
                        onConfirm={() => clear.mutateAsync(r.key).catch(() => undefined)}
                      >
                        <Button size="small" type="link" data-testid={`clear-score-${r.key}`}>
                          {t('clearScore')}
                        </Button>
                      </Popconfirm>
                    ) : null}
                  </Space>
                ) : null,
            },
          ]}
        />
      </Card>
      {shown && (
        <Card
          size="small"
          title={data.result && !data.preview ? t('explanation') : t('explanationPreview')}
          style={{ marginBottom: 16 }}
        >
          <ExplanationTree node={shown.explanation} />
        </Card>
      )}
      {data.history.length > 0 && (
        <Card size="small" title={t('history')} style={{ marginBottom: 16 }}>
          {data.history.map((h) => (
            <div key={h.revision}>
              {t('revisionLine', {
                revision: h.revision,
                total: h.total,
                version: h.schemeVersion,
                at: dateTime(h.publishedAt),
              })}
            </div>
          ))}
        </Card>
      )}
      <Card size="small" title={t('appeals')}>
        {data.appeals.map((a) => (
          <div key={a.id} style={{ marginBottom: 8 }}>
            <Tag>{t(`appeal_${a.status}`)}</Tag> {a.indicatorKey} · {a.reason} {a.response ? `→ ${a.response}` : ''}
            {data.can.decideAppeal && a.status === 'open' && (
              <Space style={{ marginLeft: 8 }}>
                <Button
                  size="small"
                  onClick={() =>
                    decide.mutateAsync({ id: a.id, accept: true, response: t('acceptText') }).catch(() => undefined)
                  }
                >
                  {t('accept')}
                </Button>
                <Button
                  size="small"
                  danger
                  onClick={() =>
                    decide.mutateAsync({ id: a.id, accept: false, response: t('rejectText') }).catch(() => undefined)
                  }
                >
                  {t('reject')}
                </Button>
              </Space>
            )}
          </div>
        ))}
        {data.can.appeal && (
          <Space wrap>
            <Select
              style={{ width: 220 }}
              placeholder={t('indicatorName')}
              value={appealKey}
              onChange={setAppealKey}
              options={rows.map((r) => ({ value: r.key, label: r.name }))}
            />
            <Input
              style={{ width: 360 }}
              placeholder={t('appealReason')}
              value={appealReason}
              onChange={(e) => setAppealReason(e.target.value)}
            />
            <Button
              disabled={!appealKey}
              onClick={() =>
                appeal
                  .mutateAsync({ indicatorKey: appealKey!, reason: appealReason })
                  .then(() => setAppealReason(''))
                  .catch(() => undefined)
              }
            >
              {t('fileAppeal')}
            </Button>
          </Space>
        )}
      </Card>
      {scoring && stage && (
        <ScoreModal
          evaluationId={id}
          communityId={data.communityId}
          year={data.year}
          indicator={scoring}
          current={scoreOf(scoring.key, stage)}
          onClose={() => setScoring(null)}
        />
      )}
    </>
  );
}
