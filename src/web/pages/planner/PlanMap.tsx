import { LinesChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanPoint } from '../../../shared/planner.schemas';

echarts.use([ScatterChart, LinesChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export interface MapPair {
  from: string;
  to: string;
  /** the group (community) the pair belongs to, for its colour */
  group: string;
  label: string;
}

const PALETTE = [
  '#1677ff',
  '#fa541c',
  '#52c41a',
  '#722ed1',
  '#eb2f96',
  '#13c2c2',
  '#faad14',
  '#2f54eb',
  '#a0d911',
  '#f5222d',
  '#08979c',
  '#d4b106',
  '#531dab',
  '#c41d7f',
  '#389e0d',
];
const SYMBOL: Record<PlanPoint['role'], string> = {
  core: 'diamond',
  centre: 'triangle',
  member: 'circle',
  village: 'circle',
};
const SIZE: Record<PlanPoint['role'], number> = { core: 16, centre: 13, member: 10, village: 8 };

/**
 * Schools on raw coordinates (longitude → x, latitude → y; no tile service is reachable), pairs as
 * lines, one colour per community (the core a member is paired with).
 */
export function PlanMap({ points, pairs, height = 460 }: { points: PlanPoint[]; pairs: MapPair[]; height?: number }) {
  const { t } = useTranslation('planner');
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    const byId = new Map(points.map((p) => [p.id, p]));
    const groups = [...new Set(pairs.map((p) => p.group))];
    const colourOf = (group: string | undefined) =>
      group === undefined ? '#8c8c8c' : PALETTE[groups.indexOf(group) % PALETTE.length]!;
    const groupOf = new Map<string, string>();
    for (const p of pairs) {
      groupOf.set(p.from, p.group);
      if (!groupOf.has(p.to)) groupOf.set(p.to, p.group);
    }
    for (const g of groups) groupOf.set(g, g);
    // keep the county's aspect ratio: a degree of longitude is cos(latitude) of a degree of latitude
    const lats = points.map((p) => p.latitude);
    const lngs = points.map((p) => p.longitude);
    const pad = 0.02;
    const [minLat, maxLat] = [Math.min(...lats) - pad, Math.max(...lats) + pad];
    const [minLng, maxLng] = [Math.min(...lngs) - pad, Math.max(...lngs) + pad];
    const roles = ['core', 'centre', 'member', 'village'] as const;
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: 'item',
        formatter: (p: { data?: { name?: string; tip?: string } }) => p.data?.tip ?? p.data?.name ?? '',
      },
      legend: { top: 0, data: roles.filter((r) => points.some((p) => p.role === r)).map((r) => t(`legend.${r}`)) },
      grid: { left: 50, right: 20, top: 36, bottom: 30 },
      xAxis: {
        type: 'value',
        min: minLng,
        max: maxLng,
        scale: true,
        axisLabel: { formatter: (v: number) => `${v.toFixed(2)}°E` },
        splitLine: { lineStyle: { type: 'dashed', opacity: 0.4 } },
      },
      yAxis: {
        type: 'value',
        min: minLat,
        max: maxLat,
        scale: true,
        axisLabel: { formatter: (v: number) => `${v.toFixed(2)}°N` },
        splitLine: { lineStyle: { type: 'dashed', opacity: 0.4 } },
      },
      series: [
        {
          type: 'lines',
          coordinateSystem: 'cartesian2d',
          polyline: false,
          silent: false,
          data: pairs.flatMap((p) => {
            const a = byId.get(p.from);
            const b = byId.get(p.to);
            if (!a || !b) return [];
            return [
              {
                coords: [
                  [a.longitude, a.latitude],
                  [b.longitude, b.latitude],
                ],
                tip: p.label,
                lineStyle: { color: colourOf(p.group), width: 2, opacity: 0.8 },
              },
            ];
          }),
          zlevel: 1,
        },
        ...roles.map((role) => ({
          type: 'scatter',
          name: t(`legend.${role}`),
          symbol: SYMBOL[role],
          symbolSize: SIZE[role],
          zlevel: 2,
          data: points
            .filter((p) => p.role === role)
            .map((p) => ({
              value: [p.longitude, p.latitude],
              name: p.name,
              tip: p.capacity !== null ? `${p.name}（${p.load}/${p.capacity}）` : p.name,
              itemStyle: { color: colourOf(groupOf.get(p.id)), borderColor: '#fff', borderWidth: 1 },
            })),
          label:
            role === 'core'
              ? {
                  show: true,
                  position: 'right',
                  formatter: (p: { name: string }) => p.name.replace(/^.{2,3}[市县区]/, ''),
                  fontSize: 11,
                  color: '#333',
                }
              : { show: false },
        })),
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [points, pairs, t]);

  return <div ref={ref} style={{ width: '100%', height }} data-testid="plan-map" />;
}
