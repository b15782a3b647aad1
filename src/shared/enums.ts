/**
 * Domain vocabularies shared by server and web. Codes are English identifiers; the Chinese label is
 * what users see (DOMAIN.md, "Vocabulary for code").
 */
export const SCHOOL_LEVELS = [
  'primary',
  'junior',
  'nine_year',
  'twelve_year',
  'complete_secondary',
  'kindergarten',
] as const;
export type SchoolLevel = (typeof SCHOOL_LEVELS)[number];
export const SCHOOL_LEVEL_LABELS: Record<SchoolLevel, { zh: string; en: string }> = {
  primary: { zh: '小学', en: 'Primary' },
  junior: { zh: '初中', en: 'Junior secondary' },
  nine_year: { zh: '九年一贯制', en: 'Nine-year' },
  twelve_year: { zh: '十二年一贯制', en: 'Twelve-year' },
  complete_secondary: { zh: '完全中学', en: 'Complete secondary' },
  kindergarten: { zh: '幼儿园', en: 'Kindergarten' },
};

export const LOCATION_CLASSES = ['urban', 'town', 'rural'] as const;
export type LocationClass = (typeof LOCATION_CLASSES)[number];
export const LOCATION_CLASS_LABELS: Record<LocationClass, { zh: string; en: string }> = {
  urban: { zh: '城区', en: 'Urban' },
  town: { zh: '镇区', en: 'Town' },
  rural: { zh: '乡村', en: 'Rural' },
};

export const QUALITY_TIERS = ['strong', 'potential', 'weak'] as const;
export type QualityTier = (typeof QUALITY_TIERS)[number];
export const QUALITY_TIER_LABELS: Record<QualityTier, { zh: string; en: string }> = {
  strong: { zh: '优质', en: 'Strong' },
  potential: { zh: '潜力', en: 'Potential' },
  weak: { zh: '薄弱', en: 'Weak' },
};

export const GENDERS = ['M', 'F'] as const;
export type Gender = (typeof GENDERS)[number];
export const GENDER_LABELS: Record<Gender, { zh: string; en: string }> = {
  M: { zh: '男', en: 'Male' },
  F: { zh: '女', en: 'Female' },
};

/** 职称 professional title. */
export const TEACHER_TITLES = ['none', 'third', 'second', 'first', 'senior', 'professor'] as const;
export type TeacherTitle = (typeof TEACHER_TITLES)[number];
export const TEACHER_TITLE_LABELS: Record<TeacherTitle, { zh: string; en: string }> = {
  none: { zh: '未定级', en: 'Unranked' },
  third: { zh: '三级教师', en: 'Third grade' },
  second: { zh: '二级教师', en: 'Second grade' },
  first: { zh: '一级教师', en: 'First grade' },
  senior: { zh: '高级教师', en: 'Senior' },
  professor: { zh: '正高级教师', en: 'Professor-level' },
};

/** 荣誉 honours, with the level that national and provincial indicators count. */
export const TEACHER_HONOURS = [
  'special_grade',
  'famous_provincial',
  'famous_city',
  'leader_city',
  'leader_county',
  'backbone_city',
  'backbone_county',
  'rising_star',
] as const;
export type TeacherHonour = (typeof TEACHER_HONOURS)[number];
export const TEACHER_HONOUR_LABELS: Record<TeacherHonour, { zh: string; en: string }> = {
  special_grade: { zh: '特级教师', en: 'Special-grade teacher' },
  famous_provincial: { zh: '省名师', en: 'Provincial master teacher' },
  famous_city: { zh: '市名师', en: 'City master teacher' },
  leader_city: { zh: '市学科带头人', en: 'City subject leader' },
  leader_county: { zh: '县学科带头人', en: 'County subject leader' },
  backbone_city: { zh: '市骨干教师', en: 'City backbone teacher' },
  backbone_county: { zh: '县骨干教师', en: 'County backbone teacher' },
  rising_star: { zh: '教坛新秀', en: 'Rising star' },
};
/** Honours that count as 名师 (master teachers) in community structure ratios. */
export const MASTER_HONOURS: readonly TeacherHonour[] = [
  'special_grade',
  'famous_provincial',
  'famous_city',
  'leader_city',
  'leader_county',
];
/** Honours that count as county-level-or-above backbone teachers (national balance indicator). */
export const BACKBONE_HONOURS: readonly TeacherHonour[] = TEACHER_HONOURS.filter((h) => h !== 'rising_star');

export const TEACHER_POSTS = [
  'principal',
  'vice_principal',
  'party_secretary',
  'middle_manager',
  'head_teacher',
  'teacher',
] as const;
export type TeacherPost = (typeof TEACHER_POSTS)[number];
export const TEACHER_POST_LABELS: Record<TeacherPost, { zh: string; en: string }> = {
  principal: { zh: '校长', en: 'Principal' },
  vice_principal: { zh: '副校长', en: 'Vice-principal' },
  party_secretary: { zh: '党组织书记', en: 'Party secretary' },
  middle_manager: { zh: '中层干部', en: 'Middle manager' },
  head_teacher: { zh: '班主任', en: 'Head teacher' },
  teacher: { zh: '任课教师', en: 'Teacher' },
};

/** 最高学历 highest qualification. */
export const QUALIFICATIONS = [
  'below_secondary',
  'secondary',
  'junior_college',
  'bachelor',
  'master',
  'doctor',
] as const;
export type Qualification = (typeof QUALIFICATIONS)[number];
export const QUALIFICATION_LABELS: Record<Qualification, { zh: string; en: string }> = {
  below_secondary: { zh: '高中以下', en: 'Below upper secondary' },
  secondary: { zh: '中专/高中', en: 'Upper secondary' },
  junior_college: { zh: '专科', en: 'Junior college' },
  bachelor: { zh: '本科', en: "Bachelor's" },
  master: { zh: '硕士研究生', en: "Master's" },
  doctor: { zh: '博士研究生', en: 'Doctorate' },
};

