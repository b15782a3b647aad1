import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Select, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { SUBJECT_LABELS, SUBJECTS, type Subject } from '../../../shared/enums';
import type { GapsResponse } from '../../../shared/quality.schemas';
import { gapsExportUrl, useExams, useGaps } from '../../api/quality';
import { useLabels } from '../../components/labels';
import { PageHeader } from '../../components/PageHeader';
import { DidCard } from './DidCard';
import { EChart, type ChartOption } from './EChart';
import { points, score, signed } from './format';
import { examsFromUrl, SCOPE_PARAMS, scopeFromUrl, subjectFromUrl } from './gapsSelection';

type Row = GapsResponse['exams'][number];

/** The rural–urban and member–core gaps over exams, their change, and the DiD card. */
export default function GapsPage() {
  const { t } = useTranslation('quality');
  const { label, options } = useLabels();
  // the selection lives in the URL (?subject=math&examIds=12,15): dashboard links open it, it can be
  // shared, and each change is a history entry the back button returns from
  const [search, setSearch] = useSearchParams();
  const subject = subjectFromUrl(search.get('subject'));
  const exams = useExams({ pageSize: 100 });
  const withSubject = (exams.data?.items ?? []).filter((e) => e.subjects.some((s) => s.subject === subject));
  const ids = examsFromUrl(
    search.get('examIds'),
    withSubject.map((e) => e.id),
  );
  const select = (s: Subject, examIds?: number[]) =>
    setSearch((prev) => {
      const next = new URLSearchParams(prev);
      next.set('subject', s);
      if (examIds) next.set('examIds', examIds.join(','));
      else next.delete('examIds'); // another subject starts again from its default exams
      return next;
    });
  const scope = scopeFromUrl(search);
  const narrowed = Object.keys(scope).length > 0;
  const widen = () =>
    setSearch((prev) => {
      const next = new URLSearchParams(prev);
      for (const k of SCOPE_PARAMS) next.delete(k);
      return next;
    });
  const { data } = useGaps(ids, subject, scope);
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 40 },
      xAxis: { type: 'category', data: (data?.exams ?? []).map((e) => e.examDate) },
      yAxis: { type: 'value', name: t('gaps.points') },
      series: [
        { type: 'line', name: t('gaps.ruralUrban'), data: (data?.exams ?? []).map((e) => e.ruralUrban.meanGap) },
        { type: 'line', name: t('gaps.memberCore'), data: (data?.exams ?? []).map((e) => e.memberCore.meanGap) },
      ],
    }),
    [data, t],
  );
  const n = (f: Row['ruralUrban']) => `${f.reference.n} / ${f.focal.n}`;
  return (
    <>
      <PageHeader
        title={t('gaps.title')}
        sub={t('gaps.subtitle')}
        extra={
          <Button
            icon={<DownloadOutlined />}
            href={ids.length ? gapsExportUrl(ids, subject, scope) : undefined}
            disabled={!ids.length}
            data-testid="gaps-export"
          >
            {t('gaps.export')}
          </Button>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <Select
          style={{ width: 140 }}
          value={subject}
          onChange={(v) => select(v)}
          options={options(SUBJECT_LABELS, SUBJECTS)}
          data-testid="gaps-subject"
        />
        <Select
          mode="multiple"
          style={{ flex: 1, minWidth: 480 }}
          maxTagCount="responsive"
          value={ids}
          onChange={(v: number[]) => select(subject, v)}
          options={withSubject.map((e) => ({ value: e.id, label: `${e.examDate} ${e.name}` }))}
          placeholder={t('gaps.chooseExams')}
          data-testid="gaps-exams"
        />
      </Flex>
      {narrowed ? (
        <Alert
          style={{ marginBottom: 16 }}
          type="info"
          showIcon
          data-testid="gaps-narrowed"
          title={t('gaps.narrowed')}
          action={
            <Button size="small" onClick={widen} data-testid="gaps-widen">
              {t('gaps.widen')}
            </Button>
          }
        />
      ) : null}
      <Card
        size="small"
        title={t('gaps.trend', { subject: label(SUBJECT_LABELS, subject) })}
        style={{ marginBottom: 16 }}
      >
        <EChart option={option} height={300} testId="gap-trend" />
      </Card>
      <Table<Row>
        rowKey="examId"
        size="small"
        pagination={false}
        dataSource={data?.exams ?? []}
        style={{ marginBottom: 8 }}
        data-testid="gaps-table"
        columns={[
          { title: t('exam.name'), dataIndex: 'name', render: (v: string, r) => `${r.examDate} ${v}` },
          { title: t('gaps.ruralUrbanMean'), key: 'ru', align: 'right', render: (_, r) => score(r.ruralUrban.meanGap) },
          {
            title: t('gaps.ruralUrbanPass'),
            key: 'rup',
            align: 'right',
            render: (_, r) => points(r.ruralUrban.passGap),
          },
          { title: t('gaps.studentsUR'), key: 'run', align: 'right', render: (_, r) => n(r.ruralUrban) },
          { title: t('gaps.memberCoreMean'), key: 'mc', align: 'right', render: (_, r) => score(r.memberCore.meanGap) },
          {
            title: t('gaps.memberCorePass'),
            key: 'mcp',
            align: 'right',
            render: (_, r) => points(r.memberCore.passGap),
          },
          { title: t('gaps.studentsCM'), key: 'mcn', align: 'right', render: (_, r) => n(r.memberCore) },
        ]}
      />
      {data?.change ? (
        <Typography.Paragraph type="secondary" data-testid="gaps-change">
          {t('gaps.change', {
            ruMean: signed(data.change.ruralUrban.meanGap),
            ruPass: points(data.change.ruralUrban.passGap),
            mcMean: signed(data.change.memberCore.meanGap),
            mcPass: points(data.change.memberCore.passGap),
          })}
        </Typography.Paragraph>
      ) : null}
      <DidCard exams={withSubject} subject={subject} />
    </>
  );
}
