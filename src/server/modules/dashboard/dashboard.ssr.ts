import type * as Echarts from 'echarts';
import { once } from '../../lazy.js';
import type { EChartsOptionLike } from '../../../shared/dashboard.charts.js';

/**
 * Charts rendered on the server (ECharts' SSR renderer writes SVG; sharp rasterises it for pdfkit,
 * which cannot embed SVG). Used by the annual report and the token-only big screen.
 */
// loaded on first use (ECharts alone is a large part of a cold start)
const echartsLib = once(() => import('echarts'));
const sharpLib = once(async () => (await import('sharp')).default);

export async function renderSvg(option: EChartsOptionLike, width: number, height: number): Promise<string> {
  const echarts = await echartsLib();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false } as Echarts.EChartsCoreOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** PNG at twice the size, so the chart stays sharp when printed. */
export async function renderPng(option: EChartsOptionLike, width: number, height: number): Promise<Buffer> {
  const svg = await renderSvg({ ...option, backgroundColor: '#ffffff' }, width, height);
  const sharp = await sharpLib();
  return sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
}
