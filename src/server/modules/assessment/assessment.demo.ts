import type { SchemeDefinition } from '../../../shared/assessment.schemas.js';
import { schemeDefinition } from '../../../shared/assessment.schemas.js';
import type { DbHandle } from '../../db/connection.js';
import { Random } from '../../demo/demo.random.js';
import { communityResults } from './assessment.compute.js';
import type { ManualScore } from './assessment.engine.js';
import { SourceCatalog } from './assessment.sources.js';
import type { DemoSeedOptions } from '../module.js';

/**
 * Demo annual assessment for the seeded county (海宁市): Haining's ten dimensions (seed 000) as the
 * scheme of the 2024–2025 and 2025–2026 school years with published results (so rankings and
 * year-on-year changes show), and the 2026–2027 scheme copied from it, open and in self-assessment
 * (today is 2026-11-23). A few 2025 assessments are still with the assessor or in review. The demo
 * assessor is assigned to half of the communities.
 */
const DEMO_REGION = '330481';

const rubric = (max: number) => [
  { key: 'excellent', label: '优秀', points: max },
  { key: 'good', label: '良好', points: Math.round(max * 0.8 * 10) / 10 },
  { key: 'fair', label: '合格', points: Math.round(max * 0.6 * 10) / 10 },
  { key: 'poor', label: '待改进', points: Math.round(max * 0.3 * 10) / 10 },
];

/** Haining's ten dimensions, ten points each; computed indicators only where their data source runs. */
export function hainingScheme(available: Set<string>): SchemeDefinition {
  const computedOr = (series: string[], computed: object, manual: { key: string; name: string; maxPoints: number }) =>
    series.every((s) => available.has(s)) ? computed : { ...manual, kind: 'manual', levels: rubric(manual.maxPoints) };
  return schemeDefinition.parse({
    bound: { enabled: true, weights: { urban: 1, town: 1.5, rural: 2 }, principalShare: 0.3 },
    dimensions: [
      {
        key: 'party',
        name: '党建引领',
        weight: 10,
        indicators: [
          computedOr(
            ['activities_culture'],
            {
              key: 'party_events',
              name: '党建文化联建活动',
              kind: 'computed',
              formula: 'activities_culture',
              rule: { type: 'linear', target: 4 },
              maxPoints: 5,
            },
            { key: 'party_events', name: '党建文化联建活动', maxPoints: 5 },
          ),
          {
            key: 'party_system',
            name: '党组织领导下的共建机制',
            kind: 'manual',
            maxPoints: 5,
            levels: rubric(5),
            evidenceRequired: false,
          },
        ],
      },
      {
        key: 'management',
        name: '管理贯通',
        weight: 10,
        indicators: [
          computedOr(
            ['meetings_held'],
            {
              key: 'joint_meetings',
              name: '联席会议（每学期至少一次）',
              kind: 'computed',
              formula: 'meetings_held',
              rule: {
                type: 'bands',
                bands: [
                  { min: 2, points: 5 },
                  { min: 1, points: 3 },
                ],
              },
              maxPoints: 5,
            },
            { key: 'joint_meetings', name: '联席会议', maxPoints: 5 },
          ),
          computedOr(
            ['activities_management_visit'],
            {
              key: 'visits',
              name: '管理互访',
              kind: 'computed',
              formula: 'activities_management_visit',
              rule: { type: 'linear', target: 3 },
              maxPoints: 5,
            },
            { key: 'visits', name: '管理互访', maxPoints: 5 },
          ),
        ],
      },
      {
        key: 'teachers',
        name: '师资联培',
        weight: 10,
        indicators: [
          {
            key: 'master_share',
            name: '名师占比',
            kind: 'computed',
            formula: 'master_teacher_share',
            unit: 'percent',
            rule: {
              type: 'bands',
              bands: [
                { min: 15, points: 5 },
                { min: 10, points: 4 },
                { min: 6, points: 2 },
              ],
            },
            maxPoints: 5,
          },
          computedOr(
            ['activities_training', 'activities_lecture'],
            {
              key: 'training',
              name: '联合培训与讲座',
              kind: 'computed',
              formula: 'activities_training + activities_lecture',
              rule: { type: 'linear', target: 6 },
              maxPoints: 5,
            },
            { key: 'training', name: '联合培训与讲座', maxPoints: 5 },
          ),
        ],
      },
      {
        key: 'teaching',
        name: '教学帮扶',
        weight: 10,
        indicators: [
          computedOr(
            ['activities_sync_class'],
            {
              key: 'sync_per_school',
              name: '同步课堂（校均）',
              kind: 'computed',
              formula: 'safe_div(activities_sync_class, member_schools)',
              unit: 'session/school',
              rule: { type: 'linear', target: 8 },
              maxPoints: 10,
            },
            { key: 'sync_per_school', name: '同步课堂', maxPoints: 10 },
          ),
        ],
      },
      {
        key: 'subjects',
        name: '学科同进',
        weight: 10,
        indicators: [
          computedOr(
            ['activities_joint_prep', 'activities_research', 'activities_observation'],
            {
              key: 'research',
              name: '集体备课与联合教研',
              kind: 'computed',
              formula: 'activities_joint_prep + activities_research + activities_observation',
              rule: { type: 'linear', target: 12 },
              maxPoints: 10,
            },
            { key: 'research', name: '集体备课与联合教研', maxPoints: 10 },
          ),
        ],
      },
      {
        key: 'courses',
        name: '课程共建',
        weight: 10,
        indicators: [
          computedOr(
            ['shared_course_hours'],
            {
              key: 'course_hours',
              name: '共享拓展课程课时',
              kind: 'computed',
              formula: 'shared_course_hours',
              unit: 'hour',
              rule: { type: 'linear', target: 20 },
              maxPoints: 5,
            },
            { key: 'course_hours', name: '共享拓展课程', maxPoints: 5 },
          ),
          {
            key: 'course_quality',
            name: '课程共建质量',
            kind: 'manual',
            maxPoints: 5,
            levels: rubric(5),
            evidenceRequired: false,
          },
        ],
      },
      {
        key: 'students',
        name: '学生共育',
        weight: 10,
        indicators: [
          computedOr(
            ['activities_student_exchange'],
            {
              key: 'student_events',
              name: '学生手拉手与联合活动',
              kind: 'computed',
              formula: 'activities_student_exchange',
              rule: { type: 'linear', target: 3 },
              maxPoints: 10,
            },
            { key: 'student_events', name: '学生共育活动', maxPoints: 10 },
          ),
        ],
      },
      {
        key: 'evaluation',
        name: '评价一体',
        weight: 10,
        indicators: [
          {
            key: 'joint_evaluation',
            name: '统一教学质量评价',
            kind: 'manual',
            maxPoints: 10,
            levels: rubric(10),
            evidenceRequired: false,
          },
        ],
      },
      {
        key: 'culture',
        name: '文化相长',
        weight: 10,
        indicators: [
          {
            key: 'culture_plan',
            name: '校园文化共建',
            kind: 'manual',
            maxPoints: 10,
            levels: rubric(10),
            evidenceRequired: false,
          },
        ],
      },
      {
        key: 'progress',
        name: '共同进步',
        weight: 10,
        indicators: [
          {
            key: 'non_specialist',
            name: '非专业代课率（≤ 8%）',
            kind: 'computed',
            formula: 'non_specialist_rate',
            unit: 'percent',
            rule: { type: 'threshold', threshold: 8, direction: 'lte' },
            maxPoints: 5,
          },
          {
            key: 'member_progress',
            name: '成员校办学水平提升',
            kind: 'manual',
            maxPoints: 5,
            levels: rubric(5),
            evidenceRequired: false,
          },
          { key: 'highlights', name: '特色创新加分', kind: 'bonus', maxPoints: 3 },
        ],
      },
    ],
  });
}

