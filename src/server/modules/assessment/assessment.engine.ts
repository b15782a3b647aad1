import { evaluate, parse, seriesOf, type Node } from '../../../shared/assessment.formula.js';
import type {
  EvidenceLink,
  ExplanationNode,
  IndicatorDef,
  SchemeDefinition,
  SchoolBound,
} from '../../../shared/assessment.schemas.js';
import { LOCATION_CLASS_LABELS, type LocationClass } from '../../../shared/enums.js';
import { boundCommunityScore, carryCommunityScore, weightOf } from './assessment.bound.js';
import { applyRule, fmt, meanOf, round2 } from './assessment.scoring.js';

/**
 * The indicator engine: scheme + data values + manual scores → points per indicator, dimension and
 * community, the bound school scores and an explanation tree in plain Chinese (with English).
 * No database here; the service loads the inputs and stores what this returns.
 */
export type Values = Record<string, number | null>;
export interface DataRecord {
  label: string;
  date?: string | null;
  href?: string | null;
}

export interface EngineSchool {
  schoolId: number;
  schoolName: string;
  role: string;
  locationClass: LocationClass;
  /** series values at school scope; community-only series carry the community's value */
  values: Values;
}

export interface ManualScore {
  levelKey: string | null;
  points: number;
  comment: string | null;
  evidence: EvidenceLink[];
  stage: 'self' | 'assessor';
}

export interface EngineInput {
  definition: SchemeDefinition;
  communityName: string;
  communityValues: Values;
  schools: EngineSchool[];
  scores: ReadonlyMap<string, ManualScore>;
  records?: Record<string, DataRecord[]>;
  seriesLabels?: Record<string, { zh: string; en: string; unit: string }>;
}

export interface EngineOutput {
  total: number;
  dimensions: { key: string; name: string; points: number; weight: number }[];
  schools: SchoolBound[];
  explanation: ExplanationNode;
}

interface IndicatorOutcome {
  value: number | null;
  points: number;
  text: string;
  textEn: string;
}
interface UnitOutcome {
  total: number;
  dims: { key: string; points: number }[];
  indicators: Map<string, IndicatorOutcome>;
}

const signed = (ind: IndicatorDef, points: number) => (ind.kind === 'deduction' ? -points : points);

function manualOutcome(ind: IndicatorDef, score: ManualScore | undefined): IndicatorOutcome {
  const who = score?.stage === 'self' ? '自评' : '考核员评定';
  const whoEn = score?.stage === 'self' ? 'self-assessed' : 'assessor';
  if (!score) return { value: null, points: 0, text: '尚未评分，记 0 分', textEn: 'Not scored yet: 0 points' };
  const note = score.comment ? `；说明：${score.comment}` : '';
  const noteEn = score.comment ? `; note: ${score.comment}` : '';
  const ev = score.evidence.length ? `；证据 ${score.evidence.length} 项` : '';
  const evEn = score.evidence.length ? `; ${score.evidence.length} evidence link(s)` : '';
  if (ind.kind === 'manual') {
    const level = ind.levels.find((l) => l.key === score.levelKey);
    const label = level?.label ?? score.levelKey ?? '';
    return {
      value: null,
      points: score.points,
      text: `${who}为“${label}”，得 ${fmt(score.points)} 分（满分 ${fmt(ind.maxPoints)}）${note}${ev}`,
      textEn: `${whoEn}: "${label}", ${fmt(score.points)} of ${fmt(ind.maxPoints)} points${noteEn}${evEn}`,
    };
  }
  return ind.kind === 'bonus'
    ? {
        value: null,
        points: score.points,
        text: `加 ${fmt(score.points)} 分（上限 ${fmt(ind.maxPoints)}）${note}${ev}`,
        textEn: `Bonus ${fmt(score.points)} (cap ${fmt(ind.maxPoints)})${noteEn}${evEn}`,
      }
    : {
        value: null,
        points: score.points,
        text: `扣 ${fmt(score.points)} 分（上限 ${fmt(ind.maxPoints)}）${note}${ev}`,
        textEn: `Deduction ${fmt(score.points)} (cap ${fmt(ind.maxPoints)})${noteEn}${evEn}`,
      };
}

type FormulaItem = IndicatorDef & { formula: string };
/** A computed indicator, or a bonus/deduction item driven by a data source. */
const hasFormula = (ind: IndicatorDef): ind is FormulaItem =>
  ind.kind === 'computed' || ((ind.kind === 'bonus' || ind.kind === 'deduction') && ind.formula !== undefined);

