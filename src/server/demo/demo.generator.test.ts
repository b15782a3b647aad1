import { describe, expect, it } from 'vitest';
import { CLASS_SIZE_BANDS, QUALIFICATIONS, SUBJECTS } from '../../shared/enums.js';
import { DEMO_COUNTY, DEMO_PARTNER_COUNTY, STAT_YEARS, generateDemoCounty, type DemoData } from './demo.generator.js';
import { Random, apportion } from './demo.random.js';

const county = generateDemoCounty();
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/** Invariants every generated set keeps, whatever its size. */
function checkInvariants(d: DemoData) {
  const schools = new Map(d.schools.map((s) => [s.code, s]));
  expect(schools.size).toBe(d.schools.length);
  expect(new Set(d.teachers.map((t) => t.teacher_code)).size).toBe(d.teachers.length);
  expect(new Set(d.communities.map((c) => c.code)).size).toBe(d.communities.length);
  for (const t of d.teachers) expect(t.teacher_code).toMatch(/^[0-9A-Za-z-]{4,32}$/);
  for (const s of d.schools) expect(s.code).toMatch(/^[0-9A-Za-z]{4,20}$/);

  // each school exactly one principal, and it is the name on the school
  const principals = new Map<string, string[]>();
  for (const t of d.teachers)
    if (t.posts.includes('principal'))
      principals.set(t.school_code, [...(principals.get(t.school_code) ?? []), t.name]);
  for (const s of d.schools) {
    expect(principals.get(s.code), s.name).toHaveLength(1);
    expect(s.principal_name).toBe(principals.get(s.code)?.[0]);
  }

  // teaching points hang off a central school of the same county
  for (const s of d.schools.filter((x) => x.is_teaching_point)) {
    const parent = schools.get(s.parent_code ?? '');
    expect(parent, s.name).toBeDefined();
    expect(parent?.is_teaching_point).toBe(false);
    expect(parent?.region_code).toBe(s.region_code);
  }

  // communities: exactly one core, current members, all within the community's regions
  for (const c of d.communities) {
    const rows = d.memberships.filter((m) => m.community_code === c.code);
    const active = rows.filter((m) => m.end_date === null);
    expect(
      active.filter((m) => m.role === 'core'),
      c.name,
    ).toHaveLength(1);
    expect(active.filter((m) => m.role === 'member').length, c.name).toBeGreaterThanOrEqual(1);
    for (const m of rows) {
      const s = schools.get(m.school_code);
      expect(s, m.school_code).toBeDefined();
      expect([c.region_code, c.partner_region_code]).toContain(s?.region_code);
      if (m.end_date) expect(m.end_date > m.start_date).toBe(true);
    }
    if (c.is_cross_region) {
      expect(c.partner_region_code).not.toBeNull();
      expect(rows.some((m) => schools.get(m.school_code)?.region_code === c.partner_region_code)).toBe(true);
    } else expect(c.partner_region_code).toBeNull();
    const leaders = d.leadership.filter((l) => l.community_code === c.code);
    expect(
      leaders.filter((l) => l.role === 'leader'),
      c.name,
    ).toHaveLength(1);
    const core = active.find((m) => m.role === 'core');
    expect(leaders.find((l) => l.role === 'leader')?.school_code).toBe(core?.school_code);
  }
  // no school is in two communities at once
  const current = d.memberships.filter((m) => m.end_date === null).map((m) => m.school_code);
  expect(new Set(current).size).toBe(current.length);

  // statistics: three years a school, breakdowns add up
  expect(d.stats).toHaveLength(d.schools.length * STAT_YEARS.length);
  for (const y of d.stats) {
    expect(sum(y.students_by_grade)).toBe(y.students_total);
    expect(sum(y.classes_by_size_band)).toBe(y.classes_total);
    expect(Object.keys(y.classes_by_size_band).sort()).toEqual([...CLASS_SIZE_BANDS].sort());
    expect(sum(y.teachers_by_qualification)).toBe(y.teachers_total);
    expect(sum(y.teachers_by_subject)).toBe(y.teachers_total);
    for (const k of Object.keys(y.teachers_by_qualification)) expect(QUALIFICATIONS).toContain(k);
    for (const k of Object.keys(y.teachers_by_subject)) expect(SUBJECTS).toContain(k);
    for (const v of Object.values(y.teachers_by_honour)) expect(v).toBeLessThanOrEqual(y.teachers_total);
    expect(y.backbone_teachers).toBeLessThanOrEqual(y.teachers_total);
    expect(y.pe_art_teachers).toBeLessThanOrEqual(y.teachers_total);
    expect(y.teachers_above_qualification).toBeLessThanOrEqual(y.teachers_total);
    expect(y.classes_total).toBeGreaterThan(0);
  }
  // the current year agrees with the school and its teacher rows
  const teacherCount = new Map<string, number>();
  for (const t of d.teachers) teacherCount.set(t.school_code, (teacherCount.get(t.school_code) ?? 0) + 1);
  for (const y of d.stats.filter((x) => x.school_year === STAT_YEARS[STAT_YEARS.length - 1])) {
    const s = schools.get(y.school_code);
    expect(y.students_total).toBe(s?.students);
    expect(y.classes_total).toBe(s?.classes);
    expect(y.teachers_total).toBe(teacherCount.get(y.school_code));
  }
}

