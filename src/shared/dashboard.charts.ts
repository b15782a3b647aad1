import { formatFigure, formatNumber, type NumberLang } from './dashboard.format.js';
import type { Chart, DashboardMap } from './dashboard.schemas.js';

/**
 * ECharts options for the dashboard's charts as pure functions of the data, so the browser, the
 * big screen and the server-rendered annual report draw the same picture. Options are plain
 * objects (no echarts import here) and never contain NaN: a missing value is drawn as nothing.
 */
export type EChartsOptionLike = Record<string, unknown>;

export interface ChartTheme {
  dark: boolean;
  /** no animation for server-side rendering and screenshots */
  animation?: boolean;
}

const PALETTE = ['#1677ff', '#13c2c2', '#52c41a', '#faad14', '#f5222d', '#722ed1', '#eb2f96', '#fa8c16'];
const LOCATION_COLOURS: Record<string, string> = { urban: '#1677ff', town: '#faad14', rural: '#52c41a' };

function textColour(t: ChartTheme) {
  return t.dark ? '#d9e6ff' : '#333';
}

function base(t: ChartTheme): EChartsOptionLike {
  return {
    animation: t.animation ?? !t.dark,
    backgroundColor: 'transparent',
    color: PALETTE,
    textStyle: { color: textColour(t), fontFamily: 'Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif' },
  };
}

const axisStyle = (t: ChartTheme) => ({
  axisLine: { lineStyle: { color: t.dark ? '#4a5d80' : '#ccc' } },
  axisLabel: { color: textColour(t) },
  splitLine: { lineStyle: { color: t.dark ? '#23314d' : '#eee' } },
});

/**
 * true when a chart has nothing to draw: the page shows an empty state instead. A chart of counts
 * with only zeros is empty; in a chart with series (measurements such as a gap) 0 is a value.
 */
export function chartIsEmpty(chart: Chart): boolean {
  if (chart.series?.length) return !chart.series.some((s) => s.values.some((v) => v !== null && Number.isFinite(v)));
  return !chart.points.some((p) => p.value !== null && p.value !== 0);
}

export function chartOption(chart: Chart, lang: NumberLang, t: ChartTheme = { dark: false }): EChartsOptionLike {
  const names = chart.points.map((p) => p.name[lang]);
  const values = chart.points.map((p) => p.value);
  const fmt = (v: unknown) => formatFigure(typeof v === 'number' ? v : null, chart.unit, lang);
  const tooltip = { trigger: chart.kind === 'pie' ? 'item' : 'axis', valueFormatter: fmt };
  if (chart.kind === 'pie') {
    return {
      ...base(t),
      tooltip,
      legend: { bottom: 0, type: 'scroll', textStyle: { color: textColour(t) } },
      series: [
        {
          type: 'pie',
          radius: ['40%', '68%'],
          center: ['50%', '45%'],
          label: { color: textColour(t), formatter: '{b}: {c}' },
          data: chart.points.map((p) => ({ name: p.name[lang], value: p.value ?? 0 })),
        },
      ],
    };
  }
  const markLine = chart.line
    ? {
        symbol: 'none',
        lineStyle: { color: '#f5222d', type: 'dashed' },
        label: { formatter: chart.line.label[lang], color: '#f5222d' },
        data: [{ xAxis: chart.line.value }],
      }
    : undefined;
  if (chart.kind === 'rank') {
    // horizontal bars, largest on top
    return {
      ...base(t),
      tooltip,
      grid: { left: 8, right: 48, top: 16, bottom: 8, containLabel: true },
      xAxis: {
        type: 'value',
        ...axisStyle(t),
        axisLabel: {
          color: textColour(t),
          formatter: (v: number) => (chart.unit === 'percent' ? `${v}%` : formatNumber(v, lang)),
        },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: names,
        ...axisStyle(t),
        axisLabel: { color: textColour(t), width: 140, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          data: values,
          barMaxWidth: 18,
          label: {
            show: true,
            position: 'right',
            color: textColour(t),
            formatter: (p: { value: unknown }) => fmt(p.value),
          },
          ...(markLine ? { markLine } : {}),
        },
      ],
    };
  }
  if (chart.series?.length) {
    // several lines (or bar groups) over the same categories, with a legend
    return {
      ...base(t),
      tooltip,
      legend: { top: 0, type: 'scroll', textStyle: { color: textColour(t) } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: names, ...axisStyle(t) },
      yAxis: {
        type: 'value',
        scale: true,
        ...axisStyle(t),
        axisLabel: { color: textColour(t), formatter: (v: number) => formatNumber(v, lang) },
      },
      series: chart.series.map((s) => ({
        type: chart.kind === 'bar' ? 'bar' : 'line',
        name: s.name[lang],
        data: names.map((_, i) => s.values[i] ?? null),
        barMaxWidth: 24,
        connectNulls: true,
        showSymbol: true,
        symbol: 'circle',
        symbolSize: 8,
        label: {
          show: names.length <= 6,
          position: 'top',
          color: textColour(t),
          formatter: (p: { value: unknown }) => formatNumber(typeof p.value === 'number' ? p.value : null, lang),
        },
      })),
    };
  }
  return {
    ...base(t),
    tooltip,
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: names, ...axisStyle(t) },
    yAxis: {
      type: 'value',
      minInterval: 1,
      ...axisStyle(t),
      axisLabel: { color: textColour(t), formatter: (v: number) => formatNumber(v, lang) },
    },
    series: [
      {
        type: chart.kind === 'line' ? 'line' : 'bar',
        data: values,
        barMaxWidth: 36,
        smooth: chart.kind === 'line',
        label: {
          show: chart.points.length <= 12,
          position: 'top',
          color: textColour(t),
          formatter: (p: { value: unknown }) => formatNumber(typeof p.value === 'number' ? p.value : null, lang),
        },
        ...(chart.kind === 'line' ? { areaStyle: { opacity: 0.15 } } : {}),
      },
    ],
  };
}

