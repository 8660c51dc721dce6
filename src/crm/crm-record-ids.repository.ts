import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CrmProviderName, CrmRecordIdStore } from './crm-provider';

/** `crm_record_ids`: which CRM record each of our keys became (see the migration). */
@Injectable()
export class CrmRecordIdsRepository implements CrmRecordIdStore {
  constructor(private readonly db: DataSource) {}

  async find(
    provider: CrmProviderName,
    objectType: string,
    keys: readonly string[],
  ): Promise<Map<string, string | null>> {
    const rows: Array<{ key: string; crm_id: string | null }> = await this.db.query(
      `SELECT key, crm_id FROM crm_record_ids
       WHERE provider = $1 AND object_type = $2 AND key = ANY($3::text[])`,
      [provider, objectType, keys],
    );
    return new Map(rows.map((row) => [row.key, row.crm_id]));
  }

  async markCreating(
    provider: CrmProviderName,
    objectType: string,
    keys: readonly string[],
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO crm_record_ids (provider, object_type, key)
       SELECT $1, $2, unnest($3::text[])
       ON CONFLICT (provider, object_type, key) DO UPDATE SET create_attempted_at = now()`,
      [provider, objectType, keys],
    );
  }

  async store(
    provider: CrmProviderName,
    objectType: string,
    ids: ReadonlyMap<string, string>,
  ): Promise<void> {
    if (ids.size === 0) return;
    await this.db.query(
      `INSERT INTO crm_record_ids (provider, object_type, key, crm_id)
       SELECT $1, $2, v.key, v.crm_id FROM unnest($3::text[], $4::text[]) AS v(key, crm_id)
       ON CONFLICT (provider, object_type, key) DO UPDATE SET crm_id = EXCLUDED.crm_id`,
      [provider, objectType, [...ids.keys()], [...ids.values()]],
    );
  }
}
