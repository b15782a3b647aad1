import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  Mentorship,
  MentorshipDetail,
  MentorshipEvaluationInput,
  MentorshipInput,
  MentorshipPatch,
  ShortageRow,
  Structure,
  Studio,
  StudioInput,
} from '../../shared/exchange-mentorship.schemas';
import type {
  Assignment,
  AssignmentInput,
  AssignmentPatch,
  DueList,
  EvaluationInput,
  History,
  Rule,
  RuleInput,
  RulePatch,
  SessionInput,
  Settings,
  SettingsInput,
  TimetableEntry,
  TimetableEntryInput,
  Totals,
} from '../../shared/exchange.schemas';
import { apiLanguage, apiUrl, http, type Page, type QueryParams } from './client';
import { useApiMutation } from './mutation';

/** Query keys of the exchange module; invalidating `all` refreshes every exchange view. */
export const exchangeKeys = {
  all: ['exchange'] as const,
  assignments: (q: QueryParams) => ['exchange', 'assignments', q] as const,
  assignment: (id: number) => ['exchange', 'assignment', id] as const,
  totals: (q: QueryParams) => ['exchange', 'totals', q] as const,
  history: (id: number) => ['exchange', 'history', id] as const,
  rules: ['exchange', 'rules'] as const,
  due: (q: QueryParams) => ['exchange', 'due', q] as const,
  structure: (q: QueryParams) => ['exchange', 'structure', q] as const,
  shortages: (q: QueryParams) => ['exchange', 'shortages', q] as const,
  mentorships: (q: QueryParams) => ['exchange', 'mentorships', q] as const,
  mentorship: (id: number) => ['exchange', 'mentorship', id] as const,
  studios: (q: QueryParams) => ['exchange', 'studios', q] as const,
  settings: (region: string) => ['exchange', 'settings', region] as const,
};
const P = '/exchange';
const all = [exchangeKeys.all];

export const useAssignments = (q: QueryParams) =>
  useQuery({
    queryKey: exchangeKeys.assignments(q),
    queryFn: () => http.get<Page<Assignment>>(`${P}/assignments`, q),
    placeholderData: keepPreviousData,
  });
export const useCreateAssignment = () =>
  useApiMutation<AssignmentInput, Assignment>({
    success: 'done.createAssignment',
    mutationFn: (b) => http.post<Assignment>(`${P}/assignments`, b),
    invalidate: all,
  });
export const useUpdateAssignment = () =>
  useApiMutation<{ id: number; patch: AssignmentPatch }, Assignment>({
    success: 'done.updateAssignment',
    mutationFn: ({ id, patch }) => http.patch<Assignment>(`${P}/assignments/${id}`, patch),
    invalidate: all,
  });
export const useDeleteAssignment = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`${P}/assignments/${id}`),
    invalidate: all,
    success: 'done.deleteAssignment',
  });
export const useAddSession = () =>
  useApiMutation<{ id: number; body: SessionInput }, Assignment>({
    success: 'done.addExchangeSession',
    mutationFn: ({ id, body }) => http.post<Assignment>(`${P}/assignments/${id}/sessions`, body),
    invalidate: all,
  });
export const useEvaluateAssignment = () =>
  useApiMutation<{ id: number; body: EvaluationInput }, Assignment>({
    success: 'done.evaluateAssignment',
    mutationFn: ({ id, body }) => http.post<Assignment>(`${P}/assignments/${id}/evaluation`, body),
    invalidate: all,
  });

export const useTotals = (q: QueryParams) =>
  useQuery({
    queryKey: exchangeKeys.totals(q),
    queryFn: () => http.get<Totals>(`${P}/totals`, q),
    placeholderData: keepPreviousData,
  });
export const reportUrl = (filters: QueryParams) => apiUrl(`${P}/report.xlsx`, { ...filters, lang: apiLanguage() });
export const useHistory = (teacherId: number | undefined) =>
  useQuery({
    queryKey: exchangeKeys.history(teacherId ?? 0),
    queryFn: () => http.get<History>(`${P}/teachers/${teacherId}/history`),
    enabled: !!teacherId,
  });
export const useAddTimetableEntry = () =>
  useApiMutation<TimetableEntryInput, TimetableEntry>({
    success: 'done.addTimetableEntry',
    mutationFn: (b) => http.post<TimetableEntry>(`${P}/timetable-entries`, b),
    invalidate: all,
  });

