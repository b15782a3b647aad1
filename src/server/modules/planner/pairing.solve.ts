import type {
  Infeasibility,
  PairingAssignment,
  PairingInstance,
  PairingResult,
  PairingSettings,
  PairingWhy,
  PlanPoint,
} from '../../../shared/planner.schemas.js';
import { solveTransport } from './assignment.engine.js';
import { round1, round2 } from './geo.js';
import { solveGapMip } from './pairing.highs.js';
import * as explain from './pairing.explain.js';
import {
  COST_SCALE,
  eligibility,
  pairKey,
  stagesOf,
  travelCost,
  type EligibilityContext,
  type Ineligible,
  type Stage,
} from './pairing.rules.js';

/**
 * Solves a pairing instance (already validated by checkInstance): builds each stage's cost matrix
 * from the rules, pre-assigns locked pairs, solves exactly (basic model) or with HiGHS (generalised
 * assignment), and explains the answer pair by pair — or explains why there is none.
 */
export async function solvePairing(instance: PairingInstance, settings: PairingSettings): Promise<PairingResult> {
  const started = performance.now();
  const travel = travelCost(instance, settings);
  const ctx: EligibilityContext = {
    settings,
    forbidden: new Set(settings.forbidden.map((f) => pairKey(f.memberId, f.coreId))),
    travel,
  };
  const lockOf = new Map(settings.locks.map((l) => [l.memberId, l.coreId]));
  const nameOf = new Map<string, string>();
  for (const s of [...instance.cores, ...instance.members]) nameOf.set(s.id, s.name ?? s.id);

  const assignments: PairingAssignment[] = [];
  const loads = new Map<string, number>();
  let objective = 0;
  let proven = true;
  let gap: number | null = settings.model === 'basic' ? 0 : null;
  let buildMs = 0;
  let solveMs = 0;
  let infeasibility: Infeasibility | null = null;
  let anyFeasibleOnly = false;

  const pairLoad = new Map((instance.pairLoads ?? []).map((l) => [pairKey(l.memberId, l.coreId), l.load]));
  const stages = stagesOf(instance, settings);
  for (const stage of stages) {
    const t0 = performance.now();
    const built = buildStage(stage, ctx, lockOf, settings, pairLoad);
    buildMs += performance.now() - t0;
    if ('infeasibility' in built) {
      infeasibility = built.infeasibility;
      break;
    }
    const t1 = performance.now();
    const solved = await solveStage(built, settings);
    solveMs += performance.now() - t1;
    if ('infeasibility' in solved) {
      infeasibility = solved.infeasibility;
      break;
    }
    if (!solved.proven) {
      proven = false;
      anyFeasibleOnly = true;
    }
    if (settings.model === 'gap') gap = Math.max(gap ?? 0, solved.gap ?? 0);
    objective += solved.objective / COST_SCALE;
    for (const a of describe(stage, built, solved.columnOf, ctx, nameOf)) {
      assignments.push(a);
      loads.set(a.coreId, (loads.get(a.coreId) ?? 0) + a.demand);
    }
  }

  const points = pointsOf(stages, loads);
  const totalMs = performance.now() - started;
  const timings = { buildMs: round1(buildMs), solveMs: round1(solveMs), totalMs: round1(totalMs) };
  if (infeasibility) {
    return {
      status: 'infeasible',
      provenOptimal: false,
      solver: settings.model === 'basic' ? 'ssp' : 'highs-mip',
      costUnit: travel.unit,
      objective: null,
      gap: null,
      assignments: [],
      points,
      totals: emptyTotals(instance),
      infeasibility,
      timings,
    };
  }
  return {
    status: anyFeasibleOnly ? 'feasible' : 'optimal',
    provenOptimal: proven,
    solver: settings.model === 'basic' ? 'ssp' : 'highs-mip',
    costUnit: travel.unit,
    objective: round2(objective),
    gap: gap === null ? null : Math.round(gap * 1e4) / 1e4,
    assignments,
    points,
    totals: totalsOf(instance, assignments, settings.changePenalty),
    infeasibility: null,
    timings,
  };
}

