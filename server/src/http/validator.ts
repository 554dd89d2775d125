import AjvCompiler from '@fastify/ajv-compiler';

type Schemas = Parameters<AjvCompiler.BuildCompilerFromPool>[0];
type CompilerOptions = NonNullable<Parameters<AjvCompiler.BuildCompilerFromPool>[1]>;
type ValidationError = { instancePath: string; schemaPath: string; keyword: string; params: object; message: string };
type Validate = ((data: unknown, ctx?: unknown) => boolean) & { errors?: ValidationError[] | null; schemaEnv?: unknown };
type Compile = (route: { httpPart?: string }) => Validate;

/** Where a coerced value is not a finite number, as a JSON pointer; null when there is none. */
function nonFinite(value: unknown, path = ''): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, item] of Object.entries(value)) {
    const found = nonFinite(item, `${path}/${key}`);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Ajv's coercion turns "1e999" or "Infinity" into a number it does not check again (its bounds skip non-finite
 * ones), so a limit of Infinity passed the schema and failed further in as a 500. A coerced number must be finite.
 */
function finiteOnly(validate: Validate): Validate {
  const checked: Validate = (data, ctx) => {
    if (!validate(data, ctx)) {
      checked.errors = validate.errors ?? null;
      return false;
    }
    const at = nonFinite(data);
    checked.errors = at === null ? null : [{ instancePath: at, schemaPath: '#', keyword: 'type', params: {}, message: 'must be a finite number' }];
    return at === null;
  };
  checked.schemaEnv = validate.schemaEnv;
  return checked;
}

/**
 * Fastify's validator with two changes. A JSON body is checked as sent: Fastify coerces types by default ("0.2" for
 * 0.2, a string for a one-item array), which suits the path and the query string, where every value is text, but
 * would take a wrongly typed body for a right one instead of refusing it. And a coerced number must be finite.
 */
export const buildValidator = ((externalSchemas: Schemas, options: CompilerOptions) => {
  const build = AjvCompiler();
  const coercing = build(externalSchemas, options) as unknown as Compile;
  const asSent = build(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } } as CompilerOptions) as unknown as Compile;
  return (route: { httpPart?: string }) => (route.httpPart === 'body' ? asSent(route) : finiteOnly(coercing(route)));
}) as unknown as AjvCompiler.ValidatorFactory;
