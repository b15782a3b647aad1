import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  Appeal,
  Assignment,
  Balance,
  BalanceSchoolPage,
  DataSourceInfo,
  Evaluation,
  EvaluationDetail,
  FormulaCheckResult,
  PublicPage,
  Results,
  Scheme,
  SchemeInput,
  SchemePatch,
  Score,
  ScoreInput,
  ScoringRule,
} from '../../shared/assessment.schemas';
import { apiUrl, http, type Page, type QueryParams } from './client';
import { useApiMutation } from './mutation';

/** Query keys of the assessment module; mutations invalidate the whole module (small data). */
export const assessmentKeys = {
  all: ['assessment'] as const,
  schemes: (q: QueryParams) => ['assessment', 'schemes', q] as const,
  scheme: (id: number) => ['assessment', 'scheme', id] as const,
  assignments: (id: number) => ['assessment', 'assignments', id] as const,
  sources: ['assessment', 'sources'] as const,
  evaluations: (q: QueryParams) => ['assessment', 'evaluations', q] as const,
  evaluation: (id: number) => ['assessment', 'evaluation', id] as const,
  results: (q: QueryParams) => ['assessment', 'results', q] as const,
  balance: (q: QueryParams) => ['assessment', 'balance', q] as const,
  balanceSchools: (q: QueryParams) => ['assessment', 'balance-schools', q] as const,
  publicPage: (region: string, year: number) => ['assessment', 'public-page', region, year] as const,
};
const all = [assessmentKeys.all];

export const useSchemes = (q: QueryParams) =>
  useQuery({
    queryKey: assessmentKeys.schemes(q),
    queryFn: () => http.get<Page<Scheme>>('/assessment-schemes', q),
    placeholderData: keepPreviousData,
  });
export const useScheme = (id: number | undefined) =>
  useQuery({
    queryKey: assessmentKeys.scheme(id ?? 0),
    queryFn: () => http.get<Scheme>(`/assessment-schemes/${id}`),
    enabled: !!id,
  });
export const useSources = () =>
  useQuery({
    queryKey: assessmentKeys.sources,
    queryFn: () => http.get<DataSourceInfo[]>('/assessment-sources'),
    staleTime: 60_000,
  });
export const useCreateScheme = () =>
  useApiMutation<SchemeInput, Scheme>({
    success: 'done.createScheme',
    mutationFn: (b) => http.post<Scheme>('/assessment-schemes', b),
    invalidate: all,
    toastError: false,
  });
export const useUpdateScheme = (id: number) =>
  useApiMutation<SchemePatch, Scheme>({
    success: 'done.updateScheme',
    mutationFn: (b) => http.patch<Scheme>(`/assessment-schemes/${id}`, b),
    invalidate: all,
    toastError: false,
  });
export const useCopyScheme = () =>
  useApiMutation<{ id: number; year: number }, Scheme>({
    success: 'done.copyScheme',
    mutationFn: ({ id, year }) => http.post<Scheme>(`/assessment-schemes/${id}/copy`, { year }),
    invalidate: all,
  });
export const useOpenScheme = () =>
  useApiMutation<number, { created: number }>({
    success: 'done.openScheme',
    mutationFn: (id) => http.post<{ created: number }>(`/assessment-schemes/${id}/open`),
    invalidate: all,
  });
export const useAssignments = (id: number | undefined, enabled = true) =>
  useQuery({
    queryKey: assessmentKeys.assignments(id ?? 0),
    queryFn: () => http.get<Assignment[]>(`/assessment-schemes/${id}/assignments`),
    enabled: !!id && enabled,
  });
export const useAssign = (schemeId: number) =>
  useApiMutation<{ communityId: number; assessorUserId: number }, Assignment>({
    success: 'done.assign',
    mutationFn: (b) => http.post<Assignment>(`/assessment-schemes/${schemeId}/assignments`, b),
    invalidate: all,
  });
