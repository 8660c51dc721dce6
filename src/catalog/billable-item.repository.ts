import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError } from '../common/errors';
import { Queryable } from '../database/transaction';
import { BillableItemKind } from './dto/billable-item.schema';
import { conflictOnDuplicate } from '../database/unique-violation';

export interface BillableItemRecord {
  id: string;
  key: string;
  name: string;
  kind: BillableItemKind;
  meterId: string | null;
  meterKey: string | null;
  filter: Record<string, string>;
  createdAt: Date;
}

export interface NewBillableItem {
  key: string;
  name: string;
  kind: BillableItemKind;
  meterId: string | null;
  filter: Record<string, string>;
}

interface BillableItemRow {
  id: string;
  key: string;
  name: string;
  kind: BillableItemKind;
  meter_id: string | null;
  meter_key: string | null;
  filter: Record<string, string>;
  created_at: Date;
}

const SELECT = `
  SELECT b.id, b.key, b.name, b.kind, b.meter_id, m.key AS meter_key, b.filter, b.created_at
  FROM billable_items b LEFT JOIN meters m ON m.id = b.meter_id`;

function toRecord(row: BillableItemRow): BillableItemRecord {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    kind: row.kind,
    meterId: row.meter_id,
    meterKey: row.meter_key,
    filter: row.filter,
    createdAt: row.created_at,
  };
}

@Injectable()
export class BillableItemRepository {
  constructor(private readonly db: DataSource) {}

  async insert(item: NewBillableItem): Promise<BillableItemRecord> {
    const insert = this.db.query(
      `WITH b AS (
         INSERT INTO billable_items (key, name, kind, meter_id, filter) VALUES ($1, $2, $3, $4, $5) RETURNING *
       )
       SELECT b.id, b.key, b.name, b.kind, b.meter_id, m.key AS meter_key, b.filter, b.created_at
       FROM b LEFT JOIN meters m ON m.id = b.meter_id`,
      [item.key, item.name, item.kind, item.meterId, item.filter],
    );
    const rows: BillableItemRow[] = await conflictOnDuplicate(
      insert,
      () =>
        new ConflictError(`a billable item with key '${item.key}' already exists`, [
          { field: 'key', problem: 'is taken' },
        ]),
    );
    return toRecord(rows[0]);
  }

  async findByKey(key: string): Promise<BillableItemRecord | null> {
    return (await this.findByKeys([key])).get(key) ?? null;
  }

  /** The items among `keys` that exist, by key; callers report the missing ones. */
  async findByKeys(
    keys: string[],
    db: Queryable = this.db,
  ): Promise<Map<string, BillableItemRecord>> {
    const rows: BillableItemRow[] = await db.query(`${SELECT} WHERE b.key = ANY($1::text[])`, [
      keys,
    ]);
    return new Map(rows.map((row) => [row.key, toRecord(row)]));
  }

  async list(): Promise<BillableItemRecord[]> {
    const rows: BillableItemRow[] = await this.db.query(`${SELECT} ORDER BY b.key`);
    return rows.map(toRecord);
  }
}
