import { Inject, Injectable } from '@nestjs/common';
import { billableItemKeyJoin } from '../catalog/billable-item-key-join-sql';
import { creditGrantPositionJoin, creditGrantRolloverJoin } from '../catalog/credit-grant-join-sql';
import { Decimal, toDecimalString } from '../common/decimal';
import { customersOf } from '../database/customer-routing';
import { Queryable } from '../database/transaction';
import { CreditConsumption, CreditLot } from './credit-lot';
import type { NewGrantLot } from './grant-lots';
import { LEDGER_INVOICE_NUMBERS, LedgerInvoiceNumbers } from './ledger-invoice-numbers.port';
import { NewRolloverLot, RolloverSource } from './rollover-lots';

export interface NewTopUpLot {
  customerId: string;
  name: string;
  currency: string;
  amount: Decimal;
  /** Billable item ids; null = every item. */
  appliesTo: string[] | null;
  validFrom: Date;
  expiresAt: Date | null;
  idempotencyKey: string | null;
}

/** What one invoice took from the credit lots. */
export interface InvoiceConsumptions {
  invoiceId: string;
  customerId: string;
  consumptions: readonly CreditConsumption[];
}

/** Credit is spent per customer and currency: the key of one such purse. */
export function creditPurseKey(customerId: string, currency: string): string {
  return `${customerId}/${currency}`;
}

export type CreditLotKind = 'grant' | 'top_up' | 'commitment' | 'rollover';

/** A lot as the ledger shows it: what it held, what invoices took from it. */
export interface LedgerLot {
  id: string;
  kind: CreditLotKind;
  name: string;
  currency: string;
  amount: Decimal;
  consumed: Decimal;
  /** What the lot passed on to a rollover lot when it expired. */
  rolledOver: Decimal;
  /** A rollover lot's source lot. */
  rolledOverFrom: string | null;
  /** Billable item keys; null = every item. */
  appliesTo: string[] | null;
  validFrom: Date;
  expiresAt: Date | null;
  subscriptionId: string | null;
  createdAt: Date;
  consumptions: LedgerConsumption[];
}

export interface LedgerConsumption {
  invoiceId: string;
  invoiceNumber: string | null;
  amount: Decimal;
  createdAt: Date;
}

interface AvailableLotRow {
  id: string;
  name: string;
  remaining: string;
  applies_to: string[] | null;
  valid_from: Date;
  expires_at: Date | null;
}

interface LedgerLotRow {
  id: string;
  kind: CreditLotKind;
  name: string;
  currency: string;
  amount: string;
  consumed: string;
  rolled_over: string;
  rolled_over_from: string | null;
  applies_to: string[] | null;
  valid_from: Date;
  expires_at: Date | null;
  subscription_id: string | null;
  created_at: Date;
  consumptions: Array<{
    invoiceId: string;
    amount: string;
    createdAt: string;
  }>;
}

interface RolloverSourceRow {
  id: string;
  customer_id: string;
  subscription_id: string;
  name: string;
  currency: string;
  remaining: string;
  applies_to: string[] | null;
  expires_at: Date;
  rollover_maximum_amount: string;
  rollover_expires_after_intervals: number;
}

const LEDGER_SELECT = `
  SELECT l.id, l.kind, l.name, l.currency, l.amount, l.consumed, l.rolled_over, l.rolled_over_from,
         l.valid_from, l.expires_at,
         l.subscription_id, l.created_at,
         CASE WHEN l.applies_to IS NOT NULL THEN
           COALESCE((SELECT json_agg(b.key ORDER BY a.n)
                     FROM unnest(l.applies_to) WITH ORDINALITY AS a(id, n)
                     ${billableItemKeyJoin('a.id', 'b')}), '[]')
         END AS applies_to,
         COALESCE((SELECT json_agg(json_build_object('invoiceId', c.invoice_id,
                                                     'amount', c.amount::text, 'createdAt', c.created_at)
                                   ORDER BY c.created_at, c.invoice_id)
                   FROM credit_consumptions c
                   WHERE c.customer_id = l.customer_id AND c.lot_id = l.id), '[]') AS consumptions
  FROM credit_lots l
  ${creditGrantPositionJoin('l.plan_credit_grant_id', 'g')}`;

/**
 * The credit ledger: lots (plan grants and top-ups) and what invoices consumed
 * from them. Every method takes the Queryable to run on, so the invoicing code
 * issues, locks and spends credit inside its own transaction.
 */
