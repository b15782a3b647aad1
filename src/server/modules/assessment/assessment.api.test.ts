import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationDetail, Results, Scheme } from '../../../shared/assessment.schemas.js';
import {
  buildCommunity,
  buildSchool,
  buildSchoolYearStats,
  buildTeacher,
  buildUser,
  HAINING,
  TONGXIANG,
  USER_PASSWORD,
} from '../../test/factories.js';
import { createTestApp, login, type Client, type TestApp } from '../../test/harness.js';
import { pdfText } from '../../test/pdf-text.js';
import { TWO_DIMENSIONS } from './assessment.test-fixtures.js';

/**
 * The workflow through the API: a bureau builds a two-dimension scheme, opens it, the community
 * self-assesses, the assigned assessor scores, the bureau publishes; scope and role checks on
 * every step; published results survive later edits of the scheme; appeals re-score into a new
 * revision.
 */
let t: TestApp;
let bureau: Client,
  otherBureau: Client,
  lead: Client,
  otherLead: Client,
  assessor: Client,
  idleAssessor: Client,
  principal: Client;
let communityId: number, otherCommunityId: number, assessorId: number;
let scheme: Scheme;
let evaluationId: number, otherEvaluationId: number;
let activityId: number, otherActivityId: number;

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  const core = await buildSchool(db, { name: '城区实验小学', location_class: 'urban' });
  const rural = await buildSchool(db, { name: '乡村小学', location_class: 'rural', quality_tier: 'weak' });
  const other = await buildSchool(db, { name: '镇中心小学', location_class: 'town' });
  await buildTeacher(db, core.id, { honours: ['famous_city'] });
  await buildTeacher(db, core.id);
  await buildTeacher(db, core.id);
  await buildTeacher(db, rural.id);
  const c1 = await buildCommunity(
    db,
    [
      { schoolId: core.id, role: 'core' },
      { schoolId: rural.id, role: 'member' },
    ],
    { name: '实验教共体' },
  );
  const c2 = await buildCommunity(db, [{ schoolId: other.id, role: 'core' }], { name: '镇区教共体' });
  communityId = c1.id;
  otherCommunityId = c2.id;
  const activity = (community: number, school: number, title: string) =>
    db
      .insertInto('activities')
      .values({
        community_id: community,
        organizer_school_id: school,
        kind: 'research',
        title,
        starts_at: '2026-03-10T02:00:00Z',
        ends_at: '2026-03-10T04:00:00Z',
        semester: '2025-2026-2',
        details: '{}',
        teacher_count: 0,
        student_count: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  activityId = (await activity(c1.id, core.id, '联合教研')).id;
  otherActivityId = (await activity(c2.id, other.id, '镇区教研')).id;
  const users = {
    bureau: await buildUser(db, 'bureau_admin', { kind: 'region', id: HAINING }),
    otherBureau: await buildUser(db, 'bureau_admin', { kind: 'region', id: TONGXIANG }),
    lead: await buildUser(db, 'community_lead', { kind: 'community', id: c1.id }),
    otherLead: await buildUser(db, 'community_lead', { kind: 'community', id: c2.id }),
    assessor: await buildUser(db, 'assessor', { kind: 'region', id: HAINING }),
    idleAssessor: await buildUser(db, 'assessor', { kind: 'region', id: HAINING }),
    principal: await buildUser(db, 'school_admin', { kind: 'school', id: other.id }),
  };
  assessorId = users.assessor.id;
  const as = (u: { username: string }) => login(t.app, u.username, USER_PASSWORD);
  [bureau, otherBureau, lead, otherLead, assessor, idleAssessor, principal] = await Promise.all([
    as(users.bureau),
    as(users.otherBureau),
    as(users.lead),
    as(users.otherLead),
    as(users.assessor),
    as(users.idleAssessor),
    as(users.principal),
  ]);
});
afterAll(async () => {
  await t?.close();
});

const body = <T>(res: { body: string }) => JSON.parse(res.body) as T;

