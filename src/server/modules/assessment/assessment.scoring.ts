import type { ScoringRule } from '../../../shared/assessment.schemas.js';

/**
 * Scoring rules of computed indicators: a value and a rule give points out of `maxPoints`, with
 * the sentence that explains them. Plain functions, table-tested in assessment.scoring.test.ts.
 */
export interface RuleOutcome {
  points: number;
  text: string;
  textEn: string;
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
export const fmt = (x: number) => String(round2(x));

export function applyRule(value: number | null, rule: ScoringRule, maxPoints: number): RuleOutcome {
  if (value === null) return { points: 0, text: '无可用数据，记 0 分', textEn: 'No data available: 0 points' };
  switch (rule.type) {
    case 'linear': {
      // proportional to the target, capped at full marks; negative values earn nothing
      const share = Math.min(Math.max(value, 0) / rule.target, 1);
      const points = round2(maxPoints * share);
      return share >= 1
        ? {
            points,
            text: `实际 ${fmt(value)}，达到目标 ${fmt(rule.target)}，得满分 ${fmt(points)} 分`,
            textEn: `Actual ${fmt(value)} reaches the target ${fmt(rule.target)}: full ${fmt(points)} points`,
          }
        : {
            points,
            text: `实际 ${fmt(value)}，目标 ${fmt(rule.target)}，完成 ${fmt(share * 100)}%，得 ${fmt(points)} 分，失 ${fmt(maxPoints - points)} 分`,
            textEn: `Actual ${fmt(value)} of target ${fmt(rule.target)} (${fmt(share * 100)}%): ${fmt(points)} points, ${fmt(maxPoints - points)} lost`,
          };
    }
    case 'bands': {
      const sorted = [...rule.bands].sort((a, b) => b.min - a.min);
      const band = sorted.find((b) => value >= b.min);
      if (!band) {
        const lowest = sorted[sorted.length - 1]!;
        return {
          points: 0,
          text: `实际 ${fmt(value)}，低于最低档 ${fmt(lowest.min)}，记 0 分`,
          textEn: `Actual ${fmt(value)} is below the lowest band ${fmt(lowest.min)}: 0 points`,
        };
      }
      const points = round2(Math.min(band.points, maxPoints));
      return {
        points,
        text: `实际 ${fmt(value)}，落在“≥ ${fmt(band.min)}”档，得 ${fmt(points)} 分`,
        textEn: `Actual ${fmt(value)} falls in the "≥ ${fmt(band.min)}" band: ${fmt(points)} points`,
      };
    }
    case 'threshold': {
      const met = rule.direction === 'gte' ? value >= rule.threshold : value <= rule.threshold;
      const sign = rule.direction === 'gte' ? '≥' : '≤';
      return met
        ? {
            points: round2(maxPoints),
            text: `实际 ${fmt(value)}，达到标准（${sign} ${fmt(rule.threshold)}），得 ${fmt(maxPoints)} 分`,
            textEn: `Actual ${fmt(value)} meets ${sign} ${fmt(rule.threshold)}: ${fmt(maxPoints)} points`,
          }
        : {
            points: 0,
            text: `实际 ${fmt(value)}，未达标准（${sign} ${fmt(rule.threshold)}），记 0 分`,
            textEn: `Actual ${fmt(value)} misses ${sign} ${fmt(rule.threshold)}: 0 points`,
          };
    }
    case 'deduction': {
      const lost = Math.min(maxPoints, Math.max(0, value) * rule.perUnit);
      const points = round2(maxPoints - lost);
      return {
        points,
        text: `发生 ${fmt(value)} 次，每次扣 ${fmt(rule.perUnit)} 分，扣 ${fmt(lost)} 分，得 ${fmt(points)} 分`,
        textEn: `${fmt(value)} occurrences at ${fmt(rule.perUnit)} each: ${fmt(lost)} deducted, ${fmt(points)} points`,
      };
    }
    default:
      return { points: 0, text: '未知计分规则', textEn: 'Unknown rule' };
  }
}

/** Mean of the values that exist; null when none does (per-member-school averaging). */
export function meanOf(values: (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}
