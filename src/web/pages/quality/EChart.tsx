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
