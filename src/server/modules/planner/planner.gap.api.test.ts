import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAdmin, type Client, type TestApp } from '../../test/harness.js';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAdmin(t.app);
});
afterAll(async () => {
  await t.close();
});

const pt = (id: string, lng: number, o: Record<string, unknown> = {}) => ({
  id,
  name: id,
  latitude: 30.5,
  longitude: 120 + lng,
  ...o,
});

/** Two cores, three members; the load a core spends on a member depends on the pair. */
const cores = [
  { ...pt('A', 0), capacity: 4 },
  { ...pt('B', 1), capacity: 4 },
];
const members = [pt('x', 0.1), pt('y', 0.2), pt('z', 0.9)];
const minutes = [
  [5, 40],
  [10, 30],
  [35, 5],
];
const loads = [
  [2, 3],
  [3, 1],
  [2, 4],
];
const instance = {
  cores,
  members,
  travelMatrix: { memberIds: ['x', 'y', 'z'], coreIds: ['A', 'B'], minutes },
  pairLoads: members.flatMap((m, i) => cores.map((c, j) => ({ memberId: m.id, coreId: c.id, load: loads[i]![j]! }))),
};

/** The optimum by trying every assignment (2³ here). */
function enumerate(): { cost: number; cores: string[] } {
  let best = { cost: Infinity, cores: [] as string[] };
  for (let code = 0; code < 2 ** members.length; code++) {
    const pick = members.map((_, i) => (code >> i) & 1);
    const used = [0, 0];
    pick.forEach((j, i) => (used[j]! += loads[i]![j]!));
    if (used.some((u, j) => u > cores[j]!.capacity)) continue;
    const cost = pick.reduce((s, j, i) => s + minutes[i]![j]!, 0);
    if (cost < best.cost) best = { cost, cores: pick.map((j) => cores[j]!.id) };
  }
  return best;
}

describe('generalised assignment with per-pair loads (issue 16)', () => {
  it('solves the per-pair model exactly, matching exhaustive enumeration, with proven optimality and gap 0', async () => {
    const best = enumerate();
    expect(best).toEqual({ cost: 70, cores: ['A', 'B', 'A'] }); // the nearest choice (20 min) overloads A
    const res = await admin.post('/api/v1/planner/pairings', { instance, settings: { model: 'gap' } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      status: 'optimal',
      provenOptimal: true,
      solver: 'highs-mip',
      gap: 0,
      costUnit: 'min',
      objective: best.cost,
    });
    expect(body.assignments.map((a: { coreId: string }) => a.coreId)).toEqual(best.cores);
    // the load each pair spends is reported, and each core's load stays within its capacity
    expect(body.assignments.map((a: { demand: number }) => a.demand)).toEqual([2, 1, 2]);
    expect(body.points.find((p: { id: string }) => p.id === 'A')).toMatchObject({ capacity: 4, load: 4 });
  });

  it('explains infeasibility under per-pair loads', async () => {
    const tight = { ...instance, cores: cores.map((c) => ({ ...c, capacity: 1 })) };
    const res = await admin.post('/api/v1/planner/pairings', { instance: tight, settings: { model: 'gap' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'infeasible', assignments: [] });
    expect(res.json().infeasibility.message.zh.length).toBeGreaterThan(0);
  });

  it('refuses unknown request fields instead of dropping them', async () => {
    for (const body of [
      {
        instance: { cores, members: [{ ...members[0], demandByCore: { A: 2, B: 3 } }, members[1], members[2]] },
        settings: { model: 'gap' },
      },
      { instance, settings: { model: 'gap', perCoreDemand: true } },
      { instance: { ...instance, extra: 1 }, settings: { model: 'gap' } },
      { instance, settings: { model: 'gap' }, note: 'x' },
    ]) {
      const res = await admin.post('/api/v1/planner/pairings', body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json()).toMatchObject({
        code: expect.any(String),
        message: expect.any(String),
        messageEn: expect.any(String),
      });
    }
  });

  it('refuses per-pair loads in the basic model, naming the field', async () => {
    const res = await admin.post('/api/v1/planner/pairings', { instance, settings: { model: 'basic' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().details.map((d: { field: string }) => d.field)).toContain('body.instance.pairLoads');
  });

  it('takes capacities from the domain, not a cap of 1,000', async () => {
    const res = await admin.post('/api/v1/planner/pairings', {
      instance: { cores: [{ ...pt('A', 0), capacity: 5000 }], members: [pt('x', 0.1)] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const over = await admin.post('/api/v1/planner/pairings', {
      instance: { cores: [{ ...pt('A', 0), capacity: 500_001 }], members: [pt('x', 0.1)] },
    });
    expect(over.statusCode).toBe(400);
  });
});
