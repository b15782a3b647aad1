import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ImportJob, ImportKind } from '../../shared/io.schemas';
import { api, apiLanguage, apiUrl, http, type Page, type QueryParams } from './client';
import { useApiMutation } from './mutation';
import { communityKeys, schoolKeys, statsKeys, teacherKeys } from './registry';

export const importKeys = {
  all: ['imports'] as const,
  list: (q: QueryParams) => ['imports', 'list', q] as const,
  detail: (id: string) => ['imports', 'detail', id] as const,
};

export const templateUrl = (kind: ImportKind) => apiUrl(`/imports/templates/${kind}.xlsx`, { lang: apiLanguage() });
/** The export download of a list with the filters the user is looking at. */
export const exportUrl = (plural: string, filters: QueryParams) =>
  apiUrl(`/${plural}/export.xlsx`, { ...filters, page: undefined, pageSize: undefined, lang: apiLanguage() });

export function useImportJobs(q: QueryParams) {
  return useQuery({
    queryKey: importKeys.list(q),
    queryFn: () => http.get<Page<ImportJob>>('/imports', q),
    placeholderData: keepPreviousData,
  });
}

export async function uploadImport(kind: ImportKind, file: File): Promise<ImportJob> {
  const form = new FormData();
  form.append('file', file, file.name);
  return untilChecked(await api<ImportJob>('/imports', { method: 'POST', body: form, query: { kind } }));
}

/**
 * A large file is checked on the server's job queue: it may come back `checking`; poll until the
 * preview is ready. A file the check could not read ends `failed`, with the reason.
 */
export async function untilChecked(first: ImportJob): Promise<ImportJob> {
  let job = first;
  while (job.status === 'checking') {
    await new Promise((r) => setTimeout(r, 1000));
    job = await http.get<ImportJob>(`/imports/${job.id}`);
  }
  if (job.status === 'failed') {
    const e = job.errors[0];
    throw new Error(e ? (apiLanguage() === 'en' ? e.messageEn : e.message) : 'failed');
  }
  return job;
}

export const useCommitImport = () =>
  useApiMutation<string, ImportJob>({
    // the commit runs on the server's job queue: a large file comes back `committing`; poll it
    mutationFn: async (id) => {
      let job = await http.post<ImportJob>(`/imports/${id}/commit`);
      while (job.status === 'committing') {
        await new Promise((r) => setTimeout(r, 1000));
        job = await http.get<ImportJob>(`/imports/${id}`);
      }
      if (job.status === 'failed') {
        const e = job.errors[0];
        throw new Error(e ? (apiLanguage() === 'en' ? e.messageEn : e.message) : 'failed');
      }
      return job;
    },
    invalidate: [importKeys.all, schoolKeys.all, teacherKeys.all, statsKeys.all, communityKeys.all],
    success: 'imports:committed',
  });
