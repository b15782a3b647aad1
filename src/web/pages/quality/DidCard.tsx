import { Alert, Card, Descriptions, Flex, Radio, Select, Statistic, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Comparison, Exam } from '../../../shared/quality.schemas';
import { useDid } from '../../api/quality';
import { score, signed } from './format';

/** Did joining help? The difference-in-differences estimate with its interval, or the refusal and its reason. */
export function DidCard({ exams, subject }: { exams: Exam[]; subject: string | undefined }) {
  const { t, i18n } = useTranslation('quality');
  const en = i18n.language === 'en-US';
  const sorted = [...exams].sort((a, b) => a.examDate.localeCompare(b.examDate));
  const [before, setBefore] = useState<number>();
  const [after, setAfter] = useState<number>();
  const [comparison, setComparison] = useState<Comparison>('member_core');
  const b = before ?? sorted[0]?.id;
  const a = after ?? sorted[sorted.length - 1]?.id;
  const { data, error, isFetching } = useDid({ subject, before: b, after: a, comparison });
  const options = sorted.map((e) => ({ value: e.id, label: `${e.examDate} ${e.name}` }));
  return (
    <Card title={t('did.title')} loading={isFetching && !data} data-testid="did-card">
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Select style={{ width: 300 }} value={b} onChange={setBefore} options={options} placeholder={t('did.before')} />
        <Select style={{ width: 300 }} value={a} onChange={setAfter} options={options} placeholder={t('did.after')} />
        <Radio.Group
          value={comparison}
          onChange={(e) => setComparison(e.target.value as Comparison)}
          optionType="button"
          options={[
            { value: 'member_core', label: t('did.memberCore') },
            { value: 'rural_urban', label: t('did.ruralUrban') },
          ]}
        />
      </Flex>
      {sorted.length >= 2 ? (
        <Typography.Paragraph type="secondary" data-testid="did-explain">
          {t('did.explain', {
            other: t(comparison === 'member_core' ? 'did.otherCore' : 'did.otherUrban'),
          })}
        </Typography.Paragraph>
      ) : null}
      {sorted.length < 2 ? <Alert type="info" showIcon title={t('did.needTwo')} data-testid="did-need-two" /> : null}
      {error ? <Alert type="error" showIcon title={(error as Error).message} /> : null}
      {data && !data.ok ? (
        <Alert
          type="warning"
          showIcon
          title={t('did.refused')}
          description={en ? data.refusal?.reasonEn : data.refusal?.reason}
          data-testid="did-refusal"
        />
      ) : null}
      {data?.ok ? (
        <>
          <Flex gap={32} wrap>
            <Statistic title={t('did.estimate')} value={signed(data.estimate)} suffix={t('did.points')} />
            <Statistic title={t('did.ci')} value={`${score(data.ciLow)} ~ ${score(data.ciHigh)}`} />
            <Statistic title={t('did.se')} value={score(data.se, 3)} />
            <Statistic title="p" value={score(data.pValue, 3)} />
          </Flex>
          {data.estimate !== null ? (
            <Alert
              style={{ marginTop: 12 }}
              type={data.estimate < 0 ? 'success' : 'warning'}
              showIcon
              data-testid="did-verdict"
              title={t(data.estimate < 0 ? 'did.verdictNarrowed' : 'did.verdictWidened', {
                size: score(Math.abs(data.estimate)),
              })}
            />
          ) : null}
          <Typography.Paragraph style={{ marginTop: 12 }} data-testid="did-reading">
            {en ? data.readingEn : data.reading}
          </Typography.Paragraph>
          <Descriptions
            size="small"
            column={2}
            items={[
              {
                key: 't',
                label: t('did.treated'),
                children: t('did.schoolsStudents', { schools: data.treatedSchools, students: data.treatedStudents }),
              },
              {
                key: 'c',
                label: t('did.control'),
                children: t('did.schoolsStudents', { schools: data.controlSchools, students: data.controlStudents }),
              },
              {
                key: 'tg',
                label: t('did.treatedGap'),
                children: `${score(data.groupMeans.treatedBefore)} → ${score(data.groupMeans.treatedAfter)}`,
              },
              {
                key: 'cg',
                label: t('did.controlGap'),
                children: `${score(data.groupMeans.controlBefore)} → ${score(data.groupMeans.controlAfter)}`,
              },
            ]}
          />
        </>
      ) : null}
    </Card>
  );
}