interface BuiltStage {
  stage: Stage;
  /** members left to solve (locked ones are pre-assigned) */
  rows: number[];
  cost: Float64Array;
  travelCost: Float64Array;
  capacity: Int32Array;
  /** gap model: the load of every (row, core) pair, row-major; the member's demand unless the instance gives a per-pair load */
  load: Float64Array;
  /** the load each stage member spends on each core (by member index), for the describe step */
  loadOf: (member: number, core: number) => number;
  lockedPairs: { member: number; core: number }[];
  lockedCost: number;
}

function buildStage(
  stage: Stage,
  ctx: EligibilityContext,
  lockOf: Map<string, string>,
  settings: PairingSettings,
  pairLoad: Map<string, number>,
): BuiltStage | { infeasibility: Infeasibility } {
  const { members, cores } = stage;
  const m = cores.length;
  const coreIndex = new Map(cores.map((c, j) => [c.id, j]));
  const capacity = Int32Array.from(cores.map((c) => c.capacity));
  const lockedPairs: { member: number; core: number }[] = [];
  const rows: number[] = [];
  const loadOf = (i: number, j: number) =>
    settings.model === 'gap' ? (pairLoad.get(pairKey(members[i]!.id, cores[j]!.id)) ?? members[i]!.demand) : 1;
  members.forEach((member, i) => {
    const lockedTo = lockOf.get(member.id);
    const j = lockedTo !== undefined ? coreIndex.get(lockedTo) : undefined;
    if (j === undefined) rows.push(i);
    else {
      lockedPairs.push({ member: i, core: j });
      capacity[j] = capacity[j]! - loadOf(i, j);
    }
  });
  for (let j = 0; j < m; j++) {
    if (capacity[j]! < 0) {
      const locked = lockedPairs.filter((p) => p.core === j).map((p) => members[p.member]!.id);
      return {
        infeasibility: explain.lockedOverCapacity(
          { id: cores[j]!.id, name: cores[j]!.name ?? cores[j]!.id },
          locked,
          cores[j]!.capacity,
        ),
      };
    }
  }

  const n = rows.length;
  const cost = new Float64Array(n * m);
  const travel = new Float64Array(n * m);
  const load = new Float64Array(n * m);
  let lockedCost = 0;
  for (const p of lockedPairs) {
    const member = members[p.member]!;
    lockedCost +=
      Math.round(ctx.travel.cost(member, cores[p.core]!) * COST_SCALE) +
      penaltyOf(member.currentCoreId, cores[p.core]!.id, settings);
  }
  const penaltyCount: Record<Ineligible, number> = { forbidden: 0, level: 0, region: 0, too_far: 0 };
  for (let r = 0; r < n; r++) {
    const member = members[rows[r]!]!;
    const reasons: Record<Ineligible, number> = { forbidden: 0, level: 0, region: 0, too_far: 0 };
    let any = false;
    for (let j = 0; j < m; j++) {
      const core = cores[j]!;
      const why = eligibility(member, core, ctx);
      const k = r * m + j;
      if (why) {
        reasons[why]++;
        penaltyCount[why]++;
        cost[k] = Infinity;
        travel[k] = Infinity;
        continue;
      }
      any = true;
      load[k] = loadOf(rows[r]!, j);
      const c = Math.round(ctx.travel.cost(member, core) * COST_SCALE);
      travel[k] = c;
      cost[k] = c + penaltyOf(member.currentCoreId, core.id, settings);
    }
    if (!any) return { infeasibility: explain.unreachable(member.id, member.name ?? member.id, reasons) };
  }

  let totalCap = 0;
  for (let j = 0; j < m; j++) totalCap += capacity[j]!;
  // every member needs at least its smallest load over the cores it may pair with
  const minLoad = (r: number) => {
    let best = Infinity;
    for (let j = 0; j < m; j++) if (cost[r * m + j]! < Infinity) best = Math.min(best, load[r * m + j]!);
    return best;
  };
  let totalDemand = 0;
  for (let r = 0; r < n; r++) totalDemand += minLoad(r);
  if (totalDemand > totalCap) {
    const ids = rows.map((i) => members[i]!.id);
    return {
      infeasibility:
        settings.model === 'gap'
          ? explain.demandShort(totalDemand, totalCap, ids)
          : explain.capacityShort(totalDemand, totalCap, ids),
    };
  }
  if (settings.model === 'gap') {
    for (let r = 0; r < n; r++) {
      // a member fits somewhere only if some eligible core has room for its load there
      let fits = false;
      let best = 0;
      for (let j = 0; j < m; j++) {
        if (!(cost[r * m + j]! < Infinity)) continue;
        best = Math.max(best, capacity[j]!);
        if (load[r * m + j]! <= capacity[j]!) fits = true;
      }
      const member = members[rows[r]!]!;
      if (!fits)
        return {
          infeasibility: explain.demandExceeds({ id: member.id, name: member.name ?? member.id }, minLoad(r), best),
        };
    }
  }
  return { stage, rows, cost, travelCost: travel, capacity, load, loadOf, lockedPairs, lockedCost };

  function penaltyOf(current: string | null | undefined, coreId: string, s: PairingSettings) {
    return current && current !== coreId ? Math.round(s.changePenalty * COST_SCALE) : 0;
  }
}

