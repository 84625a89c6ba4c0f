import pLimit from 'p-limit';
import { allowedAction, isReadOperation, type ServiceId } from './actions.js';
import { describeFailure, type CallFailure } from './failure.js';
import { redactResponse, toPlainJson, type Json } from './redact.js';
import { DEFAULT_MAX_CALLS, DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_MIB, DEFAULT_MAX_TOTAL_MIB, DEFAULT_TIMEOUT_MS } from './defaults.js';
import { MIB, limitedHandler, type RequestHandlerLike } from './transport.js';

/**
 * The one wrapper every AWS call goes through. It is an SDK middleware on each client, so the SDK's
 * own paginators are covered too. For each call it:
 *  - refuses any operation not in the read-only allow-list, before a request is built;
 *  - bounds concurrency across all clients;
 *  - records the call log entry and (redacted) response for the snapshot;
 *  - hands the collectors the same redacted plain-JSON response the snapshot holds, so an offline
 *    replay of the snapshot rebuilds exactly the same inventory;
 *  - in replay mode answers from the snapshot and never touches the network;
 *  - wraps the client's HTTP handler with the response limits (./transport.ts).
 */

export const AUDIT_SESSION_NAME = 'ztait-audit';

export interface CallLogEntry {
  service: ServiceId;
  action: string;
  ok: boolean;
  error?: string;
  ms: number;
}

export interface RecordedCall {
  service: ServiceId;
  action: string;
  input: Json;
  output?: Json;
  failure?: CallFailure;
}

/** Thrown to collectors when a call failed; `failure.reason` names the call and the fix. */
export class ProbeCallError extends Error {
  constructor(readonly failure: CallFailure) {
    super(failure.reason);
    this.name = 'ProbeCallError';
  }
}

/** A programming error: a collector tried an operation the allow-list does not contain. */
export class ForbiddenCallError extends Error {
  constructor(service: string, operation: string, why: string) {
    super(`refused to send ${service}:${operation}: ${why}`);
    this.name = 'ForbiddenCallError';
  }
}

export interface SessionOptions {
  concurrency?: number;
  /** Per-attempt timeout, used in failure messages. */
  timeoutMs?: number;
  /** The role --role-arn names; the only AssumeRole target allowed. */
  auditRoleArn?: string;
  /**
   * Fleet runs: the role --role-name names, in any account (`arn:<partition>:iam::<12 digits>:role/<name>`):
   * the only AssumeRole targets allowed.
   */
  auditRoleName?: string;
  /** Replay mode: answer from these recorded calls, never the network. */
  replay?: readonly RecordedCall[];
  /** Pages one paginated call may take (./collect/context.ts `allPages`). */
  maxPages?: number;
  /** Largest response body in MiB. */
  maxResponseMiB?: number;
  /** All response bodies of the run together, in MiB. */
  maxTotalMiB?: number;
  /** Calls a live run may send. */
  maxCalls?: number;
  /** Send over plain http to a host that is not loopback (refused otherwise). */
  allowInsecureEndpoint?: boolean;
}

interface Listener {
  onStart?(service: ServiceId, action: string): void;
  onEnd?(entry: CallLogEntry): void;
}

/** The part of an SDK client the guard needs (typed loosely: every client's stack has its own generics). */
interface MiddlewareClient {
  middlewareStack: object;
  config: object;
}
type AddMiddleware = (mw: unknown, opts: { step: string; priority: string; name: string }) => void;

export class ProbeSession {
  readonly callLog: CallLogEntry[] = [];
  private readonly recorded = new Map<string, RecordedCall>();
  private readonly replay?: Map<string, RecordedCall>;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly listeners: Listener[] = [];
  private readonly received = { maxBytes: 0, used: 0 };
  private sent = 0;

  constructor(readonly options: SessionOptions = {}) {
    this.limit = pLimit(Math.max(1, options.concurrency ?? 8));
    this.received.maxBytes = (options.maxTotalMiB ?? DEFAULT_MAX_TOTAL_MIB) * MIB;
    if (options.replay) this.replay = new Map(options.replay.map((c) => [callKey(c.service, c.action, c.input), c]));
  }

  get replaying(): boolean {
    return this.replay !== undefined;
  }

  get maxPages(): number {
    return this.options.maxPages ?? DEFAULT_MAX_PAGES;
  }

  listen(l: Listener): void {
    this.listeners.push(l);
  }

