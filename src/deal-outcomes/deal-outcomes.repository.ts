import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DealOutcome, OutcomeCursor } from './deal-outcome';

/** The CRM a row came from (`hubspot`, `salesforce`). */
type Provider = string;

/** Won, lost and open deals and won amounts, by the month the deal was opened in the CRM. */
export interface DealOutcomeMonth {
  month: string;
  deals: number;
  won: number;
  lost: number;
  open: number;
  /** Amounts of won deals, by currency (decimal strings). */
  wonAmounts: Array<{ currency: string | null; amount: string }>;
}

export interface DealStage {
  dealKey: string;
  customerId: string;
  stage: string;
  outcome: DealOutcome['outcome'];
  amount: string | null;
  currency: string | null;
  crmModifiedAt: Date;
}

const DEALS = 'deals';

/** `crm_deal_outcomes` and `crm_read_cursors` (the outcome read-back's), and nothing else. */
@Injectable()
export class DealOutcomesRepository {
  constructor(private readonly db: DataSource) {}

  async cursor(provider: Provider): Promise<OutcomeCursor | null> {
    const [row]: Array<{ modified_since: Date; last_id: string }> = await this.db.query(
      'SELECT modified_since, last_id FROM crm_read_cursors WHERE provider = $1 AND object = $2',
      [provider, DEALS],
    );
    return row ? { modifiedSince: row.modified_since, lastId: row.last_id } : null;
  }

  /**
   * Stores a page of outcomes (an idempotent upsert by our key: a record read
   * again changes nothing) and moves the cursor, in one transaction; answers
   * how many outcomes were new or changed.
   */
  async store(
    provider: Provider,
    outcomes: readonly DealOutcome[],
    cursor: OutcomeCursor,
  ): Promise<number> {
    // Our deal keys are `${customerId}:${reason}`; a key not of ours is not stored.
    const ours = outcomes.filter((o) => UUID_PREFIX.test(o.key));
    return this.db.transaction(async (tx) => {
      const written: unknown[] =
        ours.length === 0
          ? []
          : await tx.query(
              `INSERT INTO crm_deal_outcomes
             (provider, deal_key, customer_id, crm_id, stage, outcome, amount, currency, crm_created_at, crm_modified_at)
           SELECT $1, v.key, split_part(v.key, ':', 1)::uuid, v.crm_id, v.stage, v.outcome, v.amount::numeric,
                  v.currency, v.created_at, v.modified_at
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::timestamptz[], $9::timestamptz[])
             AS v(key, crm_id, stage, outcome, amount, currency, created_at, modified_at)
           ON CONFLICT (customer_id, provider, deal_key) DO UPDATE SET
             crm_id = EXCLUDED.crm_id, stage = EXCLUDED.stage, outcome = EXCLUDED.outcome,
             amount = EXCLUDED.amount, currency = EXCLUDED.currency,
             crm_modified_at = EXCLUDED.crm_modified_at, read_at = now()
           WHERE crm_deal_outcomes.crm_modified_at <= EXCLUDED.crm_modified_at
             AND (crm_deal_outcomes.crm_id, crm_deal_outcomes.stage, crm_deal_outcomes.outcome,
                  crm_deal_outcomes.amount, crm_deal_outcomes.currency, crm_deal_outcomes.crm_modified_at)
                 IS DISTINCT FROM (EXCLUDED.crm_id, EXCLUDED.stage, EXCLUDED.outcome,
                  EXCLUDED.amount, EXCLUDED.currency, EXCLUDED.crm_modified_at)
           RETURNING deal_key`,
              [
                provider,
                ours.map((o) => o.key),
                ours.map((o) => o.crmId),
                ours.map((o) => o.stage),
                ours.map((o) => o.outcome),
                ours.map((o) => o.amount),
                ours.map((o) => o.currency),
                ours.map((o) => o.createdAt),
                ours.map((o) => o.modifiedAt),
              ],
            );
      await tx.query(
        `INSERT INTO crm_read_cursors (provider, object, modified_since, last_id)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (provider, object) DO UPDATE SET
           modified_since = EXCLUDED.modified_since, last_id = EXCLUDED.last_id`,
        [provider, DEALS, cursor.modifiedSince, cursor.lastId],
      );
      return written.length;
    });
  }

  async byMonth(from: string, to: string): Promise<DealOutcomeMonth[]> {
    const rows: Array<{
      month: string;
      deals: string;
      won: string;
      lost: string;
      open: string;
      won_amounts: Array<{ currency: string | null; amount: string }> | null;
    }> = await this.db.query(
      `WITH months AS (
         SELECT to_char(date_trunc('month', crm_created_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, *
         FROM crm_deal_outcomes)
       SELECT m.month, count(*) AS deals,
              count(*) FILTER (WHERE outcome = 'won') AS won,
              count(*) FILTER (WHERE outcome = 'lost') AS lost,
              count(*) FILTER (WHERE outcome = 'open') AS open,
              (SELECT json_agg(json_build_object('currency', w.currency, 'amount', w.amount::text))
                 FROM (SELECT currency, sum(amount) AS amount FROM months x
                       WHERE x.month = m.month AND x.outcome = 'won' AND x.amount IS NOT NULL
                       GROUP BY currency) w) AS won_amounts
       FROM months m WHERE m.month BETWEEN $1 AND $2
       GROUP BY m.month ORDER BY m.month`,
      [from, to],
    );
    return rows.map((row) => ({
      month: row.month,
      deals: Number(row.deals),
      won: Number(row.won),
      lost: Number(row.lost),
      open: Number(row.open),
      wonAmounts: row.won_amounts ?? [],
    }));
  }

  async stages(customerIds: readonly string[]): Promise<DealStage[]> {
    const rows: Array<{
      deal_key: string;
      customer_id: string;
      stage: string;
      outcome: DealOutcome['outcome'];
      amount: string | null;
      currency: string | null;
      crm_modified_at: Date;
    }> = await this.db.query(
      `SELECT deal_key, customer_id, stage, outcome, amount::text AS amount, currency, crm_modified_at
       FROM crm_deal_outcomes WHERE customer_id = ANY($1::uuid[]) ORDER BY crm_modified_at DESC`,
      [customerIds],
    );
    return rows.map((r) => ({
      dealKey: r.deal_key,
      customerId: r.customer_id,
      stage: r.stage,
      outcome: r.outcome,
      amount: r.amount,
      currency: r.currency,
      crmModifiedAt: r.crm_modified_at,
    }));
  }
}

const UUID_PREFIX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:/i;
