import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Alerts, Dashboard, DashboardMap, DisplayLink, DisplayLinkInput } from '../../shared/dashboard.schemas';
import { http, type Page, type QueryParams } from './client';
import { useApiMutation } from './mutation';

export const dashboardKeys = {
  all: ['dashboard'] as const,
  board: (q: QueryParams) => ['dashboard', 'board', q] as const,
  alerts: (q: QueryParams) => ['dashboard', 'alerts', q] as const,
  map: (q: QueryParams) => ['dashboard', 'map', q] as const,
  teachers: (q: QueryParams) => ['dashboard', 'teachers', q] as const,
  links: ['dashboard', 'display-links'] as const,
};

export interface DashboardFilters extends QueryParams {
  schoolYear?: number;
  semester?: string;
  level?: string[];
  locationClass?: string[];
  region?: string;
  communityId?: number;
  schoolId?: number;
}

/** `refreshMs`: the big screen refreshes itself. */
export function useDashboard(q: DashboardFilters, refreshMs?: number) {
  return useQuery({
    queryKey: dashboardKeys.board(q),
    queryFn: () => http.get<Dashboard>('/dashboard', q),
    placeholderData: keepPreviousData,
    refetchInterval: refreshMs,
  });
}
/** One page of the alerts (the server sorts them: most severe, then oldest, first). */
export function useDashboardAlerts(q: DashboardFilters, page = 1, pageSize = 8, enabled = true) {
  return useQuery({
    queryKey: [...dashboardKeys.alerts(q), page, pageSize],
    queryFn: () => http.get<Alerts>('/dashboard/alerts', { ...q, page, pageSize }),
    placeholderData: keepPreviousData,
    enabled,
  });
}
export function useDashboardMap(q: DashboardFilters, refreshMs?: number) {
  return useQuery({
    queryKey: dashboardKeys.map(q),
    queryFn: () => http.get<DashboardMap>('/dashboard/map', q),
    staleTime: 60_000,
    refetchInterval: refreshMs,
  });
}

export interface DrillTeacher {
  id: number;
  name: string;
  teacherCode: string;
  schoolId: number;
  schoolName: string;
  honours: string[];
  title: string;
}
export function useDrillTeachers(q: QueryParams) {
  return useQuery({
    queryKey: dashboardKeys.teachers(q),
    queryFn: () => http.get<Page<DrillTeacher>>('/dashboard/teachers', q),
    placeholderData: keepPreviousData,
  });
}

export function useDisplayLinks(enabled: boolean) {
  return useQuery({
    queryKey: dashboardKeys.links,
    queryFn: () => http.get<DisplayLink[]>('/dashboard/display-links'),
    enabled,
  });
}
export function useCreateDisplayLink(onCreated: (link: DisplayLink & { token: string; url: string }) => void) {
  return useApiMutation({
    success: 'done.createDisplayLink',
    mutationFn: (body: Partial<DisplayLinkInput> & { label: string }) =>
      http.post<DisplayLink & { token: string; url: string }>('/dashboard/display-links', body),
    invalidate: [dashboardKeys.links],
    onSuccess: onCreated,
  });
}
export function useRevokeDisplayLink() {
  return useApiMutation({
    success: 'done.revokeDisplayLink',
    mutationFn: (id: number) => http.post<DisplayLink>(`/dashboard/display-links/${id}/revoke`),
    invalidate: [dashboardKeys.links],
  });
}
