import { applyDecorators } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import { jsonSchemaOf } from './json-schema-of';

/** Documents a JSON body in the OpenAPI document from the zod schema that validates it. */
export function ApiJsonBody(schema: z.ZodType) {
  return applyDecorators(ApiBody({ schema: jsonSchemaOf(schema, { io: 'input' }) }));
}
