import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError } from '../common/errors';
import { Queryable } from '../database/transaction';
import { Aggregation, CreateMeterInput } from './dto/meter.schema';
import { conflictOnDuplicate } from '../database/unique-violation';

export interface MeterRecord {
  id: string;
  key: string;
  name: string;
  aggregation: Aggregation;
  unit: string | null;
  dimensions: string[];
  createdAt: Date;
}

interface MeterRow {
  id: string;
  key: string;
  name: string;
  aggregation: Aggregation;
  unit: string | null;
  dimensions: string[];
  created_at: Date;
}

const COLUMNS = 'id, key, name, aggregation, unit, dimensions, created_at';

function toRecord(row: MeterRow): MeterRecord {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    aggregation: row.aggregation,
    unit: row.unit,
    dimensions: row.dimensions,
    createdAt: row.created_at,
  };
}

@Injectable()
export class MeterRepository {
  constructor(private readonly db: DataSource) {}

  async insert(meter: CreateMeterInput): Promise<MeterRecord> {
    const insert = this.db.query(
      `INSERT INTO meters (key, name, aggregation, unit, dimensions) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [meter.key, meter.name, meter.aggregation, meter.unit ?? null, meter.dimensions],
    );
    const rows: MeterRow[] = await conflictOnDuplicate(
      insert,
      () =>
        new ConflictError(`a meter with key '${meter.key}' already exists`, [
          { field: 'key', problem: 'is taken' },
        ]),
    );
    return toRecord(rows[0]);
  }

  async findByKey(key: string): Promise<MeterRecord | null> {
    return (await this.findByKeys([key])).get(key) ?? null;
  }

  /** The meters among `keys` that exist, by key; callers report the missing ones. */
  async findByKeys(keys: string[], db: Queryable = this.db): Promise<Map<string, MeterRecord>> {
    const rows: MeterRow[] = await db.query(
      `SELECT ${COLUMNS} FROM meters WHERE key = ANY($1::text[])`,
      [keys],
    );
    return new Map(rows.map((row) => [row.key, toRecord(row)]));
  }

  async list(): Promise<MeterRecord[]> {
    const rows: MeterRow[] = await this.db.query(`SELECT ${COLUMNS} FROM meters ORDER BY key`);
    return rows.map(toRecord);
  }
}
