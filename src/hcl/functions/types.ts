import type { Value } from '../../model/value.js';
import type { EvalContext } from '../evaluate.js';

/** One Terraform function: its arity and implementation (which may throw FnError / UnknownSignal). */
export interface FunctionDef {
  min: number;
  max: number;
  impl(args: Value[], ctx: EvalContext): Value | Promise<Value>;
}

export type FunctionTable = Record<string, FunctionDef>;

export function fn(min: number, max: number, impl: FunctionDef['impl']): FunctionDef {
  return { min, max, impl };
}

/** Variadic upper bound. */
export const MANY = Number.POSITIVE_INFINITY;
