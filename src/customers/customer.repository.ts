import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError } from '../common/errors';
import { Decimal, toDecimalString } from '../common/decimal';
import { claimGlobalKeys } from '../database/global-key-lookup';
import { inTransaction, Queryable } from '../database/transaction';
import { CreateCustomerInput, CrmIdentity, UpdateCustomerInput } from './dto/customer.schema';

export interface CustomerRecord {
  id: string;
  externalId: string;
  name: string;
  email: string | null;
  locale: string;
  currency: string | null;
  taxRate: Decimal;
  crm: CrmIdentity;
  createdAt: Date;
}

interface CustomerRow {
  id: string;
  external_id: string;
  name: string;
  email: string | null;
  locale: string;
  currency: string | null;
  tax_rate: string;
  crm: CrmIdentity;
  created_at: Date;
}

const COLUMNS = 'id, external_id, name, email, locale, currency, tax_rate, crm, created_at';

function toRecord(row: CustomerRow): CustomerRecord {
  return {
    id: row.id,
    externalId: row.external_id,
    name: row.name,
    email: row.email,
    locale: row.locale,
    currency: row.currency,
    taxRate: new Decimal(row.tax_rate),
    crm: row.crm,
    createdAt: row.created_at,
  };
}

@Injectable()
export class CustomerRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Locks the customers until the transaction ends, in id order so that two
   * lockers never deadlock: billing holds them while it drafts and finalizes
   * their invoices. Ingestion reads the customer FOR SHARE, so once this
   * returns no event batch is in flight for them, and none can start until the
   * invoices are finalized and their usage closed. NO KEY UPDATE conflicts
   * with FOR SHARE as FOR UPDATE does, but lets rows that merely reference the
   * customer (a top-up, a subscription) be written meanwhile.
   */
  async lockForBilling(tx: Queryable, customerIds: readonly string[]): Promise<void> {
    await tx.query(
      'SELECT id FROM customers WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE',
      [customerIds],
    );
  }

  /**
   * The customer and the claim of its global keys (external id, unsubscribe
   * token) in one transaction: of two concurrent creates of one external id,
   * the second finds it taken and writes nothing.
   */
  async insert(customer: CreateCustomerInput): Promise<CustomerRecord> {
    return inTransaction(this.db, async (tx) => {
      const [row]: Array<CustomerRow & { unsubscribe_token: string }> = await tx.query(
        `INSERT INTO customers (external_id, name, email, locale, currency, tax_rate, crm)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}, unsubscribe_token`,
        [
          customer.externalId,
          customer.name,
          customer.email ?? null,
          customer.locale,
          customer.currency ?? null,
          toDecimalString(customer.taxRate),
          customer.crm,
        ],
      );
      const taken = await claimGlobalKeys(tx, row.id, [
        { kind: 'customer_external_id', key: row.external_id },
        { kind: 'customer_unsubscribe_token', key: row.unsubscribe_token },
      ]);
      // A taken token (a random uuid) is a collision, not the caller's conflict: the insert fails alike.
      if (taken.some((key) => key.kind === 'customer_unsubscribe_token')) {
        throw new Error('a new unsubscribe token collided with an existing one');
      }
      if (taken.length > 0) {
        throw new ConflictError(
          `a customer with externalId '${customer.externalId}' already exists`,
          [{ field: 'externalId', problem: 'is taken' }],
        );
      }
      return toRecord(row);
    });
  }

  async findByExternalId(externalId: string): Promise<CustomerRecord | null> {
    const rows: CustomerRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM customers WHERE external_id = $1`,
      [externalId],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Those of these external ids that exist, by external id, in one read (a revenue import's rows). */
  async findByExternalIds(externalIds: readonly string[]): Promise<Map<string, CustomerRecord>> {
    const rows: CustomerRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM customers WHERE external_id = ANY ($1::text[])`,
      [externalIds],
    );
    return new Map(rows.map((row) => [row.external_id, toRecord(row)]));
  }

  /** By internal id, as other modules hold it (a usage page link, an outbox payload). */
  async findById(id: string): Promise<CustomerRecord | null> {
    const rows: CustomerRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM customers WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Those of these internal ids that exist, by id. */
  async findByIds(ids: readonly string[]): Promise<Map<string, CustomerRecord>> {
    const rows: CustomerRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM customers WHERE id = ANY ($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, toRecord(row)]));
  }

  /** Up to `limit` customers after `afterExternalId`, in externalId order. */
  async listPage(limit: number, afterExternalId: string | undefined): Promise<CustomerRecord[]> {
    const rows: CustomerRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM customers WHERE $1::text IS NULL OR external_id > $1 ORDER BY external_id LIMIT $2`,
      [afterExternalId ?? null, limit],
    );
    return rows.map(toRecord);
  }

  /**
   * Applies the given changes in one statement; CRM fields merge into the
   * stored ones (a null removes one), so concurrent edits of different fields both land.
   */
  async update(externalId: string, changes: UpdateCustomerInput): Promise<CustomerRecord | null> {
    const params: unknown[] = [externalId];
    const assignments: string[] = [];
    const assign = (column: string, value: unknown, expression = (param: string) => param) => {
      params.push(value);
      assignments.push(`${column} = ${expression(`$${params.length}`)}`);
    };
    if (changes.name !== undefined) assign('name', changes.name);
    if (changes.email !== undefined) assign('email', changes.email);
    if (changes.locale !== undefined) assign('locale', changes.locale);
    if (changes.taxRate !== undefined) assign('tax_rate', toDecimalString(changes.taxRate));
    if (changes.crm !== undefined)
      assign('crm', changes.crm, (param) => `jsonb_strip_nulls(crm || ${param}::jsonb)`);
    if (assignments.length === 0) return this.findByExternalId(externalId);

    const rows: CustomerRow[] = await this.db.query(
      // TypeORM answers a bare UPDATE with [rows, count]; a CTE keeps the answer a row list.
      `WITH updated AS (UPDATE customers SET ${assignments.join(', ')} WHERE external_id = $1 RETURNING ${COLUMNS})
       SELECT * FROM updated`,
      params,
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }
}