/**
 * Schools on their raw coordinates (longitude/latitude as a plane; no online tiles) coloured by
 * location class, core schools larger, and a line from each core school to each member school.
 */
export function mapOption(
  map: DashboardMap,
  lang: NumberLang,
  labels: Record<string, string>,
  t: ChartTheme = { dark: false },
): EChartsOptionLike {
  const lngs = map.schools.map((s) => s.lng);
  const lats = map.schools.map((s) => s.lat);
  const pad = (min: number, max: number) => {
    const span = Math.max(max - min, 0.02);
    return { min: Math.round((min - span * 0.08) * 1000) / 1000, max: Math.round((max + span * 0.08) * 1000) / 1000 };
  };
  const x = lngs.length ? pad(Math.min(...lngs), Math.max(...lngs)) : { min: 0, max: 1 };
  const y = lats.length ? pad(Math.min(...lats), Math.max(...lats)) : { min: 0, max: 1 };
  const hidden = { show: false };
  return {
    ...base(t),
    tooltip: { trigger: 'item' },
    legend: { bottom: 0, textStyle: { color: textColour(t) } },
    grid: { left: 8, right: 8, top: 8, bottom: 32 },
    xAxis: {
      type: 'value',
      ...x,
      axisLabel: hidden,
      axisTick: hidden,
      axisLine: hidden,
      splitLine: { lineStyle: { color: t.dark ? '#1b2740' : '#f3f3f3' } },
    },
    yAxis: {
      type: 'value',
      ...y,
      axisLabel: hidden,
      axisTick: hidden,
      axisLine: hidden,
      splitLine: { lineStyle: { color: t.dark ? '#1b2740' : '#f3f3f3' } },
    },
    series: [
      {
        name: lang === 'zh' ? '教共体结对' : 'Community links',
        type: 'lines',
        coordinateSystem: 'cartesian2d',
        silent: true,
        lineStyle: { color: t.dark ? '#5b8ff9' : '#91caff', width: 1, opacity: 0.6 },
        data: map.links.map((l) => ({ coords: [l.from, l.to] })),
      },
      ...Object.keys(LOCATION_COLOURS).map((k) => ({
        name: labels[k] ?? k,
        type: 'scatter',
        itemStyle: { color: LOCATION_COLOURS[k] },
        data: map.schools
          .filter((s) => s.locationClass === k)
          .map((s) => ({ name: s.name, value: [s.lng, s.lat], symbolSize: s.core ? 12 : 6 })),
        tooltip: { formatter: (p: { name: string }) => p.name },
      })),
    ],
  };
}