const manualIndicators = (def: SchemeDefinition) => def.dimensions.flatMap((d) => d.indicators);

export async function seedAssessmentDemo(dbh: DbHandle, opts: DemoSeedOptions): Promise<Record<string, number>> {
  const db = dbh.db;
  const rng = new Random(opts.seed ?? 20261123).fork(1700);
  const counts = { schemes: 0, evaluations: 0, scores: 0, results: 0, assignments: 0 };
  const region = await db.selectFrom('regions').select('code').where('code', '=', DEMO_REGION).executeTakeFirst();
  if (!region) return counts;
  const communities = await db
    .selectFrom('communities')
    .select(['id', 'name'])
    .where('region_code', '=', DEMO_REGION)
    .where('dissolved_on', 'is', null)
    .orderBy('id')
    .execute();
  if (!communities.length) return counts;
  const catalog = SourceCatalog.of(opts.modules);
  const def = hainingScheme(await catalog.availableKeys(db));
  const bureau = await db.selectFrom('users').select('id').where('username', '=', 'bureau').executeTakeFirst();
  const assessor = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('username', '=', 'assessor')
    .executeTakeFirst();
  const leadCommunity = await db
    .selectFrom('users')
    .select('scope_id')
    .where('username', '=', 'lead')
    .executeTakeFirst();

  for (const year of [2024, 2025, 2026]) {
    const scheme = await db
      .insertInto('assessment_schemes')
      .values({
        region_code: DEMO_REGION,
        year,
        name: `海宁市 ${year}–${year + 1} 学年义务教育共同体考核`,
        description:
          '依据《海宁市义务教育共同体建设考核评价方案》：十个维度各 10 分，计算指标取自平台数据，其余由考核组按评分细则评定；实行捆绑考核，乡村学校权重加倍。',
        version: 1,
        definition: JSON.stringify(def),
        created_by: bureau?.id ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('assessment_scheme_versions')
      .values({ scheme_id: scheme.id, version: 1, definition: JSON.stringify(def), created_by: bureau?.id ?? null })
      .execute();
    counts.schemes++;

    const evaluations = new Map<number, { id: number; status: string }>();
    for (const [i, c] of communities.entries()) {
      const r = rng.fork(year * 1000 + c.id);
      const isLead = leadCommunity?.scope_id === String(c.id);
      // 2024 is all published; 2025 mostly, a few still with the assessor; 2026 has just opened
      const status =
        year === 2024
          ? 'published'
          : year === 2025
            ? isLead
              ? 'published'
              : r.weighted({ published: 8, review: 1, assessor_scoring: 1 })
            : isLead
              ? 'self_assessment'
              : r.weighted({ self_assessment: 6, assessor_scoring: 3, review: 1 });
      const ev = await db
        .insertInto('assessment_evaluations')
        .values({ scheme_id: scheme.id, community_id: c.id, status, revision: 0, total: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      evaluations.set(c.id, { id: ev.id, status });
      counts.evaluations++;
      if (assessor && (i % 2 === 0 || isLead)) {
        await db
          .insertInto('assessment_assignments')
          .values({ scheme_id: scheme.id, community_id: c.id, assessor_user_id: assessor.id })
          .execute();
        counts.assignments++;
      }
    }

    // manual scores: the community's self-assessment, then the assessor's (a little stricter)
    const finalScores = new Map<number, Map<string, ManualScore>>();
    for (const c of communities) {
      const ev = evaluations.get(c.id)!;
      const r = rng.fork(year * 7919 + c.id);
      const strength = r.float(0, 1); // how well this community runs, stable across its indicators
      const final = new Map<string, ManualScore>();
      const stages: ('self' | 'assessor')[] =
        ev.status === 'self_assessment'
          ? r.chance(0.5)
            ? ['self']
            : []
          : ev.status === 'assessor_scoring'
            ? ['self']
            : ['self', 'assessor'];
      for (const ind of manualIndicators(def)) {
        if (ind.kind !== 'manual') continue;
        for (const stage of stages) {
          // communities rate themselves generously; the assessor follows the community's real strength
          const idx =
            stage === 'self'
              ? strength > 0.35
                ? 0
                : 1
              : strength > 0.75
                ? 0
                : strength > 0.35
                  ? r.int(0, 1)
                  : r.int(1, 2);
          const level = ind.levels[Math.min(idx, ind.levels.length - 1)]!;
          const evidence = [{ label: `${ind.name}佐证材料`, url: `/communities/${c.id}` }];
          await db
            .insertInto('assessment_scores')
            .values({
              evaluation_id: ev.id,
              indicator_key: ind.key,
              stage,
              level_key: level.key,
              points: level.points,
              comment: stage === 'assessor' && idx > 0 ? '材料基本齐全，个别举措落实不够' : null,
              evidence: JSON.stringify(evidence),
              scored_by: stage === 'assessor' ? (assessor?.id ?? null) : null,
              scored_by_name: stage === 'assessor' ? (assessor?.display_name ?? '考核组') : `${c.name}负责人`,
              scored_at: `${year + 1}-07-0${r.int(1, 9)}T09:00:00+08:00`,
            })
            .execute();
          counts.scores++;
          if (stage === 'assessor')
            final.set(ind.key, { levelKey: level.key, points: level.points, comment: null, evidence, stage });
        }
      }
      if (stages.includes('assessor') && r.chance(0.3)) {
        const pts = r.int(1, 3);
        await db
          .insertInto('assessment_scores')
          .values({
            evaluation_id: ev.id,
            indicator_key: 'highlights',
            stage: 'assessor',
            level_key: null,
            points: pts,
            comment: '跨校学科共同体建设有特色',
            evidence: '[]',
            scored_by: assessor?.id ?? null,
            scored_by_name: assessor?.display_name ?? '考核组',
          })
          .execute();
        final.set('highlights', {
          levelKey: null,
          points: pts,
          comment: '跨校学科共同体建设有特色',
          evidence: [],
          stage: 'assessor',
        });
        counts.scores++;
      }
      finalScores.set(c.id, final);
    }

    const published = communities.filter((c) => evaluations.get(c.id)!.status === 'published');
    // stored as computed, one community at a time (a province's results need not sit in memory together)
    for await (const out of communityResults(db, catalog, def, year, published, finalScores, { records: true })) {
      const ev = evaluations.get(out.communityId)!;
      await db
        .insertInto('assessment_results')
        .values({
          evaluation_id: ev.id,
          revision: 1,
          scheme_version: 1,
          scheme_snapshot: JSON.stringify(def),
          total: out.output.total,
          dimensions: JSON.stringify(out.output.dimensions),
          schools: JSON.stringify(out.output.schools),
          explanation: JSON.stringify(out.output.explanation),
          series_values: JSON.stringify(out.values),
          published_by: bureau?.id ?? null,
          published_at: `${year + 1}-08-${String(20 + rng.int(0, 8)).padStart(2, '0')}T10:00:00+08:00`,
        })
        .execute();
      await db
        .updateTable('assessment_evaluations')
        .set({ revision: 1, total: out.output.total })
        .where('id', '=', ev.id)
        .execute();
      counts.results++;
    }
  }
  return counts;
}
