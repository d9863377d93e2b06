/**
 * One read per key per `ttlMs` of the clock, for the reads a warm function container repeats for every job
 * or request it serves (the digest window's papers, the private feeds' window). A failed read is forgotten at
 * once, so the next caller reads again.
 */
import type { Clock } from './ports.js';

export function ttlCache<K, V>(clock: Clock, ttlMs: number, load: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const cache = new Map<K, { at: number; value: Promise<V> }>();
  return (key) => {
    const now = clock.now().getTime();
    const hit = cache.get(key);
    if (hit && now - hit.at < ttlMs && now >= hit.at) return hit.value;
    const entry = { at: now, value: load(key) };
    entry.value.catch(() => cache.get(key) === entry && cache.delete(key));
    cache.set(key, entry);
    return entry.value;
  };
}