/** The unique key of a plan lot in credit_lots: subscription, grant (or commitment) and window start. */
export function grantLotKey(
  lot: Pick<NewGrantLot, 'subscriptionId' | 'planCreditGrantId' | 'validFrom'>,
): string {
  return `${lot.subscriptionId}/${lot.planCreditGrantId ?? 'commitment'}/${lot.validFrom.toISOString()}`;
}

const ISSUE_LOTS = (kind: 'grant' | 'commitment', conflictKey: string) => `
  INSERT INTO credit_lots (customer_id, kind, name, currency, amount, applies_to, valid_from, expires_at,
                           subscription_id, plan_credit_grant_id)
  SELECT customer_id, '${kind}', name, currency, amount, applies_to::uuid[], valid_from, expires_at,
         subscription_id, plan_credit_grant_id
  FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::numeric[], $7::text[],
              $8::timestamptz[], $9::timestamptz[])
    AS l(customer_id, subscription_id, plan_credit_grant_id, name, currency, amount, applies_to,
         valid_from, expires_at)
  ORDER BY subscription_id, plan_credit_grant_id, valid_from
  ON CONFLICT ${conflictKey} DO NOTHING`;

// Inserting in key order makes concurrent issuers of overlapping lots wait for
// each other in the same order instead of deadlocking on the unique index.
const ISSUE_GRANT_LOTS = ISSUE_LOTS(
  'grant',
  '(subscription_id, plan_credit_grant_id, valid_from, customer_id)',
);
const ISSUE_COMMITMENT_LOTS = ISSUE_LOTS(
  'commitment',
  "(subscription_id, valid_from, customer_id) WHERE kind = 'commitment'",
);

@Injectable()
export class CreditLedgerRepository {
  constructor(
    @Inject(LEDGER_INVOICE_NUMBERS) private readonly invoiceNumbers: LedgerInvoiceNumbers,
  ) {}

  /**
   * Keys (grantLotKey) of the customer's plan grant lots valid from `since` on:
   * a preview adds the others in memory, as the billing run or grant job issues them later.
   */
  async issuedGrantKeys(db: Queryable, customerId: string, since: Date): Promise<Set<string>> {
    const rows: Array<{ subscription_id: string; plan_credit_grant_id: string; valid_from: Date }> =
      await db.query(
        `SELECT subscription_id, plan_credit_grant_id, valid_from FROM credit_lots
         WHERE customer_id = $1 AND kind IN ('grant', 'commitment') AND valid_from >= $2`,
        [customerId, since.toISOString()],
      );
    return new Set(
      rows.map((row) =>
        grantLotKey({
          subscriptionId: row.subscription_id,
          planCreditGrantId: row.plan_credit_grant_id,
          validFrom: row.valid_from,
        }),
      ),
    );
  }

  /**
   * Writes the lots, one statement per kind; a lot already issued for its
   * subscription, grant (or commitment) and window start is left alone, so
   * issuing again is always safe.
   */
  async issueGrantLots(db: Queryable, lots: NewGrantLot[]): Promise<void> {
    const grants = lots.filter((lot) => lot.planCreditGrantId !== null);
    const commitments = lots.filter((lot) => lot.planCreditGrantId === null);
    if (grants.length > 0) await db.query(ISSUE_GRANT_LOTS, issueParameters(grants));
    if (commitments.length > 0) await db.query(ISSUE_COMMITMENT_LOTS, issueParameters(commitments));
  }

  /**
   * Writes a top-up. With an idempotency key the customer already used, writes
   * nothing and answers the lot that key created; the unique constraint settles
   * concurrent retries.
   */
  async insertTopUp(db: Queryable, lot: NewTopUpLot): Promise<{ id: string; created: boolean }> {
    const inserted: Array<{ id: string }> = await db.query(
      `INSERT INTO credit_lots (customer_id, kind, name, currency, amount, applies_to, valid_from, expires_at,
                                idempotency_key)
       VALUES ($1, 'top_up', $2, $3, $4, $5::uuid[], $6, $7, $8)
       ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id`,
      [
        lot.customerId,
        lot.name,
        lot.currency,
        toDecimalString(lot.amount),
        lot.appliesTo,
        lot.validFrom.toISOString(),
        lot.expiresAt?.toISOString() ?? null,
        lot.idempotencyKey,
      ],
    );
    if (inserted.length > 0) return { id: inserted[0].id, created: true };
    const [first]: Array<{ id: string }> = await db.query(
      'SELECT id FROM credit_lots WHERE customer_id = $1 AND idempotency_key = $2',
      [lot.customerId, lot.idempotencyKey],
    );
    return { id: first.id, created: false };
  }

