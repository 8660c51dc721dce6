import { isUuid } from '../common/ids';
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { ApiKeyRecord, ApiKeyRepository } from './api-key.repository';
import { Scope } from './scopes';

const KEY_PREFIX = 'urs_';

export interface Principal {
  keyId: string | null;
  name: string;
  scope: Scope;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** API keys: only their SHA-256 is stored; the plain key is shown once, at creation. */
@Injectable()
export class ApiKeysService {
  private readonly bootstrapHash: Buffer | null;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.bootstrapHash = config.adminApiKey ? sha256(config.adminApiKey) : null;
  }

  async create(name: string, scope: Scope): Promise<ApiKeyRecord & { key: string }> {
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const record = await this.keys.insert(
      name,
      scope,
      sha256(key),
      key.slice(0, KEY_PREFIX.length + 6),
    );
    return { ...record, key };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.keys.list();
  }

  async revoke(id: string): Promise<void> {
    const found = isUuid(id) && (await this.keys.revoke(id, this.clock.now()));
    if (!found) throw new NotFoundError('API key', id);
  }

  /** The principal a presented key stands for, or null. Comparisons are constant-time. */
  async authenticate(presented: string): Promise<Principal | null> {
    const hash = sha256(presented);
    if (this.bootstrapHash && timingSafeEqual(hash, this.bootstrapHash)) {
      return { keyId: null, name: 'ADMIN_API_KEY', scope: 'admin' };
    }
    const record = await this.keys.findActiveByHash(hash);
    if (!record || !timingSafeEqual(record.keyHash, hash)) return null;
    return { keyId: record.id, name: record.name, scope: record.scope };
  }
}
