import { useCallback, useState } from 'preact/hooks';

/** Runs `what`; on success the status line says `done`, then `after` runs (by default `onDone`). */
export type RunAction = (what: () => Promise<unknown>, done: string, after?: () => void) => Promise<void>;

/**
 * An operator's action with its outcome announced: `status` for the polite status line,
 * failures to `onError` (the screen's alert). `onDone` usually reloads what the action changed.
 */
export function useAction(onDone: () => void, onError: (message: string) => void) {
  const [status, setStatus] = useState('');
  const act: RunAction = useCallback(
    async (what, done, after) => {
      try {
        await what();
        setStatus(done);
        (after ?? onDone)();
      } catch (err) {
        onError((err as Error).message);
      }
    },
    [onDone, onError],
  );
  return { status, setStatus, act };
}