interface SolvedStage {
  /** core index of every stage member */
  columnOf: Int32Array;
  objective: number;
  proven: boolean;
  gap: number | null;
}

async function solveStage(
  b: BuiltStage,
  settings: PairingSettings,
): Promise<SolvedStage | { infeasibility: Infeasibility }> {
  const { stage, rows, cost, capacity } = b;
  const m = stage.cores.length;
  const columnOf = new Int32Array(stage.members.length).fill(-1);
  for (const p of b.lockedPairs) columnOf[p.member] = p.core;
  if (settings.model === 'basic') {
    const r = solveTransport({ rows: rows.length, cols: m, capacity, cost });
    if (!r.feasible) {
      const members = r.rows.map((k) => stage.members[rows[k]!]!).map((x) => ({ id: x.id, name: x.name ?? x.id }));
      if (r.cols.length === 0) {
        // cannot happen after buildStage's reachability check, kept for safety
        return {
          infeasibility: explain.capacityShort(
            rows.length,
            0,
            members.map((x) => x.id),
          ),
        };
      }
      const cores = r.cols.map((j) => stage.cores[j]!).map((x) => ({ id: x.id, name: x.name ?? x.id }));
      // why these members could not use other cores: count their ruled-out pairs
      const reasons: Partial<Record<Ineligible, number>> = {};
      const travelHasInf = r.rows.some((k) => {
        for (let j = 0; j < m; j++) if (!(cost[k * m + j]! < Infinity)) return true;
        return false;
      });
      if (travelHasInf) {
        if (!settings.allowCrossRegion) reasons.region = 1;
        if (settings.sameLevel) reasons.level = 1;
        if (settings.maxDistanceKm !== null) reasons.too_far = 1;
        if (settings.forbidden.length) reasons.forbidden = 1;
      }
      return { infeasibility: explain.hallViolation(members, cores, r.capacity, reasons) };
    }
    rows.forEach((i, k) => (columnOf[i] = r.assignment[k]!));
    return { columnOf, objective: r.objective + b.lockedCost, proven: true, gap: 0 };
  }
  const demand = rows.map((i) => stage.members[i]!.demand);
  const answer = await solveGapMip(
    { rows: rows.length, cols: m, demand, load: b.load, capacity, cost },
    settings.timeLimitSeconds,
  );
  if (answer.status === 'infeasible' || answer.status === 'no_solution') {
    return {
      infeasibility: explain.mipInfeasible(
        answer.status === 'no_solution',
        rows.map((i) => stage.members[i]!.id),
      ),
    };
  }
  rows.forEach((i, k) => (columnOf[i] = answer.assignment[k]!));
  return {
    columnOf,
    objective: (answer.objective ?? 0) + b.lockedCost,
    proven: answer.status === 'optimal',
    gap: answer.gap,
  };
}