  async findTopUpByIdempotencyKey(
    db: Queryable,
    customerId: string,
    idempotencyKey: string,
  ): Promise<LedgerLot | null> {
    const rows: LedgerLotRow[] = await db.query(
      `${LEDGER_SELECT} WHERE l.customer_id = $1 AND l.idempotency_key = $2`,
      [customerId, idempotencyKey],
    );
    return (await this.toLedgerLots(db, customerId, rows))[0] ?? null;
  }

  async findLot(db: Queryable, customerId: string, lotId: string): Promise<LedgerLot | null> {
    const rows: LedgerLotRow[] = await db.query(
      `${LEDGER_SELECT} WHERE l.customer_id = $1 AND l.id = $2`,
      [customerId, lotId],
    );
    return (await this.toLedgerLots(db, customerId, rows))[0] ?? null;
  }

  /** Every lot of the customer, oldest first (a plan's grants in their order), with its consumptions. */
  async ledger(db: Queryable, customerId: string): Promise<LedgerLot[]> {
    const rows: LedgerLotRow[] = await db.query(
      `${LEDGER_SELECT} WHERE l.customer_id = $1 ORDER BY l.valid_from, l.created_at, g.position, l.id`,
      [customerId],
    );
    return this.toLedgerLots(db, customerId, rows);
  }

  /**
   * The customer's lots in `currency` with credit left, soonest-expiring first
   * (never-expiring last, then oldest first), as the invoice calculator spends
   * them; with `at`, only those not expired at that instant.
   *
   * `forUpdate` locks the lots, in that order, until the caller's transaction
   * ends: a second finalization for the customer waits, then reads the lots as
   * the first left them (recordConsumptions updates the lot rows, and PostgreSQL
   * re-reads a row updated while it waited), so no credit is spent twice.
   */
  async availableLots(
    db: Queryable,
    customerId: string,
    currency: string,
    options: { forUpdate?: boolean; at?: Date } = {},
  ): Promise<CreditLot[]> {
    const lots = await this.availableLotsOf(db, [{ customerId, currency }], options);
    return lots.get(creditPurseKey(customerId, currency)) ?? [];
  }

  /**
   * availableLots for several customers and currencies in one statement, by
   * creditPurseKey; with `forUpdate`, locked in customer order.
   */
  async availableLotsOf(
    db: Queryable,
    purses: ReadonlyArray<{ customerId: string; currency: string }>,
    options: { forUpdate?: boolean; at?: Date } = {},
  ): Promise<Map<string, CreditLot[]>> {
    const rows: Array<AvailableLotRow & { customer_id: string; currency: string }> = await db.query(
      `SELECT l.id, l.customer_id, l.currency, l.name, l.amount - l.consumed - l.rolled_over AS remaining,
              l.applies_to, l.valid_from, l.expires_at
       FROM credit_lots l
       JOIN (SELECT DISTINCT * FROM unnest($1::uuid[], $2::text[]) AS p (customer_id, currency)) p
         ON l.customer_id = p.customer_id AND l.currency = p.currency
       WHERE l.customer_id = ANY($1::uuid[]) AND l.consumed + l.rolled_over < l.amount
         AND ($3::timestamptz IS NULL OR l.expires_at IS NULL OR l.expires_at > $3)
       ORDER BY l.customer_id, l.currency, l.expires_at NULLS LAST, l.valid_from, l.id
       ${options.forUpdate ? 'FOR UPDATE OF l' : ''}`,
      [
        purses.map((purse) => purse.customerId),
        purses.map((purse) => purse.currency),
        options.at?.toISOString() ?? null,
      ],
    );
    const lots = new Map<string, CreditLot[]>();
    for (const row of rows) {
      const key = creditPurseKey(row.customer_id, row.currency);
      const list = lots.get(key) ?? [];
      list.push({
        id: row.id,
        name: row.name,
        remaining: new Decimal(row.remaining),
        appliesTo: row.applies_to === null ? null : new Set(row.applies_to),
        validFrom: row.valid_from,
        expiresAt: row.expires_at,
      });
      lots.set(key, list);
    }
    return lots;
  }

