import type { Clock } from '../shared/clock.js';

/**
 * A circuit breaker per target: after `failureThreshold` consecutive failures (5 by default) the
 * circuit opens and calls are refused (the caller routes them to the fallback queue); after the
 * cool-down one trial call is let through (half-open): success closes the circuit, failure opens
 * it again for another cool-down. State lives in the warm function instance, so each concurrent
 * instance counts its own failures (see lambda/README.md).
 */

export type BreakerState = 'closed' | 'open' | 'half_open';

interface TargetState {
  state: BreakerState;
  consecutiveFailures: number;
  openedAt: number;
  trialInFlight: boolean;
}

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
}

export class CircuitBreaker {
  private readonly targets = new Map<string, TargetState>();

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
  ) {}

  private get(target: string): TargetState {
    let s = this.targets.get(target);
    if (!s) {
      s = { state: 'closed', consecutiveFailures: 0, openedAt: 0, trialInFlight: false };
      this.targets.set(target, s);
    }
    return s;
  }

  /** The state now (an open circuit whose cool-down has passed reads as half-open). */
  state(target: string): BreakerState {
    const s = this.get(target);
    if (s.state === 'open' && this.clock.now() - s.openedAt >= this.options.cooldownMs) s.state = 'half_open';
    return s.state;
  }

  /** Whether a call may go to the target now; in half-open, only one trial at a time. */
  tryAcquire(target: string): boolean {
    const state = this.state(target);
    const s = this.get(target);
    if (state === 'closed') return true;
    if (state === 'half_open' && !s.trialInFlight) {
      s.trialInFlight = true;
      return true;
    }
    return false;
  }

  /** Gives back an acquired call that never reached the target (counts neither way). */
  release(target: string): void {
    this.get(target).trialInFlight = false;
  }

  recordSuccess(target: string): void {
    const s = this.get(target);
    s.state = 'closed';
    s.consecutiveFailures = 0;
    s.trialInFlight = false;
  }

  recordFailure(target: string): void {
    const s = this.get(target);
    s.consecutiveFailures += 1;
    s.trialInFlight = false;
    if (s.state === 'half_open' || s.consecutiveFailures >= this.options.failureThreshold) {
      s.state = 'open';
      s.openedAt = this.clock.now();
    }
  }
}
