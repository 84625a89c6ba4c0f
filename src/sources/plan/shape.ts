import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * The shape of every part of a plan the loader reads (format 1.x, as `terraform show -json`
 * writes it: https://developer.hashicorp.com/terraform/internals/json-format). A document that
 * passes can be walked without a type check at each step; anything else in it is left alone, so
 * fields a later 1.x adds do not matter. Values (`values`, `before`, `after`, the unknown and
 * sensitive marks, constant values) may be any JSON: the loader reads them as such.
 */
/** What names a resource block, in `configuration` and in the plan's instances and changes. */
const BLOCK = {
  address: { type: 'string' },
  mode: { enum: ['managed', 'data'] },
  type: { type: 'string' },
  name: { type: 'string' },
} as const;
const INSTANCE = { ...BLOCK, index: { type: ['string', 'number'] } } as const;

const PLAN_SHAPE = {
  type: 'object',
  properties: {
    format_version: { type: 'string' },
    variables: { type: 'object', additionalProperties: { type: 'object' } },
    planned_values: { $ref: '#/$defs/values' },
    prior_state: { type: 'object', properties: { values: { $ref: '#/$defs/values' } } },
    resource_changes: { type: 'array', items: { $ref: '#/$defs/resourceChange' } },
    configuration: { type: 'object', properties: { root_module: { $ref: '#/$defs/configModule' } } },
  },
  $defs: {
    values: {
      type: 'object',
      properties: {
        root_module: { $ref: '#/$defs/module' },
        outputs: { type: 'object', additionalProperties: { type: 'object', properties: { sensitive: { type: 'boolean' } } } },
      },
    },
    module: {
      type: 'object',
      properties: {
        address: { type: 'string' },
        resources: { type: 'array', items: { $ref: '#/$defs/resource' } },
        child_modules: { type: 'array', items: { $ref: '#/$defs/module' } },
      },
    },
    resource: {
      type: 'object',
      required: ['address', 'mode', 'type', 'name'],
      properties: {
        ...INSTANCE,
        values: { type: 'object' },
      },
    },
    resourceChange: {
      type: 'object',
      required: ['address', 'mode', 'type', 'name', 'change'],
      properties: {
        ...INSTANCE,
        deposed: { type: 'string' },
        change: {
          type: 'object',
          required: ['actions'],
          properties: { actions: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
    configModule: {
      type: 'object',
      properties: {
        resources: { type: 'array', items: { $ref: '#/$defs/configResource' } },
        module_calls: { type: 'object', additionalProperties: { $ref: '#/$defs/moduleCall' } },
        outputs: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            properties: { expression: { $ref: '#/$defs/expression' }, sensitive: { type: 'boolean' } },
          },
        },
        variables: { type: 'object', additionalProperties: { type: 'object', properties: { sensitive: { type: 'boolean' } } } },
      },
    },
    configResource: {
      type: 'object',
      required: ['address', 'mode', 'type', 'name'],
      properties: {
        ...BLOCK,
        expressions: { type: 'object', additionalProperties: { $ref: '#/$defs/configNode' } },
        count_expression: { $ref: '#/$defs/expression' },
        for_each_expression: { $ref: '#/$defs/expression' },
      },
    },
    moduleCall: {
      type: 'object',
      properties: {
        source: { type: 'string' },
        expressions: { type: 'object', additionalProperties: { $ref: '#/$defs/expression' } },
        count_expression: { $ref: '#/$defs/expression' },
        for_each_expression: { $ref: '#/$defs/expression' },
        module: { $ref: '#/$defs/configModule' },
      },
    },
    /** `{ "references": [...] }`, `{ "constant_value": ... }`, or `{}` (neither: a complex expression). */
    expression: {
      type: 'object',
      properties: { references: { type: 'array', items: { type: 'string' } } },
    },
    /**
     * A resource's `expressions` entry: an expression (an object with `references` or
     * `constant_value`, read as a whole), or nested blocks (a list of bodies, each a map of entries).
     */
    configNode: {
      if: { type: 'object', anyOf: [{ required: ['references'] }, { required: ['constant_value'] }] },
      then: { $ref: '#/$defs/expression' },
      else: { items: { $ref: '#/$defs/configNode' }, additionalProperties: { $ref: '#/$defs/configNode' } },
    },
  },
} as const;

/**
 * Compiled on the first plan read, not when the CLI starts (an HCL check never needs it). The
 * schema is a constant the tests exercise: not checked against the meta-schema at every run.
 */
let validator: ValidateFunction | undefined;
const validateShape = (doc: unknown): { ok: boolean; errors: ErrorObject[] | null | undefined } => {
  validator ??= new Ajv({
    allErrors: false,
    strict: false,
    allowUnionTypes: true,
    validateSchema: false,
    code: { optimize: false },
  }).compile(PLAN_SHAPE);
  return { ok: validator(doc), errors: validator.errors };
};

/**
 * How deep a plan may nest. Terraform's own stay within a few dozen levels; the loader, the
 * validator and the rules walk values recursively, and this keeps every walk far from the stack's
 * limit (a few thousand levels).
 */
export const MAX_NESTING = 500;

/** Undefined when the document has the plan shape, else what is wrong with it, in one line. */
export function shapeProblem(doc: unknown): string | undefined {
  if (nestedDeeperThan(doc, MAX_NESTING)) return `the document is nested more than ${MAX_NESTING} levels deep`;
  const { ok, errors } = validateShape(doc);
  return ok ? undefined : describe(errors?.[0]);
}

/**
 * Whether objects and arrays nest deeper than `levels` levels below `v`. Recursive, but never more
 * than `levels` calls deep whatever the document (for-in: no array of keys per object).
 */
function nestedDeeperThan(v: unknown, levels: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (levels === 0) return true;
  if (Array.isArray(v)) {
    for (const x of v) if (nestedDeeperThan(x, levels - 1)) return true;
  } else {
    for (const k in v) if (nestedDeeperThan((v as Record<string, unknown>)[k], levels - 1)) return true;
  }
  return false;
}

function describe(err: ErrorObject | undefined): string {
  if (!err) return 'unexpected structure';
  const where = err.instancePath ? err.instancePath.slice(1).split('/').map(pathSegment).join('.') : 'the document';
  return `${where} ${err.message ?? 'is malformed'}`;
}

/** A JSON pointer segment as a path step. */
function pathSegment(raw: string): string {
  return plainOrQuoted(raw.replace(/~1/g, '/').replace(/~0/g, '~'), 40);
}

/**
 * Text of the document shown in a one-line message: as it is when short and plain, else quoted
 * (line breaks escaped) and cut to `max` characters.
 */
export function plainOrQuoted(s: string, max: number): string {
  if (s.length <= max && /^[\w.+-]+$/.test(s)) return s;
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}...` : s).replace(
    /[\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}
