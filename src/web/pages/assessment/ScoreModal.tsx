import { Button, Form, Input, InputNumber, Modal, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvidenceLink, IndicatorDef, Score } from '../../../shared/assessment.schemas';
import { useScore } from '../../api/assessment';
import { ArchivePicker } from './ArchivePicker';

/** Links to a record of the archive (picked, not typed): shown as a link, not as inputs. */
const RECORD_PATH = /^\/(activities|meetings|resources)\/\d+$|^\/exchange\?assignment=\d+$/;

/** Scores one rubric, bonus or deduction indicator, with evidence links to the archive. */
export function ScoreModal({
  evaluationId,
  communityId,
  year,
  indicator,
  current,
  onClose,
}: {
  evaluationId: number;
  communityId: number;
  year: number;
  indicator: IndicatorDef | null;
  current: Score | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation('assessment');
  const score = useScore(evaluationId);
  const [levelKey, setLevelKey] = useState<string>();
  const [points, setPoints] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [evidence, setEvidence] = useState<EvidenceLink[]>([]);
  useEffect(() => {
    setLevelKey(current?.levelKey ?? undefined);
    setPoints(current && !current.levelKey ? current.points : null);
    setComment(current?.comment ?? '');
    setEvidence(current?.evidence ?? []);
  }, [indicator, current]);
  if (!indicator) return null;
  const save = () =>
    score
      .mutateAsync({
        indicatorKey: indicator.key,
        ...(indicator.kind === 'manual' ? { levelKey } : { points: points ?? 0 }),
        comment: comment || null,
        evidence: evidence.filter((e) => e.label && e.url),
      })
      .then(onClose)
      .catch(() => undefined);
  return (
    <Modal
      open
      title={`${t('score')}：${indicator.name}`}
      onCancel={onClose}
      onOk={() => void save()}
      okButtonProps={{ 'data-testid': 'score-save', loading: score.isPending }}
      okText={t('common:save')}
    >
      <Form layout="vertical">
        {indicator.kind === 'manual' ? (
          <Form.Item label={t('level')}>
            <Select
              value={levelKey}
              onChange={setLevelKey}
              data-testid="score-level"
              options={indicator.levels.map((l) => ({
                value: l.key,
                label: `${l.label}（${l.points} ${t('points')}）`,
              }))}
            />
          </Form.Item>
        ) : (
          <Form.Item label={t('pointsWithin', { max: indicator.maxPoints })}>
            <InputNumber
              min={0}
              max={indicator.maxPoints}
              value={points}
              onChange={setPoints}
              data-testid="score-points"
            />
          </Form.Item>
        )}
        <Form.Item label={t('comment')}>
          <Input.TextArea
            rows={2}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            data-testid="score-comment"
          />
        </Form.Item>
        <Form.Item label={t('evidence')}>
          <Space direction="vertical" style={{ width: '100%' }} size={4}>
            {evidence.map((e, i) =>
              RECORD_PATH.test(e.url) ? (
                <Space key={i} data-testid="evidence-record">
                  <Typography.Link href={e.url} target="_blank">
                    {e.label}
                  </Typography.Link>
                  <Button type="link" danger onClick={() => setEvidence(evidence.filter((_, j) => j !== i))}>
                    {t('common:delete')}
                  </Button>
                </Space>
              ) : (
                <Space key={i}>
                  <Input
                    placeholder={t('evidenceLabel')}
                    value={e.label}
                    onChange={(x) =>
                      setEvidence(evidence.map((y, j) => (j === i ? { ...y, label: x.target.value } : y)))
                    }
                  />
                  <Input
                    placeholder="https://…"
                    style={{ width: 260 }}
                    value={e.url}
                    onChange={(x) => setEvidence(evidence.map((y, j) => (j === i ? { ...y, url: x.target.value } : y)))}
                  />
                  <Button type="link" danger onClick={() => setEvidence(evidence.filter((_, j) => j !== i))}>
                    {t('common:delete')}
                  </Button>
                </Space>
              ),
            )}
            <Typography.Text type="secondary">{t('archive.title')}</Typography.Text>
            <ArchivePicker
              communityId={communityId}
              year={year}
              onPick={(link) => {
                if (!evidence.some((e) => e.url === link.url)) setEvidence([...evidence, link]);
              }}
            />
            <Button size="small" onClick={() => setEvidence([...evidence, { label: '', url: '' }])}>
              {t('addEvidence')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
    </Modal>
  );
}
