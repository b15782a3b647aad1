/**
 * Master-teacher structure ratios (Shengzhou keeps every community ≥ 15% master/backbone teachers;
 * township schools went from 6% to 10%). SQL counts teachers; these turn counts into shares.
 */
export interface StructureCounts {
  total: number;
  master: number;
  backbone: number;
}

export interface StructureShares extends StructureCounts {
  masterShare: number | null;
  backboneShare: number | null;
}

/** Share rounded to 4 decimals (a percentage with two); null for a school without teachers. */
export function share(count: number, total: number): number | null {
  return total > 0 ? Math.round((count / total) * 10000) / 10000 : null;
}

export function shares(c: StructureCounts): StructureShares {
  return { ...c, masterShare: share(c.master, c.total), backboneShare: share(c.backbone, c.total) };
}

/** Below the bureau's floor for backbone teachers (master teachers are backbone teachers too). */
export function belowFloor(s: StructureShares, floor: number): boolean {
  return s.backboneShare !== null && s.backboneShare < floor;
}
