import { AsyncLocalStorage } from 'node:async_hooks';
import type { Maybe } from './maybe.js';

/**
 * Memoised lazy evaluation with cycle detection for a concurrent evaluator.
 *
 * The expression evaluator evaluates sibling expressions concurrently, so "this key is being
 * evaluated" does not mean "this key depends on itself": a sibling branch may simply be computing it.
 * Each evaluation therefore carries its causal chain (AsyncLocalStorage); a key met again on its own
 * chain is a cycle. A key being computed by another branch is awaited, unless that branch (or one of
 * the branches it spawned) is itself waiting for something on our chain: that wait would never end,
 * so it is reported as a cycle too. Terraform rejects cyclic configurations; we must not hang on them.
 */
export class OnceEvaluator<T> {
  private readonly chain = new AsyncLocalStorage<string[]>();
  private readonly done = new Map<string, Promise<T>>();
  /** Values whose computation has finished: answered at once, without a promise. */
  private readonly settled = new Map<string, T>();
  private readonly inFlight = new Set<string>();
  /** key -> keys started while it was the innermost evaluation (its sub-computations). */
  private readonly children = new Map<string, Set<string>>();
  /** key -> in-flight keys its evaluation is currently awaiting. */
  private readonly waits = new Map<string, Set<string>>();

  get(key: string, onCycle: (chain: string[]) => T, compute: () => Maybe<T>): Maybe<T> {
    if (this.settled.has(key)) return this.settled.get(key)!;
    const chain = this.chain.getStore() ?? [];
    if (chain.includes(key)) return onCycle([...chain.slice(chain.indexOf(key)), key]);
    const existing = this.done.get(key);
    if (existing) return this.join(key, chain, existing, onCycle);
    const inner = chain[chain.length - 1];
    if (inner) add(this.children, inner, key);
    this.inFlight.add(key);
    let out: Maybe<T>;
    try {
      out = this.chain.run([...chain, key], compute);
    } catch (err) {
      this.settle(key);
      throw err;
    }
    if (!(out instanceof Promise)) {
      this.settle(key);
      this.settled.set(key, out);
      return out;
    }
    const p = out.then(
      (value) => {
        this.settle(key);
        this.settled.set(key, value);
        return value;
      },
      (err: unknown) => {
        this.settle(key);
        throw err;
      },
    );
    this.done.set(key, p);
    return p;
  }

  /** Waits for a computation another branch started, unless that would wait for ever (a cycle). */
  private async join(key: string, chain: string[], existing: Promise<T>, onCycle: (chain: string[]) => T): Promise<T> {
    if (!this.inFlight.has(key)) return existing;
    if (this.reaches(key, new Set(chain))) return onCycle([...chain, key]);
    const inner = chain[chain.length - 1];
    if (inner) add(this.waits, inner, key);
    try {
      return await existing;
    } finally {
      if (inner) this.waits.get(inner)?.delete(key);
    }
  }

  private settle(key: string): void {
    this.inFlight.delete(key);
    this.children.delete(key);
    this.waits.delete(key);
  }

  /** Does the computation of `key` (with its sub-computations) wait, transitively, on one of `targets`? */
  private reaches(key: string, targets: Set<string>): boolean {
    const seen = new Set<string>();
    const stack = [key];
    while (stack.length) {
      const k = stack.pop()!;
      if (seen.has(k)) continue;
      seen.add(k);
      if (k !== key && targets.has(k)) return true;
      for (const c of this.children.get(k) ?? []) stack.push(c);
      for (const w of this.waits.get(k) ?? []) stack.push(w);
    }
    return false;
  }
}

function add(m: Map<string, Set<string>>, k: string, v: string): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}
