import { BALANCE_INDICATOR_LABELS } from '../../../shared/assessment.schemas.js';
import { publicPagePath, type PublicStageRow, type PublicView } from './public.rules.js';

/**
 * The public results page as one self-contained HTML document: no script, one inline `<style>`,
 * readable on a phone and printable. Simplified Chinese by default, English with `?lang=en`.
 */
export type PublicLang = 'zh' | 'en';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const T = {
  zh: {
    title: (region: string, years: string) => `${region} ${years} 学年教共体考核结果`,
    schoolYear: '学年',
    regionIndex: '总发展指数',
    previousRegionIndex: '上年总发展指数',
    communities: '参评教共体',
    published: '发布日期',
    ranking: '教共体发展指数排名',
    rank: '排名',
    community: '教共体',
    index: '发展指数',
    previous: '上年',
    change: '较上年',
    noResults: '暂无已发布的考核结果',
    balance: '义务教育优质均衡发展指标',
    balanceNote: '按《县域义务教育优质均衡发展督导评估办法》计算的资源配置差异系数（小学 ≤ 0.50、初中 ≤ 0.45）。',
    stale: '部分区县的数据正在重新计算，所示为上次计算结果。',
    schoolsCounted: '参评学校（学段）',
    schoolsMeeting: '资源配置达标学校（学段）',
    primary: '小学',
    junior: '初中',
    indicator: '指标',
    cv: '差异系数',
    limit: '标准',
    verdict: '结论',
    pass: '达标',
    fail: '未达标',
    none: '—',
    county: '区县',
    footer: '本页只公开教共体、学校学段与区域层面的汇总数据，不含任何个人信息。',
    other: 'English',
  },
  en: {
    title: (region: string, years: string) => `${region} — school community assessment results, ${years}`,
    schoolYear: 'School year',
    regionIndex: 'Total development index',
    previousRegionIndex: "Previous year's index",
    communities: 'Communities assessed',
    published: 'Published',
    ranking: 'Communities ranked by development index',
    rank: 'Rank',
    community: 'Community',
    index: 'Index',
    previous: 'Previous year',
    change: 'Change',
    noResults: 'No published results',
    balance: 'Balanced development of compulsory education',
    balanceNote:
      'Coefficients of variation of resource allocation under the national county evaluation method (primary ≤ 0.50, junior ≤ 0.45).',
    stale: 'Some counties are being recomputed; their last results are shown.',
    schoolsCounted: 'School sections evaluated',
    schoolsMeeting: 'School sections meeting the standard',
    primary: 'Primary',
    junior: 'Junior secondary',
    indicator: 'Indicator',
    cv: 'Coefficient',
    limit: 'Limit',
    verdict: 'Verdict',
    pass: 'Meets',
    fail: 'Does not meet',
    none: '—',
    county: 'County',
    footer: 'This page shows only community, school-section and region figures; it holds no personal data.',
    other: '简体中文',
  },
} as const;

const fixed = (v: number | null) => (v === null ? '—' : v.toFixed(2));
const signed = (v: number | null) => (v === null ? '—' : v > 0 ? `+${v.toFixed(2)}` : v.toFixed(2));
const verdict = (t: (typeof T)[PublicLang], v: boolean | null) =>
  v === null ? t.none : `<span class="${v ? 'ok' : 'bad'}">${v ? t.pass : t.fail}</span>`;
const beijingDate = (iso: string) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });

function stageTable(lang: PublicLang, name: string, rows: PublicStageRow[]): string {
  const t = T[lang];
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(BALANCE_INDICATOR_LABELS[r.indicator][lang])}</td><td class="n">${r.cvShown ?? t.none}</td><td class="n">≤ ${r.limit.toFixed(2)}</td><td>${verdict(t, r.passes)}</td></tr>`,
    )
    .join('');
  return `<h3>${name}</h3><table data-testid="public-balance-table"><thead><tr><th>${t.indicator}</th><th class="n">${t.cv}</th><th class="n">${t.limit}</th><th>${t.verdict}</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function publicResultsPage(v: PublicView, lang: PublicLang): string {
  const t = T[lang];
  const years = `${v.year}–${v.year + 1}`;
  const title = t.title(v.regionName, years);
  const other: PublicLang = lang === 'zh' ? 'en' : 'zh';
  const otherHref = `${publicPagePath(v.regionCode, v.year)}${other === 'en' ? '?lang=en' : ''}`;
  const rows = v.communities.length
    ? v.communities
        .map(
          (c) =>
            `<tr data-rank="${c.rank}"><td class="n">${c.rank}</td><td>${esc(c.communityName)}</td><td class="n">${fixed(c.total)}</td><td class="n">${fixed(c.previousTotal)}</td><td class="n">${signed(c.change)}</td></tr>`,
        )
        .join('')
    : `<tr><td colspan="5" class="empty">${t.noResults}</td></tr>`;
  const b = v.balance;
  const counties = b.counties.length
    ? `<table><thead><tr><th>${t.county}</th><th class="n">${t.schoolsCounted}</th><th class="n">${t.schoolsMeeting}</th><th>${t.primary}</th><th>${t.junior}</th></tr></thead><tbody>${b.counties
        .map(
          (c) =>
            `<tr><td>${esc(c.countyName)}</td><td class="n">${c.schools}</td><td class="n">${c.meeting}</td><td>${verdict(t, c.primaryPasses)}</td><td>${verdict(t, c.juniorPasses)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
  body{margin:0;background:#f5f7fa;color:#1f2933;font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;line-height:1.6}
  main{max-width:960px;margin:0 auto;padding:24px 16px 48px}
  header{display:flex;justify-content:space-between;align-items:flex-start;gap:16px;flex-wrap:wrap}
  h1{font-size:24px;margin:0 0 4px} h2{font-size:19px;margin:32px 0 8px} h3{font-size:16px;margin:20px 0 6px}
  .meta{color:#52606d;font-size:14px} a{color:#1d4ed8}
  .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;margin:20px 0}
  .tile{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:12px 16px}
  .tile .k{font-size:13px;color:#52606d} .tile .v{font-size:26px;font-weight:700}
  table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e4e7eb;font-size:14px}
  th,td{padding:8px 10px;border-bottom:1px solid #e4e7eb;text-align:left} th{background:#f0f4f8}
  .n{text-align:right;font-variant-numeric:tabular-nums} .empty{text-align:center;color:#7b8794}
  .ok{color:#1a7f37} .bad{color:#b42318} .note{color:#52606d;font-size:13px}
  footer{margin-top:32px;color:#7b8794;font-size:13px}
</style></head>
<body><main data-testid="public-results">
<header><div><h1>${esc(title)}</h1>
<div class="meta">${t.schoolYear} ${years} · ${t.published} <time data-testid="public-published">${beijingDate(v.publishedAt)}</time></div></div>
<a href="${esc(otherHref)}" lang="${other === 'zh' ? 'zh-CN' : 'en'}">${t.other}</a></header>
<section class="tiles">
<div class="tile"><div class="k">${t.regionIndex}</div><div class="v" data-testid="public-region-index">${fixed(v.regionIndex)}</div></div>
<div class="tile"><div class="k">${t.previousRegionIndex}</div><div class="v">${fixed(v.previousRegionIndex)}</div></div>
<div class="tile"><div class="k">${t.communities}</div><div class="v">${v.communities.length}</div></div>
</section>
<h2>${t.ranking}</h2>
<table data-testid="public-ranking"><thead><tr><th class="n">${t.rank}</th><th>${t.community}</th><th class="n">${t.index}</th><th class="n">${t.previous}</th><th class="n">${t.change}</th></tr></thead>
<tbody>${rows}</tbody></table>
<h2>${t.balance}</h2>
<p class="note">${t.balanceNote}${b.stale ? ` ${t.stale}` : ''}</p>
<section class="tiles">
<div class="tile"><div class="k">${t.schoolsCounted}</div><div class="v">${b.schools}</div></div>
<div class="tile"><div class="k">${t.schoolsMeeting}</div><div class="v">${b.meeting}</div></div>
<div class="tile"><div class="k">${t.primary}</div><div class="v">${verdict(t, b.primaryPasses)}</div></div>
<div class="tile"><div class="k">${t.junior}</div><div class="v">${verdict(t, b.juniorPasses)}</div></div>
</section>
${counties}
${stageTable(lang, t.primary, b.stages.primary)}
${stageTable(lang, t.junior, b.stages.junior)}
<footer>${t.footer}</footer>
</main></body></html>`;
}

/** A page never published, withdrawn, or at an address that names no page. */
export function publicNotFoundPage(): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>公开页不存在 · Page not found</title>
<style>body{margin:0;font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;color:#1f2933;background:#f5f7fa} main{max-width:640px;margin:15vh auto;padding:0 16px;text-align:center;line-height:1.8}</style>
</head><body><main>
<h1>此公开页不存在或已撤回</h1>
<p>该区域本学年的考核结果尚未公开，或公开页已被教育局撤回。</p>
<p lang="en">This public results page does not exist: it was never published or has been withdrawn.</p>
</main></body></html>`;
}