export const useUnassign = (schemeId: number) =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/assessment-schemes/${schemeId}/assignments/${id}`),
    invalidate: all,
    success: 'done.unassign',
  });

export interface FormulaCheckRequest {
  formula: string;
  unit?: string;
  regionCode?: string;
  year?: number;
  perMemberSchool?: boolean;
  rule?: ScoringRule;
  maxPoints?: number;
}
export const checkFormula = (b: FormulaCheckRequest) => http.post<FormulaCheckResult>('/assessment-formula/check', b);

export const useEvaluations = (q: QueryParams) =>
  useQuery({
    queryKey: assessmentKeys.evaluations(q),
    queryFn: () => http.get<Page<Evaluation>>('/assessment-evaluations', q),
    placeholderData: keepPreviousData,
  });
export const useEvaluation = (id: number | undefined) =>
  useQuery({
    queryKey: assessmentKeys.evaluation(id ?? 0),
    queryFn: () => http.get<EvaluationDetail>(`/assessment-evaluations/${id}`),
    enabled: !!id,
  });
export const useScore = (id: number) =>
  useApiMutation<ScoreInput, Score>({
    success: 'done.score',
    mutationFn: (b) => http.post<Score>(`/assessment-evaluations/${id}/scores`, b),
    invalidate: all,
  });
/** Withdraws the caller's score of an indicator: a data-driven item follows its data again. */
export const useClearScore = (id: number) =>
  useApiMutation<string, void>({
    success: 'done.scoreCleared',
    mutationFn: (indicatorKey) => http.del(`/assessment-evaluations/${id}/scores/${indicatorKey}`),
    invalidate: all,
  });
export const useEvaluationAction = (id: number, action: 'submit' | 'return' | 'publish') =>
  useApiMutation<void, EvaluationDetail>({
    mutationFn: () => http.post<EvaluationDetail>(`/assessment-evaluations/${id}/${action}`),
    invalidate: all,
    success: `done.evaluation_${action}`,
  });
export const useAppeal = (id: number) =>
  useApiMutation<{ indicatorKey: string; reason: string }, Appeal>({
    success: 'done.appeal',
    mutationFn: (b) => http.post<Appeal>(`/assessment-evaluations/${id}/appeals`, b),
    invalidate: all,
  });
export const useDecideAppeal = () =>
  useApiMutation<{ id: number; accept: boolean; response: string }, Appeal>({
    success: 'done.decideAppeal',
    mutationFn: ({ id, ...b }) => http.post<Appeal>(`/assessment-appeals/${id}/decide`, b),
    invalidate: all,
  });
export const reportUrl = (id: number, lang: 'zh' | 'en') =>
  apiUrl(`/assessment-evaluations/${id}/report.pdf`, { lang });

export const useResults = (q: { region?: string | undefined; year?: number | undefined }) =>
  useQuery({
    queryKey: assessmentKeys.results(q),
    queryFn: () => http.get<Results>('/assessment-results', q),
    enabled: !!q.region,
  });
/** The public results page of a region and year: its state, and the bureau's publish / withdraw. */
export const usePublicPage = (region: string | undefined, year: number | undefined) =>
  useQuery({
    queryKey: assessmentKeys.publicPage(region ?? '', year ?? 0),
    queryFn: () => http.get<PublicPage>(`/assessment-public-pages/${region}/${year}`),
    enabled: !!region && !!year,
  });
export const usePublishPublicPage = () =>
  useApiMutation<{ region: string; year: number }, PublicPage>({
    success: 'done.publishPublicPage',
    mutationFn: ({ region, year }) => http.put<PublicPage>(`/assessment-public-pages/${region}/${year}`, undefined),
    invalidate: all,
  });
export const useWithdrawPublicPage = () =>
  useApiMutation<{ region: string; year: number }>({
    success: 'done.withdrawPublicPage',
    mutationFn: ({ region, year }) => http.del(`/assessment-public-pages/${region}/${year}`),
    invalidate: all,
  });
export const resultsExportUrl = (region: string, year: number, lang: 'zh' | 'en') =>
  apiUrl('/assessment-results/export.xlsx', { region, year, lang });
export const useBalance = (q: { region?: string | undefined; year: number }) =>
  useQuery({
    queryKey: assessmentKeys.balance(q),
    queryFn: () => http.get<Balance>('/balance', q),
    enabled: !!q.region,
  });

export interface BalanceSchoolsParams {
  region?: string | undefined;
  year: number;
  county?: string | undefined;
  stage?: 'primary' | 'junior' | undefined;
  meets?: boolean | undefined;
  q?: string | undefined;
  sort?: string | undefined;
  page: number;
  pageSize: number;
}
/** One page of the school sections (the list is paged and filtered on the server). */
export const useBalanceSchools = (q: BalanceSchoolsParams) =>
  useQuery({
    queryKey: assessmentKeys.balanceSchools({ ...q }),
    queryFn: () => http.get<BalanceSchoolPage>('/balance/schools', { ...q }),
    enabled: !!q.region,
    placeholderData: keepPreviousData,
  });
export const balanceExportUrl = (q: Omit<BalanceSchoolsParams, 'page' | 'pageSize'>, lang: 'zh' | 'en') =>
  apiUrl('/balance/schools.xlsx', { ...q, lang });
