import { GRADE_NAMES_ZH, STUDENT_GRADES } from '../../../shared/grades.js';
import {
  COMMUNITY_MODEL_LABELS,
  COMMUNITY_TYPE_LABELS,
  GENDER_LABELS,
  LOCATION_CLASS_LABELS,
  QUALIFICATION_LABELS,
  QUALITY_TIER_LABELS,
  SCHOOL_LEVEL_LABELS,
  SUBJECT_LABELS,
  TEACHER_HONOUR_LABELS,
  TEACHER_POST_LABELS,
  TEACHER_STATUS_LABELS,
  TEACHER_TITLE_LABELS,
} from '../../../shared/enums.js';
import type { Lang } from '../../../shared/messages.js';
import type { Community, School, SchoolYearStats, Teacher } from '../../../shared/registry.schemas.js';
import { labelOf, labelsOf, type ExportColumn } from '../io/index.js';

const yesNo = (lang: Lang) => (v: boolean) => (lang === 'zh' ? (v ? '是' : '否') : v ? 'yes' : 'no');

/** Export layouts: the headers are the same words the import templates use, so an export re-imports. */
export function schoolExportColumns(lang: Lang): ExportColumn<School>[] {
  const yn = yesNo(lang);
  return [
    { zh: '学校代码', en: 'School code', value: (s) => s.code },
    { zh: '学校名称', en: 'School name', width: 28, value: (s) => s.name },
    { zh: '简称', en: 'Short name', value: (s) => s.shortName },
    { zh: '区县代码', en: 'County code', value: (s) => s.regionCode },
    { zh: '区县', en: 'County', value: (s) => s.regionName },
    { zh: '乡镇代码', en: 'Township code', value: (s) => s.townshipCode },
    { zh: '乡镇', en: 'Township', value: (s) => s.townshipName },
    { zh: '学段', en: 'Level', value: (s) => labelOf(SCHOOL_LEVEL_LABELS, lang)(s.level) },
    { zh: '城乡类别', en: 'Location', value: (s) => labelOf(LOCATION_CLASS_LABELS, lang)(s.locationClass) },
    { zh: '教学点', en: 'Teaching point', value: (s) => yn(s.isTeachingPoint) },
    { zh: '上级学校代码', en: 'Parent school code', value: (s) => s.parentSchoolCode ?? null },
    { zh: '办学水平', en: 'Quality tier', value: (s) => labelOf(QUALITY_TIER_LABELS, lang)(s.qualityTier) },
    { zh: '纬度', en: 'Latitude', value: (s) => s.latitude },
    { zh: '经度', en: 'Longitude', value: (s) => s.longitude },
    { zh: '地址', en: 'Address', width: 30, value: (s) => s.address },
    { zh: '校长', en: 'Principal', value: (s) => s.principalName },
    { zh: '联系电话', en: 'Phone', value: (s) => s.phone },
    { zh: '建校年份', en: 'Founded', value: (s) => s.foundedYear },
    { zh: '学生数', en: 'Students', value: (s) => s.students },
    { zh: '班级数', en: 'Classes', value: (s) => s.classes },
    { zh: '在岗教师数', en: 'Teachers', value: (s) => s.teacherCount },
    { zh: '录播教室', en: 'Recording classroom', value: (s) => yn(s.hasRecordingClassroom) },
    { zh: '同步课堂设备', en: 'Sync-class equipment', value: (s) => yn(s.hasSyncClassroom) },
    { zh: '所属教共体', en: 'Communities', width: 30, value: (s) => s.communities.map((c) => c.name).join('、') },
  ];
}

export function teacherExportColumns(lang: Lang): ExportColumn<Teacher>[] {
  const many = (labels: Record<string, { zh: string; en: string }>) => labelsOf(labels, lang);
  return [
    { zh: '教师编号', en: 'Teacher ID', value: (t) => t.teacherCode },
    { zh: '姓名', en: 'Name', value: (t) => t.name },
    { zh: '性别', en: 'Gender', value: (t) => labelOf(GENDER_LABELS, lang)(t.gender) },
    { zh: '出生年份', en: 'Birth year', value: (t) => t.birthYear },
    { zh: '学校代码', en: 'School code', value: (t) => t.schoolCode ?? null },
    { zh: '学校名称', en: 'School name', width: 28, value: (t) => t.schoolName },
    { zh: '任教学科', en: 'Subjects taught', value: (t) => many(SUBJECT_LABELS)(t.subjects) },
    { zh: '所学专业', en: 'Trained subject', value: (t) => labelOf(SUBJECT_LABELS, lang)(t.majorSubject) },
    { zh: '非专业任教', en: 'Non-specialist', value: (t) => yesNo(lang)(t.nonSpecialist) },
    { zh: '职称', en: 'Title', value: (t) => labelOf(TEACHER_TITLE_LABELS, lang)(t.title) },
    { zh: '荣誉', en: 'Honours', width: 24, value: (t) => many(TEACHER_HONOUR_LABELS)(t.honours) },
    { zh: '职务', en: 'Posts', value: (t) => many(TEACHER_POST_LABELS)(t.posts) },
    { zh: '最高学历', en: 'Qualification', value: (t) => labelOf(QUALIFICATION_LABELS, lang)(t.qualification) },
    { zh: '参加工作年份', en: 'Hire year', value: (t) => t.hireYear },
    { zh: '联系电话', en: 'Phone', value: (t) => t.phone },
    { zh: '状态', en: 'Status', value: (t) => labelOf(TEACHER_STATUS_LABELS, lang)(t.status) },
  ];
}

