import type { DimensionDef, IndicatorDef, SchemeDefinition } from '../../../shared/assessment.schemas';

/**
 * Pure helpers of the scheme builder: keys are generated (users name things, the code keeps
 * stable identifiers), and sums are shown as the user edits.
 */
export const emptyDefinition = (): SchemeDefinition => ({
  dimensions: [],
  bound: { enabled: false, weights: { urban: 1, town: 1.5, rural: 2 }, principalShare: 0.3 },
});

export function nextKey(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

export const allIndicatorKeys = (def: SchemeDefinition) =>
  def.dimensions.flatMap((d) => d.indicators.map((i) => i.key));

export function addDimension(def: SchemeDefinition, name: string, weight: number): SchemeDefinition {
  const dim: DimensionDef = {
    key: nextKey(
      'd',
      def.dimensions.map((d) => d.key),
    ),
    name,
    weight,
    indicators: [],
  };
  return { ...def, dimensions: [...def.dimensions, dim] };
}

export function updateDimension(def: SchemeDefinition, index: number, patch: Partial<DimensionDef>): SchemeDefinition {
  return { ...def, dimensions: def.dimensions.map((d, i) => (i === index ? { ...d, ...patch } : d)) };
}

export function removeDimension(def: SchemeDefinition, index: number): SchemeDefinition {
  return { ...def, dimensions: def.dimensions.filter((_, i) => i !== index) };
}

/** Puts an indicator into a dimension: replaces the one with the same key, or appends it. */
export function upsertIndicator(def: SchemeDefinition, dimIndex: number, ind: IndicatorDef): SchemeDefinition {
  return updateDimension(def, dimIndex, {
    indicators: def.dimensions[dimIndex]!.indicators.some((i) => i.key === ind.key)
      ? def.dimensions[dimIndex]!.indicators.map((i) => (i.key === ind.key ? ind : i))
      : [...def.dimensions[dimIndex]!.indicators, ind],
  });
}

export function removeIndicator(def: SchemeDefinition, dimIndex: number, key: string): SchemeDefinition {
  return updateDimension(def, dimIndex, {
    indicators: def.dimensions[dimIndex]!.indicators.filter((i) => i.key !== key),
  });
}

export const weightSum = (def: SchemeDefinition) => def.dimensions.reduce((s, d) => s + (d.weight || 0), 0);
export const scoredSum = (d: DimensionDef) =>
  d.indicators.filter((i) => i.kind === 'computed' || i.kind === 'manual').reduce((s, i) => s + (i.maxPoints || 0), 0);
