import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Scope } from './scopes';

export interface ApiKeyRecord {
  id: string;
  name: string;
  scope: Scope;
  keyPrefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  scope: Scope;
  key_prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, scope, key_prefix, created_at, revoked_at';

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    keyPrefix: row.key_prefix,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly db: DataSource) {}

  async insert(
    name: string,
    scope: Scope,
    keyHash: Buffer,
    keyPrefix: string,
  ): Promise<ApiKeyRecord> {
    const rows: ApiKeyRow[] = await this.db.query(
      `INSERT INTO api_keys (name, scope, key_hash, key_prefix) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [name, scope, keyHash, keyPrefix],
    );
    return toRecord(rows[0]);
  }

  async findActiveByHash(keyHash: Buffer): Promise<(ApiKeyRecord & { keyHash: Buffer }) | null> {
    const rows: Array<ApiKeyRow & { key_hash: Buffer | Uint8Array }> = await this.db.query(
      `SELECT ${COLUMNS}, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    return rows[0] ? { ...toRecord(rows[0]), keyHash: Buffer.from(rows[0].key_hash) } : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows: ApiKeyRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`,
    );
    return rows.map(toRecord);
  }

  /** Returns false when no such key exists; revoking twice keeps the first revocation time. */
  async revoke(id: string, at: Date): Promise<boolean> {
    const rows: Array<{ id: string }> = await this.db.query(
      // TypeORM answers a bare UPDATE with [rows, count]; a CTE keeps the answer a row list.
      `WITH revoked AS (UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING id)
       SELECT id FROM revoked`,
      [id, at],
    );
    return rows.length > 0;
  }
}
