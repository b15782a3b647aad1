import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  Community,
  CommunityDetail,
  CommunityInput,
  CommunityPatch,
  LeadershipInput,
  LeadershipMember,
  Membership,
  MembershipInput,
  Region,
  School,
  SchoolInput,
  SchoolPatch,
  SchoolYearStats,
  SchoolYearStatsInput,
  Teacher,
  TeacherInput,
  TeacherPatch,
} from '../../shared/registry.schemas';
import { http, type Page, type QueryParams } from './client';
import { useApiMutation } from './mutation';

/** Query-key factories: invalidating `all` refreshes every list and detail of the entity. */
const keysFor = (name: string) => ({
  all: [name] as const,
  list: (q: QueryParams) => [name, 'list', q] as const,
  detail: (id: number | string) => [name, 'detail', id] as const,
});
export const regionKeys = keysFor('regions');
export const schoolKeys = keysFor('schools');
export const teacherKeys = keysFor('teachers');
export const communityKeys = keysFor('communities');
export const statsKeys = keysFor('school-year-stats');

function useList<T>(keys: ReturnType<typeof keysFor>, path: string, q: QueryParams, enabled = true) {
  return useQuery({
    queryKey: keys.list(q),
    queryFn: () => http.get<Page<T>>(path, q),
    placeholderData: keepPreviousData,
    enabled,
  });
}

// ---------- regions ----------
export type RegionWithPath = Region & { path: Region[] };
export const useRegions = (q: QueryParams, enabled = true) => useList<Region>(regionKeys, '/regions', q, enabled);
export function useRegion(code: string | undefined) {
  return useQuery({
    queryKey: regionKeys.detail(code ?? ''),
    queryFn: () => http.get<RegionWithPath>(`/regions/${code}`),
    enabled: !!code,
  });
}
/** Loads a county's townships (乡镇/街道) from the division data; the county's bureau (or above) only. */
export const useLoadTownships = () =>
  useApiMutation<string, { loaded: number }>({
    success: 'done.loadTownships',
    mutationFn: (code) => http.post<{ loaded: number }>(`/regions/${code}/townships`),
    invalidate: [regionKeys.all],
  });

// ---------- schools ----------
export const useSchools = (q: QueryParams, enabled = true) => useList<School>(schoolKeys, '/schools', q, enabled);
export function useSchool(id: number | undefined) {
  return useQuery({
    queryKey: schoolKeys.detail(id ?? 0),
    queryFn: () => http.get<School>(`/schools/${id}`),
    enabled: !!id,
  });
}
export const useCreateSchool = () =>
  useApiMutation<SchoolInput, School>({
    success: 'done.createSchool',
    mutationFn: (b) => http.post<School>('/schools', b),
    invalidate: [schoolKeys.all, regionKeys.all],
  });
export const useUpdateSchool = () =>
  useApiMutation<{ id: number; patch: SchoolPatch }, School>({
    success: 'done.updateSchool',
    mutationFn: ({ id, patch }) => http.patch<School>(`/schools/${id}`, patch),
    invalidate: [schoolKeys.all, communityKeys.all],
  });
export const useDeleteSchool = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/schools/${id}`),
    invalidate: [schoolKeys.all, regionKeys.all],
    success: 'done.deleteSchool',
  });

// ---------- teachers ----------
export const useTeachers = (q: QueryParams, enabled = true) => useList<Teacher>(teacherKeys, '/teachers', q, enabled);
export const useCreateTeacher = () =>
  useApiMutation<TeacherInput, Teacher>({
    success: 'done.createTeacher',
    mutationFn: (b) => http.post<Teacher>('/teachers', b),
    invalidate: [teacherKeys.all, schoolKeys.all],
  });
export const useUpdateTeacher = () =>
  useApiMutation<{ id: number; patch: TeacherPatch }, Teacher>({
    success: 'done.updateTeacher',
    mutationFn: ({ id, patch }) => http.patch<Teacher>(`/teachers/${id}`, patch),
    invalidate: [teacherKeys.all, schoolKeys.all],
  });
export const useDeleteTeacher = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/teachers/${id}`),
    invalidate: [teacherKeys.all, schoolKeys.all],
    success: 'done.deleteTeacher',
  });

// ---------- communities ----------
export const useCommunities = (q: QueryParams, enabled = true) =>
  useList<Community>(communityKeys, '/communities', q, enabled);
export function useCommunity(id: number | undefined) {
  return useQuery({
    queryKey: communityKeys.detail(id ?? 0),
    queryFn: () => http.get<CommunityDetail>(`/communities/${id}`),
    enabled: !!id,
  });
}
const communityInvalidates = [communityKeys.all, schoolKeys.all];
export const useCreateCommunity = () =>
  useApiMutation<CommunityInput, CommunityDetail>({
    success: 'done.createCommunity',
    mutationFn: (b) => http.post<CommunityDetail>('/communities', b),
    invalidate: communityInvalidates,
  });
export const useUpdateCommunity = () =>
  useApiMutation<{ id: number; patch: CommunityPatch }, CommunityDetail>({
    success: 'done.updateCommunity',
    mutationFn: ({ id, patch }) => http.patch<CommunityDetail>(`/communities/${id}`, patch),
    invalidate: communityInvalidates,
  });
export const useDeleteCommunity = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/communities/${id}`),
    invalidate: communityInvalidates,
    success: 'done.deleteCommunity',
  });
export const useAddMembership = (communityId: number) =>
  useApiMutation<MembershipInput, Membership>({
    success: 'done.addMembership',
    mutationFn: (b) => http.post<Membership>(`/communities/${communityId}/memberships`, b),
    invalidate: communityInvalidates,
  });
export const useEndMembership = (communityId: number) =>
  useApiMutation<{ membershipId: number; endDate: string; note?: string | null }, Membership>({
    success: 'done.endMembership',
    mutationFn: ({ membershipId, ...b }) =>
      http.post<Membership>(`/communities/${communityId}/memberships/${membershipId}/end`, b),
    invalidate: communityInvalidates,
  });
export const useAddLeader = (communityId: number) =>
  useApiMutation<LeadershipInput, LeadershipMember>({
    success: 'done.addLeader',
    mutationFn: (b) => http.post<LeadershipMember>(`/communities/${communityId}/leadership`, b),
    invalidate: [communityKeys.detail(communityId)],
  });
export const useUpdateLeader = (communityId: number) =>
  useApiMutation<{ leaderId: number; patch: Partial<LeadershipInput> }, LeadershipMember>({
    success: 'done.updateLeader',
    mutationFn: ({ leaderId, patch }) =>
      http.patch<LeadershipMember>(`/communities/${communityId}/leadership/${leaderId}`, patch),
    invalidate: [communityKeys.detail(communityId)],
  });
export const useRemoveLeader = (communityId: number) =>
  useApiMutation<number>({
    mutationFn: (leaderId) => http.del(`/communities/${communityId}/leadership/${leaderId}`),
    invalidate: [communityKeys.detail(communityId)],
    success: 'done.removeLeader',
  });

// ---------- annual statistics ----------
export const useSchoolYearStats = (q: QueryParams, enabled = true) =>
  useList<SchoolYearStats>(statsKeys, '/school-year-stats', q, enabled);
export const useUpsertStats = () =>
  useApiMutation<SchoolYearStatsInput, SchoolYearStats>({
    success: 'done.upsertStats',
    mutationFn: (b) => http.post<SchoolYearStats>('/school-year-stats', b),
    invalidate: [statsKeys.all],
  });
