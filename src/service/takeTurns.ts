/**
 * Runs work for one key at a time, in the order asked: each waits for the one before it to settle
 * (across its awaits), whether that one succeeded or failed. Keys are independent.
 */
export function takeTurns<K>(): (key: K, work: () => Promise<void>) => Promise<void> {
  const last = new Map<K, Promise<void>>();
  return async (key, work) => {
    const next = (last.get(key) ?? Promise.resolve()).then(work, work);
    last.set(key, next);
    try {
      await next;
    } finally {
      if (last.get(key) === next) last.delete(key);
    }
  };
}
