import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedDemo } from '../../demo/demo.service.js';
import { createTestApp, DEMO_TEST_PASSWORD, login, type TestApp } from '../../test/harness.js';
import type { DidResponse, GapsResponse } from '../../../shared/quality.schemas.js';
import { seedQualityDemo } from './quality.demo.js';

/** The demo county comes alive: exams over five years, a narrowing gap, and a DiD estimate. */
let t: TestApp;
let counts: Record<string, number>;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.ctx.dbh, { password: DEMO_TEST_PASSWORD });
  counts = await seedQualityDemo(t.ctx.dbh, {});
}, 240_000);
afterAll(async () => {
  await t.close();
});

it('seeds exams, classes, students and scores', () => {
  expect(counts.exams).toBe(8);
  expect(counts.scores).toBeGreaterThan(20000);
  expect(counts.itemScores).toBeGreaterThan(10000);
  expect(counts.identities).toBeGreaterThan(1000);
});

it('shows the gap narrowing and estimates the effect of joining', async () => {
  const bureau = await login(t.app, 'bureau', DEMO_TEST_PASSWORD);
  const exams = (await bureau.get('/api/v1/quality/exams?pageSize=20')).json().items as {
    id: number;
    examDate: string;
  }[];
  expect(exams).toHaveLength(8);
  const first = exams.find((e) => e.examDate === '2021-06-25')!;
  const last = exams.find((e) => e.examDate === '2026-06-26')!;
  const gaps = (
    await bureau.get(`/api/v1/quality/gaps?subject=math&examIds=${first.id},${last.id}`)
  ).json() as GapsResponse;
  expect(gaps.change!.ruralUrban.meanGap!).toBeLessThan(0);
  const did = (
    await bureau.get(`/api/v1/quality/did?subject=math&before=${first.id}&after=${last.id}&comparison=rural_urban`)
  ).json() as DidResponse;
  expect(did.ok, JSON.stringify(did.refusal)).toBe(true);
  expect(did.estimate!).toBeLessThan(0);
  // the demo teacher sees the low-score students of a class of their own school, by name
  const teacher = await login(t.app, 'teacher', DEMO_TEST_PASSWORD);
  const classes = (await teacher.get('/api/v1/quality/classes?schoolYear=2025')).json().items as { id: number }[];
  expect(classes.length).toBeGreaterThan(0);
  const report = (
    await teacher.get(`/api/v1/quality/exams/${last.id}/classes/${classes[0]!.id}/report?subject=math`)
  ).json();
  expect(report.hasItems).toBe(true);
  expect(report.canSeeStudents).toBe(true);
});

it('is deterministic', async () => {
  const sum = await t.ctx.db
    .selectFrom('quality_scores')
    .select((eb) => eb.fn.sum<number>('score').as('s'))
    .executeTakeFirstOrThrow();
  expect(Number(sum.s)).toMatchSnapshot();
});