export function communityExportColumns(lang: Lang): ExportColumn<Community>[] {
  return [
    { zh: '编号', en: 'Code', value: (c) => c.code },
    { zh: '名称', en: 'Name', width: 30, value: (c) => c.name },
    { zh: '类型', en: 'Type', value: (c) => labelOf(COMMUNITY_TYPE_LABELS, lang)(c.type) },
    { zh: '模式', en: 'Model', value: (c) => labelOf(COMMUNITY_MODEL_LABELS, lang)(c.model) },
    { zh: '所属地区', en: 'Region', value: (c) => c.regionName },
    { zh: '跨区域', en: 'Cross-region', value: (c) => yesNo(lang)(c.isCrossRegion) },
    { zh: '结对地区', en: 'Partner region', value: (c) => c.partnerRegionName },
    { zh: '核心校', en: 'Core schools', width: 30, value: (c) => c.coreSchools.map((s) => s.name).join('、') },
    { zh: '成员校数', en: 'Members', value: (c) => c.memberCount },
    { zh: '成立日期', en: 'Founded', value: (c) => c.foundedOn },
    { zh: '撤销日期', en: 'Dissolved', value: (c) => c.dissolvedOn },
  ];
}

export function statsExportColumns(lang: Lang): ExportColumn<SchoolYearStats>[] {
  return [
    { zh: '学校代码', en: 'School code', value: (r) => r.schoolCode ?? null },
    { zh: '学校名称', en: 'School name', width: 28, value: (r) => r.schoolName },
    { zh: '学年', en: 'School year', value: (r) => `${r.schoolYear}-${r.schoolYear + 1}` },
    { zh: '学生数', en: 'Students', value: (r) => r.studentsTotal },
    { zh: '班级数', en: 'Classes', value: (r) => r.classesTotal },
    { zh: '教师数', en: 'Teachers', value: (r) => r.teachersTotal },
    ...STUDENT_GRADES.map((g): ExportColumn<SchoolYearStats> => ({
      zh: `${GRADE_NAMES_ZH[g]}年级学生数`,
      en: `Grade ${g} pupils`,
      value: (r) => r.studentsByGrade[g] ?? null,
    })),
    {
      zh: '56人以上班级',
      en: 'Classes of 56+',
      value: (r) => (r.classesBySizeBand.b56_65 ?? 0) + (r.classesBySizeBand.ge66 ?? 0),
    },
    {
      zh: '高于规定学历教师数',
      en: 'Teachers above required qualification',
      value: (r) => r.teachersAboveQualification,
    },
    { zh: '县级以上骨干教师数', en: 'Backbone teachers (county+)', value: (r) => r.backboneTeachers },
    { zh: '体育艺术教师数', en: 'PE and art teachers', value: (r) => r.peArtTeachers },
    { zh: '校舍建筑面积', en: 'Building area (m²)', value: (r) => r.buildingArea },
    { zh: '教学及辅助用房面积', en: 'Teaching and auxiliary area (m²)', value: (r) => r.teachingAuxArea },
    { zh: '运动场地面积', en: 'Sports ground (m²)', value: (r) => r.sportsGroundArea },
    { zh: '教学仪器设备值（元）', en: 'Equipment value (yuan)', value: (r) => r.equipmentValue },
    { zh: '网络多媒体教室', en: 'Networked multimedia classrooms', value: (r) => r.multimediaClassrooms },
    { zh: '录播教室', en: 'Recording classrooms', value: (r) => r.recordingClassrooms },
    { zh: '标准化学校', en: 'Standardised', value: (r) => yesNo(lang)(r.isStandardized) },
  ];
}