/** A data-driven bonus/deduction: value × perUnit, capped; a hand-entered score overrides it. */
function sourcedOutcome(
  ind: IndicatorDef & { kind: 'bonus' | 'deduction' },
  value: number | null,
  score: ManualScore | undefined,
): IndicatorOutcome {
  const verb = ind.kind === 'bonus' ? '加' : '扣';
  const verbEn = ind.kind === 'bonus' ? 'Bonus' : 'Deduction';
  if (score) {
    const m = manualOutcome(ind, score);
    return {
      value,
      points: Math.min(m.points, ind.maxPoints),
      text: `数据计算值为 ${fmtOrDash(value)}，以手工评分为准：${m.text}`,
      textEn: `The data give ${fmtOrDash(value)}; the hand-entered score overrides it: ${m.textEn}`,
    };
  }
  if (value === null) return { value, points: 0, text: '数据缺失，记 0 分', textEn: 'No data: 0 points' };
  const raw = round2(Math.max(0, value) * ind.perUnit);
  const points = Math.min(raw, ind.maxPoints);
  const capped = raw > ind.maxPoints ? `，超过上限按 ${fmt(ind.maxPoints)} 分计` : '';
  const cappedEn = raw > ind.maxPoints ? `, capped at ${fmt(ind.maxPoints)}` : '';
  return {
    value,
    points,
    text: `${fmt(value)} × 每单位 ${fmt(ind.perUnit)} 分 = ${fmt(raw)}${capped}，${verb} ${fmt(points)} 分（上限 ${fmt(ind.maxPoints)}）`,
    textEn: `${verbEn}: ${fmt(value)} × ${fmt(ind.perUnit)} per unit = ${fmt(raw)}${cappedEn}; ${fmt(points)} points (cap ${fmt(ind.maxPoints)})`,
  };
}

/** Scores one unit — the community as a whole, or one school in bound scoring. */
function scoreUnit(
  def: SchemeDefinition,
  formulas: Map<string, Node>,
  valueOf: (ind: FormulaItem, node: Node) => number | null,
  scores: ReadonlyMap<string, ManualScore>,
): UnitOutcome {
  const indicators = new Map<string, IndicatorOutcome>();
  const dims = def.dimensions.map((d) => {
    let points = 0;
    for (const ind of d.indicators) {
      let o: IndicatorOutcome;
      if (ind.kind === 'computed') {
        const value = valueOf(ind, formulas.get(ind.key)!);
        const r = applyRule(value, ind.rule, ind.maxPoints);
        o = { value, ...r };
      } else if (hasFormula(ind) && ind.kind !== 'manual') {
        o = sourcedOutcome(ind, valueOf(ind, formulas.get(ind.key)!), scores.get(ind.key));
      } else {
        o = manualOutcome(ind, scores.get(ind.key));
      }
      indicators.set(ind.key, o);
      points += signed(ind, o.points);
    }
    // deductions cannot take a dimension below zero
    return { key: d.key, points: round2(Math.max(0, points)) };
  });
  return { total: round2(dims.reduce((s, d) => s + d.points, 0)), dims, indicators };
}

interface CompiledScheme {
  /** each formula item's parsed formula */
  formulas: Map<string, Node>;
  /** the series each formula item's formula uses, in order of first use */
  series: Map<string, string[]>;
}
/**
 * A scheme's formulas parsed once, not once per community (the assessment of a province runs the
 * engine 1,850 times on one definition). Keyed by the definition object: a changed scheme is a new one.
 */
const compiledSchemes = new WeakMap<SchemeDefinition, CompiledScheme>();
function compiled(def: SchemeDefinition): CompiledScheme {
  let c = compiledSchemes.get(def);
  if (c) return c;
  c = { formulas: new Map(), series: new Map() };
  for (const d of def.dimensions)
    for (const ind of d.indicators)
      if (hasFormula(ind)) {
        const node = parse(ind.formula);
        c.formulas.set(ind.key, node);
        c.series.set(ind.key, [...seriesOf(node)]);
      }
  compiledSchemes.set(def, c);
  return c;
}

