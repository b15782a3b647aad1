import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  Course,
  CourseDetail,
  CourseInput,
  CourseTotals,
  EnrolmentInput,
  MostUsed,
  ResourceComment,
  ResourceDetail,
  ResourceInput,
  ResourcePatch,
  SearchResult,
  SessionInput,
  Upload,
  VersionInput,
} from '../../shared/resources.schemas';
import { api, ApiError, apiUrl, http, type Page, type QueryParams } from './client';
import { useApiMutation } from './mutation';

export const resourceKeys = {
  all: ['resources'] as const,
  search: (q: QueryParams) => ['resources', 'search', q] as const,
  detail: (id: number) => ['resources', 'detail', id] as const,
  comments: (id: number) => ['resources', 'comments', id] as const,
  mostUsed: (q: QueryParams) => ['resources', 'most-used', q] as const,
};
export const courseKeys = {
  all: ['shared-courses'] as const,
  list: (q: QueryParams) => ['shared-courses', 'list', q] as const,
  detail: (id: number) => ['shared-courses', 'detail', id] as const,
  totals: (q: QueryParams) => ['shared-courses', 'totals', q] as const,
};

/** URLs the browser fetches directly (video/img/iframe src, downloads): the server checks scope on each. */
export const fileUrl = (id: number, opts: { version?: number; download?: boolean } = {}) =>
  apiUrl(`/resources/${id}/file`, { version: opts.version, download: opts.download ? 'true' : undefined });
export const openUrl = (id: number) => apiUrl(`/resources/${id}/open`);
/** The current version's thumbnail (only when `hasThumbnail`); the version id makes a new version a new URL. */
export const thumbnailUrl = (r: { id: number; current: { id: number } | null }) =>
  apiUrl(`/resources/${r.id}/thumbnail`, { v: r.current?.id });

// ---------- library ----------
export const useResourceSearch = (q: QueryParams) =>
  useQuery({
    queryKey: resourceKeys.search(q),
    queryFn: () => http.get<SearchResult>('/resources', q),
    placeholderData: keepPreviousData,
  });
export const useResource = (id: number) =>
  useQuery({
    queryKey: resourceKeys.detail(id),
    queryFn: () => http.get<ResourceDetail>(`/resources/${id}`),
    enabled: id > 0,
  });
export const useComments = (id: number) =>
  useQuery({
    queryKey: resourceKeys.comments(id),
    queryFn: () => http.get<ResourceComment[]>(`/resources/${id}/comments`),
    enabled: id > 0,
  });
export const useMostUsed = (q: QueryParams) =>
  useQuery({ queryKey: resourceKeys.mostUsed(q), queryFn: () => http.get<MostUsed>('/resources/most-used', q) });

export const useCreateResource = () =>
  useApiMutation<ResourceInput, ResourceDetail>({
    success: 'done.createResource',
    mutationFn: (b) => http.post<ResourceDetail>('/resources', b),
    invalidate: [resourceKeys.all],
  });
export const useUpdateResource = () =>
  useApiMutation<{ id: number; patch: ResourcePatch }, ResourceDetail>({
    success: 'done.updateResource',
    mutationFn: ({ id, patch }) => http.patch<ResourceDetail>(`/resources/${id}`, patch),
    invalidate: [resourceKeys.all],
  });
