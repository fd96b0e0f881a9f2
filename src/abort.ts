/**
 * Waiting under an `AbortSignal`, for every layer: `watchAbort` and `sleep`.
 *
 * One `abort` listener per signal, shared by every request and wait that watches it.
 *
 * A caller may give one `AbortSignal` to any number of uploads. A listener per request on
 * that signal makes Node warn (`MaxListenersExceededWarning`) past ten at once, and a
 * listener left behind keeps its request alive. Here the signal gets one listener while
 * anything watches it, removed as soon as nothing does.
 */

interface Watchers {
  readonly listeners: Set<() => void>;
  readonly relay: () => void;
}

const watched = new WeakMap<AbortSignal, Watchers>();

/**
 * Calls `listener` once when `signal` aborts (never when it has aborted already: check
 * `signal.aborted` first). The returned function stops watching; call it when the
 * request or wait ends.
 */
export function watchAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) return () => {};
  let watchers = watched.get(signal);
  if (watchers === undefined) {
    const listeners = new Set<() => void>();
    const relay = () => {
      watched.delete(signal);
      for (const each of [...listeners]) {
        try {
          each();
        } catch (error) {
          // As an event listener's exception would be: reported, the others still run.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
      listeners.clear();
    };
    watchers = { listeners, relay };
    watched.set(signal, watchers);
    signal.addEventListener('abort', relay, { once: true });
  }
  const mine = watchers;
  // A wrapper of its own, so the same function watched twice is two watches.
  const entry = () => listener();
  mine.listeners.add(entry);
  return () => {
    if (!mine.listeners.delete(entry) || mine.listeners.size > 0) return;
    if (watched.get(signal) !== mine) return;
    watched.delete(signal);
    signal.removeEventListener('abort', mine.relay);
  };
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unwatch?.();
      resolve();
    }, ms);
    const unwatch =
      signal === undefined
        ? undefined
        : watchAbort(signal, () => {
            clearTimeout(timer);
            reject(signal.reason);
          });
  });
}
