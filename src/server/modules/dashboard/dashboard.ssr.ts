import * as echarts from 'echarts';
import sharp from 'sharp';
import type { EChartsOptionLike } from '../../../shared/dashboard.charts.js';

/**
 * Charts rendered on the server (ECharts' SSR renderer writes SVG; sharp rasterises it for pdfkit,
 * which cannot embed SVG). Used by the annual report and the token-only big screen.
 */
export function renderSvg(option: EChartsOptionLike, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false } as echarts.EChartsCoreOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** PNG at twice the size, so the chart stays sharp when printed. */
export async function renderPng(option: EChartsOptionLike, width: number, height: number): Promise<Buffer> {
  const svg = renderSvg({ ...option, backgroundColor: '#ffffff' }, width, height);
  return sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
}
