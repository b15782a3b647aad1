import type { ExamInput, ExamItemInput } from '../../../shared/quality.schemas';
import type { Subject } from '../../../shared/enums';

/** What the exam drawer's fields hold, and the pure function that turns it into the request. */
export interface ExamFormValues {
  name: string;
  examDate: { format: (f: string) => string };
  schoolYear: number;
  term: 1 | 2;
  grade: number;
  schoolIds: number[];
  subjects: {
    subject: Subject;
    fullMark: number;
    passLine: number;
    excellentLine: number;
    lowLine: number;
    items?: string;
  }[];
}

/** Items typed one per line as "题号,满分,知识点1;知识点2" (Chinese commas and semicolons too). */
export function parseItems(text: string | undefined): ExamItemInput[] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [itemNo = '', full = '', tags = ''] = line.split(/[,，]/).map((s) => s.trim());
      return {
        itemNo,
        fullMark: Number(full),
        knowledgePoints: tags
          .split(/[;；、]/)
          .map((s) => s.trim())
          .filter(Boolean),
      };
    });
}

export function toExamInput(v: ExamFormValues): ExamInput {
  return {
    name: v.name,
    examDate: v.examDate.format('YYYY-MM-DD'),
    schoolYear: v.schoolYear,
    term: v.term,
    grade: v.grade,
    schoolIds: v.schoolIds,
    subjects: v.subjects.map((s) => ({
      subject: s.subject,
      fullMark: s.fullMark,
      passLine: s.passLine,
      excellentLine: s.excellentLine,
      lowLine: s.lowLine,
      items: parseItems(s.items),
    })),
  };
}
