import { useQuery } from '@tanstack/react-query';
import type {
  NotificationList,
  NotificationView,
  Preferences,
  PreferencesInput,
} from '../../shared/notifications.schemas';
import { http, type QueryParams } from './client';
import { useApiMutation } from './mutation';

export type { NotificationList, NotificationView, Preferences, PreferencesInput };

export const notificationKeys = {
  all: ['notifications'] as const,
  list: (q: QueryParams) => ['notifications', 'list', q] as const,
  preferences: ['notifications', 'preferences'] as const,
};

/** The bell polls the newest page (and its unread count) every minute. */
export const BELL_POLL_MS = 60_000;

export function useNotifications(q: QueryParams, opts: { poll?: boolean } = {}) {
  return useQuery({
    queryKey: notificationKeys.list(q),
    queryFn: () => http.get<NotificationList>('/notifications', q),
    ...(opts.poll ? { refetchInterval: BELL_POLL_MS } : {}),
  });
}

export function useMarkRead() {
  return useApiMutation<number>({
    mutationFn: (id) => http.post(`/notifications/${id}/read`),
    invalidate: [notificationKeys.all],
    success: false,
  });
}

export function useMarkAllRead() {
  return useApiMutation({
    mutationFn: () => http.post('/notifications/read-all'),
    invalidate: [notificationKeys.all],
    success: 'notifications:allMarked',
  });
}

export function usePreferences() {
  return useQuery({
    queryKey: notificationKeys.preferences,
    queryFn: () => http.get<Preferences>('/notifications/preferences'),
  });
}

export function useSavePreferences() {
  return useApiMutation<PreferencesInput, Preferences>({
    success: 'done.savePreferences',
    mutationFn: (input) => http.put<Preferences>('/notifications/preferences', input),
    invalidate: [notificationKeys.all],
  });
}
