import { BarChart, LineChart, LinesChart, PieChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { EChartsOptionLike } from '../../../shared/dashboard.charts';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  LinesChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

/**
 * One ECharts instance bound to a div, following the option and the container's size. Options come
 * from shared/dashboard.charts.ts, the same builders the server uses for the report and big screen.
 */
export function DashChart({
  option,
  height = 280,
  testId,
  onClickIndex,
}: {
  option: EChartsOptionLike;
  height?: number | string;
  testId?: string;
  onClickIndex?: (i: number, series: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClickIndex);
  click.current = onClickIndex;
  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current);
    chart.current = c;
    c.on('click', (p) => {
      if (typeof p.dataIndex === 'number')
        click.current?.(p.dataIndex, typeof p.seriesIndex === 'number' ? p.seriesIndex : 0);
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option as echarts.EChartsCoreOption, true);
  }, [option]);
  return <div ref={ref} style={{ width: '100%', height }} data-testid={testId} />;
}
