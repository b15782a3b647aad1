import { describe, expect, it } from 'vitest';
import {
  pairingInstance,
  pairingSettings,
  type PairingInstance,
  type PairingSettingsInput,
} from '../../../shared/planner.schemas.js';
import { Random } from '../../demo/demo.random.js';
import { solveTransport } from './assignment.engine.js';
import { solveGapMip, solveTransportLp } from './pairing.highs.js';
import { solvePairing } from './pairing.solve.js';
import { checkInstance } from './pairing.validate.js';

const settings = (s: PairingSettingsInput = {}) => pairingSettings.parse(s);
const instance = (i: unknown) => pairingInstance.parse(i);

// schools on a line along latitude 30: 0.01° of longitude ≈ 0.96 km
const at = (id: string, lng: number, o: Record<string, unknown> = {}) => ({
  id,
  name: id,
  latitude: 30,
  longitude: 120 + lng,
  level: 'primary',
  regionCode: '330481',
  ...o,
});

function randomInstance(rng: Random, members: number, cores: number, maxCap: number): PairingInstance {
  return instance({
    cores: Array.from({ length: cores }, (_, j) => ({
      ...at(`c${j}`, rng.float(0, 0.5)),
      latitude: 30 + rng.float(0, 0.3),
      capacity: rng.int(1, maxCap),
    })),
    members: Array.from({ length: members }, (_, i) => ({
      ...at(`m${i}`, rng.float(0, 0.5)),
      latitude: 30 + rng.float(0, 0.3),
    })),
  });
}

/** Cheapest total over every assignment within capacity (exhaustive). */
function bruteForce(inst: PairingInstance, cost: (m: number, c: number) => number): number {
  const load = inst.cores.map(() => 0);
  let best = Infinity;
  const go = (i: number, acc: number) => {
    if (acc >= best) return;
    if (i === inst.members.length) {
      best = acc;
      return;
    }
    inst.cores.forEach((c, j) => {
      if (load[j]! >= c.capacity) return;
      load[j]!++;
      go(i + 1, acc + cost(i, j));
      load[j]!--;
    });
  };
  go(0, 0);
  return best;
}

