/**
 * Our own expression AST for Terraform (HCL) expressions. The parser translates the hcl2json syntax
 * tree into these nodes so that nothing downstream depends on hcl2json's node shapes.
 *
 * A template directive `%{if}` is a `conditional` among a template's parts (as in HCL itself); a
 * `%{for}` is a `templateFor`.
 */

export type Expr =
  | Literal
  | Template
  | TemplateFor
  | ScopeTraversal
  | GetAttr
  | Index
  | Splat
  | SplatItem
  | Call
  | Tuple
  | ObjectCons
  | For
  | Conditional
  | Unary
  | Binary
  | Unsupported;

export interface Literal {
  kind: 'literal';
  value: null | boolean | number | string;
}

/** A string template: the parts' values converted to strings and concatenated. */
export interface Template {
  kind: 'template';
  parts: Expr[];
}

/** `%{ for k, v in coll }body%{ endfor }`: body rendered once per element and concatenated. */
export interface TemplateFor {
  kind: 'templateFor';
  keyVar?: string;
  valVar: string;
  collection: Expr;
  body: Expr;
}

export type TraversalStep = { kind: 'attr'; name: string } | { kind: 'index'; key: string | number };

/** A static reference: `var.x`, `aws_sg.lambda.id`, `each.value["k"]`, `x` (a scope variable). */
export interface ScopeTraversal {
  kind: 'traversal';
  root: string;
  steps: TraversalStep[];
}

export interface GetAttr {
  kind: 'getAttr';
  target: Expr;
  name: string;
}

export interface Index {
  kind: 'index';
  target: Expr;
  key: Expr;
}

/** `source[*].each` and `source.*.each`: `each` is evaluated with `splatItem` bound to every element. */
export interface Splat {
  kind: 'splat';
  source: Expr;
  each: Expr;
}

/** The current element inside a splat's `each` expression. */
export interface SplatItem {
  kind: 'splatItem';
}

export interface Call {
  kind: 'call';
  name: string;
  args: Expr[];
  /** `f(a, list...)`: the last argument's elements become separate arguments. */
  expandLast: boolean;
}

export interface Tuple {
  kind: 'tuple';
  items: Expr[];
}

/** A key is a bare name (`{ a = 1 }`, a plain string) or an expression (`"${x}"`, `(var.k)`). */
export interface ObjectEntry {
  key: string | Expr;
  value: Expr;
}

export interface ObjectCons {
  kind: 'object';
  entries: ObjectEntry[];
}

/** `[for k, v in coll : value if cond]` and `{for k, v in coll : key => value... if cond}`. */
export interface For {
  kind: 'for';
  keyVar?: string;
  valVar: string;
  collection: Expr;
  key?: Expr;
  value: Expr;
  cond?: Expr;
  grouped: boolean;
  isObject: boolean;
}

export interface Conditional {
  kind: 'conditional';
  cond: Expr;
  then: Expr;
  else: Expr;
}

export interface Unary {
  kind: 'unary';
  op: 'not' | 'negate';
  operand: Expr;
}

export type BinaryOp =
  | 'add'
  | 'subtract'
  | 'multiply'
  | 'divide'
  | 'modulo'
  | 'equal'
  | 'notEqual'
  | 'lessThan'
  | 'lessThanOrEqual'
  | 'greaterThan'
  | 'greaterThanOrEqual'
  | 'and'
  | 'or';

export interface Binary {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

/** A syntax form the parser does not translate; evaluates to an error Unknown naming it. */
export interface Unsupported {
  kind: 'unsupported';
  what: string;
}

/** Sub-expressions of a node, in source order (for walking the tree). */
export function childrenOf(e: Expr): Expr[] {
  switch (e.kind) {
    case 'template':
      return e.parts;
    case 'templateFor':
      return [e.collection, e.body];
    case 'getAttr':
      return [e.target];
    case 'index':
      return [e.target, e.key];
    case 'splat':
      return [e.source, e.each];
    case 'call':
      return e.args;
    case 'tuple':
      return e.items;
    case 'object':
      return e.entries.flatMap((en) => (typeof en.key === 'string' ? [en.value] : [en.key, en.value]));
    case 'for':
      return [e.collection, ...(e.key ? [e.key] : []), e.value, ...(e.cond ? [e.cond] : [])];
    case 'conditional':
      return [e.cond, e.then, e.else];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    default:
      return [];
  }
}

/**
 * Every static reference in an expression as its leading segments (`['var', 'x']`,
 * `['aws_iam_role', 'r', 'arn']`), for dependency discovery. Names bound by `for` expressions and
 * template `for` directives inside the expression are left out.
 */
export function referencesOf(expr: Expr): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (e: Expr, bound: ReadonlySet<string>): void => {
    if (e.kind === 'traversal') {
      if (!bound.has(e.root)) out.push([e.root, ...e.steps.map((s) => (s.kind === 'attr' ? s.name : s.key))]);
      return;
    }
    if (e.kind === 'for' || e.kind === 'templateFor') {
      walk(e.collection, bound);
      const inner = new Set(bound);
      inner.add(e.valVar);
      if (e.keyVar) inner.add(e.keyVar);
      childrenOf(e)
        .slice(1)
        .forEach((c) => walk(c, inner));
      return;
    }
    childrenOf(e).forEach((c) => walk(c, bound));
  };
  walk(expr, new Set());
  return out;
}