describe('Random', () => {
  it('is deterministic for a seed', () => {
    const a = new Random(42);
    const b = new Random(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(new Random(43).next()).not.toBe(xs[0]);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('apportions exactly', () => {
    expect(apportion(10, { a: 1, b: 1, c: 1 })).toEqual({ a: 4, b: 3, c: 3 });
    expect(sum(apportion(997, { a: 0.3, b: 2.7, c: 1.1, d: 0 }))).toBe(997);
    expect(apportion(5, { a: 0, b: 0 })).toEqual({ a: 5, b: 0 });
  });
});

describe('generateDemoCounty (default: 海宁市)', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateDemoCounty()).toEqual(county);
    const other = generateDemoCounty({ seed: 7 });
    expect(other.teachers.map((t) => t.name)).not.toEqual(county.teachers.map((t) => t.name));
  });

  it('has the sizes of a county', () => {
    expect(county.mode).toBe('county');
    const haining = county.schools.filter((s) => s.region_code === DEMO_COUNTY);
    expect(haining).toHaveLength(40);
    expect(county.schools.length).toBeGreaterThanOrEqual(42);
    expect(county.schools.length).toBeLessThanOrEqual(48);
    expect(county.teachers.length).toBeGreaterThanOrEqual(1200);
    expect(county.teachers.length).toBeLessThanOrEqual(1900);
    expect(county.communities.length).toBeGreaterThanOrEqual(12);
    expect(county.communities.length).toBeLessThanOrEqual(18);
  });

  it('uses the real townships and a realistic mix of schools', () => {
    const townships = new Set(county.counties.find((c) => c.code === DEMO_COUNTY)?.townships.map((t) => t.code));
    expect(townships.has('330481101')).toBe(true); // 许村镇
    for (const s of county.schools.filter((x) => x.region_code === DEMO_COUNTY)) {
      expect(townships.has(s.township_code ?? '')).toBe(true);
      expect(Math.abs(s.latitude - 30.51)).toBeLessThan(0.3);
      expect(Math.abs(s.longitude - 120.68)).toBeLessThan(0.3);
    }
    const levels = new Set(county.schools.map((s) => s.level));
    expect([...levels].sort()).toEqual(['junior', 'nine_year', 'primary']);
    expect(new Set(county.schools.map((s) => s.location_class))).toEqual(new Set(['urban', 'town', 'rural']));
    expect(county.schools.filter((s) => s.is_teaching_point).length).toBeGreaterThanOrEqual(2);
    expect(county.schools.some((s) => s.name === '许村镇中心小学')).toBe(true);
    expect(county.schools.some((s) => s.name.endsWith('村教学点'))).toBe(true);
    const urban = county.schools.filter((s) => s.location_class === 'urban');
    const rural = county.schools.filter((s) => s.location_class === 'rural');
    expect(urban.filter((s) => s.quality_tier === 'strong').length / urban.length).toBeGreaterThan(0.5);
    expect(rural.filter((s) => s.quality_tier === 'weak').length / rural.length).toBeGreaterThan(0.5);
  });

  it('builds one fused community, 1+X pairs and a 山海协作 pair with 云和县', () => {
    const fused = county.communities.filter((c) => c.type === 'fused');
    expect(fused).toHaveLength(1);
    const fusedMembers = county.memberships.filter((m) => m.community_code === fused[0]?.code && m.role === 'member');
    expect(fusedMembers.length).toBeGreaterThanOrEqual(2);
    expect(fusedMembers.length).toBeLessThanOrEqual(3);
    const cross = county.communities.filter((c) => c.is_cross_region);
    expect(cross).toHaveLength(1);
    expect(cross[0]?.partner_region_code).toBe(DEMO_PARTNER_COUNTY);
    const yunhe = county.memberships.filter(
      (m) => m.community_code === cross[0]?.code && m.school_code.startsWith(DEMO_PARTNER_COUNTY),
    );
    expect(yunhe.length).toBeGreaterThanOrEqual(1);
    expect(county.communities.filter((c) => c.type === 'cobuilt' && !c.is_cross_region).length).toBeGreaterThanOrEqual(
      10,
    );
    // cores are mostly strong urban schools
    const byCode = new Map(county.schools.map((s) => [s.code, s]));
    const cores = county.memberships.filter((m) => m.role === 'core').map((m) => byCode.get(m.school_code));
    expect(cores.filter((s) => s?.quality_tier === 'strong').length / cores.length).toBeGreaterThan(0.6);
    // most memberships start in 2021-09
    expect(
      county.memberships.filter((m) => m.start_date === '2021-09-01').length / county.memberships.length,
    ).toBeGreaterThan(0.7);
  });

  it('keeps a little history: a school left one community and joined another', () => {
    const ended = county.memberships.filter((m) => m.end_date !== null);
    expect(ended.length).toBeGreaterThanOrEqual(1);
    for (const e of ended) {
      const later = county.memberships.find(
        (m) =>
          m.school_code === e.school_code && m.community_code !== e.community_code && m.start_date > (e.end_date ?? ''),
      );
      expect(later).toBeDefined();
    }
    const groups = new Set(county.leadership.map((l) => l.work_group).filter(Boolean));
    expect(groups).toEqual(new Set(['教学管理组', '德育研究组']));
    expect(county.leadership.some((l) => l.role === 'deputy')).toBe(true);
  });

  it('shows the urban–rural differences the product measures', () => {
    const byCode = new Map(county.schools.map((s) => [s.code, s]));
    const of = (loc: string) => county.teachers.filter((t) => byCode.get(t.school_code)?.location_class === loc);
    const avgAge = (ts: typeof county.teachers) => ts.reduce((a, t) => a + (2025 - t.birth_year), 0) / ts.length;
    const share = (ts: typeof county.teachers, f: (t: (typeof ts)[number]) => boolean) =>
      ts.filter(f).length / ts.length;
    const urban = of('urban');
    const rural = of('rural');
    expect(avgAge(rural)).toBeGreaterThan(avgAge(urban) + 3);
    const honoured = (t: (typeof urban)[number]) => t.honours.length > 0;
    expect(share(urban, honoured)).toBeGreaterThan(0.08);
    expect(share(urban, honoured)).toBeLessThan(0.2);
    expect(share(rural, honoured)).toBeLessThan(share(urban, honoured));
    const nonSpecialist = (t: (typeof urban)[number]) => !t.subjects.includes(t.major_subject);
    expect(share(rural, nonSpecialist)).toBeGreaterThan(share(urban, nonSpecialist));
    expect(
      rural.some((t) => t.subjects.includes('english') && t.major_subject === 'chinese') || rural.some(nonSpecialist),
    ).toBe(true);
    // some village schools lose pupils, one sharply
    const first = STAT_YEARS[0];
    const last = STAT_YEARS[STAT_YEARS.length - 1];
    const ruralStats = county.stats.filter((y) => byCode.get(y.school_code)?.location_class === 'rural');
    const change = (code: string) => {
      const a = ruralStats.find((y) => y.school_code === code && y.school_year === first);
      const b = ruralStats.find((y) => y.school_code === code && y.school_year === last);
      return (b?.students_total ?? 0) / (a?.students_total ?? 1);
    };
    const codes = [...new Set(ruralStats.map((y) => y.school_code))];
    expect(codes.filter((c) => change(c) < 1).length / codes.length).toBeGreaterThan(0.7);
    expect(codes.some((c) => change(c) < 0.65)).toBe(true);
  });

  it('keeps every invariant', () => checkInvariants(county));
});