describe('solvePairing — basic model', () => {
  it('pairs each member with its nearest core when capacity allows, and says so', async () => {
    const inst = instance({
      cores: [
        { ...at('A', 0), capacity: 2 },
        { ...at('B', 1), capacity: 2 },
      ],
      members: [at('a1', 0.1), at('b1', 0.9), at('a2', -0.1)],
    });
    const r = await solvePairing(inst, settings());
    expect(r).toMatchObject({ status: 'optimal', provenOptimal: true, solver: 'ssp', infeasibility: null });
    expect(r.assignments.map((a) => [a.memberId, a.coreId, a.why.code])).toEqual([
      ['a1', 'A', 'nearest'],
      ['b1', 'B', 'nearest'],
      ['a2', 'A', 'nearest'],
    ]);
    expect(r.totals.worstDistanceKm).toBeGreaterThan(0);
  });

  it('agrees with brute force on random small instances (objective in km × 1.3 detour)', async () => {
    const rng = new Random(9);
    for (let t = 0; t < 25; t++) {
      const inst = randomInstance(rng, rng.int(2, 6), rng.int(2, 4), 3);
      const s = settings();
      const cap = inst.cores.reduce((x, c) => x + c.capacity, 0);
      const r = await solvePairing(inst, s);
      if (cap < inst.members.length) {
        expect(r.status).toBe('infeasible');
        expect(r.infeasibility?.code).toBe('capacity_short');
        continue;
      }
      const { roadKm } = await import('./geo.js');
      const expected =
        bruteForce(inst, (i, j) => Math.round(roadKm(inst.members[i]!, inst.cores[j]!, 1.3) * 1000)) / 1000;
      expect(r.objective).toBeCloseTo(expected, 2);
      expect(r.provenOptimal).toBe(true);
    }
  });

  it('keeps an existing pair unless changing saves more than the penalty', async () => {
    // m is 0.96 km from A's side of B: A at 0, B at 0.3, m at 0.2 (currently with A)
    const base = {
      cores: [
        { ...at('A', 0), capacity: 1 },
        { ...at('B', 0.3), capacity: 1 },
      ],
      members: [{ ...at('m', 0.2), currentCoreId: 'A' }],
    };
    const gain = (await solvePairing(instance(base), settings({ changePenalty: 0 }))).assignments[0]!;
    expect(gain).toMatchObject({ coreId: 'B', change: 'changed', why: { code: 'nearest' } });
    const kept = (await solvePairing(instance(base), settings({ changePenalty: 50 }))).assignments[0]!;
    expect(kept.coreId).toBe('A');
    expect(kept.change).toBe('kept');
    expect(kept.why).toMatchObject({ code: 'kept', altCoreId: 'B' });
    expect(kept.why.extra).toBeGreaterThan(0);
  });

  it('honours locks and forbidden pairs, and explains the capacity trade-off', async () => {
    const inst = instance({
      cores: [
        { ...at('A', 0), capacity: 1 },
        { ...at('B', 1), capacity: 1 },
      ],
      members: [at('x', 0.1), at('y', 0.2)],
    });
    const free = await solvePairing(inst, settings());
    expect(free.assignments.find((a) => a.memberId === 'y')).toMatchObject({
      coreId: 'B',
      why: { code: 'capacity', altCoreId: 'A' },
    });
    const locked = await solvePairing(inst, settings({ locks: [{ memberId: 'y', coreId: 'A' }] }));
    expect(locked.assignments.map((a) => [a.memberId, a.coreId, a.locked])).toEqual([
      ['x', 'B', false],
      ['y', 'A', true],
    ]);
    expect(locked.assignments[1]!.why.code).toBe('locked');
    const forbidden = await solvePairing(inst, settings({ forbidden: [{ memberId: 'x', coreId: 'A' }] }));
    expect(forbidden.assignments.map((a) => a.coreId)).toEqual(['B', 'A']);
    expect(forbidden.assignments[0]!.why.code).toBe('only_option');
  });

  it('respects same-level and region rules unless relaxed', async () => {
    const inst = instance({
      cores: [
        { ...at('P', 0), capacity: 1 },
        { ...at('J', 0.05, { level: 'junior' }), capacity: 1 },
        { ...at('Y', 0.01, { regionCode: '331125' }), capacity: 1 },
      ],
      members: [at('p', 0.04)],
    });
    expect((await solvePairing(inst, settings())).assignments[0]!.coreId).toBe('P');
    expect((await solvePairing(inst, settings({ sameLevel: false }))).assignments[0]!.coreId).toBe('J');
    expect(
      (await solvePairing(inst, settings({ sameLevel: false, allowCrossRegion: true }))).assignments[0]!.coreId,
    ).toBe('J');
    expect((await solvePairing(inst, settings({ allowCrossRegion: true }))).assignments[0]!.coreId).toBe('Y');
  });

  it('uses an imported travel-time matrix instead of distances', async () => {
    const inst = instance({
      cores: [
        { ...at('A', 0), capacity: 1 },
        { ...at('B', 1), capacity: 1 },
      ],
      members: [at('m', 0.1)],
      travelMatrix: { memberIds: ['m'], coreIds: ['A', 'B'], minutes: [[40, 12]] },
    });
    const r = await solvePairing(inst, settings());
    expect(r).toMatchObject({ costUnit: 'min', objective: 12 });
    expect(r.assignments[0]).toMatchObject({ coreId: 'B', cost: 12 });
  });

  it('tree mode pairs centres with cores and villages with centres', async () => {
    const inst = instance({
      cores: [{ ...at('City', 0), capacity: 2 }],
      members: [
        at('T1', 0.5, { kind: 'centre' }),
        at('T2', -0.5, { kind: 'centre' }),
        at('v1', 0.6, { kind: 'village' }),
        at('v2', -0.6, { kind: 'village' }),
        at('v3', 0.45, { kind: 'village' }),
      ],
    });
    const r = await solvePairing(inst, settings({ mode: 'tree', villageCapacity: 2 }));
    expect(r.status).toBe('optimal');
    const pairs = Object.fromEntries(r.assignments.map((a) => [a.memberId, [a.coreId, a.tier]]));
    expect(pairs).toEqual({ T1: ['City', 1], T2: ['City', 1], v1: ['T1', 2], v2: ['T2', 2], v3: ['T1', 2] });
    expect(r.points.find((p) => p.id === 'T1')?.role).toBe('centre');
  });
});

