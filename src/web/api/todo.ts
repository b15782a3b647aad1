import { useQuery } from '@tanstack/react-query';
import type { TodoItem, TodoList } from '../../shared/todo.schemas';
import { http } from './client';

export type { TodoItem, TodoList };

export const todoKeys = { all: ['todo'] as const };

/** What waits for the signed-in user (GET /api/v1/todo); refreshed every minute like the bell. */
export function useTodo() {
  return useQuery({
    queryKey: todoKeys.all,
    queryFn: () => http.get<TodoList>('/todo'),
    refetchInterval: 60_000,
  });
}
