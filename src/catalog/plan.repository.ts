import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError } from '../common/errors';
import { Queryable } from '../database/transaction';
import { CreatePlanInput } from './dto/plan.schema';
import { conflictOnDuplicate } from '../database/unique-violation';

export interface PlanRecord {
  id: string;
  key: string;
  name: string;
  currency: string;
  liveVersion: number | null;
  createdAt: Date;
}

interface PlanRow {
  id: string;
  key: string;
  name: string;
  currency: string;
  live_version: number | null;
  created_at: Date;
}

const COLUMNS = 'id, key, name, currency, live_version, created_at';

function toRecord(row: PlanRow): PlanRecord {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    currency: row.currency,
    liveVersion: row.live_version,
    createdAt: row.created_at,
  };
}

@Injectable()
export class PlanRepository {
  constructor(private readonly db: DataSource) {}

  async insert(plan: CreatePlanInput): Promise<PlanRecord> {
    const insert = this.db.query(
      `INSERT INTO plans (key, name, currency) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [plan.key, plan.name, plan.currency],
    );
    const rows: PlanRow[] = await conflictOnDuplicate(
      insert,
      () =>
        new ConflictError(`a plan with key '${plan.key}' already exists`, [
          { field: 'key', problem: 'is taken' },
        ]),
    );
    return toRecord(rows[0]);
  }

  async findByKey(key: string, db: Queryable = this.db): Promise<PlanRecord | null> {
    const rows: PlanRow[] = await db.query(`SELECT ${COLUMNS} FROM plans WHERE key = $1`, [key]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * The plan, locked until the transaction ends: publishing versions takes
   * turns on this row, so concurrent requests get consecutive numbers.
   */
  async lockByKey(key: string, tx: Queryable): Promise<PlanRecord | null> {
    const rows: PlanRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM plans WHERE key = $1 FOR UPDATE`,
      [key],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(): Promise<PlanRecord[]> {
    const rows: PlanRow[] = await this.db.query(`SELECT ${COLUMNS} FROM plans ORDER BY key`);
    return rows.map(toRecord);
  }

  async setLiveVersion(
    planId: string,
    version: number,
    db: Queryable = this.db,
  ): Promise<PlanRecord> {
    const rows: PlanRow[] = await db.query(
      // TypeORM answers a bare UPDATE with [rows, count]; a CTE keeps the answer a row list.
      `WITH updated AS (UPDATE plans SET live_version = $2 WHERE id = $1 RETURNING ${COLUMNS})
       SELECT * FROM updated`,
      [planId, version],
    );
    return toRecord(rows[0]);
  }
}
