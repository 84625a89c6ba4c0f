import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseDocument } from 'yaml';
import { PACKAGE_ROOT } from '../../version.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats: AddFormats =
  (addFormatsModule as unknown as { default?: AddFormats }).default ?? (addFormatsModule as unknown as AddFormats);

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const compiled = new WeakMap<SchemaObject, ValidateFunction>();

/** Shown in errors: package-relative when the file is inside the package. */
export function displayPath(file: string): string {
  const rel = relative(PACKAGE_ROOT, file);
  return rel.startsWith('..') ? file : rel;
}

function describe(errors: ErrorObject[]): string {
  return errors
    .map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
      return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
    })
    .join('; ');
}

/**
 * Reads one YAML data file and validates it against a JSON schema. Any problem (unreadable,
 * YAML syntax, schema violation) is an Error whose message starts with the file name.
 */
export function readValidatedYaml<T>(file: string, schema: SchemaObject): T {
  const name = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${name}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new Error(`${name}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(data)) throw new Error(`${name}: ${describe(validate.errors ?? [])}`);
  return data as T;
}
