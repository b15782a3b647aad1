import { SUBJECT_LABELS } from '../../../shared/enums.js';
import {
  CULTURE_FORMAT_LABELS,
  DEMO_LESSON_TYPE_LABELS,
  EXCHANGE_FORMAT_LABELS,
  RESEARCH_FORMAT_LABELS,
  RUBRIC_CRITERIA,
  SYNC_MODE_LABELS,
  type ActivityKind,
} from '../../../shared/activities.schemas.js';
import type { Lang } from '../../../shared/messages.js';
import { labelOf } from '../io/index.js';
import { gradeName } from '../../../shared/grades.js';

/** Kind-specific archive columns, read from an activity's details. `teacher` resolves teacher ids to names. */
export interface DetailColumn {
  zh: string;
  en: string;
  value: (d: Record<string, unknown>, teacher: (id: unknown) => string) => string | number | null;
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => (typeof v === 'number' ? v : null);

export function detailColumns(kind: ActivityKind, lang: Lang): DetailColumn[] {
  const subject = (d: Record<string, unknown>) => labelOf(SUBJECT_LABELS, lang)(str(d.subject));
  const gradeCol: DetailColumn = {
    zh: '年级',
    en: 'Grade',
    value: (d) => (typeof d.grade === 'number' ? gradeName(d.grade, lang) : null),
  };
  const subjectCol: DetailColumn = { zh: '学科', en: 'Subject', value: subject };
  switch (kind) {
    case 'sync_class':
      return [
        { zh: '形式', en: 'Mode', value: (d) => labelOf(SYNC_MODE_LABELS, lang)(str(d.mode)) },
        { zh: '主讲教师', en: 'Host teacher', value: (d, t) => t(d.hostTeacherId) },
        { zh: '主讲班级', en: 'Host class', value: (d) => str(d.hostClass) },
        subjectCol,
        gradeCol,
        { zh: '时长（分钟）', en: 'Minutes', value: (d) => num(d.durationMinutes) },
        {
          zh: '接收班级',
          en: 'Receiving classes',
          value: (d) =>
            ((d.receiving as { className: string; attended?: number | null; expectedStudents: number }[]) ?? [])
              .map((r) =>
                r.attended === null || r.attended === undefined
                  ? lang === 'en'
                    ? `${r.className} not recorded (${r.expectedStudents} expected)`
                    : `${r.className} 未记录（应到 ${r.expectedStudents}）`
                  : `${r.className} ${r.attended}/${r.expectedStudents}`,
              )
              .join('；'),
        },
        { zh: '录像', en: 'Recording', value: (d) => str(d.recordingUrl) },
      ];
    case 'joint_prep':
      return [
        gradeCol,
        subjectCol,
        { zh: '单元', en: 'Unit', value: (d) => str(d.unit) },
        { zh: '主备教师', en: 'Lead teacher', value: (d, t) => t(d.leadTeacherId) },
      ];
    case 'research':
      return [
        { zh: '主题', en: 'Theme', value: (d) => str(d.theme) },
        { zh: '形式', en: 'Format', value: (d) => labelOf(RESEARCH_FORMAT_LABELS, lang)(str(d.format)) },
        subjectCol,
      ];
    case 'lecture':
      return [
        { zh: '主讲人', en: 'Speaker', value: (d) => str(d.speaker) },
        { zh: '题目', en: 'Topic', value: (d) => str(d.topic) },
        { zh: '对象', en: 'Audience', value: (d) => str(d.audience) },
      ];
    case 'demo_lesson':
      return [
        { zh: '类型', en: 'Type', value: (d) => labelOf(DEMO_LESSON_TYPE_LABELS, lang)(str(d.type)) },
        { zh: '执教教师', en: 'Teacher', value: (d, t) => t(d.teacherId) },
        subjectCol,
        gradeCol,
        { zh: '课题', en: 'Lesson', value: (d) => str(d.lessonTitle) },
      ];
    case 'observation':
      return [
        { zh: '听课人', en: 'Observer', value: (d, t) => t(d.observerTeacherId) },
        { zh: '授课人', en: 'Observed', value: (d, t) => t(d.observedTeacherId) },
        subjectCol,
        gradeCol,
        { zh: '课题', en: 'Lesson', value: (d) => str(d.lessonTitle) },
        {
          zh: '评分（满分25）',
          en: 'Score (of 25)',
          value: (d) =>
            RUBRIC_CRITERIA.reduce((s, c) => s + Number((d.rubric as Record<string, number> | undefined)?.[c] ?? 0), 0),
        },
        { zh: '评课意见', en: 'Feedback', value: (d) => str(d.feedback) },
      ];
    case 'shared_course':
      return [
        { zh: '课程', en: 'Course', value: (d) => str(d.courseName) },
        { zh: '课时', en: 'Class hours', value: (d) => num(d.classHours) },
        { zh: '受益学生', en: 'Students reached', value: (d) => num(d.studentsReached) },
      ];
    case 'student_exchange':
      return [
        { zh: '形式', en: 'Format', value: (d) => labelOf(EXCHANGE_FORMAT_LABELS, lang)(str(d.format)) },
        { zh: '结对数', en: 'Pairs', value: (d) => num(d.pairs) },
      ];
    case 'culture':
      return [
        { zh: '类别', en: 'Format', value: (d) => labelOf(CULTURE_FORMAT_LABELS, lang)(str(d.format)) },
        { zh: '主题', en: 'Theme', value: (d) => str(d.theme) },
      ];
    case 'management_visit':
      return [
        { zh: '主题', en: 'Theme', value: (d) => str(d.theme) },
        { zh: '修订制度数', en: 'Regulations revised', value: (d) => num(d.regulationsRevised) },
      ];
    case 'training':
      return [
        { zh: '培训主题', en: 'Topic', value: (d) => str(d.topic) },
        { zh: '培训人', en: 'Trainer', value: (d) => str(d.trainer) },
        { zh: '学时', en: 'Hours', value: (d) => num(d.hours) },
      ];
  }
}