  /**
   * Each subscription's grant lots whose grant rolls over, expired by its `until`
   * (their usage is billed) with credit left and not rolled over yet, locked
   * until the transaction ends so a concurrent run cannot roll them twice.
   */
  async rolloverSources(
    db: Queryable,
    bounds: ReadonlyArray<{ subscriptionId: string; customerId: string; until: Date }>,
  ): Promise<RolloverSource[]> {
    if (bounds.length === 0) return [];
    const rows: RolloverSourceRow[] = await db.query(
      `SELECT l.id, l.customer_id, l.subscription_id, l.name, l.currency,
              l.amount - l.consumed - l.rolled_over AS remaining, l.applies_to, l.expires_at,
              g.rollover_maximum_amount, g.rollover_expires_after_intervals
       FROM unnest($1::uuid[], $2::timestamptz[]) AS b (subscription_id, until)
       JOIN credit_lots l ON l.subscription_id = b.subscription_id AND l.expires_at <= b.until
       ${creditGrantRolloverJoin('l.plan_credit_grant_id', 'g')}
       WHERE l.customer_id = ANY($3::uuid[]) AND l.kind = 'grant'
         AND l.consumed + l.rolled_over < l.amount
         AND NOT EXISTS (SELECT 1 FROM credit_lots r
                         WHERE r.customer_id = l.customer_id AND r.rolled_over_from = l.id)
       ORDER BY l.subscription_id, l.expires_at, l.id
       FOR UPDATE OF l`,
      [
        bounds.map((bound) => bound.subscriptionId),
        bounds.map((bound) => bound.until.toISOString()),
        customersOf(bounds),
      ],
    );
    return rows.map((row) => ({
      lotId: row.id,
      customerId: row.customer_id,
      subscriptionId: row.subscription_id,
      name: row.name,
      currency: row.currency,
      remaining: new Decimal(row.remaining),
      appliesTo: row.applies_to,
      expiresAt: row.expires_at,
      maximumAmount: new Decimal(row.rollover_maximum_amount),
      expiresAfterIntervals: row.rollover_expires_after_intervals,
    }));
  }

  /**
   * Writes rollover lots and moves their amount out of their source lots, in
   * one statement; a source already rolled over is left alone (unique
   * rolled_over_from), so a retry writes nothing twice.
   */
  async issueRollovers(db: Queryable, lots: NewRolloverLot[]): Promise<void> {
    if (lots.length === 0) return;
    await db.query(
      `WITH rolled AS (
         INSERT INTO credit_lots (customer_id, kind, name, currency, amount, applies_to, valid_from,
                                  expires_at, subscription_id, rolled_over_from)
         SELECT customer_id, 'rollover', name, currency, amount,
                CASE WHEN applies_to IS NULL THEN NULL ELSE applies_to::uuid[] END,
                valid_from, expires_at, subscription_id, rolled_over_from
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::numeric[], $7::text[],
                     $8::timestamptz[], $9::timestamptz[])
           AS l(rolled_over_from, customer_id, subscription_id, name, currency, amount, applies_to,
                valid_from, expires_at)
         ON CONFLICT (rolled_over_from, customer_id) DO NOTHING
         RETURNING rolled_over_from, amount
       )
       UPDATE credit_lots l SET rolled_over = l.rolled_over + r.amount
       FROM rolled r WHERE l.id = r.rolled_over_from AND l.customer_id = ANY($2::uuid[])`,
      [
        lots.map((lot) => lot.rolledOverFrom),
        lots.map((lot) => lot.customerId),
        lots.map((lot) => lot.subscriptionId),
        lots.map((lot) => lot.name),
        lots.map((lot) => lot.currency),
        lots.map((lot) => toDecimalString(lot.amount)),
        lots.map((lot) => (lot.appliesTo === null ? null : `{${lot.appliesTo.join(',')}}`)),
        lots.map((lot) => lot.validFrom.toISOString()),
        lots.map((lot) => lot.expiresAt?.toISOString() ?? null),
      ],
    );
  }

