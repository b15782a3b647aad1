import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  ClassInput,
  ClassReport,
  DidResponse,
  Exam,
  ExamDetail,
  ExamInput,
  GapsResponse,
  ImportRowError,
  QualityJob,
  SchoolClass,
  StatGroup,
  StatsResponse,
  Student,
  StudentReport,
} from '../../shared/quality.schemas';
import { api, apiLanguage, apiUrl, http, type Page, type QueryParams } from './client';
import { useApiMutation } from './mutation';

/** Query keys of the quality module; an import commit refreshes exams and every statistic. */
export const qualityKeys = {
  all: ['quality'] as const,
  exams: (q: QueryParams) => ['quality', 'exams', q] as const,
  exam: (id: number) => ['quality', 'exam', id] as const,
  classes: (q: QueryParams) => ['quality', 'classes', q] as const,
  stats: (id: number, subject: string, by: string) => ['quality', 'stats', id, subject, by] as const,
  gaps: (ids: number[], subject: string) => ['quality', 'gaps', ids.join(','), subject] as const,
  did: (q: QueryParams) => ['quality', 'did', q] as const,
  job: (id: string) => ['quality', 'job', id] as const,
  jobErrors: (id: string, page: number) => ['quality', 'job-errors', id, page] as const,
  report: (examId: number, classId: number, subject: string) =>
    ['quality', 'report', examId, classId, subject] as const,
  students: (q: QueryParams) => ['quality', 'students', q] as const,
  studentReport: (id: number) => ['quality', 'student-report', id] as const,
};

export const useExams = (q: QueryParams) =>
  useQuery({
    queryKey: qualityKeys.exams(q),
    queryFn: () => http.get<Page<Exam>>('/quality/exams', q),
    placeholderData: keepPreviousData,
  });
export const useExam = (id: number) =>
  useQuery({
    queryKey: qualityKeys.exam(id),
    queryFn: () => http.get<ExamDetail>(`/quality/exams/${id}`),
    enabled: id > 0,
  });
export const useCreateExam = () =>
  useApiMutation<ExamInput, ExamDetail>({
    success: 'done.createExam',
    mutationFn: (b) => http.post<ExamDetail>('/quality/exams', b),
    invalidate: [qualityKeys.all],
  });
export const useDeleteExam = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/quality/exams/${id}`),
    invalidate: [qualityKeys.all],
    success: 'done.deleteExam',
  });

export const useClasses = (q: QueryParams, enabled = true) =>
  useQuery({
    queryKey: qualityKeys.classes(q),
    queryFn: () => http.get<Page<SchoolClass>>('/quality/classes', q),
    placeholderData: keepPreviousData,
    enabled,
  });
export const useCreateClass = () =>
  useApiMutation<ClassInput, SchoolClass>({
    success: 'done.createClass',
    mutationFn: (b) => http.post<SchoolClass>('/quality/classes', b),
    invalidate: [['quality', 'classes']],
  });
export const useDeleteClass = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/quality/classes/${id}`),
    invalidate: [['quality', 'classes']],
    success: 'deleted',
  });

export const useExamStats = (id: number, subject: string | undefined, by: StatGroup) =>
  useQuery({
    queryKey: qualityKeys.stats(id, subject ?? '', by),
    queryFn: () => http.get<StatsResponse>(`/quality/exams/${id}/stats`, { subject, by }),
    enabled: id > 0 && !!subject,
    placeholderData: keepPreviousData,
  });
export const statsExportUrl = (id: number, subject: string, by: StatGroup) =>
  apiUrl(`/quality/exams/${id}/stats/export.xlsx`, { subject, by });

/** `scope`: an optional narrowing to a region, community or school levels (the dashboard's links carry one). */
export const useGaps = (ids: number[], subject: string | undefined, scope: Record<string, string> = {}) =>
  useQuery({
    queryKey: [...qualityKeys.gaps(ids, subject ?? ''), scope],
    queryFn: () => http.get<GapsResponse>('/quality/gaps', { ...scope, examIds: ids, subject }),
    enabled: ids.length > 0 && !!subject,
  });