export const useRules = () => useQuery({ queryKey: exchangeKeys.rules, queryFn: () => http.get<Rule[]>(`${P}/rules`) });
export const useCreateRule = () =>
  useApiMutation<RuleInput, Rule>({
    success: 'done.createRule',
    mutationFn: (b) => http.post<Rule>(`${P}/rules`, b),
    invalidate: all,
  });
export const useUpdateRule = () =>
  useApiMutation<{ id: number; body: RulePatch }, Rule>({
    success: 'done.updateRule',
    mutationFn: ({ id, body }) => http.patch<Rule>(`${P}/rules/${id}`, body),
    invalidate: all,
  });
export const useDeleteRule = () =>
  useApiMutation<number>({
    success: 'done.deleteRule',
    mutationFn: (id) => http.del(`${P}/rules/${id}`),
    invalidate: all,
  });
export const useSaveSettings = () =>
  useApiMutation<{ region: string; body: SettingsInput }, Settings>({
    success: 'done.saveExchangeSettings',
    mutationFn: ({ region, body }) => http.post<Settings>(`${P}/settings/${region}`, body),
    invalidate: all,
  });
export const useDue = (q: QueryParams) =>
  useQuery({
    queryKey: exchangeKeys.due(q),
    queryFn: () => http.get<DueList>(`${P}/due`, q),
    enabled: !!q.ruleId,
    placeholderData: keepPreviousData,
  });
export const useSettings = (region: string | undefined) =>
  useQuery({
    queryKey: exchangeKeys.settings(region ?? ''),
    queryFn: () => http.get<Settings>(`${P}/settings/${region}`),
    enabled: !!region,
  });

export const useStructure = (q: QueryParams) =>
  useQuery({
    queryKey: exchangeKeys.structure(q),
    queryFn: () => http.get<Structure>(`${P}/structure`, q),
    placeholderData: keepPreviousData,
  });
export const useShortages = (q: QueryParams) =>
  useQuery({
    queryKey: exchangeKeys.shortages(q),
    queryFn: () => http.get<ShortageRow[]>(`${P}/shortages`, q),
    placeholderData: keepPreviousData,
  });

export const useMentorships = (q: QueryParams) =>
  useQuery({
    queryKey: exchangeKeys.mentorships(q),
    queryFn: () => http.get<Page<Mentorship>>(`${P}/mentorships`, q),
    placeholderData: keepPreviousData,
  });
export const useMentorship = (id: number | undefined) =>
  useQuery({
    queryKey: exchangeKeys.mentorship(id ?? 0),
    queryFn: () => http.get<MentorshipDetail>(`${P}/mentorships/${id}`),
    enabled: !!id,
  });
export const useCreateMentorship = () =>
  useApiMutation<MentorshipInput, MentorshipDetail>({
    success: 'done.createMentorship',
    mutationFn: (b) => http.post<MentorshipDetail>(`${P}/mentorships`, b),
    invalidate: all,
  });
export const useUpdateMentorship = () =>
  useApiMutation<{ id: number; patch: MentorshipPatch }, MentorshipDetail>({
    success: 'done.updateMentorship',
    mutationFn: ({ id, patch }) => http.patch<MentorshipDetail>(`${P}/mentorships/${id}`, patch),
    invalidate: all,
  });
export const useLinkActivity = () =>
  useApiMutation<{ id: number; activityId: number }, MentorshipDetail>({
    success: 'done.linkActivity',
    mutationFn: ({ id, activityId }) =>
      http.post<MentorshipDetail>(`${P}/mentorships/${id}/activities`, { activityId }),
    invalidate: all,
  });
export const useEvaluateMentorship = () =>
  useApiMutation<{ id: number; body: MentorshipEvaluationInput }, MentorshipDetail>({
    success: 'done.evaluateMentorship',
    mutationFn: ({ id, body }) => http.post<MentorshipDetail>(`${P}/mentorships/${id}/evaluations`, body),
    invalidate: all,
  });

export const useStudios = (q: QueryParams) =>
  useQuery({
    queryKey: exchangeKeys.studios(q),
    queryFn: () => http.get<Page<Studio>>(`${P}/studios`, q),
    placeholderData: keepPreviousData,
  });
export const useCreateStudio = () =>
  useApiMutation<StudioInput, Studio>({
    success: 'done.createStudio',
    mutationFn: (b) => http.post<Studio>(`${P}/studios`, b),
    invalidate: all,
  });
export const useAddStudioMember = () =>
  useApiMutation<{ id: number; teacherId: number }, Studio>({
    success: 'done.addStudioMember',
    mutationFn: ({ id, teacherId }) => http.post<Studio>(`${P}/studios/${id}/members`, { teacherId }),
    invalidate: all,
  });
