import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  EvaluationDetail,
  ExplanationNode,
  Results,
  Scheme,
  SchemeDefinition,
} from '../../../shared/assessment.schemas.js';
import { buildCommunity, buildSchool, buildUser, HAINING, USER_PASSWORD } from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';

/**
 * Data-driven bonus and deduction items end to end, across modules: joint meetings are scheduled
 * through the meetings API, a bureau builds a scheme whose bonus and deduction items count them
 * (`meetings_held`), and the assessment runs through its own API — open, self-assessment,
 * assessor scoring, publish, appeal and re-publish. Every expected figure is worked out by hand
 * from the meetings created here: points = min(max(0, value) × perUnit, maxPoints), a hand score
 * overrides, and a meeting added later changes the points when the assessment is computed again.
 */
const YEAR = 2025; // school year 2025: 2025-09-01 to 2026-08-31, wholly before the test clock

const BONUS = { key: 'meetings_bonus', formula: 'meetings_held', perUnit: 2, maxPoints: 10 };
const SHORT = { key: 'meetings_short', formula: 'max(0, 4 - meetings_held)', perUnit: 2, maxPoints: 5 };
const PLAN_GOOD = 60; // the rubric level every community is given, so the items move the total visibly

const SCHEME: SchemeDefinition = {
  dimensions: [
    {
      key: 'management',
      name: '管理贯通',
      weight: 100,
      indicators: [
        {
          key: 'plan',
          name: '共同体章程与计划',
          kind: 'manual',
          maxPoints: 100,
          evidenceRequired: false,
          levels: [
            { key: 'excellent', label: '优秀', points: 100 },
            { key: 'good', label: '良好', points: PLAN_GOOD },
          ],
        },
        { name: '联席会议加分', kind: 'bonus', ...BONUS },
        { name: '联席会议不足扣分', kind: 'deduction', ...SHORT },
      ],
    },
  ],
  bound: { enabled: false, weights: { urban: 1, town: 1.5, rural: 2 }, principalShare: 0.3 },
};

/** The item rules, by hand. */
const bonusOf = (held: number) => Math.min(held * BONUS.perUnit, BONUS.maxPoints);
const shortOf = (held: number) => Math.min(Math.max(0, 4 - held) * SHORT.perUnit, SHORT.maxPoints);

let t: TestApp;
let bureau: Client, assessor: Client;
const leads = new Map<number, Client>();
let assessorId: number;
/** 实验 (3 meetings in the year), 镇区 (6: the bonus is capped), 乡村 (none: the deduction is capped) */
let c1: number, c2: number, c3: number;
let schemeId: number;
const evaluation = new Map<number, number>();

const body = <T>(res: { statusCode: number; body: string }, status = 200): T => {
  expect(res.statusCode, res.body).toBe(status);
  return JSON.parse(res.body) as T;
};

/** A joint meeting scheduled through the meetings API, as the community lead or the bureau does. */
async function meeting(as: Client, communityId: number, startsAt: string, title = '联席会议') {
  const m = body<{ id: number }>(
    await as.post('/api/v1/meetings', { communityId, kind: 'regular', title, startsAt, place: '会议室' }),
    201,
  );
  return m.id;
}

const detail = async (communityId: number) =>
  body<EvaluationDetail>(await bureau.get(`/api/v1/assessment-evaluations/${evaluation.get(communityId)!}`));