/** The gap tables (per exam, per community, change) as one workbook, in the UI language. */
export const gapsExportUrl = (ids: number[], subject: string, scope: Record<string, string> = {}) =>
  apiUrl('/quality/gaps/export.xlsx', { ...scope, examIds: ids, subject, lang: apiLanguage() });
export const useDid = (q: { subject?: string; before?: number; after?: number; comparison: string }) =>
  useQuery({
    queryKey: qualityKeys.did(q),
    queryFn: () => http.get<DidResponse>('/quality/did', q),
    enabled: !!q.subject && !!q.before && !!q.after && q.before !== q.after,
    retry: false,
  });

/** Uploads a score sheet; the server answers at once and checks in the background. */
export function uploadScores(examId: number, level: 'student' | 'item', file: File): Promise<QualityJob> {
  const form = new FormData();
  form.append('file', file, file.name);
  return api<QualityJob>(`/quality/exams/${examId}/imports`, { method: 'POST', body: form, query: { level } });
}
/** Polls while the job checks or commits (progress lives on the job row). */
export const useJob = (id: string | undefined) =>
  useQuery({
    queryKey: qualityKeys.job(id ?? ''),
    queryFn: () => http.get<QualityJob>(`/quality/imports/${id}`),
    enabled: !!id,
    refetchInterval: (q) =>
      q.state.data && (q.state.data.status === 'checking' || q.state.data.status === 'committing') ? 500 : false,
  });
export const useJobErrors = (id: string | undefined, page: number, enabled: boolean) =>
  useQuery({
    queryKey: qualityKeys.jobErrors(id ?? '', page),
    queryFn: () => http.get<Page<ImportRowError>>(`/quality/imports/${id}/errors`, { page, pageSize: 50 }),
    enabled: !!id && enabled,
  });
export const useCommitJob = () =>
  useApiMutation<string, QualityJob>({
    mutationFn: (id) => http.post<QualityJob>(`/quality/imports/${id}/commit`),
    invalidate: [['quality', 'job']],
    success: false,
  });

export const useClassReport = (examId: number, classId: number, subject: string | undefined) =>
  useQuery({
    queryKey: qualityKeys.report(examId, classId, subject ?? ''),
    queryFn: () => http.get<ClassReport>(`/quality/exams/${examId}/classes/${classId}/report`, { subject }),
    enabled: examId > 0 && classId > 0 && !!subject,
  });
/** The class report's tables, a sheet each. */
export const reportXlsxUrl = (examId: number, classId: number, subject: string) =>
  apiUrl(`/quality/exams/${examId}/classes/${classId}/report.xlsx`, { subject, lang: apiLanguage() });
export const reportPdfUrl = (examId: number, classId: number, subject: string) =>
  apiUrl(`/quality/exams/${examId}/classes/${classId}/report.pdf`, { subject });
export const templateUrl = (level: 'student' | 'item') =>
  apiUrl('/quality/imports/template.xlsx', { level, lang: apiLanguage() });

/** Own school's students by name (the server refuses everyone else). */
export const useStudents = (q: QueryParams, enabled = true) =>
  useQuery({
    queryKey: qualityKeys.students(q),
    queryFn: () => http.get<Page<Student>>('/quality/students', q),
    placeholderData: keepPreviousData,
    enabled,
    retry: false,
  });
export const studentsExportUrl = (q: QueryParams) =>
  apiUrl('/quality/students/export.xlsx', { ...q, page: undefined, pageSize: undefined, lang: apiLanguage() });
export const useStudentReport = (id: number) =>
  useQuery({
    queryKey: qualityKeys.studentReport(id),
    queryFn: () => http.get<StudentReport>(`/quality/students/${id}/report`),
    enabled: id > 0,
    retry: false,
  });
export const studentReportPdfUrl = (id: number) => apiUrl(`/quality/students/${id}/report.pdf`);
