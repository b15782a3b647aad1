import { chartIsEmpty, chartOption, mapOption } from '../../../shared/dashboard.charts.js';
import { formatFigure } from '../../../shared/dashboard.format.js';
import { LOCATION_CLASS_LABELS } from '../../../shared/enums.js';
import type { Dashboard, DashboardMap } from '../../../shared/dashboard.schemas.js';
import { schoolYearLabel } from './dashboard.period.js';
import { renderSvg } from './dashboard.ssr.js';

/**
 * The meeting-room screen (数据大屏) for a display link: one self-contained HTML page, dark, laid out
 * at 16:9, charts rendered to SVG on the server, reloading itself every minute. No script, no login,
 * nothing but aggregates — a display token never opens the app itself.
 */
export const DISPLAY_REFRESH_SECONDS = 60;

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function displayPage(d: Dashboard, map: DashboardMap | null, linkLabel: string): Promise<string> {
  const lang = 'zh' as const;
  const figures = d.panels.flatMap((p) => p.figures).slice(0, 8);
  const charts = d.panels
    .flatMap((p) => p.charts)
    .filter((c) => !chartIsEmpty(c))
    .slice(0, 4);
  const theme = { dark: true, animation: false };
  const chartCells = await Promise.all(
    charts.map(
      async (c) =>
        `<section class="card"><h2>${esc(c.title.zh)}</h2><div class="chart">${await renderSvg(chartOption(c, lang, theme), 560, 300)}</div></section>`,
    ),
  );
  const labels = Object.fromEntries(Object.entries(LOCATION_CLASS_LABELS).map(([k, v]) => [k, v.zh]));
  const mapCell =
    map && map.schools.length
      ? `<section class="card map"><h2>学校与教共体分布</h2><div class="chart">${await renderSvg(mapOption(map, lang, labels, theme), 760, 620)}</div></section>`
      : '<section class="card map"><h2>学校与教共体分布</h2><p class="empty">暂无带坐标的学校</p></section>';
  const tiles = figures.length
    ? figures
        .map(
          (f) =>
            `<div class="tile"><div class="v">${esc(formatFigure(f.value, f.unit, lang))}</div><div class="k">${esc(f.label.zh)}</div></div>`,
        )
        .join('')
    : '<p class="empty">暂无数据</p>';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${DISPLAY_REFRESH_SECONDS}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(d.scope.name)} · 教共体数据大屏</title>
<style>
  html,body{margin:0;height:100%;background:#050b1a;color:#d9e6ff;font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;overflow:hidden}
  .screen{position:absolute;inset:0;margin:auto;width:min(100vw,177.78vh);height:min(56.25vw,100vh);display:grid;grid-template-rows:9% 15% 1fr;gap:1.2%;padding:1%;box-sizing:border-box}
  header{display:flex;align-items:center;justify-content:space-between;border-bottom:1px solid #1f3a6b}
  header h1{margin:0;font-size:2.2vw;letter-spacing:.2em;color:#8fc1ff}
  header span{font-size:1vw;color:#7f93b8}
  .tiles{display:grid;grid-template-columns:repeat(${Math.max(1, Math.min(8, figures.length))},1fr);gap:1%}
  .tile{background:linear-gradient(180deg,#0d1f44,#091530);border:1px solid #1f3a6b;border-radius:6px;display:flex;flex-direction:column;justify-content:center;align-items:center}
  .tile .v{font-size:2vw;font-weight:700;color:#4fd2ff}
  .tile .k{font-size:.85vw;color:#9fb3d9;margin-top:.4vw;text-align:center}
  .body{display:grid;grid-template-columns:1fr 1.3fr 1fr;grid-template-rows:1fr 1fr;gap:1%;min-height:0}
  .card{background:#0a1730;border:1px solid #1f3a6b;border-radius:6px;padding:.6vw;display:flex;flex-direction:column;min-height:0}
  .card h2{margin:0 0 .4vw;font-size:1vw;color:#8fc1ff}
  .chart{flex:1;min-height:0}.chart svg{width:100%;height:100%}
  .map{grid-column:2;grid-row:1 / span 2}
  .empty{color:#7f93b8;text-align:center;margin:auto}
</style></head>
<body><div class="screen" data-testid="display-screen">
<header><h1>${esc(d.scope.name)}教共体数据大屏</h1><span>${esc(linkLabel)} · ${schoolYearLabel(d.schoolYear)}学年 · 更新于 ${esc(new Date(d.generatedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }))}</span></header>
<div class="tiles">${tiles}</div>
<div class="body">${chartCells.slice(0, 2).join('')}${mapCell}${chartCells.slice(2, 4).join('')}</div>
</div></body></html>`;
}

/** What a screen shows when its link no longer works (revoked, expired, or its creator lost the rights). */
export function displayInvalidPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>大屏链接已失效 · Display link no longer works</title>
<style>
  html,body{margin:0;height:100%;background:#050b1a;color:#d9e6ff;font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif}
  main{height:100%;display:flex;flex-direction:column;align-items:center;justify-content:center;text-align:center;padding:0 8vw}
  h1{font-size:3vw;color:#8fc1ff;margin:0 0 1em} p{font-size:1.4vw;line-height:1.8;margin:.3em 0;color:#9fb3d9}
</style></head>
<body><main>
<h1>此大屏链接已失效</h1>
<p>链接已被停用或已过期，或创建人已不再拥有相应的角色、范围或账户。请向教育局或教共体管理员索取新的链接。</p>
<p lang="en">This display link no longer works: it was revoked or has expired, or the person who made it no longer has the role, scope or account it needs. Ask your administrator for a new link.</p>
</main></body></html>`;
}