/** Each pair with its distance, what changed against today, and why it was chosen. */
function describe(
  stage: Stage,
  b: BuiltStage,
  columnOf: Int32Array,
  ctx: EligibilityContext,
  nameOf: Map<string, string>,
): PairingAssignment[] {
  const m = stage.cores.length;
  const rowOf = new Map(b.rows.map((i, k) => [i, k]));
  const lockedSet = new Set(b.lockedPairs.map((p) => p.member));
  return stage.members.map((member, i) => {
    const j = columnOf[i]!;
    const core = stage.cores[j]!;
    const travelCost = ctx.travel.cost(member, core);
    const previous = member.currentCoreId ?? null;
    const change = previous === null ? 'new' : previous === core.id ? 'kept' : 'changed';
    let why: PairingWhy;
    if (lockedSet.has(i)) why = { code: 'locked', altCoreId: null, altCoreName: null, extra: 0 };
    else {
      const k = rowOf.get(i)!;
      let best = -1;
      let eligible = 0;
      for (let jj = 0; jj < m; jj++) {
        const c = b.travelCost[k * m + jj]!;
        if (!(c < Infinity)) continue;
        eligible++;
        if (best < 0 || c < b.travelCost[k * m + best]!) best = jj;
      }
      const extra = round2((b.travelCost[k * m + j]! - b.travelCost[k * m + best]!) / COST_SCALE);
      const alt = stage.cores[best]!;
      if (eligible === 1) why = { code: 'only_option', altCoreId: null, altCoreName: null, extra: 0 };
      else if (extra <= 0) why = { code: 'nearest', altCoreId: null, altCoreName: null, extra: 0 };
      else if (change === 'kept') why = { code: 'kept', altCoreId: alt.id, altCoreName: alt.name ?? alt.id, extra };
      else why = { code: 'capacity', altCoreId: alt.id, altCoreName: alt.name ?? alt.id, extra };
    }
    return {
      memberId: member.id,
      memberName: member.name ?? member.id,
      coreId: core.id,
      coreName: core.name ?? core.id,
      tier: stage.tier,
      distanceKm: round2(ctx.travel.km(member, core)),
      cost: round2(travelCost),
      demand: b.loadOf(i, j),
      locked: lockedSet.has(i),
      previousCoreId: previous,
      previousCoreName: previous ? (nameOf.get(previous) ?? previous) : null,
      change,
      why,
    };
  });
}

function pointsOf(stages: Stage[], loads: Map<string, number>): PlanPoint[] {
  const points = new Map<string, PlanPoint>();
  for (const stage of stages) {
    for (const c of stage.cores) {
      points.set(c.id, {
        id: c.id,
        name: c.name ?? c.id,
        latitude: c.latitude,
        longitude: c.longitude,
        role: c.role,
        level: c.level ?? null,
        regionCode: c.regionCode ?? null,
        capacity: c.capacity,
        load: loads.get(c.id) ?? 0,
      });
    }
  }
  for (const stage of stages) {
    for (const m of stage.members) {
      if (points.has(m.id)) continue;
      const role = stage.tier === 2 ? 'village' : m.kind === 'centre' && stages.length > 1 ? 'centre' : 'member';
      points.set(m.id, {
        id: m.id,
        name: m.name ?? m.id,
        latitude: m.latitude,
        longitude: m.longitude,
        role,
        level: m.level ?? null,
        regionCode: m.regionCode ?? null,
        capacity: null,
        load: 0,
      });
    }
  }
  return [...points.values()];
}

function totalsOf(instance: PairingInstance, a: PairingAssignment[], changePenalty: number): PairingResult['totals'] {
  let total = 0;
  let worst = 0;
  let worstId: string | null = null;
  for (const x of a) {
    total += x.distanceKm;
    if (x.distanceKm > worst) {
      worst = x.distanceKm;
      worstId = x.memberId;
    }
  }
  const changed = a.filter((x) => x.change === 'changed').length;
  return {
    members: instance.members.length,
    cores: instance.cores.length,
    totalDistanceKm: round1(total),
    worstDistanceKm: round1(worst),
    worstMemberId: worstId,
    averageDistanceKm: a.length ? round1(total / a.length) : 0,
    kept: a.filter((x) => x.change === 'kept').length,
    changed,
    added: a.filter((x) => x.change === 'new').length,
    penalty: round2(changed * changePenalty),
  };
}

function emptyTotals(instance: PairingInstance): PairingResult['totals'] {
  return {
    members: instance.members.length,
    cores: instance.cores.length,
    totalDistanceKm: 0,
    worstDistanceKm: 0,
    worstMemberId: null,
    averageDistanceKm: 0,
    kept: 0,
    changed: 0,
    added: 0,
    penalty: 0,
  };
}
