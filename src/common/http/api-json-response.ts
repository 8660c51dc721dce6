import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { jsonSchemaOf } from './json-schema-of';

/**
 * Documents a 200 JSON answer in the OpenAPI document from the zod schema of
 * its shape (OpenAPI 3.0 spells null as `nullable`, as the document's version).
 */
export function ApiJsonResponse(schema: z.ZodType, description: string) {
  return applyDecorators(
    ApiOkResponse({
      description,
      schema: jsonSchemaOf(schema, { io: 'output', target: 'openapi-3.0' }),
    }),
  );
}
