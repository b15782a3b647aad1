import { CustomChart, LinesChart, ScatterChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { LabelLayout } from 'echarts/features';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanPoint } from '../../../shared/planner.schemas';

// SVG: crisp school names at any zoom, and text a screen reader (and a test) can find
echarts.use([ScatterChart, LinesChart, CustomChart, GridComponent, TooltipComponent, LabelLayout, SVGRenderer]);

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
const ROLES = ['core', 'centre', 'member', 'village'] as const;
const SYMBOL: Record<PlanPoint['role'], string> = {
  core: 'diamond',
  centre: 'triangle',
  member: 'circle',
  village: 'circle',
};
const SIZE: Record<PlanPoint['role'], number> = { core: 16, centre: 13, member: 10, village: 8 };
/** The legend's shapes, drawn in neutral grey: a point's colour is its community, not its role. */
const GLYPH: Record<PlanPoint['role'], string> = { core: '◆', centre: '▲', member: '●', village: '•' };
const NEUTRAL = '#8c8c8c';
/** The base layer: the area the schools cover, on a neutral background (no tile service on site). */
const AREA_FILL = '#eef3f8';
const AREA_STROKE = '#9fb3c8';

type Pt = [number, number];
/** The convex hull of the schools (Andrew's monotone chain), the outline drawn under them. */
export function hull(points: readonly Pt[]): Pt[] {
  const ps = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (ps.length < 3) return ps;
  const cross = (o: Pt, a: Pt, b: Pt) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: Pt[]) => {
    const out: Pt[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...half(ps), ...half([...ps].reverse())];
}
/** Grows a hull from its centre so the outline does not run through the outermost schools. */
function grow(h: Pt[], by: number): Pt[] {
  const cx = h.reduce((a, p) => a + p[0], 0) / h.length;
  const cy = h.reduce((a, p) => a + p[1], 0) / h.length;
  return h.map(([x, y]) => {
    const d = Math.hypot(x - cx, y - cy) || 1;
    return [x + ((x - cx) / d) * by, y + ((y - cy) / d) * by];
  });
}
const shortName = (name: string) => name.replace(/^.{2,3}[市县区]/, '');

/**
 * Schools on raw coordinates (longitude → x, latitude → y; no tile service is reachable on site)
 * over an offline base layer — the area the schools cover, outlined on a neutral background —
 * pairs as lines, one colour per community (the core a member is paired with). Every school is
 * named; names that would overlap are hidden (labelLayout.hideOverlap) and shown on hover.
 */
export function PlanMap({ points, pairs, height = 460 }: { points: PlanPoint[]; pairs: MapPair[]; height?: number }) {
  const { t } = useTranslation('planner');
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
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
    const area = grow(hull(points.map((p) => [p.longitude, p.latitude] as Pt)), pad / 2);
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: 'item',
        formatter: (p: { data?: { name?: string; tip?: string } }) => p.data?.tip ?? p.data?.name ?? '',
      },
      grid: {
        left: 50,
        right: 20,
        top: 16,
        bottom: 30,
        show: true,
        backgroundColor: '#fafafa',
        borderColor: '#e5e5e5',
      },
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
          type: 'custom',
          name: t('legend.area'),
          silent: true,
          z: 0,
          data: area.length >= 3 ? [0] : [],
          renderItem: (_: unknown, api: { coord: (p: Pt) => number[] }) => ({
            type: 'polygon',
            shape: { points: area.map((p) => api.coord(p)) },
            style: { fill: AREA_FILL, stroke: AREA_STROKE, lineWidth: 1, lineDash: [4, 3] },
          }),
        },
        {
          type: 'lines',
          name: t('legend.pair'),
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
        ...ROLES.map((role) => ({
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
          label: {
            show: true,
            position: 'right',
            formatter: (p: { name: string }) => shortName(p.name),
            fontSize: role === 'core' ? 12 : 11,
            fontWeight: role === 'core' ? 'bold' : 'normal',
            color: role === 'core' ? '#262626' : '#595959',
            // a margin around each name, so that names hideOverlap keeps do not touch either
            padding: [2, 3],
          },
          // names never overlap: the ones that would are hidden (cores are laid out first and win)
          labelLayout: { hideOverlap: true },
          emphasis: { label: { show: true } },
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

  const present = ROLES.filter((r) => points.some((p) => p.role === r));
  return (
    <>
      <div
        data-testid="plan-map-legend"
        style={{ display: 'flex', flexWrap: 'wrap', gap: 16, fontSize: 12, color: '#595959', marginBottom: 4 }}
      >
        {present.map((r) => (
          <span key={r}>
            <span style={{ color: NEUTRAL, marginRight: 4 }}>{GLYPH[r]}</span>
            {t(`legend.${r}`)}
          </span>
        ))}
        <span>
          <span style={{ color: NEUTRAL, marginRight: 4 }}>━</span>
          {t('legend.pair')}
        </span>
        <span>
          <span
            style={{
              display: 'inline-block',
              width: 14,
              height: 10,
              marginRight: 4,
              background: AREA_FILL,
              border: `1px dashed ${AREA_STROKE}`,
              verticalAlign: 'middle',
            }}
          />
          {t('legend.area')}
        </span>
        <span>{t('legend.colours')}</span>
      </div>
      <div ref={ref} style={{ width: '100%', height }} data-testid="plan-map" data-base-layer="outline" />
    </>
  );
}
