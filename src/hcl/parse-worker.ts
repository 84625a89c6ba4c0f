/**
 * A parse worker (see parse-pool.ts): parses the files and expressions the main thread sends, one
 * at a time on its own hcl2json runtime. For a file it also parses every template expression in
 * it, so the main thread gets ready ASTs; an expression that fails here is left out and fails again,
 * with its message, when the evaluator asks for it. Modules repeat their expressions (a tree of
 * 600 files had 10,000 templates, 364 distinct), so each is parsed and sent once per worker, and
 * not at all by a worker the pool has told that another one sent it (150 ms less CPU there).
 */
import { parentPort } from 'node:worker_threads';
import type { Expr } from './ast.js';
import type { WorkerHint, WorkerKnown, WorkerPromote, WorkerReply, WorkerRequest, WorkerStarted } from './parse-pool.js';
import { HclSyntaxError, parseExpressionHere, parseHclFileHere, templateStrings, warmParser } from './parser.js';
import { readSourceFileHere } from './source-file.js';

/** Template strings the main thread has ASTs for: parsed and sent by this worker, or by another (WorkerKnown). */
const sent = new Set<string>();

async function answer(req: WorkerRequest): Promise<WorkerReply> {
  try {
    if (req.kind === 'expr') return { id: req.id, ok: true, expr: await parseExpressionHere(req.src) };
    if (req.kind === 'path') {
      const read = await readSourceFileHere(req.path, req.file, (hint) =>
        parentPort!.postMessage({ id: req.id, hint } satisfies WorkerHint),
      );
      return { id: req.id, ok: true, read, exprs: 'body' in read ? await expressionsOf(read.body) : [] };
    }
    const body = await parseHclFileHere(req.file, req.text);
    return { id: req.id, ok: true, body, exprs: await expressionsOf(body) };
  } catch (e) {
    if (e instanceof HclSyntaxError)
      return { id: req.id, ok: false, syntax: { file: e.file, line: e.line, column: e.column, detail: e.detail } };
    return { id: req.id, ok: false, message: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}

/** The ASTs of a body's template expressions this worker has not sent yet. */
async function expressionsOf(body: Record<string, unknown>): Promise<[string, Expr][]> {
  const exprs: [string, Expr][] = [];
  for (const src of templateStrings(body)) {
    if (sent.has(src)) continue;
    sent.add(src);
    try {
      exprs.push([src, await parseExpressionHere(src)]);
    } catch {
      // reported by the evaluator, which knows where the expression is used
    }
  }
  return exprs;
}

warmParser(); // the runtime loads while the first job is still on its way

// The worker's own queue, most urgent first (see parse-pool.ts): one job at a time, since the
// parser itself takes one call at a time.
const queues: WorkerRequest[][] = [[], [], []];
let busy = false;
let scheduled = false;

/** Starts the most urgent job from the event loop, once the messages waiting now are all queued. */
function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    next();
  });
}

function next(): void {
  if (busy) return;
  const req = queues[0]!.shift() ?? queues[1]!.shift() ?? queues[2]!.shift();
  if (!req) return;
  busy = true;
  parentPort!.postMessage({ id: req.id, started: true } satisfies WorkerStarted);
  void answer(req).then((reply) => {
    parentPort!.postMessage(reply);
    busy = false;
    schedule();
  });
}

// A parse completes in microtasks, and Node delivers a port's waiting messages one after another,
// running microtasks after each. Starting a job from this handler would therefore run every job in
// arrival order before the next message is even seen: an urgent file sent behind 200 read-ahead
// files waited for all of them (0.5 s measured). So the handler only queues, and jobs start from
// the event loop, which delivers every waiting message first.
parentPort?.on('message', (msg: WorkerRequest | WorkerPromote | WorkerKnown) => {
  if (msg.kind === 'known') {
    for (const src of msg.srcs) sent.add(src);
    return;
  }
  if (msg.kind === 'promote') {
    const i = queues[2]!.findIndex((r) => r.id === msg.id);
    if (i >= 0) queues[1]!.push(...queues[2]!.splice(i, 1));
  } else queues[msg.priority]!.push(msg);
  schedule();
});
