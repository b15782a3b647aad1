import { analyseFormula, parseUnit, sameUnit, unitText, type SeriesInfo } from '../../../shared/assessment.formula.js';
import type { SchemeDefinition } from '../../../shared/assessment.schemas.js';
import { fieldIssue, type FieldIssue } from '../../http/errors.js';

export interface SeriesCatalogue {
  [key: string]: SeriesInfo & { schoolScope: boolean; available: boolean };
}

const near = (a: number, b: number) => Math.abs(a - b) < 0.005;
const scored = (kind: string) => kind === 'computed' || kind === 'manual';

/**
 * Checks a scheme definition beyond its shape: dimension weights sum to 100, each dimension's
 * scored indicators sum to its weight (bonus and deduction items sit outside), keys are unique,
 * rubric levels and bands stay within the indicator's points, and every formula parses, uses
 * known series, guards its divisions and yields the declared unit. Returns every problem found.
 */
export function validateDefinition(
  def: SchemeDefinition,
  series: SeriesCatalogue,
  base = 'body.definition',
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const weightSum = def.dimensions.reduce((s, d) => s + d.weight, 0);
  if (!near(weightSum, 100)) {
    issues.push(
      fieldIssue(
        `${base}.dimensions`,
        'weights_sum',
        `各维度权重之和应为 100，现为 ${weightSum}`,
        `Dimension weights must sum to 100; they sum to ${weightSum}`,
      ),
    );
  }
  const dimKeys = new Set<string>();
  const indKeys = new Set<string>();
  def.dimensions.forEach((d, di) => {
    const dp = `${base}.dimensions.${di}`;
    if (dimKeys.has(d.key))
      issues.push(
        fieldIssue(`${dp}.key`, 'duplicate', `维度代码“${d.key}”重复`, `Dimension key "${d.key}" is used twice`),
      );
    dimKeys.add(d.key);
    const sum = d.indicators.filter((i) => scored(i.kind)).reduce((s, i) => s + i.maxPoints, 0);
    if (!near(sum, d.weight)) {
      issues.push(
        fieldIssue(
          `${dp}.indicators`,
          'points_sum',
          `维度“${d.name}”下各指标分值之和应等于权重 ${d.weight}，现为 ${sum}`,
          `Indicator points of "${d.nameEn ?? d.name}" must sum to its weight ${d.weight}; they sum to ${sum}`,
        ),
      );
    }
    d.indicators.forEach((ind, ii) => {
      const ip = `${dp}.indicators.${ii}`;
      if (indKeys.has(ind.key))
        issues.push(
          fieldIssue(`${ip}.key`, 'duplicate', `指标代码“${ind.key}”重复`, `Indicator key "${ind.key}" is used twice`),
        );
      indKeys.add(ind.key);
      if (ind.kind === 'manual') {
        const levelKeys = new Set<string>();
        ind.levels.forEach((l, li) => {
          if (levelKeys.has(l.key))
            issues.push(
              fieldIssue(
                `${ip}.levels.${li}.key`,
                'duplicate',
                `等级代码“${l.key}”重复`,
                `Level key "${l.key}" is used twice`,
              ),
            );
          levelKeys.add(l.key);
          if (l.points > ind.maxPoints)
            issues.push(
              fieldIssue(
                `${ip}.levels.${li}.points`,
                'above_max',
                `等级“${l.label}”的分值 ${l.points} 超过指标满分 ${ind.maxPoints}`,
                `Level "${l.label}" gives ${l.points}, above the indicator's ${ind.maxPoints}`,
              ),
            );
        });
      }
      if (ind.kind === 'bonus' || ind.kind === 'deduction') {
        // a data-driven item: the same formula checks as a computed indicator (unknown series → 422)
        if (ind.formula !== undefined)
          issues.push(...checkFormulaField(ind.formula, undefined, false, series, `${ip}.formula`));
        return;
      }
      if (ind.kind !== 'computed') return;
      if (ind.rule.type === 'bands') {
        ind.rule.bands.forEach((b, bi) => {
          if (b.points > ind.maxPoints)
            issues.push(
              fieldIssue(
                `${ip}.rule.bands.${bi}.points`,
                'above_max',
                `分档分值 ${b.points} 超过指标满分 ${ind.maxPoints}`,
                `Band points ${b.points} exceed the indicator's ${ind.maxPoints}`,
              ),
            );
        });
      }
      issues.push(...checkFormulaField(ind.formula, ind.unit, ind.perMemberSchool, series, `${ip}.formula`));
    });
  });
  return issues;
}

/** The formula checks of one indicator, as field issues (also used by the preview endpoint). */
export function checkFormulaField(
  formula: string,
  unit: string | undefined,
  perMemberSchool: boolean,
  series: SeriesCatalogue,
  field: string,
): FieldIssue[] {
  const a = analyseFormula(formula, series);
  const issues = a.issues.map((i) => fieldIssue(field, i.code, i.zh, i.en));
  if (a.node && unit !== undefined && unit !== '') {
    const want = parseUnit(unit);
    if (!sameUnit(want, a.unit)) {
      issues.push(
        fieldIssue(
          field,
          'unit_mismatch',
          `公式结果的单位是“${unitText(a.unit)}”，与指标单位“${unitText(want)}”不一致`,
          `The formula yields "${unitText(a.unit)}", not the indicator's unit "${unitText(want)}"`,
        ),
      );
    }
  }
  for (const name of a.series) {
    const s = series[name];
    if (!s) continue;
    if (!s.available)
      issues.push(
        fieldIssue(
          field,
          'source_unavailable',
          `数据项“${name}”暂不可用（所需模块的数据表尚未建立）`,
          `Series "${name}" is unavailable (its module's tables do not exist yet)`,
        ),
      );
    if (perMemberSchool && !s.schoolScope)
      issues.push(
        fieldIssue(
          field,
          'no_school_scope',
          `数据项“${name}”没有按学校的数值，不能按成员校平均`,
          `Series "${name}" has no per-school values, so it cannot be averaged per member school`,
        ),
      );
  }
  return issues;
}