  /**
   * Records what invoices took from each lot and adds it to the lot's
   * `consumed`, in one statement. A lot already charged for an invoice is
   * skipped, so a retried finalization records nothing twice; a lot that would
   * go below zero fails the statement (CHECK on credit_lots), as does a lot of
   * another customer than its invoice's, before anything is written.
   */
  async recordConsumptions(db: Queryable, spent: readonly InvoiceConsumptions[]): Promise<void> {
    const rows = spent.flatMap(({ invoiceId, customerId, consumptions }) =>
      consumptions.map(({ lotId, amount }) => ({ invoiceId, customerId, lotId, amount })),
    );
    if (rows.length === 0) return;
    const [{ stray }]: Array<{ stray: { invoice_id: string; customer_id: string } | null }> =
      await db.query(
        `WITH requested AS (
         SELECT invoice_id, customer_id, lot_id, sum(amount) AS amount
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::numeric[]) AS c(invoice_id, customer_id, lot_id, amount)
         GROUP BY invoice_id, customer_id, lot_id
       ), owned AS (
         SELECT r.invoice_id, r.customer_id, r.lot_id, r.amount FROM requested r
         JOIN credit_lots l ON l.id = r.lot_id AND l.customer_id = r.customer_id
         WHERE l.customer_id = ANY($2::uuid[])
       ), recorded AS (
         INSERT INTO credit_consumptions (lot_id, invoice_id, customer_id, amount)
         SELECT lot_id, invoice_id, customer_id, amount FROM owned
         WHERE (SELECT count(*) FROM owned) = (SELECT count(*) FROM requested)
         ON CONFLICT (lot_id, invoice_id, customer_id) DO NOTHING
         RETURNING lot_id, amount
       ), spent AS (
         -- one lot may pay several invoices of a chunk: UPDATE … FROM applies one row per lot
         UPDATE credit_lots l SET consumed = l.consumed + r.amount
         FROM (SELECT lot_id, sum(amount) AS amount FROM recorded GROUP BY lot_id) r
         WHERE l.id = r.lot_id AND l.customer_id = ANY($2::uuid[])
       )
       SELECT (SELECT json_build_object('invoice_id', r.invoice_id, 'customer_id', r.customer_id)
               FROM requested r
               WHERE NOT EXISTS (SELECT 1 FROM owned o WHERE o.invoice_id = r.invoice_id AND o.lot_id = r.lot_id)
               LIMIT 1) AS stray`,
        [
          rows.map((row) => row.invoiceId),
          rows.map((row) => row.customerId),
          rows.map((row) => row.lotId),
          rows.map((row) => toDecimalString(row.amount)),
        ],
      );
    if (stray !== null) {
      throw new Error(
        `invoice ${stray.invoice_id} names credit lots that are not customer ${stray.customer_id}'s`,
      );
    }
  }

  /** The lots with their consumptions' invoice numbers, asked of invoicing in one read. */
  private async toLedgerLots(
    db: Queryable,
    customerId: string,
    rows: readonly LedgerLotRow[],
  ): Promise<LedgerLot[]> {
    const invoiceIds = [
      ...new Set(rows.flatMap((row) => row.consumptions.map((c) => c.invoiceId))),
    ];
    const numbers = await this.invoiceNumbers.numbersOf(db, customerId, invoiceIds);
    return rows.map((row) => toLedgerLot(row, numbers));
  }
}

function issueParameters(lots: NewGrantLot[]): unknown[] {
  return [
    lots.map((lot) => lot.customerId),
    lots.map((lot) => lot.subscriptionId),
    lots.map((lot) => lot.planCreditGrantId),
    lots.map((lot) => lot.name),
    lots.map((lot) => lot.currency),
    lots.map((lot) => toDecimalString(lot.amount)),
    // unnest flattens nested arrays, so each list travels as an array literal of uuids.
    lots.map((lot) => `{${lot.appliesTo.join(',')}}`),
    lots.map((lot) => lot.validFrom.toISOString()),
    lots.map((lot) => lot.expiresAt?.toISOString() ?? null),
  ];
}

function toLedgerLot(
  row: LedgerLotRow,
  invoiceNumbers: ReadonlyMap<string, string | null>,
): LedgerLot {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    currency: row.currency,
    amount: new Decimal(row.amount),
    consumed: new Decimal(row.consumed),
    rolledOver: new Decimal(row.rolled_over),
    rolledOverFrom: row.rolled_over_from,
    appliesTo: row.applies_to,
    validFrom: row.valid_from,
    expiresAt: row.expires_at,
    subscriptionId: row.subscription_id,
    createdAt: row.created_at,
    consumptions: row.consumptions.map((consumption) => ({
      invoiceId: consumption.invoiceId,
      invoiceNumber: invoiceNumbers.get(consumption.invoiceId) ?? null,
      amount: new Decimal(consumption.amount),
      createdAt: new Date(consumption.createdAt),
    })),
  };
}
