import { Injectable } from '@nestjs/common';
import { Decimal, toDecimalString } from '../common/decimal';
import { Queryable } from '../database/transaction';

export interface PrepaidBlockLot {
  id: string;
  customerId: string;
  subscriptionId: string;
  billableItemId: string;
  billableItemKey: string;
  currency: string;
  units: Decimal;
  drawn: Decimal;
  price: Decimal;
  validFrom: Date;
  expiresAt: Date;
  /** The invoice that billed the purchase; null until the subscription's next billing run. */
  invoiceId: string | null;
  createdAt: Date;
}

export type NewPrepaidBlockLot = Omit<
  PrepaidBlockLot,
  'id' | 'drawn' | 'invoiceId' | 'createdAt'
> & { idempotencyKey: string | null };

interface LotRow {
  id: string;
  customer_id: string;
  subscription_id: string;
  billable_item_id: string;
  billable_item_key: string;
  currency: string;
  units: string;
  drawn: string;
  price: string;
  valid_from: Date;
  expires_at: Date;
  invoice_id: string | null;
  created_at: Date;
}

const COLUMNS = `id, customer_id, subscription_id, billable_item_id, billable_item_key, currency, units,
  drawn, price, valid_from, expires_at, invoice_id, created_at`;

/** Prepaid block lots, what invoices drew from them, and which invoice billed each purchase. */
@Injectable()
export class PrepaidBlockRepository {
  /** The lot of `idempotencyKey` when one exists: a retry creates nothing. */
  async insert(db: Queryable, lot: NewPrepaidBlockLot): Promise<{ id: string; created: boolean }> {
    const inserted: Array<{ id: string }> = await db.query(
      `INSERT INTO prepaid_block_lots (customer_id, subscription_id, billable_item_id, billable_item_key,
                                       currency, units, price, valid_from, expires_at, idempotency_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id`,
      [
        lot.customerId,
        lot.subscriptionId,
        lot.billableItemId,
        lot.billableItemKey,
        lot.currency,
        toDecimalString(lot.units),
        toDecimalString(lot.price),
        lot.validFrom.toISOString(),
        lot.expiresAt.toISOString(),
        lot.idempotencyKey,
      ],
    );
    if (inserted.length > 0) return { id: inserted[0].id, created: true };
    const [first]: Array<{ id: string }> = await db.query(
      'SELECT id FROM prepaid_block_lots WHERE customer_id = $1 AND idempotency_key = $2',
      [lot.customerId, lot.idempotencyKey],
    );
    return { id: first.id, created: false };
  }

  async findByIdempotencyKey(
    db: Queryable,
    customerId: string,
    idempotencyKey: string,
  ): Promise<PrepaidBlockLot | null> {
    const rows: LotRow[] = await db.query(
      `SELECT ${COLUMNS} FROM prepaid_block_lots WHERE customer_id = $1 AND idempotency_key = $2`,
      [customerId, idempotencyKey],
    );
    return rows.length > 0 ? toLot(rows[0]) : null;
  }

  async listByCustomer(db: Queryable, customerId: string): Promise<PrepaidBlockLot[]> {
    const rows: LotRow[] = await db.query(
      `SELECT ${COLUMNS} FROM prepaid_block_lots WHERE customer_id = $1 ORDER BY expires_at, created_at, id`,
      [customerId],
    );
    return rows.map(toLot);
  }

  /** Lots in `currency` with units left that have not expired by `since`. */
  async available(
    db: Queryable,
    customerId: string,
    currency: string,
    since: Date,
  ): Promise<PrepaidBlockLot[]> {
    const rows: LotRow[] = await db.query(
      `SELECT ${COLUMNS} FROM prepaid_block_lots
       WHERE customer_id = $1 AND currency = $2 AND drawn < units AND expires_at > $3`,
      [customerId, currency, since.toISOString()],
    );
    return rows.map(toLot);
  }

  async unbilled(
    db: Queryable,
    customerId: string,
    subscriptionId: string,
  ): Promise<PrepaidBlockLot[]> {
    const rows: LotRow[] = await db.query(
      `SELECT ${COLUMNS} FROM prepaid_block_lots
       WHERE customer_id = $1 AND subscription_id = $2 AND invoice_id IS NULL ORDER BY created_at, id`,
      [customerId, subscriptionId],
    );
    return rows.map(toLot);
  }

  /**
   * Records an invoice's draws and the purchases it billed. One draw row per lot
   * and invoice (primary key), so a retried run adds nothing; `drawn <= units`
   * holds in the table.
   */
  async recordInvoice(
    db: Queryable,
    customerId: string,
    invoiceId: string,
    draws: ReadonlyArray<{ lotId: string; units: Decimal }>,
    purchasedLotIds: readonly string[],
  ): Promise<void> {
    for (const { lotId, units } of draws) {
      const recorded: unknown[] = await db.query(
        `INSERT INTO prepaid_block_draws (customer_id, lot_id, invoice_id, units) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING lot_id`,
        [customerId, lotId, invoiceId, toDecimalString(units)],
      );
      if (recorded.length === 0) continue;
      await db.query(
        'UPDATE prepaid_block_lots SET drawn = drawn + $3 WHERE customer_id = $1 AND id = $2',
        [customerId, lotId, toDecimalString(units)],
      );
    }
    if (purchasedLotIds.length > 0) {
      await db.query(
        `UPDATE prepaid_block_lots SET invoice_id = $2
         WHERE customer_id = $1 AND id = ANY($3::uuid[]) AND invoice_id IS NULL`,
        [customerId, invoiceId, purchasedLotIds],
      );
    }
  }
}

function toLot(row: LotRow): PrepaidBlockLot {
  return {
    id: row.id,
    customerId: row.customer_id,
    subscriptionId: row.subscription_id,
    billableItemId: row.billable_item_id,
    billableItemKey: row.billable_item_key,
    currency: row.currency,
    units: new Decimal(row.units),
    drawn: new Decimal(row.drawn),
    price: new Decimal(row.price),
    validFrom: row.valid_from,
    expiresAt: row.expires_at,
    invoiceId: row.invoice_id,
    createdAt: row.created_at,
  };
}
