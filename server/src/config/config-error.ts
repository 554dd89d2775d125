import type { ErrorObject } from 'ajv';

/** A configuration that cannot start the server; `problems` has one line per bad field. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`invalid configuration in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function fieldPath(e: ErrorObject, root: string): string {
  const parts = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required') parts.push(String(e.params.missingProperty));
  if (e.keyword === 'additionalProperties') parts.push(String(e.params.additionalProperty));
  let path = root;
  for (const p of parts) path += /^\d+$/.test(p) ? `[${p}]` : path ? `.${p}` : p;
  return path || '(root)';
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required': return 'is required';
    case 'additionalProperties': return 'is not a known setting';
    case 'pattern': return `must match ${e.params.pattern}`;
    case 'enum': return `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
    case 'const': return `must be ${JSON.stringify(e.params.allowedValue)}`;
    default: return e.message ?? 'is invalid';
  }
}

/**
 * One line per bad field. Union schemas make ajv report every branch; only the first error per field is kept,
 * and `anyOf` summaries are dropped in favour of their specific causes.
 */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined, root = '', value?: (e: ErrorObject) => unknown): string[] {
  const seen = new Map<string, string>();
  for (const e of errors ?? []) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const path = fieldPath(e, root);
    if (seen.has(path)) continue;
    const got = value?.(e);
    seen.set(path, `${path} ${describe(e)}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`);
  }
  return [...seen.values()];
}
