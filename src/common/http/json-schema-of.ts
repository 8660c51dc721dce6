import { z } from 'zod';

type JsonSchemaOptions = Pick<NonNullable<Parameters<typeof z.toJSONSchema>[1]>, 'io' | 'target'>;

/** A zod schema as the JSON schema the OpenAPI document embeds (without its `$schema` line). */
export function jsonSchemaOf(
  schema: z.ZodType,
  options: JsonSchemaOptions,
): Record<string, unknown> {
  const jsonSchema = z.toJSONSchema(schema, { ...options, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete jsonSchema.$schema;
  return jsonSchema;
}
