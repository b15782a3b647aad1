import type { GapFigure, GroupFigure } from '../../../shared/quality.schemas.js';

/**
 * Gap arithmetic. A group's figures come from SQL (count, mean, rates over its students); the gap
 * is reference − focal (urban − rural, core − member), so a positive gap means the rural or member
 * schools are behind and a falling gap means they are catching up.
 */
const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : round(a - b, 4));
export const round = (v: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};

export const EMPTY_GROUP: GroupFigure = { n: 0, mean: null, passRate: null, excellentRate: null, lowRate: null };

export function gapOf(reference: GroupFigure, focal: GroupFigure): GapFigure {
  return {
    reference,
    focal,
    meanGap: diff(reference.mean, focal.mean),
    passGap: diff(reference.passRate, focal.passRate),
    excellentGap: diff(reference.excellentRate, focal.excellentRate),
    lowGap: diff(reference.lowRate, focal.lowRate),
  };
}

/** later − earlier: negative means the gap narrowed (Enshi: mean gap −2.09, pass-rate gap −4.32 points). */
export function gapChange(earlier: GapFigure, later: GapFigure) {
  return {
    meanGap: diff(later.meanGap, earlier.meanGap),
    passGap: diff(later.passGap, earlier.passGap),
    excellentGap: diff(later.excellentGap, earlier.excellentGap),
    lowGap: diff(later.lowGap, earlier.lowGap),
  };
}
