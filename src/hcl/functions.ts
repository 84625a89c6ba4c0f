/**
 * Terraform's built-in functions over `Value`s. Problems never throw: an unsupported function, a bad
 * argument or a missing file gives an EvalError naming the call; an Unknown argument gives an Unknown
 * carrying the arguments' refs.
 */
import type { Value } from '../model/value.js';
import type { EvalContext } from './evaluate.js';
import { cidrFunctions } from './functions/cidr.js';
import { collectionFunctions } from './functions/collections.js';
import { FnError, UnknownSignal } from './functions/convert.js';
import { encodingFunctions } from './functions/encoding.js';
import { fileFunctions } from './functions/files.js';
import { formatFunctions } from './functions/format.js';
import { numericFunctions } from './functions/numeric.js';
import { regexFunctions } from './functions/regex.js';
import { stringFunctions } from './functions/strings.js';
import type { FunctionTable } from './functions/types.js';
import { asUnknown, derivedUnknown, evalError } from './functions/unknowns.js';

const FUNCTIONS: FunctionTable = {
  ...stringFunctions,
  ...formatFunctions,
  ...regexFunctions,
  ...collectionFunctions,
  ...numericFunctions,
  ...encodingFunctions,
  ...fileFunctions,
  ...cidrFunctions,
};

/** Names of the functions implemented here (try and can are handled by the evaluator). */
export function supportedFunctions(): string[] {
  return [...Object.keys(FUNCTIONS), 'can', 'try'].sort();
}

export function callFunction(name: string, args: Value[], ctx: EvalContext): Promise<Value> | Value {
  const def = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!def) return evalError(`function ${name} is not supported`, args);
  if (args.length < def.min || args.length > def.max) {
    const expected = def.min === def.max ? `${def.min}` : def.max === Infinity ? `at least ${def.min}` : `${def.min} to ${def.max}`;
    return evalError(`${name}() takes ${expected} argument(s), got ${args.length}`, args);
  }
  try {
    const out = def.impl(args, ctx);
    return out instanceof Promise ? out.catch((err: unknown) => failure(name, err, args)) : out;
  } catch (err) {
    return failure(name, err, args);
  }
}

function failure(name: string, err: unknown, args: readonly Value[]): Value {
  if (err instanceof UnknownSignal) return derivedUnknown(asUnknown(err.value)!.reason, args);
  if (err instanceof FnError) return evalError(err.qualified ? err.message : `${name}(): ${err.message}`, args);
  return evalError(`${name}(): internal error: ${err instanceof Error ? err.message : String(err)}`, args);
}
