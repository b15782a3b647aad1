import type { ChartOption } from '../../components/EChart';

export { EChart, type ChartOption } from '../../components/EChart';

/** Distribution bars in bands of a tenth of the full mark. */
export function distributionOption(bands: { from: number; to: number; n: number }[], name: string): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 24, bottom: 32 },
    xAxis: { type: 'category', data: bands.map((b) => `${b.from}–${b.to}`) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name, data: bands.map((b) => b.n), itemStyle: { color: '#1677ff' } }],
  };
}

export interface TrendPoint {
  examId: number;
  examName: string;
  examDate: string;
  subject: string;
  score: number;
  fullMark: number;
  classMean: number | null;
  regionMean: number | null;
}

/** The exams in the order given (by date), each once. */
export function trendExams(points: TrendPoint[]) {
  const seen = new Map<number, { examId: number; examName: string; examDate: string }>();
  for (const p of points)
    if (!seen.has(p.examId)) seen.set(p.examId, { examId: p.examId, examName: p.examName, examDate: p.examDate });
  return [...seen.values()];
}

/**
 * A student's scores over time. For one subject: the score against the class mean and the mean of
 * everyone who sat the exam; for all subjects: one line per subject as a score rate (percent of the
 * full mark), so subjects of different full marks share an axis.
 */
export function scoreTrendOption(
  points: TrendPoint[],
  subject: string | 'all',
  names: { subject: (s: string) => string; score: string; classMean: string; regionMean: string; rate: string },
): ChartOption {
  const exams = trendExams(points);
  const at = (list: TrendPoint[], pick: (p: TrendPoint) => number | null) =>
    exams.map((e) => {
      const p = list.find((x) => x.examId === e.examId);
      return p ? pick(p) : null;
    });
  const base = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 24, top: 36, bottom: 40 },
    xAxis: {
      type: 'category',
      data: exams.map((e) => e.examName),
      axisLabel: { formatter: (_: string, i: number) => exams[i]?.examDate ?? '' },
    },
  };
  if (subject === 'all') {
    const subjects = [...new Set(points.map((p) => p.subject))];
    return {
      ...base,
      yAxis: { type: 'value', name: names.rate, min: 0, max: 100 },
      series: subjects.map((s) => ({
        type: 'line',
        name: names.subject(s),
        connectNulls: true,
        symbolSize: 8,
        data: at(
          points.filter((p) => p.subject === s),
          (p) => Math.round((p.score / p.fullMark) * 1000) / 10,
        ),
      })),
    };
  }
  const list = points.filter((p) => p.subject === subject);
  return {
    ...base,
    yAxis: { type: 'value', name: names.score, min: 0, max: Math.max(0, ...list.map((p) => p.fullMark)) || undefined },
    series: [
      {
        type: 'line',
        name: names.score,
        connectNulls: true,
        symbolSize: 8,
        data: at(list, (p) => p.score),
        itemStyle: { color: '#1677ff' },
      },
      {
        type: 'line',
        name: names.classMean,
        connectNulls: true,
        data: at(list, (p) => p.classMean),
        lineStyle: { type: 'dashed' },
        itemStyle: { color: '#fa8c16' },
      },
      {
        type: 'line',
        name: names.regionMean,
        connectNulls: true,
        data: at(list, (p) => p.regionMean),
        lineStyle: { type: 'dotted' },
        itemStyle: { color: '#8c8c8c' },
      },
    ],
  };
}
