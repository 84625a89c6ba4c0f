import type { SchemaObject } from 'ajv';

/** JSON schemas of the data files in rules/. Strict: unknown keys are errors (typos must not pass). */

const SEVERITY = { enum: ['critical', 'high', 'medium', 'low'] };

export const RULE_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'title',
    'statement',
    'stride',
    'nist',
    'severity',
    'remediation',
    'references',
    'kind',
    'security_severity',
    'precision',
  ],
  properties: {
    id: { type: 'string', pattern: '^(SI|ZT-MAT|ZT-PLAN)-[1-9][0-9]*$' },
    title: { type: 'string', minLength: 5 },
    statement: { type: 'string', minLength: 20 },
    stride: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name'],
        properties: { id: { type: 'string', pattern: '^T[0-9]+$' }, name: { type: 'string', minLength: 3 } },
      },
    },
    nist: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'integer', minimum: 1, maximum: 7 } },
    severity: SEVERITY,
    remediation: { type: 'string', minLength: 20 },
    references: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', format: 'uri', pattern: '^https://' } },
    kind: { enum: ['invariant', 'maturity', 'plan'] },
    security_severity: { type: 'string', pattern: '^[0-9]{1,2}\\.[0-9]$' },
    precision: { enum: ['very-high', 'high', 'medium', 'low'] },
  },
};

export const NIST_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'tenets'],
  properties: {
    source: { type: 'string', format: 'uri' },
    tenets: {
      type: 'array',
      minItems: 7,
      maxItems: 7,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['tenet', 'title', 'rules'],
        properties: {
          tenet: { type: 'integer', minimum: 1, maximum: 7 },
          title: { type: 'string', minLength: 5 },
          rules: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
        },
      },
    },
  },
};

const CRITERION = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'op', 'threshold', 'description'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9_]+$' },
    op: { enum: ['>=', '<=', '>', '<', '=='] },
    threshold: { type: 'number' },
    description: { type: 'string' },
  },
};

export const MATURITY_SCHEMA: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['window_days', 'settings', 'levels', 'transitions', 'ongoing', 'trust_score'],
  properties: {
    window_days: { type: 'integer', minimum: 1 },
    settings: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type', 'description'],
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9_]+$' },
          type: { enum: ['boolean', 'number'] },
          description: { type: 'string' },
        },
      },
    },
    levels: {
      type: 'array',
      minItems: 4,
      maxItems: 4,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['level', 'name', 'settings'],
        properties: {
          level: { type: 'integer', minimum: 0, maximum: 3 },
          name: { type: 'string' },
          settings: { type: 'object', additionalProperties: { type: ['boolean', 'number', 'null'] } },
        },
      },
    },
    transitions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['from', 'to', 'criteria'],
        properties: {
          from: { type: 'integer', minimum: 0, maximum: 3 },
          to: { type: 'integer', minimum: 0, maximum: 3 },
          criteria: { type: 'array', minItems: 1, items: CRITERION },
        },
      },
    },
    ongoing: {
      type: 'object',
      additionalProperties: false,
      required: ['level', 'criteria', 'regression'],
      properties: {
        level: { type: 'integer', minimum: 0, maximum: 3 },
        criteria: { type: 'array', items: CRITERION },
        regression: {
          type: 'object',
          additionalProperties: false,
          required: ['to', 'metric', 'op', 'threshold', 'consecutive_days', 'description'],
          properties: {
            to: { type: 'integer', minimum: 0, maximum: 3 },
            metric: { type: 'string' },
            op: { enum: ['>=', '<=', '>', '<', '=='] },
            threshold: { type: 'number' },
            consecutive_days: { type: 'integer', minimum: 1 },
            description: { type: 'string' },
          },
        },
      },
    },
    trust_score: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['component', 'name', 'weight'],
        properties: {
          component: { type: 'string' },
          name: { type: 'string' },
          weight: { type: 'number', minimum: 0, maximum: 1 },
        },
      },
    },
  },
};
