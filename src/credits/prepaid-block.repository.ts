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

/** What one invoice drew from prepaid block lots and which lots' purchase it billed. */
export interface InvoiceBlockRecord {
  customerId: string;
  invoiceId: string;
  draws: ReadonlyArray<{ lotId: string; units: Decimal }>;
  purchasedLotIds: readonly string[];
}

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

  /**
   * Lots with units left that have not expired by `since`, of several customers
   * and currencies in one read; with `forUpdate`, locked until the transaction ends.
   */
  async availableOf(
    db: Queryable,
    purses: ReadonlyArray<{ customerId: string; currency: string }>,
    since: Date,
    options: { forUpdate?: boolean } = {},
  ): Promise<PrepaidBlockLot[]> {
    if (purses.length === 0) return [];
    const rows: LotRow[] = await db.query(
      `SELECT ${COLUMNS} FROM prepaid_block_lots
       WHERE customer_id = ANY($1::uuid[])
         AND (customer_id, currency) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
         AND drawn < units AND expires_at > $3
       ORDER BY customer_id, expires_at, valid_from, id
       ${options.forUpdate ? 'FOR UPDATE' : ''}`,
      [
        purses.map((purse) => purse.customerId),
        purses.map((purse) => purse.currency),
        since.toISOString(),
      ],
    );
    return rows.map(toLot);
  }

  /** The lots bought and not billed yet of several subscriptions, in one read. */
  async unbilledOf(
    db: Queryable,
    subscriptions: ReadonlyArray<{ customerId: string; subscriptionId: string }>,
  ): Promise<PrepaidBlockLot[]> {
    if (subscriptions.length === 0) return [];
    const rows: LotRow[] = await db.query(
      `SELECT ${COLUMNS} FROM prepaid_block_lots
       WHERE customer_id = ANY($1::uuid[])
         AND (customer_id, subscription_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))
         AND invoice_id IS NULL
       ORDER BY created_at, id`,
      [
        subscriptions.map((subscription) => subscription.customerId),
        subscriptions.map((subscription) => subscription.subscriptionId),
      ],
    );
    return rows.map(toLot);
  }

  /**
   * Records invoices' draws and the purchases they billed, set-based. One draw
   * row per lot and invoice (primary key), so a retried run adds nothing;
   * `drawn <= units` holds in the table.
   */
  async recordInvoices(db: Queryable, invoices: readonly InvoiceBlockRecord[]): Promise<void> {
    const draws = invoices.flatMap(({ customerId, invoiceId, draws }) =>
      draws.map(({ lotId, units }) => ({ customerId, invoiceId, lotId, units })),
    );
    if (draws.length > 0) {
      await db.query(
        `WITH recorded AS (
           INSERT INTO prepaid_block_draws (customer_id, lot_id, invoice_id, units)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::numeric[])
           ON CONFLICT DO NOTHING
           RETURNING customer_id, lot_id, units
         )
         -- one lot may feed several invoices of a round: UPDATE … FROM applies one row per lot
         UPDATE prepaid_block_lots l SET drawn = l.drawn + r.units
         FROM (SELECT customer_id, lot_id, sum(units) AS units FROM recorded GROUP BY customer_id, lot_id) r
         WHERE l.customer_id = ANY($1::uuid[]) AND l.customer_id = r.customer_id AND l.id = r.lot_id`,
        [
          draws.map((draw) => draw.customerId),
          draws.map((draw) => draw.lotId),
          draws.map((draw) => draw.invoiceId),
          draws.map((draw) => toDecimalString(draw.units)),
        ],
      );
    }
    const purchases = invoices.flatMap(({ customerId, invoiceId, purchasedLotIds }) =>
      purchasedLotIds.map((lotId) => ({ customerId, invoiceId, lotId })),
    );
    if (purchases.length > 0) {
      await db.query(
        `UPDATE prepaid_block_lots l SET invoice_id = b.invoice_id
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS b (customer_id, lot_id, invoice_id)
         WHERE l.customer_id = ANY($1::uuid[]) AND l.customer_id = b.customer_id AND l.id = b.lot_id
           AND l.invoice_id IS NULL`,
        [
          purchases.map((purchase) => purchase.customerId),
          purchases.map((purchase) => purchase.lotId),
          purchases.map((purchase) => purchase.invoiceId),
        ],
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