describe('schemes', () => {
  it('refuses bad schemes with every reason named', async () => {
    const bad = structuredClone(TWO_DIMENSIONS);
    bad.dimensions[0]!.weight = 50;
    const ind = bad.dimensions[0]!.indicators[0]!;
    if (ind.kind === 'computed') ind.formula = 'master_teachers / teachers + ghost_series';
    const res = await bureau.post('/api/v1/assessment-schemes', {
      regionCode: HAINING,
      year: 2025,
      name: '2025 学年考核',
      definition: bad,
    });
    expect(res.statusCode).toBe(422);
    const fields = body<{ details: { field: string; code: string; message: string }[] }>(res).details.map(
      (d) => d.code,
    );
    expect(fields).toEqual(expect.arrayContaining(['weights_sum', 'unguarded_division', 'unknown_series']));
    expect(await t.ctx.db.selectFrom('assessment_schemes').select('id').execute()).toEqual([]);
  });

  it('refuses a data-driven deduction item with an unknown source, in Chinese and English', async () => {
    const bad = structuredClone(TWO_DIMENSIONS);
    bad.dimensions[1]!.indicators.push({
      key: 'overdue',
      name: '联席会议逾期',
      kind: 'deduction',
      maxPoints: 5,
      formula: 'overdue_ghosts',
      perUnit: 2,
    });
    const res = await bureau.post('/api/v1/assessment-schemes', {
      regionCode: HAINING,
      year: 2025,
      name: '2025 学年考核',
      definition: bad,
    });
    expect(res.statusCode).toBe(422);
    const details = body<{ details: { field: string; code: string; message: string }[] }>(res).details;
    expect(details).toEqual([
      expect.objectContaining({ field: 'body.definition.dimensions.1.indicators.2.formula', code: 'unknown_series' }),
    ]);
    expect(details[0]!.message).toContain('overdue_ghosts');
  });

  it('lets only the region bureau create one', async () => {
    const input = { regionCode: HAINING, year: 2025, name: '海宁市 2025 学年教共体考核', definition: TWO_DIMENSIONS };
    expect((await otherBureau.post('/api/v1/assessment-schemes', input)).statusCode).toBe(403);
    expect((await lead.post('/api/v1/assessment-schemes', input)).statusCode).toBe(403);
    const res = await bureau.post('/api/v1/assessment-schemes', input);
    expect(res.statusCode).toBe(201);
    scheme = body<Scheme>(res);
    expect(scheme.version).toBe(1);
    expect((await bureau.post('/api/v1/assessment-schemes', input)).statusCode).toBe(409);
  });

  it('checks a formula and previews it on the real data', async () => {
    const res = await bureau.post('/api/v1/assessment-formula/check', {
      formula: 'safe_div(master_teachers, member_schools)',
      regionCode: HAINING,
      year: 2025,
      rule: { type: 'linear', target: 1 },
      maxPoints: 10,
    });
    expect(res.statusCode).toBe(200);
    const r = body<{ ok: boolean; unit: string; preview: { communityName: string; value: number; points: number }[] }>(
      res,
    );
    expect(r).toMatchObject({ ok: true, unit: 'person/school' });
    expect(r.preview.find((p) => p.communityName === '实验教共体')).toMatchObject({ value: 0.5, points: 5 });
    const bad = body<{ ok: boolean; issues: { code: string; message: string }[] }>(
      await bureau.post('/api/v1/assessment-formula/check', { formula: 'teachers / member_schools' }),
    );
    expect(bad.ok).toBe(false);
    expect(bad.issues[0]!.message).toContain('除数可能为零');
  });

  it('lists the data sources, with their availability', async () => {
    const res = await lead.get('/api/v1/assessment-sources');
    const sources = body<{ key: string; available: boolean }[]>(res);
    expect(sources.find((s) => s.key === 'master_teachers')?.available).toBe(true);
    expect(sources.find((s) => s.key === 'activities_sync_class')).toBeDefined();
  });
});

