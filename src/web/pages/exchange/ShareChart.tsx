import { useMemo } from 'react';
import { EChart } from '../../components/EChart';

/** Backbone share per unit before and after exchanges, with the bureau's floor as a line. */
export function ShareChart({
  names,
  before,
  after,
  floor,
  labels,
}: {
  names: string[];
  before: number[];
  after: number[];
  floor: number;
  labels: { before: string; after: string; floor: string };
}) {
  const option = useMemo(() => {
    const pct = (xs: number[]) => xs.map((x) => Math.round(x * 1000) / 10);
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 64 },
      xAxis: { type: 'category', data: names, axisLabel: { rotate: 30, interval: 0, fontSize: 11 } },
      // keep the floor line in view even when every unit is below it
      yAxis: {
        type: 'value',
        max: (v: { max: number }) => Math.ceil(Math.max(v.max, floor * 100 + 2)),
        axisLabel: { formatter: '{value}%' },
      },
      series: [
        { type: 'bar', name: labels.before, data: pct(before), itemStyle: { color: '#91caff' } },
        {
          type: 'bar',
          name: labels.after,
          data: pct(after),
          itemStyle: { color: '#1677ff' },
          markLine: {
            symbol: 'none',
            data: [{ yAxis: floor * 100, name: labels.floor }],
            lineStyle: { color: '#cf1322', type: 'dashed' },
            label: { formatter: labels.floor },
          },
        },
      ],
    };
  }, [names, before, after, floor, labels]);
  return <EChart option={option} height={320} testId="structure-chart" />;
}