export function computeResult(input: EngineInput): EngineOutput {
  const def = input.definition;
  const { formulas } = compiled(def);

  const community = scoreUnit(
    def,
    formulas,
    (ind, node) =>
      ind.kind === 'computed' && ind.perMemberSchool
        ? meanOf(input.schools.map((s) => evaluate(node, s.values)))
        : evaluate(node, input.communityValues),
    input.scores,
  );
  const perSchool = input.schools.map((s) => ({
    school: s,
    outcome: scoreUnit(def, formulas, (_ind, node) => evaluate(node, s.values), input.scores),
  }));

  const bound = def.bound.enabled && perSchool.length > 0;
  const boundIn = perSchool.map(({ school, outcome }) => ({
    schoolId: school.schoolId,
    locationClass: school.locationClass,
    ownScore: outcome.total,
  }));
  const total = bound ? boundCommunityScore(def.bound, boundIn) : community.total;
  const weightSum = perSchool.reduce((s, p) => s + weightOf(def.bound, p.school.locationClass), 0) || 1;
  const weighted = (pick: (u: UnitOutcome) => number) =>
    round2(
      perSchool.reduce((s, p) => s + weightOf(def.bound, p.school.locationClass) * pick(p.outcome), 0) / weightSum,
    );

  const dimensions = def.dimensions.map((d, i) => ({
    key: d.key,
    name: d.name,
    weight: d.weight,
    points: bound ? weighted((u) => u.dims[i]!.points) : community.dims[i]!.points,
  }));
  const byId = new Map(input.schools.map((s) => [s.schoolId, s]));
  const schools: SchoolBound[] = carryCommunityScore(def.bound, boundIn, total).map((b) => {
    const s = byId.get(b.schoolId)!;
    return {
      schoolId: b.schoolId,
      schoolName: s.schoolName,
      role: s.role,
      locationClass: s.locationClass,
      weight: b.weight,
      ownScore: b.ownScore,
      communityScore: b.communityScore,
      principalAppraisal: b.principalAppraisal,
    };
  });

  const explanation = explain(input, community, perSchool, dimensions, schools, total, bound);
  return { total, dimensions, schools, explanation };
}

// ---------- explanation tree ----------