describe('the workflow', () => {
  it('opens one evaluation per community and assigns an assessor', async () => {
    expect((await lead.post(`/api/v1/assessment-schemes/${scheme.id}/open`)).statusCode).toBe(403);
    const res = await bureau.post(`/api/v1/assessment-schemes/${scheme.id}/open`);
    expect(body<{ created: number }>(res).created).toBe(2);
    const list = body<{ items: { id: number; communityId: number }[] }>(
      await bureau.get(`/api/v1/assessment-evaluations?scheme=${scheme.id}`),
    );
    evaluationId = list.items.find((e) => e.communityId === communityId)!.id;
    otherEvaluationId = list.items.find((e) => e.communityId === otherCommunityId)!.id;
    expect(
      (
        await bureau.post(`/api/v1/assessment-schemes/${scheme.id}/assignments`, {
          communityId,
          assessorUserId: assessorId,
        })
      ).statusCode,
    ).toBe(201);
  });

  it('shows each user only their own evaluations', async () => {
    const seen = async (c: Client) =>
      body<{ items: { id: number }[] }>(await c.get('/api/v1/assessment-evaluations'))
        .items.map((e) => e.id)
        .sort();
    expect(await seen(lead)).toEqual([evaluationId]);
    expect(await seen(otherLead)).toEqual([otherEvaluationId]);
    expect(await seen(assessor)).toEqual([evaluationId]);
    expect(await seen(idleAssessor)).toEqual([]);
    expect(await seen(otherBureau)).toEqual([]);
    expect((await otherLead.get(`/api/v1/assessment-evaluations/${evaluationId}`)).statusCode).toBe(403);
    expect((await idleAssessor.get(`/api/v1/assessment-evaluations/${evaluationId}`)).statusCode).toBe(403);
    expect((await principal.get(`/api/v1/assessment-evaluations/${evaluationId}`)).statusCode).toBe(403);
    expect((await bureau.get('/api/v1/assessment-evaluations/99999')).statusCode).toBe(404);
  });

  it('takes evidence picked from the archive only when the record is the community’s', async () => {
    const url = `/api/v1/assessment-evaluations/${evaluationId}/scores`;
    const own = await lead.post(url, {
      indicatorKey: 'innovation',
      points: 0,
      evidence: [{ label: '活动：联合教研 (2026-03-10)', url: `/activities/${activityId}` }],
    });
    expect(own.statusCode).toBe(200);
    expect(body<{ evidence: { url: string }[] }>(own).evidence).toEqual([
      { label: '活动：联合教研 (2026-03-10)', url: `/activities/${activityId}` },
    ]);
    const detail = body<EvaluationDetail>(await lead.get(`/api/v1/assessment-evaluations/${evaluationId}`));
    expect(JSON.stringify(detail)).toContain(`/activities/${activityId}`);
    for (const bad of [`/activities/${otherActivityId}`, '/activities/999999', '/meetings/999999']) {
      const refused = await lead.post(url, {
        indicatorKey: 'innovation',
        points: 0,
        evidence: [{ label: '别人的活动', url: bad }],
      });
      expect(refused.statusCode).toBe(422);
      const issue = body<{ details: { message: string; messageEn: string }[] }>(refused).details[0]!;
      expect(issue.message).toContain(bad);
      expect(issue.messageEn).toContain(bad);
    }
  });

  it('takes the self-assessment from the community lead only, within the rubric', async () => {
    const url = `/api/v1/assessment-evaluations/${evaluationId}/scores`;
    expect((await otherLead.post(url, { indicatorKey: 'plan', levelKey: 'excellent' })).statusCode).toBe(403);
    expect((await assessor.post(url, { indicatorKey: 'plan', levelKey: 'good' })).statusCode).toBe(409); // not the assessor's stage yet
    const outside = await lead.post(url, { indicatorKey: 'plan', levelKey: 'perfect' });
    expect(outside.statusCode).toBe(422);
    expect(body<{ details: { message: string }[] }>(outside).details[0]!.message).toContain('评分细则中的等级');
    expect((await lead.post(url, { indicatorKey: 'innovation', points: 9 })).statusCode).toBe(422);
    expect((await lead.post(url, { indicatorKey: 'masters', points: 9 })).statusCode).toBe(422);
    // submitting before scoring every rubric indicator is refused
    expect((await lead.post(`/api/v1/assessment-evaluations/${evaluationId}/submit`)).statusCode).toBe(422);
    expect(
      (
        await lead.post(url, {
          indicatorKey: 'plan',
          levelKey: 'excellent',
          comment: '章程、计划齐全',
          evidence: [{ label: '教共体章程', url: '/archive/1' }],
        })
      ).statusCode,
    ).toBe(200);
    const detail = body<EvaluationDetail>(await lead.get(`/api/v1/assessment-evaluations/${evaluationId}`));
    // preview: masters 15 + staffing 30 (mean of 3 and 1 teachers = 2) + self-assessed 40
    expect(detail.preview?.total).toBe(85);
    const submitted = await lead.post(`/api/v1/assessment-evaluations/${evaluationId}/submit`);
    expect(body<EvaluationDetail>(submitted).status).toBe('assessor_scoring');
    expect((await lead.post(url, { indicatorKey: 'plan', levelKey: 'good' })).statusCode).toBe(409);
  });

  it('takes the assessor scores from the assigned assessor only', async () => {
    const url = `/api/v1/assessment-evaluations/${evaluationId}/scores`;
    const unassigned = await idleAssessor.post(url, { indicatorKey: 'plan', levelKey: 'good' });
    expect(unassigned.statusCode).toBe(403);
    expect(
      (await assessor.post(url, { indicatorKey: 'plan', levelKey: 'good', comment: '计划执行有欠缺' })).statusCode,
    ).toBe(200);
    expect(
      (await assessor.post(url, { indicatorKey: 'innovation', points: 2, comment: '跨校学科共同体' })).statusCode,
    ).toBe(200);
    expect((await bureau.post(`/api/v1/assessment-evaluations/${evaluationId}/publish`)).statusCode).toBe(409); // not in review yet
    expect(
      body<EvaluationDetail>(await assessor.post(`/api/v1/assessment-evaluations/${evaluationId}/submit`)).status,
    ).toBe('review');
  });

  it('publishes with the assessor scores and explains every point', async () => {
    expect((await otherBureau.post(`/api/v1/assessment-evaluations/${evaluationId}/publish`)).statusCode).toBe(403);
    const res = await bureau.post(`/api/v1/assessment-evaluations/${evaluationId}/publish`);
    expect(res.statusCode).toBe(200);
    const d = body<EvaluationDetail>(res);
    // 15 + 30 + 30 (良好) + 2 = 77, by hand
    expect(d.result).toMatchObject({ revision: 1, schemeVersion: 1, total: 77 });
    const teachers = d.result!.explanation.children![0]!;
    expect(teachers.text).toContain('失分主要在“名师数”（失 15 分）');
    expect(teachers.children![0]!.text).toContain('名师人数');
    expect(d.result!.explanation.children![1]!.children![0]!.text).toContain('考核员评定为“良好”，得 30 分');
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'assessment_evaluation')
      .where('entity_id', '=', String(evaluationId))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['submit_self', 'submit_assessor', 'publish']));
  });

  it('refuses to edit a published result', async () => {
    const res = await assessor.post(`/api/v1/assessment-evaluations/${evaluationId}/scores`, {
      indicatorKey: 'plan',
      levelKey: 'excellent',
    });
    expect(res.statusCode).toBe(409);
    expect(body<{ message: string }>(res).message).toContain('结果已发布');
  });

  it('keeps the published result when the scheme is edited later', async () => {
    const edited = structuredClone(TWO_DIMENSIONS);
    const masters = edited.dimensions[0]!.indicators[0]!;
    if (masters.kind === 'computed' && masters.rule.type === 'linear') masters.rule.target = 1;
    const res = await bureau.patch(`/api/v1/assessment-schemes/${scheme.id}`, { definition: edited });
    expect(body<Scheme>(res).version).toBe(2);
    const d = body<EvaluationDetail>(await bureau.get(`/api/v1/assessment-evaluations/${evaluationId}`));
    expect(d.result).toMatchObject({ total: 77, schemeVersion: 1 });
    expect(d.definition.dimensions[0]!.indicators[0]).toMatchObject({ rule: { type: 'linear', target: 2 } });
    const results = body<Results>(await principal.get(`/api/v1/assessment-results?region=${HAINING}&year=2025`));
    expect(results.communities).toEqual([
      expect.objectContaining({ communityName: '实验教共体', total: 77, rank: 1, schemeVersion: 1 }),
    ]);
    expect(results.regionIndex).toBe(77);
    // without a year: the latest year with published results, and the years there are to pick from
    const latest = body<Results>(await principal.get(`/api/v1/assessment-results?region=${HAINING}`));
    expect(latest).toMatchObject({ year: 2025, years: [2025], regionIndex: 77 });
  });

  it('re-scores after an accepted appeal into a new revision', async () => {
    expect(
      (
        await otherLead.post(`/api/v1/assessment-evaluations/${evaluationId}/appeals`, {
          indicatorKey: 'plan',
          reason: '我们有完整的计划材料',
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await lead.post(`/api/v1/assessment-evaluations/${evaluationId}/appeals`, {
          indicatorKey: 'plan',
          reason: '短',
        })
      ).statusCode,
    ).toBe(400);
    const filed = await lead.post(`/api/v1/assessment-evaluations/${evaluationId}/appeals`, {
      indicatorKey: 'plan',
      reason: '学期计划执行记录已补充上传',
    });
    expect(filed.statusCode).toBe(201);
    const appealId = body<{ id: number }>(filed).id;
    expect(
      (await lead.post(`/api/v1/assessment-appeals/${appealId}/decide`, { accept: true, response: 'x' })).statusCode,
    ).toBe(403);
    expect(
      body<{ status: string }>(
        await bureau.post(`/api/v1/assessment-appeals/${appealId}/decide`, { accept: true, response: '同意复评' }),
      ).status,
    ).toBe('accepted');
    expect(
      (
        await assessor.post(`/api/v1/assessment-evaluations/${evaluationId}/scores`, {
          indicatorKey: 'plan',
          levelKey: 'excellent',
          comment: '复评：材料齐全',
        })
      ).statusCode,
    ).toBe(200);
    await assessor.post(`/api/v1/assessment-evaluations/${evaluationId}/submit`);
    const d = body<EvaluationDetail>(await bureau.post(`/api/v1/assessment-evaluations/${evaluationId}/publish`));
    // now with the scheme's version 2 (target 1: masters 30) and 优秀 40: 30 + 30 + 40 + 2 = 102
    expect(d.result).toMatchObject({ revision: 2, schemeVersion: 2, total: 102 });
    expect(d.history.map((h) => h.total)).toEqual([102, 77]);
    expect(d.appeals[0]!.status).toBe('resolved');
  });

  it('exports the results to xlsx and a published result to PDF', async () => {
    const x = await bureau.get(`/api/v1/assessment-results/export.xlsx?region=${HAINING}&year=2025`);
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    const pdf = await lead.get(`/api/v1/assessment-evaluations/${evaluationId}/report.pdf`);
    expect(pdf.statusCode).toBe(200);
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('发展指数');
    expect(text).toContain('名师数');
    expect((await otherLead.get(`/api/v1/assessment-evaluations/${evaluationId}/report.pdf`)).statusCode).toBe(403);
  });

  it('copies the scheme to the next year', async () => {
    const res = await bureau.post(`/api/v1/assessment-schemes/${scheme.id}/copy`, { year: 2026 });
    expect(res.statusCode).toBe(201);
    const copy = body<Scheme>(res);
    expect(copy).toMatchObject({ year: 2026, version: 1, evaluationCount: 0 });
    expect(copy.definition.dimensions.map((d) => d.key)).toEqual(['teachers', 'management']);
  });
});

