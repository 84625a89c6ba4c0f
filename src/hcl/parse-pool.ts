/**
 * Parsing HCL on other cores: a small pool of worker threads, each with its own hcl2json WASM
 * runtime (parse-worker.ts). A file sent to a worker comes back as its JSON body together with the
 * ASTs of every template expression in it, so the main thread neither parses nor converts while it
 * evaluates.
 *
 * Workers start on demand: the first job starts one; another starts only while every worker has
 * more work outstanding than a worker's start-up is worth (SPAWN_OUTSTANDING_BYTES), up to the pool
 * size. A worker that dies fails the job it was on (an error naming the file, like any parse error);
 * its other jobs go to another worker.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Expr } from './ast.js';
import type { SourceRead } from './source-file.js';

/** A syntax error as it crosses the thread boundary (parser.ts turns it back into HclSyntaxError). */
export interface WireSyntaxError {
  file: string;
  line: number;
  column: number;
  detail: string;
}

/**
 * A job as the pool queues it (on the wire it also carries an `id`): a text to parse, an expression,
 * or a `.tf` file to read, parse and locate (source-file.ts).
 */
export type ParseJob =
  { kind: 'file'; file: string; text: string } | { kind: 'expr'; src: string } | { kind: 'path'; path: string; file: string };
export type WorkerRequest = ParseJob & { id: number; priority: Priority };
export type WorkerReply =
  | { id: number; ok: true; body?: Record<string, unknown>; exprs?: [string, Expr][]; expr?: Expr; read?: SourceRead }
  | { id: number; ok: false; syntax?: WireSyntaxError; message?: string };
/** Sent before the reply to a `path` job: the file's local module sources (readSourceFileHere's hint). */
export type WorkerHint = { id: number; hint: string[] };

/** Sent by a worker as it starts a job: if it dies now, this job is the one that killed it. */
export type WorkerStarted = { id: number; started: true };
/** Main -> worker: the evaluator now waits on job `id`, queued as read ahead. */
export type WorkerPromote = { kind: 'promote'; id: number };
/** Main -> worker: template expressions another worker has parsed (the main thread has their ASTs). */
export type WorkerKnown = { kind: 'known'; srcs: string[] };

/** A parse the pool could not give an answer for (its worker died); not a statement about the input. */
export class ParserUnavailableError extends Error {}

/** Work sent to busy workers beyond which another worker pays for its ~0.3 s WASM start-up. */
const SPAWN_OUTSTANDING_BYTES = 256 * 1024;
/** Workers replaced after dying, in one run, before the pool gives up on the rest. */
const MAX_RESTARTS = 3;

/**
 * How long a job may run before its worker is taken for hung and replaced (the job then fails like
 * one whose worker died). A parse stuck in the WASM runtime cannot be interrupted from inside; this
 * bounds it. Generous: 60 s, plus 1 s per 64 KB of source (hcl2json parses 300 KB/s cold).
 */
export function defaultJobTimeout(bytes: number): number {
  return 60_000 + Math.ceil(bytes / 65_536) * 1000;
}

/** Lower first: an expression the evaluator waits on, a file it waits on, a file read ahead. */
export type Priority = 0 | 1 | 2;

interface Job {
  request: ParseJob;
  priority: Priority;
  bytes: number;
  hint?: (sources: string[]) => void;
  resolve: (r: WorkerReply) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Jobs sent and not answered, by id. */
  jobs: Map<number, Job>;
  /** The job the worker said it started (the one to blame if it dies). */
  current?: number;
  /** Fires if the current job runs past its time (defaultJobTimeout). */
  watchdog?: NodeJS.Timeout;
  bytes: number;
}

