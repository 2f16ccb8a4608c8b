import { useCallback, useEffect, useEffectEvent, useState } from 'react';

export interface Resource<T> {
  /**
   * The data for the current key. With `keepPreviousData`, the last data stays while a new key
   * loads, so a list does not flash empty between pages.
   */
  data: T | undefined;
  /** The error of the latest load, if it failed. */
  error: unknown;
  /** True while the current key has not answered yet. */
  loading: boolean;
  /** Loads the current key again (after a mutation, or from a "Try again" button). */
  reload: () => void;
}

interface Settled<T> {
  requestKey: string;
  data: T | undefined;
  error: unknown;
}

/**
 * Loads data for a key and reloads when the key changes. The previous request is aborted, so a slow
 * answer for page 1 never overwrites page 2. Loading state is derived from "has the current key
 * settled?", not stored, so there is no flash of stale "loaded" state.
 */
export function useResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  options: { keepPreviousData?: boolean } = {},
): Resource<T> {
  const keepPreviousData = options.keepPreviousData ?? false;
  const [version, setVersion] = useState(0);
  const [settled, setSettled] = useState<Settled<T>>({ requestKey: '', data: undefined, error: undefined });
  const requestKey = `${key}#${version}`;
  const runLoad = useEffectEvent(load);

  useEffect(() => {
    const controller = new AbortController();
    runLoad(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setSettled({ requestKey, data, error: undefined });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setSettled((previous) => ({ requestKey, data: previous.data, error }));
      },
    );
    return () => controller.abort();
  }, [requestKey]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const loading = settled.requestKey !== requestKey;
  return {
    data: loading && !keepPreviousData ? undefined : settled.data,
    error: loading ? undefined : settled.error,
    loading,
    reload,
  };
}