describe('solvePairing — infeasible instances are explained', () => {
  it('more members than places: says how many are missing and what to relax', async () => {
    const inst = instance({ cores: [{ ...at('A', 0), capacity: 1 }], members: [at('x', 0.1), at('y', 0.2)] });
    const r = await solvePairing(inst, settings());
    expect(r.status).toBe('infeasible');
    expect(r.infeasibility).toMatchObject({ code: 'capacity_short', shortBy: 1 });
    expect(r.infeasibility?.message.zh).toContain('还差 1 个名额');
    expect(r.infeasibility?.relax[0]?.en).toMatch(/capacit/);
  });

  it('a member forbidden from every core is named with the reasons', async () => {
    const inst = instance({
      cores: [
        { ...at('A', 0), capacity: 3 },
        { ...at('J', 0.1, { level: 'junior' }), capacity: 3 },
      ],
      members: [at('x', 0.1)],
    });
    const r = await solvePairing(inst, settings({ forbidden: [{ memberId: 'x', coreId: 'A' }] }));
    expect(r.infeasibility).toMatchObject({ code: 'member_unreachable', memberIds: ['x'] });
    expect(r.infeasibility?.message.zh).toContain('1 所学段不同');
    expect(r.infeasibility?.message.zh).toContain('1 所被禁止');
  });

  it('names the members that compete for too few places (Hall violator)', async () => {
    const inst = instance({
      cores: [
        { ...at('A', 0), capacity: 1 },
        { ...at('Y', 0.1, { regionCode: '331125' }), capacity: 5 },
      ],
      members: [at('x', 0.1), at('y', 0.2), at('z', 0.1, { regionCode: '331125' })],
    });
    const r = await solvePairing(inst, settings());
    expect(r.infeasibility).toMatchObject({ code: 'hall_violation', coreIds: ['A'], shortBy: 1 });
    expect(r.infeasibility?.memberIds.sort()).toEqual(['x', 'y']);
    expect(r.infeasibility?.relax.map((x) => x.en).join(' ')).toMatch(/cross-region/);
  });

  it("locks beyond a core's capacity", async () => {
    const inst = instance({
      cores: [
        { ...at('A', 0), capacity: 1 },
        { ...at('B', 1), capacity: 5 },
      ],
      members: [at('x', 0.1), at('y', 0.2)],
    });
    const r = await solvePairing(
      inst,
      settings({
        locks: [
          { memberId: 'x', coreId: 'A' },
          { memberId: 'y', coreId: 'A' },
        ],
      }),
    );
    expect(r.infeasibility).toMatchObject({ code: 'locked_over_capacity', coreIds: ['A'], shortBy: 1 });
  });
});

describe('checkInstance', () => {
  it('reports unknown references, lock/forbid conflicts and travel-matrix holes', () => {
    const inst = instance({
      cores: [{ ...at('A', 0), capacity: 1 }],
      members: [at('x', 0.1), at('y', 0.2)],
      travelMatrix: { memberIds: ['x', 'y'], coreIds: ['A'], minutes: [[3], [null]] },
    });
    const issues = checkInstance(
      inst,
      settings({
        locks: [
          { memberId: 'x', coreId: 'A' },
          { memberId: 'q', coreId: 'A' },
        ],
        forbidden: [{ memberId: 'x', coreId: 'A' }],
        capacities: { Z: 3 },
      }),
    );
    expect(issues.map((i) => i.code).sort()).toEqual([
      'lock_forbidden',
      'missing_cells',
      'unknown_reference',
      'unknown_reference',
    ]);
    expect(issues.find((i) => i.code === 'missing_cells')?.message).toContain('y → A');
  });
});

