import type { PublicPage } from '../../../shared/assessment.schemas.js';
import type { Db } from '../../db/connection.js';
import type { Caller } from '../../http/actor.js';
import { ForbiddenError, ruleViolation } from '../../http/errors.js';
import { recordAudit } from '../audit/index.js';
import { notFound } from './assessment.errors.js';
import { assessmentPolicy } from './assessment.policy.js';
import { regionBalance } from './balance.service.js';
import { publicPagePath, publicView, publishRefusal, type PublicView } from './public.rules.js';
import { publishedResults } from './results.service.js';

/**
 * The public results page of a region and school year: a bureau publishes and withdraws it; anyone
 * reads it without signing in while it is published. Its figures are read live from the results and
 * balance read models (publishedResults, regionBalance), so they are always what the API answers.
 */

interface Row {
  published_at: unknown;
  withdrawn_at: unknown;
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

function toPage(regionCode: string, year: number, row: Row | undefined, publicUrl: string | undefined): PublicPage {
  return {
    regionCode,
    year,
    published: !!row && row.withdrawn_at == null,
    publishedAt: iso(row?.published_at),
    withdrawnAt: iso(row?.withdrawn_at),
    url: `${publicUrl ?? ''}${publicPagePath(regionCode, year)}`,
  };
}

const findRow = (db: Db, regionCode: string, year: number) =>
  db
    .selectFrom('assessment_public_pages')
    .selectAll()
    .where('region_code', '=', regionCode)
    .where('year', '=', year)
    .executeTakeFirst();

/** The page's state (never published: `published` false); every signed-in user may read it. */
export async function publicPageState(
  db: Db,
  regionCode: string,
  year: number,
  publicUrl: string | undefined,
): Promise<PublicPage> {
  return toPage(regionCode, year, await findRow(db, regionCode, year), publicUrl);
}

/** Publishes (or re-publishes, with a new date) the page; refused while the year has no published result. */
export async function publishPublicPage(
  db: Db,
  caller: Caller,
  regionCode: string,
  year: number,
  publicUrl: string | undefined,
): Promise<PublicPage> {
  if (!assessmentPolicy.managePublicPage(caller.actor, regionCode)) throw new ForbiddenError();
  const refusal = publishRefusal(await publishedResults(db, regionCode, year));
  if (refusal) throw ruleViolation(409, refusal.zh, refusal.en);
  const region = await db.selectFrom('regions').select('code').where('code', '=', regionCode).executeTakeFirst();
  if (!region) throw notFound('region', regionCode);
  const row = await db.transaction().execute(async (tx) => {
    const before = await findRow(tx, regionCode, year);
    const values = {
      published_at: new Date().toISOString(),
      published_by: caller.actor.userId,
      withdrawn_at: null,
      withdrawn_by: null,
    };
    const after = await tx
      .insertInto('assessment_public_pages')
      .values({ region_code: regionCode, year, ...values })
      .onConflict((oc) => oc.columns(['region_code', 'year']).doUpdateSet(values))
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, caller, {
      action: 'publish',
      entity: 'assessment_public_page',
      entityId: `${regionCode}:${year}`,
      before,
      after,
      scope: { regionCode },
    });
    return after;
  });
  return toPage(regionCode, year, row, publicUrl);
}

/** Withdraws a published page: its address answers 404 until it is published again. */
export async function withdrawPublicPage(
  db: Db,
  caller: Caller,
  regionCode: string,
  year: number,
  publicUrl: string | undefined,
): Promise<PublicPage> {
  if (!assessmentPolicy.managePublicPage(caller.actor, regionCode)) throw new ForbiddenError();
  const row = await db.transaction().execute(async (tx) => {
    const before = await findRow(tx, regionCode, year);
    if (!before || before.withdrawn_at != null) throw notFound('assessment_public_page', `${regionCode}/${year}`);
    const after = await tx
      .updateTable('assessment_public_pages')
      .set({ withdrawn_at: new Date().toISOString(), withdrawn_by: caller.actor.userId })
      .where('region_code', '=', regionCode)
      .where('year', '=', year)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, caller, {
      action: 'withdraw',
      entity: 'assessment_public_page',
      entityId: `${regionCode}:${year}`,
      before,
      after,
      scope: { regionCode },
    });
    return after;
  });
  return toPage(regionCode, year, row, publicUrl);
}

/** What the public page shows, or null when the page is not published (never, or withdrawn). */
export async function publicPageView(db: Db, regionCode: string, year: number): Promise<PublicView | null> {
  const row = await db
    .selectFrom('assessment_public_pages as p')
    .innerJoin('regions as g', 'g.code', 'p.region_code')
    .select(['p.published_at', 'g.name as region_name'])
    .where('p.region_code', '=', regionCode)
    .where('p.year', '=', year)
    .where('p.withdrawn_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  const [results, balance] = await Promise.all([
    publishedResults(db, regionCode, year),
    regionBalance(db, regionCode, year),
  ]);
  return publicView(
    { regionCode, year, regionName: row.region_name, publishedAt: iso(row.published_at)! },
    results,
    balance,
  );
}
