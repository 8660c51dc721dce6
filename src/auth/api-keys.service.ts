import { isUuid } from '../common/ids';
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Clock } from '../common/clock';
import { ExpiringCache } from '../common/expiring-cache';
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

/** Verified keys remembered at most; beyond it the one verified longest ago is read again. */
const TRUSTED_KEYS = 10_000;

/**
 * API keys: only their SHA-256 is stored; the plain key is shown once, at
 * creation. A verified key is trusted for KEY_TRUST_MS without reading it
 * again (a product checks entitlements on every request); a revocation takes
 * effect at once in this process and within KEY_TRUST_MS in the others.
 */
@Injectable()
export class ApiKeysService {
  private readonly bootstrapHash: Buffer | null;
  /** Hex SHA-256 of a presented key → the principal it was verified as. */
  private readonly trusted: ExpiringCache<string, Principal>;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.bootstrapHash = config.adminApiKey ? sha256(config.adminApiKey) : null;
    this.trusted = new ExpiringCache(config.trust.apiKeyMs, TRUSTED_KEYS);
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
    this.trusted.deleteWhere((principal) => principal.keyId === id);
  }

  /** The principal a presented key stands for, or null. Comparisons are constant-time. */
  async authenticate(presented: string): Promise<Principal | null> {
    const hash = sha256(presented);
    if (this.bootstrapHash && timingSafeEqual(hash, this.bootstrapHash)) {
      return { keyId: null, name: 'ADMIN_API_KEY', scope: 'admin' };
    }
    // Keyed by the hash, never the key: the cache holds no secret.
    const cacheKey = hash.toString('hex');
    return this.trusted.getOrLoad(cacheKey, async () => {
      const record = await this.keys.findActiveByHash(hash);
      if (!record || !timingSafeEqual(record.keyHash, hash)) return null;
      return { keyId: record.id, name: record.name, scope: record.scope };
    });
  }
}
