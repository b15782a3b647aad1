import type { Db } from '../db/connection.js';

/** A count of rows in another module that name a record, worded for the in_use message. */
export interface ReferenceCount {
  count: number;
  /** e.g. `3 条考试成绩` */
  zh: string;
  /** e.g. `3 exam scores` */
  en: string;
}

/**
 * What a module offers in its manifest (`references`) so that the module owning a record can refuse
 * to delete it while rows elsewhere name it — rows without a foreign key (exam scores, for speed) are
 * otherwise left orphaned. The owner counts through the installed manifests, importing no module.
 */
export type ReferenceCounter = (db: Db, id: number) => Promise<ReferenceCount[]>;

export type ReferencedEntity = 'school';

/** Every installed module's counts of references to one record, only those above zero. */
export async function referencesTo(
  db: Db,
  modules: readonly { references?: Partial<Record<ReferencedEntity, ReferenceCounter>> }[],
  entity: ReferencedEntity,
  id: number,
): Promise<ReferenceCount[]> {
  const counters = modules.flatMap((m) => (m.references?.[entity] ? [m.references[entity]] : []));
  const counts = await Promise.all(counters.map((count) => count(db, id)));
  return counts.flat().filter((c) => c.count > 0);
}
