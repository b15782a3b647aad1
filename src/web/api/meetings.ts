import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  ActionItem,
  ActionItemBody,
  ActionItemPatchBody,
  AgendaItem,
  AgendaItemBody,
  Attachment,
  Attendee,
  AttendeeBody,
  MeetingDetail,
  Meeting,
  MeetingBody,
  MeetingPatchBody,
  InvitedPrincipal,
  Minutes,
  PrincipalInviteBody,
  Reminders,
  SchoolPrincipal,
  ReturnBody,
  SignBody,
} from '../../shared/meetings.schemas';
import { api, apiUrl, http, type Page, type QueryParams } from './client';
import { useApiMutation } from './mutation';

/** Query keys: every meetings query starts with 'meetings', so one invalidation refreshes the module. */
export const meetingKeys = {
  all: ['meetings'] as const,
  list: (q: QueryParams) => ['meetings', 'list', q] as const,
  detail: (id: number) => ['meetings', 'detail', id] as const,
  minutes: (id: number) => ['meetings', 'minutes', id] as const,
  items: (q: QueryParams) => ['meetings', 'items', q] as const,
  reminders: (q: QueryParams) => ['meetings', 'reminders', q] as const,
};
const all = [meetingKeys.all];

export const useMeetings = (q: QueryParams) =>
  useQuery({
    queryKey: meetingKeys.list(q),
    queryFn: () => http.get<Page<Meeting>>('/meetings', q),
    placeholderData: keepPreviousData,
  });
export const useMeeting = (id: number | undefined) =>
  useQuery({
    queryKey: meetingKeys.detail(id ?? 0),
    queryFn: () => http.get<MeetingDetail>(`/meetings/${id}`),
    enabled: !!id,
  });
export const useMinutes = (id: number | undefined) =>
  useQuery({
    queryKey: meetingKeys.minutes(id ?? 0),
    queryFn: () => http.get<Minutes>(`/meetings/${id}/minutes`),
    enabled: !!id,
  });
export const useActionItems = (q: QueryParams, enabled = true) =>
  useQuery({
    queryKey: meetingKeys.items(q),
    queryFn: () => http.get<Page<ActionItem>>('/meeting-action-items', q),
    placeholderData: keepPreviousData,
    enabled,
  });
export const useReminders = (q: QueryParams) =>
  useQuery({ queryKey: meetingKeys.reminders(q), queryFn: () => http.get<Reminders>('/meetings/reminders', q) });

export const meetingPdfUrl = (id: number) => apiUrl(`/meetings/${id}/export.pdf`);
export const attachmentUrl = (meetingId: number, id: number) => apiUrl(`/meetings/${meetingId}/attachments/${id}`);

export const useCreateMeeting = () =>
  useApiMutation<MeetingBody, MeetingDetail>({
    success: 'done.createMeeting',
    mutationFn: (b) => http.post('/meetings', b),
    invalidate: all,
  });
export const useUpdateMeeting = (id: number) =>
  useApiMutation<MeetingPatchBody, MeetingDetail>({
    success: 'done.updateMeeting',
    mutationFn: (b) => http.patch(`/meetings/${id}`, b),
    invalidate: all,
  });
