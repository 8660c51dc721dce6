import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiJsonBody } from '../common/http/api-json-body';
import { parseInput } from '../common/validation';
import { ApiKeyRecord } from './api-key.repository';
import { ApiKeysService } from './api-keys.service';
import { RequiresScope, SCOPES } from './scopes';

const createApiKeySchema = z
  .object({
    name: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(200),
    scope: z.enum(SCOPES, { error: `must be one of ${SCOPES.join(', ')}` }),
  })
  .strict();

function toResponse(record: ApiKeyRecord) {
  return {
    id: record.id,
    name: record.name,
    scope: record.scope,
    keyPrefix: record.keyPrefix,
    createdAt: record.createdAt.toISOString(),
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

@ApiTags('api-keys')
@ApiBearerAuth()
@RequiresScope('admin')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiJsonBody(createApiKeySchema)
  async create(@Body() body: unknown) {
    const input = parseInput(createApiKeySchema, body);
    const created = await this.apiKeys.create(input.name, input.scope);
    return { ...toResponse(created), key: created.key };
  }

  @Get()
  async list() {
    return { data: (await this.apiKeys.list()).map(toResponse) };
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string): Promise<void> {
    await this.apiKeys.revoke(id);
  }
}
