import { sql } from 'kysely';
import { LOCATION_CLASS_LABELS, QUALITY_TIER_LABELS, SCHOOL_LEVEL_LABELS } from '../../../shared/enums.js';
import { schoolInput, type SchoolInput } from '../../../shared/registry.schemas.js';
import { code, decimal, integer, oneOf, text, yearOf, yesNo } from '../io/index.js';
import { keepStored, validateWith, type ImportKindDef } from '../io/index.js';
import { registryPolicy } from './registry.policy.js';
import type { Actor } from '../../http/actor.js';

interface SchoolsCtx {
  actor: Actor;
  counties: Set<string>;
  townships: Map<string, string>; // township → county
  schoolIdByCode: Map<string, { id: number; region_code: string }>;
}
type SchoolImportInput = SchoolInput & { parentSchoolCode?: string | null };

/** Database columns each import column fills: an update leaves the others as stored. */
const SCHOOL_COLUMNS: Record<string, string[]> = {
  name: ['name'],
  shortName: ['short_name'],
  regionCode: ['region_code'],
  townshipCode: ['township_code'],
  level: ['level'],
  locationClass: ['location_class'],
  isTeachingPoint: ['is_teaching_point'],
  parentSchoolCode: ['parent_school_id'],
  qualityTier: ['quality_tier'],
  latitude: ['latitude'],
  longitude: ['longitude'],
  address: ['address'],
  principalName: ['principal_name'],
  phone: ['phone'],
  foundedYear: ['founded_year'],
  students: ['students'],
  classes: ['classes'],
  hasRecordingClassroom: ['has_recording_classroom'],
  hasSyncClassroom: ['has_sync_classroom'],
};