export const useDeleteMeeting = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/meetings/${id}`),
    invalidate: all,
    success: 'done.deleteMeeting',
  });

export const useAddAgendaItem = (id: number) =>
  useApiMutation<AgendaItemBody, AgendaItem>({
    success: 'done.addAgendaItem',
    mutationFn: (b) => http.post(`/meetings/${id}/agenda`, b),
    invalidate: all,
  });
export const useRemoveAgendaItem = (id: number) =>
  useApiMutation<number>({
    mutationFn: (itemId) => http.del(`/meetings/${id}/agenda/${itemId}`),
    invalidate: all,
    success: 'done.removeAgendaItem',
  });
export const useCarryOver = (id: number) =>
  useApiMutation<void, AgendaItem[]>({
    success: 'done.carryOver',
    mutationFn: () => http.post(`/meetings/${id}/agenda/carry-over`),
    invalidate: all,
  });
export const useReorderAgenda = (id: number) =>
  useApiMutation<number[], AgendaItem[]>({
    success: 'done.reorderAgenda',
    mutationFn: (itemIds) => http.post(`/meetings/${id}/agenda/order`, { itemIds }),
    invalidate: all,
  });
export const useAddAttendee = (id: number) =>
  useApiMutation<AttendeeBody, Attendee>({
    success: 'done.addAttendee',
    mutationFn: (b) => http.post(`/meetings/${id}/attendees`, b),
    invalidate: all,
  });
export const useRemoveAttendee = (id: number) =>
  useApiMutation<number>({
    mutationFn: (aid) => http.del(`/meetings/${id}/attendees/${aid}`),
    invalidate: all,
    success: 'done.removeAttendee',
  });

export const useSaveMinutes = (id: number) =>
  useApiMutation<{ body: string; baseSha256?: string | null }, Minutes>({
    success: 'done.saveMinutes',
    mutationFn: (b) => http.patch(`/meetings/${id}/minutes`, b),
    invalidate: all,
  });
export const useCirculate = (id: number) =>
  useApiMutation<{ sha256?: string }, Minutes>({
    success: 'done.circulate',
    mutationFn: (b) => http.post(`/meetings/${id}/minutes/circulate`, b),
    invalidate: all,
  });
export const useWithdrawMinutes = (id: number) =>
  useApiMutation<{ sha256?: string }, Minutes>({
    mutationFn: (b) => http.post(`/meetings/${id}/minutes/withdraw`, b),
    invalidate: all,
    success: 'meetings:withdrawn',
  });
/** Each member school's signing account (managers only). */
export const usePrincipals = (id: number, enabled: boolean) =>
  useQuery({
    queryKey: ['meetings', 'principals', id] as const,
    queryFn: () => http.get<SchoolPrincipal[]>(`/meetings/${id}/principals`),
    enabled,
  });
export const useInvitePrincipal = (id: number) =>
  useApiMutation<PrincipalInviteBody, InvitedPrincipal>({
    success: 'done.invitePrincipal',
    mutationFn: (b) => http.post(`/meetings/${id}/principals`, b),
    invalidate: all,
  });
export const useSign = (id: number) =>
  useApiMutation<SignBody, Minutes>({
    mutationFn: (b) => http.post(`/meetings/${id}/minutes/sign`, b),
    invalidate: all,
    success: 'done.sign',
  });
export const useReturnMinutes = (id: number) =>
  useApiMutation<ReturnBody, Minutes>({
    mutationFn: (b) => http.post(`/meetings/${id}/minutes/return`, b),
    invalidate: all,
    success: 'done.returnMinutes',
  });
export const useNewRevision = (id: number) =>
  useApiMutation<void, Minutes>({
    success: 'done.newRevision',
    mutationFn: () => http.post(`/meetings/${id}/minutes/revisions`),
    invalidate: all,
  });

export const useCreateActionItem = (meetingId: number) =>
  useApiMutation<ActionItemBody, ActionItem>({
    success: 'done.createActionItem',
    mutationFn: (b) => http.post(`/meetings/${meetingId}/action-items`, b),
    invalidate: all,
  });
export const useUpdateActionItem = () =>
  useApiMutation<{ id: number; patch: ActionItemPatchBody }, ActionItem>({
    success: 'done.updateActionItem',
    mutationFn: ({ id, patch }) => http.patch(`/meeting-action-items/${id}`, patch),
    invalidate: all,
  });
export const useAddProgressNote = () =>
  useApiMutation<{ id: number; note: string; done?: boolean }, ActionItem>({
    success: 'done.addProgressNote',
    mutationFn: ({ id, ...b }) => http.post(`/meeting-action-items/${id}/notes`, b),
    invalidate: all,
  });
export const useDeleteActionItem = () =>
  useApiMutation<number>({
    mutationFn: (id) => http.del(`/meeting-action-items/${id}`),
    invalidate: all,
    success: 'done.deleteActionItem',
  });

export const useUploadAttachment = (id: number) =>
  useApiMutation<File, Attachment>({
    success: 'done.uploadAttachment',
    mutationFn: (file) => {
      const fd = new FormData();
      fd.append('file', file);
      return api<Attachment>(`/meetings/${id}/attachments`, { method: 'POST', body: fd });
    },
    invalidate: all,
  });
export const useDeleteAttachment = (id: number) =>
  useApiMutation<number>({
    mutationFn: (aid) => http.del(`/meetings/${id}/attachments/${aid}`),
    invalidate: all,
    success: 'done.deleteAttachment',
  });