describe('generateDemoCounty (province-sized)', () => {
  it('spreads 1,000 schools over the counties of 浙江省', () => {
    const d = generateDemoCounty({ schools: 1000, seed: 3 });
    expect(d.mode).toBe('province');
    expect(d.schools).toHaveLength(1000);
    const counties = new Set(d.schools.map((s) => s.region_code));
    expect(counties.size).toBeGreaterThanOrEqual(15);
    for (const c of counties) expect(c.startsWith('33')).toBe(true);
    expect(d.teachers.length / d.schools.length).toBeGreaterThan(50);
    expect(d.teachers.length / d.schools.length).toBeLessThan(70);
    expect(d.communities.length).toBeGreaterThan(1000 / 2.7 - 40);
    expect(d.communities.length).toBeLessThan(1000 / 2.7 + 40);
    expect(d.communities.filter((c) => c.is_cross_region).length).toBeGreaterThanOrEqual(2);
    checkInvariants(d);
  });

  it('reaches ~300,000 teachers at 5,000 schools', () => {
    const d = generateDemoCounty({ schools: 5000 });
    expect(d.schools).toHaveLength(5000);
    expect(d.teachers.length).toBeGreaterThan(250_000);
    expect(d.teachers.length).toBeLessThan(350_000);
    expect(new Set(d.teachers.map((t) => t.teacher_code)).size).toBe(d.teachers.length);
    expect(d.communities.length).toBeGreaterThan(1700);
    expect(d.communities.length).toBeLessThan(2000);
  });
});