describe('HiGHS agreement', () => {
  it('the exact solver and the HiGHS LP find the same optimum on random medium instances', async () => {
    const rng = new Random(2026);
    for (let t = 0; t < 6; t++) {
      const n = rng.int(30, 80);
      const m = rng.int(15, 40);
      const cost = new Float64Array(n * m);
      for (let k = 0; k < cost.length; k++) cost[k] = rng.chance(0.1) ? Infinity : rng.int(100, 60000);
      const capacity = Array.from({ length: m }, () => rng.int(1, 4));
      const exact = solveTransport({ rows: n, cols: m, capacity, cost });
      const lp = await solveTransportLp({ rows: n, cols: m, capacity, cost });
      if (!exact.feasible) {
        expect(lp.status).toBe('infeasible');
        continue;
      }
      expect(lp.status).toBe('optimal');
      expect(lp.objective).toBe(exact.objective);
      // the MIP with unit demands is the same problem
      const mip = await solveGapMip({ rows: n, cols: m, capacity, cost, demand: new Array(n).fill(1) }, 30);
      expect(mip.objective).toBe(exact.objective);
    }
  });

  it('the generalised model (demands) is solved by HiGHS with a proven optimum checked by brute force', async () => {
    const inst = instance({
      cores: [
        { ...at('A', 0), capacity: 3 },
        { ...at('B', 0.4), capacity: 2 },
      ],
      members: [
        { ...at('big', 0.05), demand: 2 },
        { ...at('s1', 0.1), demand: 1 },
        { ...at('s2', 0.3), demand: 1 },
        { ...at('s3', 0.02), demand: 1 },
      ],
    });
    const r = await solvePairing(inst, settings({ model: 'gap' }));
    expect(r).toMatchObject({ status: 'optimal', provenOptimal: true, solver: 'highs-mip', gap: 0 });
    const load: Record<string, number> = {};
    for (const a of r.assignments) load[a.coreId] = (load[a.coreId] ?? 0) + a.demand;
    expect(load.A ?? 0).toBeLessThanOrEqual(3);
    expect(load.B ?? 0).toBeLessThanOrEqual(2);
    // exhaustive check over 2^4 assignments
    const { roadKm } = await import('./geo.js');
    let best = Infinity;
    for (let mask = 0; mask < 16; mask++) {
      const l = [0, 0];
      let c = 0;
      inst.members.forEach((m, i) => {
        const j = (mask >> i) & 1;
        l[j]! += m.demand;
        c += Math.round(roadKm(m, inst.cores[j]!, 1.3) * 1000);
      });
      if (l[0]! <= 3 && l[1]! <= 2) best = Math.min(best, c);
    }
    expect(r.objective).toBeCloseTo(best / 1000, 2);
  });

  it('explains a generalised instance whose demands cannot be packed', async () => {
    const inst = instance({
      cores: [
        { ...at('A', 0), capacity: 2 },
        { ...at('B', 1), capacity: 2 },
      ],
      members: [
        { ...at('x', 0.1), demand: 3 },
        { ...at('y', 0.2), demand: 1 },
      ],
    });
    const r = await solvePairing(inst, settings({ model: 'gap' }));
    expect(r.infeasibility).toMatchObject({ code: 'demand_exceeds_capacity', memberIds: ['x'], shortBy: 1 });
    const packing = instance({
      cores: [
        { ...at('A', 0), capacity: 3 },
        { ...at('B', 1), capacity: 3 },
      ],
      members: [
        { ...at('x', 0.1), demand: 2 },
        { ...at('y', 0.2), demand: 2 },
        { ...at('z', 0.3), demand: 2 },
      ],
    });
    const r2 = await solvePairing(packing, settings({ model: 'gap' }));
    expect(r2.infeasibility?.code).toBe('mip_infeasible');
  });
});
