import type { Clock } from './clock.js';

/**
 * A small time-bounded memo for values a warm function reuses across requests (secrets, rule
 * sets). Rejections are not cached, so an unavailable dependency is asked again next time.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = await load();
    this.entries.set(key, { value, at: now });
    return value;
  }
}
