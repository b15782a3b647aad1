import type { Db } from '../../db/connection.js';
import type { Caller } from '../../http/actor.js';
import { ForbiddenError } from '../../http/errors.js';
import type { Settings, SettingsInput } from '../../../shared/exchange.schemas.js';
import { recordAudit } from '../audit/index.js';
import { exchangePolicy } from './exchange.policy.js';
import { regionChain, settingsRows } from './exchange.repo.js';
import { unknownReference } from './exchange.errors.js';

/** What applies where no bureau has configured anything: an 8-hour day, 07:30–17:30, one observation a month. */
export const DEFAULT_SETTINGS: Omit<Settings, 'regionCode' | 'appliesFrom'> = {
  dayHours: 8,
  schoolDayStart: '07:30',
  schoolDayEnd: '17:30',
  observationsPerMonth: 1,
  structureFloor: 0.15,
  promotionMonths: 12,
};

/** The settings of the nearest configured region up the hierarchy (county, city, province), else the defaults. */
export async function settingsFor(db: Db, regionCode: string): Promise<Settings> {
  const rows = await settingsRows(db, regionCode);
  for (const code of regionChain(regionCode)) {
    const r = rows.find((x) => x.region_code === code);
    if (r) {
      return {
        regionCode,
        appliesFrom: r.region_code,
        dayHours: r.day_hours,
        schoolDayStart: r.school_day_start,
        schoolDayEnd: r.school_day_end,
        observationsPerMonth: r.observations_per_month,
        structureFloor: r.structure_floor,
        promotionMonths: r.promotion_months,
      };
    }
  }
  return { regionCode, appliesFrom: null, ...DEFAULT_SETTINGS };
}

export async function saveSettings(
  db: Db,
  caller: Caller,
  regionCode: string,
  input: SettingsInput,
): Promise<Settings> {
  if (!exchangePolicy.configure(caller.actor, regionCode)) throw new ForbiddenError();
  const region = await db.selectFrom('regions').select('code').where('code', '=', regionCode).executeTakeFirst();
  if (!region)
    throw unknownReference('params.regionCode', `行政区划 ${regionCode} 不存在`, `Region ${regionCode} does not exist`);
  const values = {
    day_hours: input.dayHours,
    school_day_start: input.schoolDayStart,
    school_day_end: input.schoolDayEnd,
    observations_per_month: input.observationsPerMonth,
    structure_floor: input.structureFloor,
    promotion_months: input.promotionMonths,
    updated_at: new Date().toISOString(),
  };
  await db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('exchange_settings')
      .selectAll()
      .where('region_code', '=', regionCode)
      .executeTakeFirst();
    await tx
      .insertInto('exchange_settings')
      .values({ region_code: regionCode, ...values })
      .onConflict((oc) => oc.column('region_code').doUpdateSet(values))
      .execute();
    await recordAudit(tx, caller, {
      action: before ? 'update' : 'create',
      entity: 'exchange_settings',
      entityId: regionCode,
      before,
      after: values,
    });
  });
  return settingsFor(db, regionCode);
}