function item(tree: ExplanationNode, key: string): ExplanationNode {
  for (const d of tree.children ?? []) for (const c of d.children ?? []) if (c.key === key) return c;
  throw new Error(`no indicator ${key} in the explanation`);
}
/** Points of a bonus (positive) and of a deduction (as a positive number) in a live preview. */
async function previewPoints(communityId: number) {
  const d = await detail(communityId);
  expect(d.preview, `community ${communityId} has a preview`).not.toBeNull();
  const tree = d.preview!.explanation;
  return { bonus: item(tree, BONUS.key).points, short: 0 - item(tree, SHORT.key).points!, total: d.preview!.total };
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const core = await buildSchool(db, { name: '城区实验小学', location_class: 'urban' });
  const rural = await buildSchool(db, { name: '周王庙小学', location_class: 'rural', quality_tier: 'weak' });
  const town = await buildSchool(db, { name: '长安镇小学', location_class: 'town' });
  const village = await buildSchool(db, { name: '丁桥乡小学', location_class: 'rural' });
  c1 = (
    await buildCommunity(
      db,
      [
        { schoolId: core.id, role: 'core' },
        { schoolId: rural.id, role: 'member' },
      ],
      { name: '实验教共体' },
    )
  ).id;
  c2 = (await buildCommunity(db, [{ schoolId: town.id, role: 'core' }], { name: '镇区教共体' })).id;
  c3 = (await buildCommunity(db, [{ schoolId: village.id, role: 'core' }], { name: '乡村教共体' })).id;
  const as = (u: { username: string }) => login(t.app, u.username, USER_PASSWORD);
  bureau = await as(await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING }));
  const a = await buildUser(db, 'assessor', { kind: 'region', id: HAINING });
  assessorId = a.id;
  assessor = await as(a);
  for (const c of [c1, c2, c3])
    leads.set(c, await as(await buildUser(db, 'community_lead', { kind: 'community', id: c })));

  // 实验: three meetings in the school year (scheduled by its lead), one the August before and one the
  // next school year — neither of those two counts for 2025
  const lead1 = leads.get(c1)!;
  await meeting(lead1, c1, '2025-09-20T06:30:00Z', '秋季学期第一次联席会议');
  await meeting(lead1, c1, '2025-12-12T06:30:00Z', '秋季学期第二次联席会议');
  await meeting(lead1, c1, '2026-03-15T06:30:00Z', '春季学期联席会议');
  await meeting(lead1, c1, '2025-08-25T06:30:00Z', '上学年末联席会议');
  await meeting(lead1, c1, '2026-10-10T06:30:00Z', '下学年联席会议');
  // 镇区: six, scheduled by the bureau — 6 × 2 = 12 is above the bonus cap of 10
  for (let i = 0; i < 6; i++)
    await meeting(bureau, c2, `2025-${String(10 + (i % 3)).padStart(2, '0')}-${10 + i}T02:00:00Z`, `联席会议 ${i + 1}`);
  // 乡村: none — 4 short × 2 = 8 is above the deduction cap of 5
});
afterAll(async () => {
  await t?.close();
});