/**
 * Jobs go to a worker as soon as they are submitted, with their priority: the worker keeps its own
 * queue and takes the most urgent job next. (Handing out one job at a time left workers idle
 * whenever the main thread was busy evaluating and could not answer their messages.)
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  /** Jobs sent as read ahead and not answered yet, by file: what promote() may hurry. */
  private readonly ahead = new Map<string, { slot: Slot; id: number }>();
  private nextId = 1;
  private restarts = 0;
  private markBusy?: () => void;
  /** Settles when the first job has been sent to a worker. */
  readonly busy = new Promise<void>((resolve) => (this.markBusy = resolve));

  constructor(
    private readonly script: URL,
    private readonly size: number,
    private readonly jobTimeout: (bytes: number) => number = defaultJobTimeout,
  ) {}

  /** `bytes`: the job's size when known (a file's size from its directory listing). */
  run(request: ParseJob, priority: Priority, opts: { hint?: (sources: string[]) => void; bytes?: number } = {}): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      const bytes = opts.bytes ?? (request.kind === 'file' ? request.text.length : request.kind === 'expr' ? request.src.length : 4096);
      this.send({ request, priority, bytes, resolve, reject, ...(opts.hint ? { hint: opts.hint } : {}) });
    });
  }

  /** Starts the first worker now (its runtime loads while the caller does other work). */
  prestart(): void {
    if (this.slots.length === 0) this.spawn();
  }

  /** The evaluator now waits on a file that was sent as read ahead. */
  promote(file: string): void {
    const queued = this.ahead.get(file);
    if (!queued) return;
    this.ahead.delete(file);
    const job = queued.slot.jobs.get(queued.id);
    if (!job) return;
    job.priority = 1;
    queued.slot.worker.postMessage({ kind: 'promote', id: queued.id } satisfies WorkerPromote);
  }

  private send(job: Job): void {
    let slot = this.slots.reduce<Slot | undefined>((a, b) => (a && a.bytes <= b.bytes ? a : b), undefined);
    if (!slot || (slot.bytes > SPAWN_OUTSTANDING_BYTES && this.slots.length < this.size)) slot = this.spawn() ?? slot;
    if (!slot) {
      job.reject(new ParserUnavailableError('the HCL parser stopped responding'));
      return;
    }
    const id = this.nextId++;
    slot.jobs.set(id, job);
    if (job.priority > 1 && job.request.kind !== 'expr') this.ahead.set(job.request.file, { slot, id });
    slot.bytes += job.bytes;
    slot.worker.ref(); // a pending answer keeps the process alive; an idle worker does not
    slot.worker.postMessage({ ...job.request, id, priority: job.priority });
    this.markBusy?.();
  }

  private spawn(): Slot | undefined {
    if (this.restarts > MAX_RESTARTS) return undefined;
    const worker = new Worker(this.script);
    const slot: Slot = { worker, jobs: new Map(), bytes: 0 };
    worker.on('message', (reply: WorkerReply | WorkerHint | WorkerStarted) => {
      const job = slot.jobs.get(reply.id);
      if ('started' in reply) {
        slot.current = reply.id;
        clearTimeout(slot.watchdog);
        if (job) {
          const ms = this.jobTimeout(job.bytes);
          const what = job.request.kind === 'expr' ? 'an expression' : job.request.file;
          slot.watchdog = setTimeout(() => died(`no answer for ${what} after ${Math.round(ms / 1000)} s`), ms).unref();
        }
        return;
      }
      if ('hint' in reply) {
        job?.hint?.(reply.hint);
        return;
      }
      slot.jobs.delete(reply.id);
      if (reply.id === slot.current) clearTimeout(slot.watchdog);
      if (job && job.request.kind !== 'expr' && this.ahead.get(job.request.file)?.id === reply.id) this.ahead.delete(job.request.file);
      if (job) slot.bytes -= job.bytes;
      if (slot.jobs.size === 0) worker.unref();
      // Modules repeat their templates: what one worker has parsed, the others need not parse again.
      if (reply.ok && reply.exprs && reply.exprs.length > 0) {
        const known: WorkerKnown = { kind: 'known', srcs: reply.exprs.map(([src]) => src) };
        for (const other of this.slots) if (other !== slot) other.worker.postMessage(known);
      }
      job?.resolve(reply);
    });
    const died = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      clearTimeout(slot.watchdog);
      this.restarts++;
      void worker.terminate();
      // The job it was on fails (it may be what killed it); the rest go to another worker.
      const jobs = [...slot.jobs];
      slot.jobs.clear();
      for (const [id, job] of jobs) {
        if (id === slot.current) job.reject(new ParserUnavailableError(`the HCL parser stopped responding (${why})`));
        else this.send(job);
      }
    };
    worker.on('error', (e) => died(e.message.split('\n')[0] ?? 'worker error'));
    worker.on('exit', (code) => died(`worker exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }
}

let pool: ParsePool | null | undefined;

/**
 * The pool, or undefined where there is none: `ZTAIT_PARSE_WORKERS=0`, or running from the
 * TypeScript sources (no compiled worker script beside this module), where parsing stays on
 * the calling thread.
 */
export function parsePool(): ParsePool | undefined {
  if (pool !== undefined) return pool ?? undefined;
  const script = new URL('./parse-worker.js', import.meta.url);
  const env = process.env.ZTAIT_PARSE_WORKERS;
  const size = env !== undefined && /^\d+$/.test(env) ? Number(env) : Math.min(availableParallelism(), 4);
  pool = size > 0 && existsSync(fileURLToPath(script)) ? new ParsePool(script, size) : null;
  return pool ?? undefined;
}
