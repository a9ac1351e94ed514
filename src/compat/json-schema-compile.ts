import { Ajv, type ValidateFunction } from "ajv";

const cache = new WeakMap<object, ValidateFunction>();

/**
 * Compiles a user's JSON Schema once; throws ajv's own error when the schema itself is invalid.
 * One Ajv per schema, so two suites' schemas that share an `$id` do not collide.
 */
export function compileJsonSchema(schema: Readonly<Record<string, unknown>>): ValidateFunction {
  let validate = cache.get(schema);
  if (!validate) {
    validate = new Ajv({ allErrors: true, strict: false }).compile(schema as Record<string, unknown>);
    cache.set(schema, validate);
  }
  return validate;
}