function explain(
  input: EngineInput,
  community: UnitOutcome,
  perSchool: { school: EngineSchool; outcome: UnitOutcome }[],
  dimensions: EngineOutput['dimensions'],
  schools: SchoolBound[],
  total: number,
  bound: boolean,
): ExplanationNode {
  const def = input.definition;
  const weightSum = perSchool.reduce((s, p) => s + weightOf(def.bound, p.school.locationClass), 0) || 1;
  const dimNodes: ExplanationNode[] = def.dimensions.map((d, di) => {
    const dimPoints = dimensions[di]!.points;
    const children: ExplanationNode[] = d.indicators.map((ind) => {
      const c = community.indicators.get(ind.key)!;
      const points = bound
        ? round2(
            perSchool.reduce(
              (s, p) => s + weightOf(def.bound, p.school.locationClass) * p.outcome.indicators.get(ind.key)!.points,
              0,
            ) / weightSum,
          )
        : c.points;
      const node: ExplanationNode = {
        key: ind.key,
        label: ind.name,
        labelEn: ind.nameEn ?? ind.name,
        points: ind.kind === 'deduction' ? -points : points,
        maxPoints: ind.maxPoints,
        value: c.value === null ? null : round2(c.value),
        text: c.text,
        textEn: c.textEn,
      };
      if (hasFormula(ind)) {
        const used = compiled(def)
          .series.get(ind.key)!
          .filter((n) => input.seriesLabels?.[n]);
        const wording = used
          .map(
            (n) =>
              `${input.seriesLabels![n]!.zh} = ${fmtOrDash(input.communityValues[n])}${input.seriesLabels![n]!.unit}`,
          )
          .join('；');
        const wordingEn = used
          .map((n) => `${input.seriesLabels![n]!.en} = ${fmtOrDash(input.communityValues[n])}`)
          .join('; ');
        const averaged = ind.kind === 'computed' && ind.perMemberSchool;
        const how = averaged ? `按 ${perSchool.length} 所成员校分别计算后取平均；` : '';
        const howEn = averaged ? `averaged over ${perSchool.length} member schools; ` : '';
        node.text = `${how}公式 ${ind.formula}${wording ? `（${wording}）` : ''}。${c.text}`;
        node.textEn = `${howEn}formula ${ind.formula}${wordingEn ? ` (${wordingEn})` : ''}. ${c.textEn}`;
        node.records = used.flatMap((n) => input.records?.[n] ?? []).slice(0, 20);
      } else {
        const s = input.scores.get(ind.key);
        if (s?.evidence.length) node.records = s.evidence.map((e) => ({ label: e.label, href: e.url }));
      }
      if (bound && ind.kind === 'computed') {
        node.text = `捆绑计分：各校按权重加权平均得 ${fmt(points)} 分。${node.text}`;
        node.textEn = `Bound scoring: weighted mean of the schools, ${fmt(points)} points. ${node.textEn}`;
        node.children = perSchool.map((p) => {
          const o = p.outcome.indicators.get(ind.key)!;
          return {
            key: `${ind.key}:${p.school.schoolId}`,
            label: p.school.schoolName,
            labelEn: p.school.schoolName,
            points: o.points,
            maxPoints: ind.maxPoints,
            value: o.value === null ? null : round2(o.value),
            text: o.text,
            textEn: o.textEn,
          };
        });
      }
      return node;
    });
    // points lost are those of the scored indicators only: a bonus short of its cap loses nothing, and a
    // deduction that took nothing (points −0, which is >= 0) is no loss of its cap
    const losses = children
      .filter((c, ci) => {
        const kind = d.indicators[ci]!.kind;
        if (kind !== 'computed' && kind !== 'manual') return false;
        return c.maxPoints !== null && c.points !== null && c.maxPoints - c.points > 0.004;
      })
      .map((c) => ({ label: c.label, lost: round2(c.maxPoints! - c.points!) }))
      .sort((a, b) => b.lost - a.lost);
    const lostText = losses.length
      ? `；失分主要在${losses
          .slice(0, 3)
          .map((l) => `“${l.label}”（失 ${fmt(l.lost)} 分）`)
          .join('、')}`
      : '；未失分';
    const lostEn = losses.length
      ? `; points lost mainly in ${losses
          .slice(0, 3)
          .map((l) => `"${l.label}" (${fmt(l.lost)})`)
          .join(', ')}`
      : '; nothing lost';
    return {
      key: d.key,
      label: d.name,
      labelEn: d.nameEn ?? d.name,
      points: dimPoints,
      maxPoints: d.weight,
      text: `本维度得 ${fmt(dimPoints)} 分（权重 ${fmt(d.weight)}）${lostText}。`,
      textEn: `${fmt(dimPoints)} of ${fmt(d.weight)} points${lostEn}.`,
      children,
    };
  });

  const parts = dimensions.map((d) => `${d.name} ${fmt(d.points)}`).join('、');
  const root: ExplanationNode = {
    key: 'index',
    label: `${input.communityName} 发展指数`,
    labelEn: `${input.communityName} development index`,
    points: total,
    maxPoints: 100,
    text: `发展指数 ${fmt(total)} 分（满分 100，另有加分项）：${parts}。`,
    textEn: `Development index ${fmt(total)} of 100 (plus bonuses): ${dimensions.map((d) => `${d.key} ${fmt(d.points)}`).join(', ')}.`,
    children: dimNodes,
  };
  if (bound) {
    const lines = schools.map(
      (s) =>
        `${s.schoolName}（${LOCATION_CLASS_LABELS[s.locationClass as LocationClass]?.zh ?? s.locationClass}，权重 ${fmt(s.weight)}）${fmt(s.ownScore)} 分`,
    );
    root.children!.push({
      key: 'bound',
      label: '捆绑考核',
      labelEn: 'Bound assessment',
      points: total,
      maxPoints: null,
      text: `各校自身得分按城乡权重加权平均：${lines.join('；')}，合计 ${fmt(total)} 分；各校均记教共体得分，校长考核中教共体得分占 ${fmt(def.bound.principalShare * 100)}%。`,
      textEn: `Schools' own scores weighted by location: ${schools.map((s) => `${s.schoolName} ×${fmt(s.weight)} ${fmt(s.ownScore)}`).join('; ')} → ${fmt(total)}; every school carries it, ${fmt(def.bound.principalShare * 100)}% of each principal's appraisal.`,
      children: schools.map((s) => ({
        key: `school:${s.schoolId}`,
        label: s.schoolName,
        labelEn: s.schoolName,
        points: s.ownScore,
        maxPoints: 100,
        text: `本校自身得分 ${fmt(s.ownScore)}，记教共体得分 ${fmt(s.communityScore)}，校长考核折算 ${fmt(s.principalAppraisal)} 分`,
        textEn: `Own ${fmt(s.ownScore)}, carries ${fmt(s.communityScore)}, principal appraisal ${fmt(s.principalAppraisal)}`,
      })),
    });
  }
  return root;
}

const fmtOrDash = (v: number | null | undefined) => (v === null || v === undefined ? '—' : fmt(v));
