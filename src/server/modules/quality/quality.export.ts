import type { ImportLevel, StatRow, Student } from '../../../shared/quality.schemas.js';
import type { ExportColumn } from '../io/xlsx-export.js';
import { SCORE_COLUMNS } from './import.rules.js';

const pct = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 100);

export function statExportColumns(): ExportColumn<StatRow>[] {
  return [
    { zh: '范围', en: 'Group', width: 28, value: (r) => r.label },
    { zh: '人数', en: 'Students', value: (r) => r.n },
    { zh: '平均分', en: 'Mean', value: (r) => r.mean },
    { zh: '标准差', en: 'SD', value: (r) => r.sd },
    { zh: '优秀率(%)', en: 'Excellent (%)', value: (r) => pct(r.excellentRate) },
    { zh: '及格率(%)', en: 'Pass (%)', value: (r) => pct(r.passRate) },
    { zh: '低分率(%)', en: 'Low (%)', value: (r) => pct(r.lowRate) },
    { zh: '最低分', en: 'Min', value: (r) => r.min },
    { zh: 'P10', en: 'P10', value: (r) => r.p10 },
    { zh: 'P25', en: 'P25', value: (r) => r.p25 },
    { zh: '中位数', en: 'Median', value: (r) => r.median },
    { zh: 'P75', en: 'P75', value: (r) => r.p75 },
    { zh: 'P90', en: 'P90', value: (r) => r.p90 },
    { zh: '最高分', en: 'Max', value: (r) => r.max },
  ];
}

/** The ID number column carries the masked value only (the service never loads it whole into a response). */
export function studentExportColumns(): ExportColumn<Student>[] {
  return [
    { zh: '学生编号', en: 'Student key', width: 18, value: (s) => s.studentKey },
    { zh: '姓名', en: 'Name', value: (s) => s.name },
    { zh: '身份证号（脱敏）', en: 'ID number (masked)', width: 22, value: (s) => s.idNumberMasked },
    { zh: '班级', en: 'Class', value: (s) => s.className },
  ];
}

export function templateCsv(level: ImportLevel): string {
  const cols = SCORE_COLUMNS.filter((c) => level === 'item' || c.key !== 'itemNo');
  const example: Record<string, string> = { schoolCode: '3304810001', className: '1班', studentKey: 'S2025000001', studentName: '', idNumber: '', subject: '数学', itemNo: '1', score: level === 'item' ? '4' : '87.5' };
  return `\uFEFF${cols.map((c) => c.zh).join(',')}\n${cols.map((c) => example[c.key]).join(',')}\n`;
}