  /** Every response read, in a stable order (the snapshot's `calls`). */
  recordedCalls(): RecordedCall[] {
    return [...this.recorded.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
  }

  /** Installs the guard on a client: call before the client sends anything. */
  attach<C extends MiddlewareClient>(client: C, service: ServiceId): C {
    const middleware =
      (next: (args: { input: unknown }) => Promise<{ output: unknown }>, context: { commandName?: string }) =>
      async (args: { input: unknown }) => {
        const operation = (context.commandName ?? '').replace(/Command$/, '');
        return this.handle(service, operation, args.input, () => next(args));
      };
    (client.middlewareStack as { add: AddMiddleware }).add(middleware, { step: 'initialize', priority: 'high', name: 'ztaitCallGuard' });
    // The SDK reads config.requestHandler on every send: replacing it covers every attempt of every call.
    const config = client.config as { requestHandler?: RequestHandlerLike };
    if (config.requestHandler && !this.replay) {
      config.requestHandler = limitedHandler(config.requestHandler, {
        maxResponseBytes: (this.options.maxResponseMiB ?? DEFAULT_MAX_RESPONSE_MIB) * MIB,
        total: this.received,
        bodyTimeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        allowInsecureEndpoint: this.options.allowInsecureEndpoint ?? false,
      });
    }
    return client;
  }

  private guard(service: ServiceId, operation: string, input: unknown): string {
    const allowed = allowedAction(service, operation);
    if (!allowed) throw new ForbiddenCallError(service, operation, 'not in the read-only allow-list');
    if (!isReadOperation(service, operation)) throw new ForbiddenCallError(service, operation, 'not a read operation');
    if (service === 'sts' && operation === 'AssumeRole') {
      const i = (input ?? {}) as { RoleArn?: string; RoleSessionName?: string };
      const { auditRoleArn, auditRoleName } = this.options;
      const target =
        (auditRoleArn !== undefined && i.RoleArn === auditRoleArn) ||
        (auditRoleName !== undefined && typeof i.RoleArn === 'string' && memberRoleName(i.RoleArn) === auditRoleName);
      if (!target || i.RoleSessionName !== AUDIT_SESSION_NAME) {
        throw new ForbiddenCallError(
          service,
          operation,
          `only the audit role given with --role-arn (or --role-name in a fleet account) may be assumed, as session ${AUDIT_SESSION_NAME}`,
        );
      }
    }
    return allowed.iamAction;
  }

  private async handle(
    service: ServiceId,
    operation: string,
    rawInput: unknown,
    send: () => Promise<{ output: unknown }>,
  ): Promise<{ output: unknown }> {
    const iamAction = this.guard(service, operation, rawInput);
    const input = toPlainJson(rawInput);
    const key = callKey(service, operation, input);
    const call = `${service}:${operation}`;
    for (const l of this.listeners) l.onStart?.(service, operation);
    const started = performance.now();
    const log = (ok: boolean, error?: string): void => {
      const entry: CallLogEntry = {
        service,
        action: operation,
        ok,
        ...(error ? { error } : {}),
        ms: Math.round(performance.now() - started),
      };
      this.callLog.push(entry);
      for (const l of this.listeners) l.onEnd?.(entry);
    };

    if (this.replay) {
      const hit = this.replay.get(key);
      const failure: CallFailure | undefined = hit
        ? hit.failure
        : {
            kind: 'not-in-snapshot',
            code: 'NotInSnapshot',
            reason: `${call} failed: NotInSnapshot (the snapshot holds no answer for this call)`,
          };
      log(!failure, failure?.code);
      if (failure) throw new ProbeCallError(failure);
      return { output: structuredClone(hit!.output) };
    }

    // Credentials are passed through untouched and never recorded.
    const secretOutput = service === 'sts' && operation === 'AssumeRole';
    const maxCalls = this.options.maxCalls ?? DEFAULT_MAX_CALLS;
    if (++this.sent > maxCalls) {
      // What a listing returns fans out into calls: this bounds the whole run, whatever the endpoint says.
      const failure: CallFailure = {
        kind: 'limit',
        code: 'CallBudgetSpent',
        reason: `${call} failed: CallBudgetSpent (the run's budget of ${maxCalls} calls is spent; --max-calls raises it)`,
      };
      log(false, failure.code);
      throw new ProbeCallError(failure);
    }
    try {
      const result = await this.limit(send);
      log(true);
      if (secretOutput) return result;
      const output = redactResponse(service, operation, toPlainJson(result.output));
      this.recorded.set(key, { service, action: operation, input, output });
      return { ...result, output: structuredClone(output) };
    } catch (err) {
      if (err instanceof ForbiddenCallError) throw err;
      if (err instanceof ProbeCallError) {
        // A nested guarded call failed (the audit role could not be assumed for this call's credentials).
        log(false, err.failure.code);
        throw err;
      }
      const failure = describeFailure(err, call, iamAction, this.options.timeoutMs);
      log(false, failure.code);
      if (!secretOutput) this.recorded.set(key, { service, action: operation, input, failure });
      throw new ProbeCallError(failure);
    }
  }
}

/** The role name of `arn:<partition>:iam::<12 digits>:role/<name>` (no path), else undefined. */
function memberRoleName(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::\d{12}:role\/([\w+=,.@-]{1,64})$/.exec(arn)?.[1];
}

export function callKey(service: string, action: string, input: Json): string {
  return `${service}:${action}:${stableStringify(input)}`;
}

export function stableStringify(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(v[k]!)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