export const SUBJECTS = [
  'chinese',
  'math',
  'english',
  'physics',
  'chemistry',
  'biology',
  'history',
  'geography',
  'politics',
  'science',
  'music',
  'art',
  'pe',
  'it',
  'labour',
  'mental_health',
  'calligraphy',
  'other',
] as const;
export type Subject = (typeof SUBJECTS)[number];
export const SUBJECT_LABELS: Record<Subject, { zh: string; en: string }> = {
  chinese: { zh: '语文', en: 'Chinese' },
  math: { zh: '数学', en: 'Mathematics' },
  english: { zh: '英语', en: 'English' },
  physics: { zh: '物理', en: 'Physics' },
  chemistry: { zh: '化学', en: 'Chemistry' },
  biology: { zh: '生物', en: 'Biology' },
  history: { zh: '历史', en: 'History' },
  geography: { zh: '地理', en: 'Geography' },
  politics: { zh: '道德与法治', en: 'Morality and law' },
  science: { zh: '科学', en: 'Science' },
  music: { zh: '音乐', en: 'Music' },
  art: { zh: '美术', en: 'Fine art' },
  pe: { zh: '体育与健康', en: 'PE' },
  it: { zh: '信息科技', en: 'IT' },
  labour: { zh: '劳动', en: 'Labour' },
  mental_health: { zh: '心理健康', en: 'Mental health' },
  calligraphy: { zh: '书法', en: 'Calligraphy' },
  other: { zh: '其他', en: 'Other' },
};
/** PE and art teachers (national balance indicator). */
export const PE_ART_SUBJECTS: readonly Subject[] = ['pe', 'music', 'art'];

export const TEACHER_STATUSES = ['active', 'retired', 'left'] as const;
export type TeacherStatus = (typeof TEACHER_STATUSES)[number];
export const TEACHER_STATUS_LABELS: Record<TeacherStatus, { zh: string; en: string }> = {
  active: { zh: '在岗', en: 'Active' },
  retired: { zh: '退休', en: 'Retired' },
  left: { zh: '调离', en: 'Left' },
};

export const COMMUNITY_TYPES = ['fused', 'cobuilt', 'cooperative'] as const;
export type CommunityType = (typeof COMMUNITY_TYPES)[number];
export const COMMUNITY_TYPE_LABELS: Record<CommunityType, { zh: string; en: string }> = {
  fused: { zh: '融合型', en: 'Fused' },
  cobuilt: { zh: '共建型', en: 'Co-built' },
  cooperative: { zh: '协作型', en: 'Cooperative' },
};

export const COMMUNITY_MODELS = ['one_plus_x', 'one_plus_one_plus_x', 'tree_circle', 'other'] as const;
export type CommunityModel = (typeof COMMUNITY_MODELS)[number];
export const COMMUNITY_MODEL_LABELS: Record<CommunityModel, { zh: string; en: string }> = {
  one_plus_x: { zh: '1+X', en: '1+X' },
  one_plus_one_plus_x: { zh: '1+1+X', en: '1+1+X' },
  tree_circle: { zh: '树状+圈层', en: 'Tree + circle' },
  other: { zh: '其他', en: 'Other' },
};

export const MEMBERSHIP_ROLES = ['core', 'member'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];
export const MEMBERSHIP_ROLE_LABELS: Record<MembershipRole, { zh: string; en: string }> = {
  core: { zh: '核心校', en: 'Core school' },
  member: { zh: '成员校', en: 'Member school' },
};

export const LEADERSHIP_ROLES = ['leader', 'deputy', 'member'] as const;
export type LeadershipRole = (typeof LEADERSHIP_ROLES)[number];
export const LEADERSHIP_ROLE_LABELS: Record<LeadershipRole, { zh: string; en: string }> = {
  leader: { zh: '组长', en: 'Leader' },
  deputy: { zh: '副组长', en: 'Deputy leader' },
  member: { zh: '成员', en: 'Member' },
};

export const ROLES = ['bureau_admin', 'assessor', 'community_lead', 'school_admin', 'teacher', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  bureau_admin: { zh: '教育局管理员', en: 'Bureau administrator' },
  assessor: { zh: '督导/考核员', en: 'Assessor' },
  community_lead: { zh: '教共体负责人', en: 'Community lead' },
  school_admin: { zh: '学校管理员', en: 'School administrator' },
  teacher: { zh: '教师', en: 'Teacher' },
  viewer: { zh: '只读用户', en: 'Viewer' },
};

export const SCOPE_KINDS = ['region', 'community', 'school'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export const REGION_LEVELS = { province: 1, city: 2, county: 3, township: 4 } as const;

/** Class-size bands of the annual statistics (national norm: ≤45 primary, 56+ 大班额, 66+ 超大班额). */
export const CLASS_SIZE_BANDS = ['le45', 'b46_55', 'b56_65', 'ge66'] as const;
export type ClassSizeBand = (typeof CLASS_SIZE_BANDS)[number];
export const CLASS_SIZE_BAND_LABELS: Record<ClassSizeBand, { zh: string; en: string }> = {
  le45: { zh: '45人及以下', en: '≤ 45' },
  b46_55: { zh: '46-55人', en: '46–55' },
  b56_65: { zh: '56-65人（大班额）', en: '56–65 (large)' },
  ge66: { zh: '66人及以上（超大班额）', en: '66+ (very large)' },
};

export type Labelled = { zh: string; en: string };
