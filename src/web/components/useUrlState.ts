import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

export type UrlState = Record<string, string | undefined>;

/**
 * List state (page, filters, sort) kept in the URL, so lists can be linked to
 * (e.g. /teachers?schoolId=3) and survive reloads. Changing a filter resets the page.
 */
export function useUrlState(defaults: UrlState = {}) {
  const [sp, setSp] = useSearchParams();
  const state = useMemo(() => {
    const s: UrlState = { ...defaults };
    sp.forEach((v, k) => {
      s[k] = v;
    });
    return s;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sp]);
  const set = useCallback(
    (patch: Record<string, string | number | boolean | readonly string[] | null | undefined>, keepPage = false) => {
      setSp(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch)) {
            const str = Array.isArray(v) ? v.join(',') : v === null || v === undefined ? '' : String(v);
            if (str === '') next.delete(k);
            else next.set(k, str);
          }
          if (!keepPage && !('page' in patch)) next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setSp],
  );
  const page = Math.max(1, Number(state.page) || 1);
  const pageSize = Math.min(500, Math.max(1, Number(state.pageSize) || 20));
  return { state, set, page, pageSize };
}

/** Splits a comma list from the URL (multi-select filters). */
export const listOf = (v: string | undefined): string[] => (v ? v.split(',').filter(Boolean) : []);
