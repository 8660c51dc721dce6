import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credit that can pay for a meter, as one SQL expression, so an
 * entitlement check reads a customer's credit in its own statement instead of
 * loading every lot and matching their billable items in Node:
 *
 *   credit_available_at(customer, currency, items, at) → (balance, prepaid_units)
 *
 * `items` are the meter's billable items; `balance` is what the ledger lots
 * that pay for one of them have left (NULL: no such lot), `prepaid_units` the
 * units left in the prepaid blocks of those items (NULL: none), both counting
 * only lots valid at `at` and not expired by then. The credits module owns it
 * (src/credits/available-credit.ts). The check looks the items up by meter,
 * hence the index on billable_items(meter_id).
 */
export class AddCreditAvailableAt1795000000196 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION credit_available_at(
        customer uuid, currency text, items uuid[], at timestamptz,
        OUT balance numeric, OUT prepaid_units numeric)
      LANGUAGE sql STABLE AS $$
        SELECT
          (SELECT sum(l.amount - l.consumed - l.rolled_over) FROM credit_lots l
           WHERE l.customer_id = $1 AND l.currency = $2
             AND l.consumed + l.rolled_over < l.amount
             AND l.valid_from <= $4 AND (l.expires_at IS NULL OR l.expires_at > $4)
             AND (l.applies_to IS NULL OR l.applies_to && $3)),
          (SELECT sum(b.units - b.drawn) FROM prepaid_block_lots b
           WHERE b.customer_id = $1 AND b.currency = $2
             AND b.drawn < b.units
             AND b.valid_from <= $4 AND b.expires_at > $4
             AND b.billable_item_id = ANY ($3))
      $$`);
    await db.query('CREATE INDEX billable_items_meter_idx ON billable_items (meter_id)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX billable_items_meter_idx');
    await db.query('DROP FUNCTION credit_available_at(uuid, text, uuid[], timestamptz)');
  }
}
