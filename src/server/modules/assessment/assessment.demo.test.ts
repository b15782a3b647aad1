import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../demo/demo.service.js';
import { createTestContext } from '../../test/harness.js';
import { seriesCatalogue } from './assessment.compute.js';
import { hainingScheme, seedAssessmentDemo } from './assessment.demo.js';
import { publishedResults } from './results.service.js';
import { assessmentPanels } from './assessment.dashboard.js';
import type { PanelContext } from '../../contracts/dashboard-panel.js';
import { validateDefinition } from './assessment.validate.js';
import { modules } from '../index.js';
import { SourceCatalog } from './assessment.sources.js';
import { evaluateBalance } from './balance.compute.js';
import { countyInputRows } from './balance.repo.js';
import { balanceOf } from './balance.service.js';

const catalog = SourceCatalog.of(modules);

let ctx: Awaited<ReturnType<typeof createTestContext>>;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedDemo(ctx.dbh, {});
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('assessment demo data', () => {
  it('uses a scheme the validator accepts', async () => {
    const def = hainingScheme(await catalog.availableKeys(ctx.db));
    expect(def.dimensions.map((d) => d.name)).toEqual([
      '党建引领',
      '管理贯通',
      '师资联培',
      '教学帮扶',
      '学科同进',
      '课程共建',
      '学生共育',
      '评价一体',
      '文化相长',
      '共同进步',
    ]);
    expect(validateDefinition(def, await seriesCatalogue(ctx.db, catalog))).toEqual([]);
  });

  it('publishes two years of ranked results and opens the current one', async () => {
    const started = Date.now();
    const counts = await seedAssessmentDemo(ctx.dbh, { seed: 7, modules });
    console.log('assessment demo', counts, `${Date.now() - started} ms`);
    expect(counts.schemes).toBe(3);
    expect(counts.results).toBeGreaterThan(10);
    const r2025 = await publishedResults(ctx.db, '330481', 2025);
    expect(r2025.communities.length).toBeGreaterThan(5);
    expect(r2025.regionIndex).toBeGreaterThan(20);
    expect(r2025.communities.some((c) => c.change !== null)).toBe(true);
    expect(r2025.communities[0]!.rank).toBe(1);
    const open = await ctx.db
      .selectFrom('assessment_evaluations as e')
      .innerJoin('assessment_schemes as s', 's.id', 'e.scheme_id')
      .select('e.status')
      .where('s.year', '=', 2026)
      .execute();
    expect(open.every((e) => e.status !== 'published')).toBe(true);
  });

  it('the dashboard shows the latest published index, naming its year, while this year has none yet', async () => {
    const panel = assessmentPanels.find((p) => p.key === 'assessment.ranking')!;
    const load = (schoolYear: number) =>
      panel.load({
        db: ctx.db,
        actor: {
          userId: 1,
          username: 'bureau',
          displayName: '',
          role: 'bureau_admin',
          scope: { kind: 'region', id: '330481' },
          teacherId: null,
        },
        scope: { view: 'region', regionCode: '330481', communityId: null, schoolId: null, name: '海宁市' },
        filters: {
          schoolYear,
          semester: null,
          from: `${schoolYear}-09-01`,
          to: `${schoolYear + 1}-08-31`,
          level: [],
          locationClass: [],
        },
        today: '2026-12-05',
      } as PanelContext);
    const r2025 = await publishedResults(ctx.db, '330481', 2025);
    const figure = async (year: number) => (await load(year))!.figures.find((f) => f.key === 'regionIndex')!;
    // the year itself: its own index, no hint
    expect(await figure(2025)).toMatchObject({ value: r2025.regionIndex });
    expect((await figure(2025)).hint).toBeUndefined();
    // 2026–2027 has no published results: 2025–2026's, said so, linked to that year
    const now = await figure(2026);
    expect(now.value).toBe(r2025.regionIndex);
    expect(now.hint).toEqual({
      zh: '2025–2026 学年考核结果（2026–2027 学年尚未发布）',
      en: 'Results of 2025–2026 (2026–2027 not yet published)',
    });
    expect(now.drillDown?.query).toMatchObject({ year: '2025' });
    // before any published year nothing is borrowed from a later one
    expect((await figure(2020)).value).toBeNull();
  });

  it('gives the demo county the same balance indicators from the cache as computed directly, and its city too', async () => {
    const years = await ctx.db.selectFrom('school_year_stats').select('school_year').distinct().execute();
    expect(years.length).toBeGreaterThan(0);
    const actor = {
      userId: 0,
      username: 'bench',
      displayName: 'bench',
      role: 'bureau_admin' as const,
      scope: { kind: 'region' as const, id: '330000' },
      teacherId: null,
    };
    for (const { school_year: year } of years) {
      const direct = evaluateBalance(await countyInputRows(ctx.db, '330481', year));
      for (const round of ['cold', 'warm']) {
        const b = await balanceOf(ctx.db, actor, '330481', year);
        expect({ ...b.summary, round }).toEqual({ ...direct.summary, round });
        expect(b.stages).toEqual(direct.stages);
        expect(b.schools).toEqual(direct.schools);
        expect(b.excluded).toEqual(direct.excluded);
      }
      const city = await balanceOf(ctx.db, actor, '330400', year);
      const all = evaluateBalance(await countyInputRows(ctx.db, '3304', year));
      expect(city.stages).toEqual(all.stages);
      expect(city.summary).toEqual(all.summary);
    }
  });
});
