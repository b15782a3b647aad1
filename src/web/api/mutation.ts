import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { App } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from './client';

interface Options<TVars, TData> {
  mutationFn: (vars: TVars) => Promise<TData>;
  /** Query keys (prefixes) to invalidate after success. */
  invalidate?: QueryKey[];
  /**
   * i18n key (common namespace by default) of the success toast, saying what happened ("已创建教共体",
   * "已签署": `done.<action>` in common.json); false for none. Required, so no action says a bare "已保存".
   */
  success: string | false;
  /** Show the error toast (default true). Forms still receive the error to map it onto fields. */
  toastError?: boolean;
  onSuccess?: (data: TData, vars: TVars) => void;
}

/** A mutation that invalidates the right queries and tells the user how it went. */
export function useApiMutation<TVars = void, TData = unknown>(opts: Options<TVars, TData>) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  const { t } = useTranslation('common');
  return useMutation<TData, unknown, TVars>({
    mutationFn: opts.mutationFn,
    onSuccess: async (data, vars) => {
      await Promise.all((opts.invalidate ?? []).map((queryKey) => qc.invalidateQueries({ queryKey })));
      if (opts.success !== false) void message.success(t(opts.success));
      opts.onSuccess?.(data, vars);
    },
    onError: (err) => {
      if (opts.toastError !== false) void message.error(errorText(err));
    },
  });
}