describe('a scheme with data-driven bonus and deduction items', () => {
  it('is created through the API and opened for every community of the region', async () => {
    const scheme = body<Scheme>(
      await bureau.post('/api/v1/assessment-schemes', {
        regionCode: HAINING,
        year: YEAR,
        name: '海宁市 2025 学年教共体考核（联席会议）',
        definition: SCHEME,
      }),
      201,
    );
    schemeId = scheme.id;
    const saved = scheme.definition.dimensions[0]!.indicators;
    expect(saved.find((i) => i.key === BONUS.key)).toMatchObject({ kind: 'bonus', ...BONUS });
    expect(saved.find((i) => i.key === SHORT.key)).toMatchObject({ kind: 'deduction', ...SHORT });

    expect(body<{ created: number }>(await bureau.post(`/api/v1/assessment-schemes/${schemeId}/open`)).created).toBe(3);
    const list = body<{ items: { id: number; communityId: number }[] }>(
      await bureau.get(`/api/v1/assessment-evaluations?scheme=${schemeId}`),
    );
    for (const e of list.items) evaluation.set(e.communityId, e.id);
    expect([...evaluation.keys()].sort()).toEqual([c1, c2, c3].sort());
    for (const communityId of [c1, c2, c3])
      body(
        await bureau.post(`/api/v1/assessment-schemes/${schemeId}/assignments`, {
          communityId,
          assessorUserId: assessorId,
        }),
        201,
      );
  });

  it('scores each community from its meetings: min(count × perUnit, cap), in the live preview', async () => {
    // 实验: 3 held → bonus 3 × 2 = 6; deduction (4 − 3) × 2 = 2
    expect(await previewPoints(c1)).toEqual({
      bonus: bonusOf(3),
      short: shortOf(3),
      total: 0 + bonusOf(3) - shortOf(3),
    });
    expect([bonusOf(3), shortOf(3)]).toEqual([6, 2]);
    // 镇区: 6 held → bonus 12, capped at 10; no deduction
    expect(await previewPoints(c2)).toEqual({ bonus: 10, short: 0, total: 10 });
    // 乡村: none → no bonus; deduction 4 × 2 = 8, capped at 5 (and a dimension never goes below zero)
    expect(await previewPoints(c3)).toEqual({ bonus: 0, short: 5, total: 0 });

    const d2 = await detail(c2);
    const capped = item(d2.preview!.explanation, BONUS.key);
    expect(capped).toMatchObject({ value: 6, maxPoints: 10 });
    expect(capped.text).toContain('联席会议召开次数 = 6次');
    expect(capped.text).toContain('超过上限按 10 分计');
    expect(capped.records).toHaveLength(6);
    expect(capped.records!.every((r) => r.href?.startsWith('/meetings/'))).toBe(true);
    const d1 = await detail(c1);
    // the meetings outside the school year are not among the records
    expect(
      item(d1.preview!.explanation, BONUS.key)
        .records!.map((r) => r.label)
        .sort(),
    ).toEqual(['春季学期联席会议', '秋季学期第一次联席会议', '秋季学期第二次联席会议']);
  });

  it('goes through self-assessment to the assessor, who overrides two data-driven items by hand', async () => {
    for (const c of [c1, c2, c3]) {
      const url = `/api/v1/assessment-evaluations/${evaluation.get(c)!}`;
      body(await leads.get(c)!.post(`${url}/scores`, { indicatorKey: 'plan', levelKey: 'good' }));
      expect(body<EvaluationDetail>(await leads.get(c)!.post(`${url}/submit`)).status).toBe('assessor_scoring');
      body(
        await assessor.post(`${url}/scores`, { indicatorKey: 'plan', levelKey: 'good', comment: '计划执行基本到位' }),
      );
    }
    // 镇区: the bureau counts only three of the six as real joint meetings → bonus 3 by hand
    body(
      await assessor.post(`/api/v1/assessment-evaluations/${evaluation.get(c2)!}/scores`, {
        indicatorKey: BONUS.key,
        points: 3,
        comment: '其中三次为学科教研活动，不计入联席会议',
      }),
    );
    // 乡村: meetings were suspended with the bureau's approval → deduction 1 by hand
    body(
      await assessor.post(`/api/v1/assessment-evaluations/${evaluation.get(c3)!}/scores`, {
        indicatorKey: SHORT.key,
        points: 1,
        comment: '校舍改造期间经教育局批准暂停',
      }),
    );
    // a hand score above the cap is refused like any bonus score
    const above = await assessor.post(`/api/v1/assessment-evaluations/${evaluation.get(c2)!}/scores`, {
      indicatorKey: BONUS.key,
      points: 11,
    });
    expect(above.statusCode).toBe(422);

    expect(await previewPoints(c1)).toEqual({ bonus: 6, short: 2, total: PLAN_GOOD + 6 - 2 });
    expect(await previewPoints(c2)).toEqual({ bonus: 3, short: 0, total: PLAN_GOOD + 3 });
    expect(await previewPoints(c3)).toEqual({ bonus: 0, short: 1, total: PLAN_GOOD - 1 });
    const overridden = item((await detail(c2)).preview!.explanation, BONUS.key);
    expect(overridden.value).toBe(6);
    expect(overridden.text).toContain('数据计算值为 6，以手工评分为准');
    expect(overridden.text).toContain('其中三次为学科教研活动');

    // the assessor withdraws the hand score: the item follows its data again (capped at 10), and
    // the withdrawal is in the audit log; then scores it by hand again for the rest of the flow
    const c2Scores = `/api/v1/assessment-evaluations/${evaluation.get(c2)!}/scores`;
    expect((await assessor.request('DELETE', `${c2Scores}/${BONUS.key}`)).statusCode).toBe(204);
    expect(await previewPoints(c2)).toEqual({ bonus: bonusOf(6), short: 0, total: PLAN_GOOD + 10 });
    expect((await assessor.request('DELETE', `${c2Scores}/${BONUS.key}`)).statusCode).toBe(404);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'assessment_score')
      .where('entity_id', '=', `${evaluation.get(c2)!}:${BONUS.key}:assessor`)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'delete']);
    // the community's lead, past its own stage, cannot withdraw the assessor's score
    expect(
      (
        await leads
          .get(c3)!
          .request('DELETE', `/api/v1/assessment-evaluations/${evaluation.get(c3)!}/scores/${SHORT.key}`)
      ).statusCode,
    ).toBeGreaterThanOrEqual(403);
    body(
      await assessor.post(c2Scores, {
        indicatorKey: BONUS.key,
        points: 3,
        comment: '其中三次为学科教研活动，不计入联席会议',
      }),
    );
    expect(await previewPoints(c2)).toEqual({ bonus: 3, short: 0, total: PLAN_GOOD + 3 });
  });

  it('recomputes when one more meeting is scheduled through the meetings API', async () => {
    // 实验 holds a fourth meeting: bonus 4 × 2 = 8, nothing short of 4 any more
    await meeting(leads.get(c1)!, c1, '2026-05-20T06:30:00Z', '春季学期第二次联席会议');
    expect(await previewPoints(c1)).toEqual({ bonus: bonusOf(4), short: shortOf(4), total: PLAN_GOOD + 8 });
    expect([bonusOf(4), shortOf(4)]).toEqual([8, 0]);
    // 乡村 holds its first: the bonus moves to 1 × 2 = 2, the deduction does not — the hand score
    // stands, whatever the data say (they now say 3 short)
    await meeting(leads.get(c3)!, c3, '2026-04-08T06:30:00Z', '恢复后的首次联席会议');
    expect(await previewPoints(c3)).toEqual({ bonus: bonusOf(1), short: 1, total: PLAN_GOOD + 2 - 1 });
    expect(item((await detail(c3)).preview!.explanation, SHORT.key)).toMatchObject({ points: -1, value: 3 });
  });

  it('publishes the computed points, and the published results rank by them', async () => {
    for (const c of [c1, c2, c3]) {
      const url = `/api/v1/assessment-evaluations/${evaluation.get(c)!}`;
      expect(body<EvaluationDetail>(await assessor.post(`${url}/submit`)).status).toBe('review');
      const published = body<EvaluationDetail>(await bureau.post(`${url}/publish`));
      expect(published.status).toBe('published');
    }
    const r1 = (await detail(c1)).result!;
    expect(item(r1.explanation, BONUS.key).points).toBe(8);
    expect(item(r1.explanation, SHORT.key).points).toBe(0);
    expect(r1.total).toBe(68);
    // only the rubric lost points: a deduction that took nothing, or a bonus short of its cap, is no loss
    const dimension = r1.explanation.children![0]!;
    expect(dimension.text).toBe('本维度得 68 分（权重 100）；失分主要在“共同体章程与计划”（失 40 分）。');
    expect(dimension.textEn).toBe('68 of 100 points; points lost mainly in "共同体章程与计划" (40).');
    expect((await detail(c2)).result!.total).toBe(63);
    expect((await detail(c3)).result!.total).toBe(61);
    const results = body<Results>(await bureau.get(`/api/v1/assessment-results?region=${HAINING}&year=${YEAR}`));
    expect(results.communities.map((c) => [c.communityName, c.total, c.rank])).toEqual([
      ['实验教共体', 68, 1],
      ['镇区教共体', 63, 2],
      ['乡村教共体', 61, 3],
    ]);
  });

  it('keeps a published result, and re-publishing after an appeal counts the meetings again', async () => {
    // a fifth meeting, after publication: the published result does not move by itself
    await meeting(leads.get(c1)!, c1, '2026-06-18T06:30:00Z', '学年总结联席会议');
    expect((await detail(c1)).result!.total).toBe(68);
    const appeal = body<{ id: number }>(
      await leads.get(c1)!.post(`/api/v1/assessment-evaluations/${evaluation.get(c1)!}/appeals`, {
        indicatorKey: BONUS.key,
        reason: '六月份学年总结联席会议已补录',
      }),
      201,
    );
    body(await bureau.post(`/api/v1/assessment-appeals/${appeal.id}/decide`, { accept: true, response: '同意复评' }));
    const url = `/api/v1/assessment-evaluations/${evaluation.get(c1)!}`;
    // 5 held: bonus 10 (exactly the cap), no deduction
    expect(await previewPoints(c1)).toEqual({ bonus: 10, short: 0, total: PLAN_GOOD + 10 });
    body(await assessor.post(`${url}/submit`));
    const d = body<EvaluationDetail>(await bureau.post(`${url}/publish`));
    expect(d.result).toMatchObject({ revision: 2, total: PLAN_GOOD + 10 });
    expect(item(d.result!.explanation, BONUS.key)).toMatchObject({ value: 5, points: 10 });
    expect(d.history.map((h) => h.total)).toEqual([70, 68]);
  });
});