export const useDeleteResource = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/resources/${id}`),
    invalidate: [resourceKeys.all],
    success: 'done.deleteResource',
  });
export const useAddVersion = () =>
  useApiMutation<{ id: number; body: VersionInput }, ResourceDetail>({
    success: 'done.addVersion',
    mutationFn: ({ id, body }) => http.post<ResourceDetail>(`/resources/${id}/versions`, body),
    invalidate: [resourceKeys.all],
  });
export const useRecommend = () =>
  useApiMutation<{ id: number; recommended: boolean }, ResourceDetail>({
    success: 'done.recommend',
    mutationFn: ({ id, recommended }) => http.post<ResourceDetail>(`/resources/${id}/recommendation`, { recommended }),
    invalidate: [resourceKeys.all],
  });
export const useRate = () =>
  useApiMutation<{ id: number; stars: number }, ResourceDetail>({
    success: 'done.rate',
    mutationFn: ({ id, stars }) => api<ResourceDetail>(`/resources/${id}/rating`, { method: 'PUT', body: { stars } }),
    invalidate: [resourceKeys.all],
  });
export const useAddComment = () =>
  useApiMutation<{ id: number; body: string }, ResourceComment>({
    success: 'done.addComment',
    mutationFn: ({ id, body }) => http.post<ResourceComment>(`/resources/${id}/comments`, { body }),
    invalidate: [resourceKeys.all],
  });
export const useDeleteComment = () =>
  useApiMutation<{ id: number; commentId: number }>({
    mutationFn: ({ id, commentId }) => http.del(`/resources/${id}/comments/${commentId}`),
    invalidate: [resourceKeys.all],
    success: 'done.deleteComment',
  });

// ---------- chunked upload ----------
const CHUNK_RETRIES = 3;

async function putChunk(uploadId: string, offset: number, blob: Blob): Promise<Upload> {
  const res = await fetch(apiUrl(`/resource-uploads/${uploadId}/chunks`, { offset }), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream', Accept: 'application/json' },
    body: blob,
    credentials: 'same-origin',
  });
  if (!res.ok) {
    const body = await res
      .json()
      .catch(() => ({ code: `http_${res.status}`, message: res.statusText, messageEn: res.statusText, details: [] }));
    throw new ApiError(res.status, body);
  }
  return (await res.json()) as Upload;
}

/**
 * Uploads a file in chunks, never reading it whole: each chunk is a slice of the File. After a
 * failed chunk it asks the server how much arrived and resumes from there.
 */
export async function uploadInChunks(
  file: File,
  mimeType: string,
  onProgress: (fraction: number) => void,
): Promise<Upload> {
  let upload = await http.post<Upload>('/resource-uploads', { fileName: file.name, size: file.size, mimeType });
  let offset = 0;
  let failures = 0;
  while (offset < file.size) {
    try {
      upload = await putChunk(upload.id, offset, file.slice(offset, offset + upload.chunkBytes));
      offset = upload.receivedBytes;
      failures = 0;
      onProgress(offset / file.size);
    } catch (e) {
      // 4xx other than an offset conflict (wrong type, too large) will not heal by retrying
      if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 409) throw e;
      if (++failures > CHUNK_RETRIES) throw e;
      upload = await http.get<Upload>(`/resource-uploads/${upload.id}`);
      offset = upload.receivedBytes;
    }
  }
  return http.post<Upload>(`/resource-uploads/${upload.id}/complete`);
}

// ---------- shared courses ----------
export const useCourses = (q: QueryParams) =>
  useQuery({
    queryKey: courseKeys.list(q),
    queryFn: () => http.get<Page<Course>>('/shared-courses', q),
    placeholderData: keepPreviousData,
  });
export const useCourse = (id: number) =>
  useQuery({
    queryKey: courseKeys.detail(id),
    queryFn: () => http.get<CourseDetail>(`/shared-courses/${id}`),
    enabled: id > 0,
  });
export const useCourseTotals = (q: QueryParams) =>
  useQuery({ queryKey: courseKeys.totals(q), queryFn: () => http.get<CourseTotals>('/shared-courses/totals', q) });
export const useCreateCourse = () =>
  useApiMutation<CourseInput, CourseDetail>({
    success: 'done.createCourse',
    mutationFn: (b) => http.post<CourseDetail>('/shared-courses', b),
    invalidate: [courseKeys.all],
  });
export const useDeleteCourse = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/shared-courses/${id}`),
    invalidate: [courseKeys.all],
    success: 'done.deleteCourse',
  });
export const useAddSession = () =>
  useApiMutation<{ id: number; body: SessionInput }, CourseDetail>({
    success: 'done.addCourseSession',
    mutationFn: ({ id, body }) => http.post<CourseDetail>(`/shared-courses/${id}/sessions`, body),
    invalidate: [courseKeys.all],
  });
export const useRemoveSession = () =>
  useApiMutation<{ id: number; sessionId: number }, CourseDetail>({
    success: 'done.removeSession',
    mutationFn: ({ id, sessionId }) =>
      api<CourseDetail>(`/shared-courses/${id}/sessions/${sessionId}`, { method: 'DELETE' }),
    invalidate: [courseKeys.all],
  });
export const useEnrol = () =>
  useApiMutation<{ id: number; body: EnrolmentInput }, CourseDetail>({
    success: 'done.enrol',
    mutationFn: ({ id, body }) => http.post<CourseDetail>(`/shared-courses/${id}/enrolments`, body),
    invalidate: [courseKeys.all],
  });
export const useUnenrol = () =>
  useApiMutation<{ id: number; enrolmentId: number }, CourseDetail>({
    success: 'done.unenrol',
    mutationFn: ({ id, enrolmentId }) =>
      api<CourseDetail>(`/shared-courses/${id}/enrolments/${enrolmentId}`, { method: 'DELETE' }),
    invalidate: [courseKeys.all],
  });
