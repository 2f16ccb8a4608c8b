import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

export interface ListParams {
  /** The list's filters, sort and search as the URL has them (absent keys are left out). */
  values: Record<string, string>;
  page: number;
  /** Changes some values (empty string or null removes one) and goes back to page 1. */
  update: (patch: Record<string, string | null>) => void;
  setPage: (page: number) => void;
  /** Removes every filter in `keys` (search included, when listed). */
  clear: (keys: readonly string[]) => void;
}

function pageFrom(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

/**
 * A list's state lives in the URL (`?balance=due&sort=balance&page=2`): links from the dashboard open
 * a filtered list, the back button works, and a filtered view can be shared with a colleague.
 */
export function useListParams(keys: readonly string[]): ListParams {
  const [params, setParams] = useSearchParams();
  const serialized = params.toString();
  const keyList = keys.join(',');
  const values = useMemo(() => {
    const current = new URLSearchParams(serialized);
    const out: Record<string, string> = {};
    for (const key of keyList.split(',')) {
      const value = current.get(key);
      if (value) out[key] = value;
    }
    return out;
  }, [serialized, keyList]);
  const page = pageFrom(params.get('page'));

  const update = useCallback(
    (patch: Record<string, string | null>) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(patch)) {
            if (value) next.set(key, value);
            else next.delete(key);
          }
          next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  const setPage = useCallback(
    (next: number) => {
      setParams((current) => {
        const updated = new URLSearchParams(current);
        if (next > 1) updated.set('page', String(next));
        else updated.delete('page');
        return updated;
      });
      window.scrollTo({ top: 0 });
    },
    [setParams],
  );

  const clear = useCallback(
    (toClear: readonly string[]) => update(Object.fromEntries(toClear.map((k) => [k, null]))),
    [update],
  );

  return { values, page, update, setPage, clear };
}