export const schoolsImport: ImportKindDef<SchoolImportInput, SchoolsCtx> = {
  kind: 'schools',
  entity: 'school',
  sheetName: { zh: '学校', en: 'Schools' },
  columns: [
    {
      key: 'code',
      zh: '学校代码',
      en: 'School code',
      required: true,
      parse: code,
      aliases: ['学校标识码', '学校编码'],
      example: '3304810001',
      note: '学校标识码；重复导入同一代码即更新',
    },
    {
      key: 'name',
      zh: '学校名称',
      en: 'School name',
      required: true,
      parse: text,
      aliases: ['学校全称', '单位名称'],
      example: '海宁市示范小学',
    },
    { key: 'shortName', zh: '简称', en: 'Short name', parse: text, example: '示范小学' },
    {
      key: 'regionCode',
      zh: '区县代码',
      en: 'County code',
      required: true,
      parse: code,
      aliases: ['行政区划代码', '区县编码'],
      example: '330481',
    },
    {
      key: 'townshipCode',
      zh: '乡镇代码',
      en: 'Township code',
      parse: code,
      aliases: ['乡镇街道代码'],
      example: '330481001',
    },
    {
      key: 'level',
      zh: '学段',
      en: 'Level',
      required: true,
      parse: oneOf(SCHOOL_LEVEL_LABELS, { 九年制: 'nine_year', 九年一贯: 'nine_year' }),
      example: '小学',
    },
    {
      key: 'locationClass',
      zh: '城乡类别',
      en: 'Location',
      required: true,
      parse: oneOf(LOCATION_CLASS_LABELS, { 城市: 'urban', 城镇: 'town', 镇: 'town', 农村: 'rural', 乡: 'rural' }),
      example: '城区',
    },
    { key: 'isTeachingPoint', zh: '教学点', en: 'Teaching point', parse: yesNo, example: '否' },
    {
      key: 'parentSchoolCode',
      zh: '上级学校代码',
      en: 'Parent school code',
      parse: code,
      aliases: ['所属中心校代码', '中心校代码'],
      example: null,
      note: '教学点所属中心校',
    },
    {
      key: 'qualityTier',
      zh: '办学水平',
      en: 'Quality tier',
      parse: oneOf(QUALITY_TIER_LABELS, { 优质校: 'strong', 薄弱校: 'weak', 潜力校: 'potential' }),
      example: '优质',
    },
    { key: 'latitude', zh: '纬度', en: 'Latitude', parse: decimal, example: 30.51 },
    { key: 'longitude', zh: '经度', en: 'Longitude', parse: decimal, example: 120.68 },
    { key: 'address', zh: '地址', en: 'Address', parse: text, example: '浙江省海宁市海洲街道' },
    { key: 'principalName', zh: '校长', en: 'Principal', parse: text, example: '李明' },
    { key: 'phone', zh: '联系电话', en: 'Phone', parse: code, aliases: ['电话'], example: '0573-87000000' },
    {
      key: 'foundedYear',
      zh: '建校年份',
      en: 'Founded',
      parse: yearOf,
      aliases: ['建校时间', '建校日期'],
      example: 1956,
    },
    { key: 'students', zh: '学生数', en: 'Students', parse: integer, example: 1200 },
    { key: 'classes', zh: '班级数', en: 'Classes', parse: integer, example: 28 },
    { key: 'hasRecordingClassroom', zh: '录播教室', en: 'Recording classroom', parse: yesNo, example: '是' },
    { key: 'hasSyncClassroom', zh: '同步课堂设备', en: 'Sync-class equipment', parse: yesNo, example: '是' },
  ],
  async prepare(db, actor) {
    const [regions, schools] = await Promise.all([
      db.selectFrom('regions').select(['code', 'level', 'parent_code']).where('level', 'in', [3, 4]).execute(),
      db.selectFrom('schools').select(['id', 'code', 'region_code']).execute(),
    ]);
    return {
      actor,
      counties: new Set(regions.filter((r) => r.level === 3).map((r) => r.code)),
      townships: new Map(regions.filter((r) => r.level === 4).map((r) => [r.code, r.parent_code ?? ''])),
      schoolIdByCode: new Map(schools.map((s) => [s.code, { id: s.id, region_code: s.region_code }])),
    };
  },
  toInput(v, ctx) {
    const issues: { key: string; zh: string; en: string }[] = [];
    const region = typeof v.regionCode === 'string' ? v.regionCode : null;
    if (region && !ctx.counties.has(region))
      issues.push({ key: 'regionCode', zh: `区县代码“${region}”不存在`, en: `Unknown county code ${region}` });
    else if (region && !registryPolicy.createSchool(ctx.actor, region))
      issues.push({
        key: 'regionCode',
        zh: `区县“${region}”不在您的管理范围内`,
        en: `County ${region} is outside your scope`,
      });
    if (typeof v.townshipCode === 'string' && ctx.townships.get(v.townshipCode) !== region) {
      issues.push({
        key: 'townshipCode',
        zh: `乡镇代码“${v.townshipCode}”不存在或不属于该区县`,
        en: `Township ${v.townshipCode} is not in that county`,
      });
    }
    const existing = typeof v.code === 'string' ? ctx.schoolIdByCode.get(v.code) : undefined;
    if (existing && !registryPolicy.createSchool(ctx.actor, existing.region_code)) {
      issues.push({
        key: 'code',
        zh: `学校代码“${String(v.code)}”已属于您管理范围外的学校`,
        en: `School ${String(v.code)} belongs to another region`,
      });
    }
    let parentSchoolId: number | null = null;
    if (typeof v.parentSchoolCode === 'string') {
      const parent = ctx.schoolIdByCode.get(v.parentSchoolCode);
      if (!parent)
        issues.push({
          key: 'parentSchoolCode',
          zh: `上级学校代码“${v.parentSchoolCode}”不存在（请先导入中心校）`,
          en: `Unknown parent school ${v.parentSchoolCode} (import it first)`,
        });
      else parentSchoolId = parent.id;
    }
    const r = validateWith(schoolInput, {
      code: v.code ?? undefined,
      name: v.name ?? undefined,
      shortName: v.shortName,
      regionCode: v.regionCode ?? undefined,
      townshipCode: v.townshipCode,
      level: v.level ?? undefined,
      locationClass: v.locationClass ?? undefined,
      isTeachingPoint: v.isTeachingPoint ?? false,
      parentSchoolId,
      qualityTier: v.qualityTier,
      latitude: v.latitude,
      longitude: v.longitude,
      address: v.address,
      principalName: v.principalName,
      phone: v.phone,
      foundedYear: v.foundedYear,
      students: v.students,
      classes: v.classes,
      hasRecordingClassroom: v.hasRecordingClassroom ?? false,
      hasSyncClassroom: v.hasSyncClassroom ?? false,
    });
    const all = [...issues, ...r.issues.filter((i) => !issues.some((x) => x.key === i.key))];
    return { input: all.length ? undefined : r.input, issues: all };
  },
  uniqueKey: (s) => s.code,
  async write(db, batch, _ctx, opts) {
    if (batch.length === 0) return { created: 0, updated: 0 };
    const stored = await db
      .selectFrom('schools')
      .selectAll()
      .where(
        'code',
        'in',
        batch.map((b) => b.input.code),
      )
      .execute();
    const values = keepStored(
      batch.map(({ input: s, blanks }) => ({
        row: {
          code: s.code,
          name: s.name,
          short_name: s.shortName ?? null,
          region_code: s.regionCode,
          township_code: s.townshipCode ?? null,
          level: s.level,
          location_class: s.locationClass,
          is_teaching_point: s.isTeachingPoint,
          parent_school_id: s.parentSchoolId ?? null,
          quality_tier: s.qualityTier ?? null,
          latitude: s.latitude ?? null,
          longitude: s.longitude ?? null,
          address: s.address ?? null,
          principal_name: s.principalName ?? null,
          phone: s.phone ?? null,
          founded_year: s.foundedYear ?? null,
          students: s.students ?? null,
          classes: s.classes ?? null,
          has_recording_classroom: s.hasRecordingClassroom,
          has_sync_classroom: s.hasSyncClassroom,
        } as Record<string, unknown>,
        blanks,
      })),
      new Map(stored.map((r) => [r.code, r as unknown as Record<string, unknown>])),
      (r) => String(r.code),
      SCHOOL_COLUMNS,
      opts,
    );
    const rows = await db
      .insertInto('schools')
      .values(values as never)
      .onConflict((oc) =>
        oc.column('code').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          short_name: eb.ref('excluded.short_name'),
          region_code: eb.ref('excluded.region_code'),
          township_code: eb.ref('excluded.township_code'),
          level: eb.ref('excluded.level'),
          location_class: eb.ref('excluded.location_class'),
          is_teaching_point: eb.ref('excluded.is_teaching_point'),
          parent_school_id: eb.ref('excluded.parent_school_id'),
          quality_tier: eb.ref('excluded.quality_tier'),
          latitude: eb.ref('excluded.latitude'),
          longitude: eb.ref('excluded.longitude'),
          address: eb.ref('excluded.address'),
          principal_name: eb.ref('excluded.principal_name'),
          phone: eb.ref('excluded.phone'),
          founded_year: eb.ref('excluded.founded_year'),
          students: eb.ref('excluded.students'),
          classes: eb.ref('excluded.classes'),
          has_recording_classroom: eb.ref('excluded.has_recording_classroom'),
          has_sync_classroom: eb.ref('excluded.has_sync_classroom'),
          updated_at: sql<string>`now()`,
        })),
      )
      .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
      .execute();
    const created = rows.filter((r) => r.inserted).length;
    return { created, updated: rows.length - created };
  },
};