describe('balance indicators', () => {
  it('answers for the region bureau and refuses others', async () => {
    expect((await lead.get(`/api/v1/balance?region=${HAINING}&year=2025`)).statusCode).toBe(403);
    expect((await otherBureau.get(`/api/v1/balance?region=${HAINING}&year=2025`)).statusCode).toBe(403);
    expect((await bureau.get(`/api/v1/balance?region=abc&year=2025`)).statusCode).toBe(400);
    // the worked example: 100, 300 and 100 pupils with 2, 4 and 6 qualified teachers per 100 → CV = sqrt(1.6) / 4
    const schools = await t.ctx.db.selectFrom('schools').select('id').orderBy('id').execute();
    const rows = [
      [100, 2],
      [300, 12],
      [100, 6],
    ] as const;
    for (const [i, s] of schools.entries()) {
      const [students, qualified] = rows[i]!;
      await buildSchoolYearStats(t.ctx.db, s.id, {
        students_total: students,
        classes_total: 4,
        teachers_total: 20,
        teachers_above_qualification: qualified,
        backbone_teachers: 1,
        pe_art_teachers: 1,
        teaching_aux_area: students * 5,
        sports_ground_area: students * 8,
        equipment_value: students * 2500,
        multimedia_classrooms: 3,
        recording_classrooms: 0,
        is_standardized: true,
      });
    }
    const res = await bureau.get(`/api/v1/balance?region=${HAINING}&year=2025`);
    expect(res.statusCode).toBe(200);
    const b = body<{
      stages: { primary: { indicator: string; cv: number; passes: boolean }[] };
      schools: { students: number; met: number; meetsStandard: boolean }[];
    }>(res);
    const q = b.stages.primary.find((x) => x.indicator === 'qualified_teachers')!;
    expect(q.cv).toBe(0.3163); // √1.6 / 4 = 0.316227…, shown rounded up at four decimals
    expect(q.passes).toBe(true);
    // by hand: school 1 has 2 qualified per 100 (48% of 4.2) → fails; school 2 has 1 backbone, 1 PE/art teacher and 3 rooms
    // for 300 pupils (0.33, 0.33, 1 per 100) and 4 qualified per 100 (< 4.2): three of seven → fails; school 3 reaches all seven → meets
    expect(b.schools.map((s) => `${s.students}:${s.met}:${s.meetsStandard}`).sort()).toEqual([
      '100:6:false',
      '100:7:true',
      '300:3:false',
    ]);
  });
});
