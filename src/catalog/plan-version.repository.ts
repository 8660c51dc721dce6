import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal, toDecimalString } from '../common/decimal';
import { CurrencyOptions } from './plan-version-currencies';
import { Cadence, CalendarUnit } from '../common/period';
import { Queryable } from '../database/transaction';
import { Rate } from '../rating/rate';
import { rateFromJson, rateToJson } from './dto/rate-json';
import { CommitmentInterval, PricedCommitment } from './plan-commitment';
import { BlockTier, PrepaidBlockOffer } from './prepaid-block-offer';

/** A catalog entry a version points at: its id for joins, its key for responses. */
export interface CatalogRef {
  id: string;
  key: string;
}

export interface PlanVersionContent {
  serviceInterval: Cadence;
  /** The currencies it bills in; null: its plan's only (see plan-version-currencies.ts). */
  currencies: string[] | null;
  rates: Array<{ billableItem: CatalogRef; rate: Rate; currencyOptions: CurrencyOptions<Rate> }>;
  licenceFees: Array<{
    billableItem: CatalogRef;
    unitAmount: Decimal;
    currencyOptions: CurrencyOptions<Decimal>;
  }>;
  creditGrants: PlanCreditGrant[];
  limits: Array<{ meter: CatalogRef; quantity: Decimal }>;
  commitment: PricedCommitment | null;
  prepaidBlocks: Array<PrepaidBlockOffer<CatalogRef>>;
}

export interface PlanCreditGrant {
  name: string;
  amount: Decimal;
  currencyOptions: CurrencyOptions<Decimal>;
  appliesTo: CatalogRef[];
  expiresAfterIntervals: number | null;
  rollover: GrantRollover | null;
}

/**
 * What a grant's lot left unused when it expired moves into a rollover lot:
 * at most `maximumAmount`, usable until the end of the `expiresAfterIntervals`-th
 * service interval counted from the one it rolls into (src/credits/rollover-lots.ts).
 */
export interface GrantRollover {
  maximumAmount: Decimal;
  expiresAfterIntervals: number;
}

export interface PlanVersionRecord extends PlanVersionContent {
  id: string;
  planId: string;
  version: number;
  createdAt: Date;
  /** With their row ids: a credit lot names the grant it was issued from. */
  creditGrants: Array<PlanCreditGrant & { id: string }>;
}

interface VersionRow {
  id: string;
  plan_id: string;
  version: number;
  service_interval_unit: CalendarUnit;
  service_interval_count: number;
  currencies: string[] | null;
  commitment_amount: string | null;
  commitment_interval: CommitmentInterval | null;
  commitment_prepaid: boolean | null;
  commitment_currency_options: Record<string, string>;
  prepaid_block_offers: BlockOfferJson[];
  created_at: Date;
}

type TierJson = Array<{ units: string; price: string }>;
interface BlockOfferJson {
  billableItem: CatalogRef;
  tiers: TierJson;
  currencyOptions: Record<string, TierJson>;
  validForDays: number;
}

const tiersToJson = (tiers: BlockTier[]): TierJson =>
  tiers.map(({ units, price }) => ({
    units: toDecimalString(units),
    price: toDecimalString(price),
  }));
const tiersFromJson = (tiers: TierJson): BlockTier[] =>
  tiers.map(({ units, price }) => ({ units: new Decimal(units), price: new Decimal(price) }));

interface ChildRow {
  plan_version_id: string;
}
interface RateRow extends ChildRow {
  item_id: string;
  item_key: string;
  rate: unknown;
  currency_options: Record<string, unknown>;
}
interface LicenceFeeRow extends ChildRow {
  item_id: string;
  item_key: string;
  unit_amount: string;
  currency_options: Record<string, string>;
}
interface CreditGrantRow extends ChildRow {
  id: string;
  name: string;
  amount: string;
  currency_options: Record<string, string>;
  applies_to: CatalogRef[];
  expires_after_intervals: number | null;
  rollover_maximum_amount: string | null;
  rollover_expires_after_intervals: number | null;
}
interface LimitRow extends ChildRow {
  meter_id: string;
  meter_key: string;
  quantity: string;
}

/** A version's place: its plan (id, key and currency) and its number. */
export interface PlanVersionWithPlan {
  planId: string;
  planKey: string;
  currency: string;
  version: number;
}

const VERSION_COLUMNS = `id, plan_id, version, service_interval_unit, service_interval_count, currencies,
   commitment_amount, commitment_interval, commitment_prepaid, commitment_currency_options, prepaid_block_offers, created_at`;

const mapOptions = <P, Q>(options: Readonly<Record<string, P>>, convert: (price: P) => Q) =>
  Object.fromEntries(Object.entries(options).map(([code, price]) => [code, convert(price)]));

const decimalOptionsToJson = (options: CurrencyOptions<Decimal>) =>
  JSON.stringify(mapOptions(options, toDecimalString));

/** Plan versions and their rate card, licence fees, credit grants and limits. Versions are never updated. */
@Injectable()
export class PlanVersionRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Writes a version numbered one past the plan's latest. Callers hold the
   * plan's row lock (PlanRepository.lockByKey), so concurrent writers queue
   * instead of colliding on UNIQUE (plan_id, version).
   */
  async insertNext(
    planId: string,
    content: PlanVersionContent,
    tx: Queryable,
  ): Promise<PlanVersionRecord> {
    const [{ id, version, created_at }]: Array<Pick<VersionRow, 'id' | 'version' | 'created_at'>> =
      await tx.query(
        `INSERT INTO plan_versions (plan_id, version, service_interval_unit, service_interval_count,
                                   commitment_amount, commitment_interval, commitment_prepaid, currencies,
                                   commitment_currency_options, prepaid_block_offers)
       SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6, $7::text[], $8, $9 FROM plan_versions WHERE plan_id = $1
       RETURNING id, version, created_at`,
        [
          planId,
          content.serviceInterval.unit,
          content.serviceInterval.count,
          content.commitment && toDecimalString(content.commitment.amount),
          content.commitment?.interval ?? null,
          content.commitment?.prepaid ?? null,
          content.currencies,
          decimalOptionsToJson(content.commitment?.currencyOptions ?? {}),
          JSON.stringify(
            content.prepaidBlocks.map((offer): BlockOfferJson => ({
              billableItem: offer.billableItem,
              tiers: tiersToJson(offer.tiers),
              currencyOptions: mapOptions(offer.currencyOptions, tiersToJson),
              validForDays: offer.validForDays,
            })),
          ),
        ],
      );
    for (const [position, { billableItem, rate, currencyOptions }] of content.rates.entries()) {
      await tx.query(
        `INSERT INTO plan_version_rates (plan_version_id, billable_item_id, position, rate, currency_options)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          id,
          billableItem.id,
          position,
          rateToJson(rate),
          JSON.stringify(mapOptions(currencyOptions, rateToJson)),
        ],
      );
    }
    for (const [position, fee] of content.licenceFees.entries()) {
      await tx.query(
        `INSERT INTO plan_version_licence_fees (plan_version_id, billable_item_id, position, unit_amount, currency_options)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          id,
          fee.billableItem.id,
          position,
          toDecimalString(fee.unitAmount),
          decimalOptionsToJson(fee.currencyOptions),
        ],
      );
    }
    const creditGrants: PlanVersionRecord['creditGrants'] = [];
    for (const [position, grant] of content.creditGrants.entries()) {
      const [inserted]: Array<{ id: string }> = await tx.query(
        `INSERT INTO plan_version_credit_grants
           (plan_version_id, position, name, amount, applies_to, expires_after_intervals,
            rollover_maximum_amount, rollover_expires_after_intervals, currency_options)
         VALUES ($1, $2, $3, $4, $5::uuid[], $6, $7, $8, $9) RETURNING id`,
        [
          id,
          position,
          grant.name,
          toDecimalString(grant.amount),
          grant.appliesTo.map((item) => item.id),
          grant.expiresAfterIntervals,
          grant.rollover && toDecimalString(grant.rollover.maximumAmount),
          grant.rollover?.expiresAfterIntervals ?? null,
          decimalOptionsToJson(grant.currencyOptions),
        ],
      );
      creditGrants.push({ ...grant, id: inserted.id });
    }
    for (const { meter, quantity } of content.limits) {
      await tx.query(
        'INSERT INTO plan_version_limits (plan_version_id, meter_id, quantity) VALUES ($1, $2, $3)',
        [id, meter.id, toDecimalString(quantity)],
      );
    }
    return { id, planId, version, createdAt: created_at, ...content, creditGrants };
  }

  async listByPlan(planId: string, db: Queryable = this.db): Promise<PlanVersionRecord[]> {
    const rows: VersionRow[] = await db.query(
      `SELECT ${VERSION_COLUMNS} FROM plan_versions WHERE plan_id = $1 ORDER BY version`,
      [planId],
    );
    return this.withContent(rows, db);
  }

  /**
   * The version `versionId` with its plan's key and currency, or null: what
   * billing needs to find the version's content (findOne) and price it.
   */
  async findByIdWithPlan(
    versionId: string,
    db: Queryable = this.db,
  ): Promise<PlanVersionWithPlan | null> {
    const [row]: Array<{ plan_id: string; plan_key: string; currency: string; version: number }> =
      await db.query(
        `SELECT v.plan_id, p.key AS plan_key, p.currency, v.version
         FROM plan_versions v JOIN plans p ON p.id = v.plan_id WHERE v.id = $1`,
        [versionId],
      );
    return row
      ? { planId: row.plan_id, planKey: row.plan_key, currency: row.currency, version: row.version }
      : null;
  }

  async findOne(
    planId: string,
    version: number,
    db: Queryable = this.db,
  ): Promise<PlanVersionRecord | null> {
    const rows: VersionRow[] = await db.query(
      `SELECT ${VERSION_COLUMNS} FROM plan_versions WHERE plan_id = $1 AND version = $2`,
      [planId, version],
    );
    const [found] = await this.withContent(rows, db);
    return found ?? null;
  }

  private async withContent(versions: VersionRow[], db: Queryable): Promise<PlanVersionRecord[]> {
    const ids = versions.map((row) => row.id);
    if (ids.length === 0) return [];
    const [rates, licenceFees, creditGrants, limits] = await Promise.all([
      db.query<RateRow[]>(
        `SELECT r.plan_version_id, b.id AS item_id, b.key AS item_key, r.rate, r.currency_options
         FROM plan_version_rates r JOIN billable_items b ON b.id = r.billable_item_id
         WHERE r.plan_version_id = ANY($1::uuid[]) ORDER BY r.position`,
        [ids],
      ),
      db.query<LicenceFeeRow[]>(
        `SELECT f.plan_version_id, b.id AS item_id, b.key AS item_key, f.unit_amount, f.currency_options
         FROM plan_version_licence_fees f JOIN billable_items b ON b.id = f.billable_item_id
         WHERE f.plan_version_id = ANY($1::uuid[]) ORDER BY f.position`,
        [ids],
      ),
      db.query<CreditGrantRow[]>(
        `SELECT g.plan_version_id, g.id, g.name, g.amount, g.expires_after_intervals, g.currency_options,
                g.rollover_maximum_amount, g.rollover_expires_after_intervals,
                COALESCE((SELECT json_agg(json_build_object('id', b.id, 'key', b.key) ORDER BY a.n)
                          FROM unnest(g.applies_to) WITH ORDINALITY AS a(id, n)
                          JOIN billable_items b ON b.id = a.id), '[]') AS applies_to
         FROM plan_version_credit_grants g
         WHERE g.plan_version_id = ANY($1::uuid[]) ORDER BY g.position`,
        [ids],
      ),
      db.query<LimitRow[]>(
        `SELECT l.plan_version_id, m.id AS meter_id, m.key AS meter_key, l.quantity
         FROM plan_version_limits l JOIN meters m ON m.id = l.meter_id
         WHERE l.plan_version_id = ANY($1::uuid[]) ORDER BY m.key`,
        [ids],
      ),
    ]);
    return versions.map((row) => {
      const of = <T extends ChildRow>(children: T[]) =>
        children.filter((child) => child.plan_version_id === row.id);
      return {
        id: row.id,
        planId: row.plan_id,
        version: row.version,
        createdAt: row.created_at,
        serviceInterval: { unit: row.service_interval_unit, count: row.service_interval_count },
        currencies: row.currencies,
        rates: of(rates).map((r) => ({
          billableItem: { id: r.item_id, key: r.item_key },
          rate: rateFromJson(r.rate),
          currencyOptions: mapOptions(r.currency_options, rateFromJson),
        })),
        licenceFees: of(licenceFees).map((f) => ({
          billableItem: { id: f.item_id, key: f.item_key },
          unitAmount: new Decimal(f.unit_amount),
          currencyOptions: mapOptions(f.currency_options, (amount) => new Decimal(amount)),
        })),
        creditGrants: of(creditGrants).map((g) => ({
          id: g.id,
          name: g.name,
          amount: new Decimal(g.amount),
          currencyOptions: mapOptions(g.currency_options, (amount) => new Decimal(amount)),
          appliesTo: g.applies_to,
          expiresAfterIntervals: g.expires_after_intervals,
          rollover:
            g.rollover_maximum_amount === null || g.rollover_expires_after_intervals === null
              ? null
              : {
                  maximumAmount: new Decimal(g.rollover_maximum_amount),
                  expiresAfterIntervals: g.rollover_expires_after_intervals,
                },
        })),
        limits: of(limits).map((l) => ({
          meter: { id: l.meter_id, key: l.meter_key },
          quantity: new Decimal(l.quantity),
        })),
        commitment: commitmentOf(row),
        prepaidBlocks: row.prepaid_block_offers.map((offer) => ({
          billableItem: offer.billableItem,
          tiers: tiersFromJson(offer.tiers),
          currencyOptions: mapOptions(offer.currencyOptions, tiersFromJson),
          validForDays: offer.validForDays,
        })),
      };
    });
  }
}

function commitmentOf(row: VersionRow): PricedCommitment | null {
  if (row.commitment_amount === null || row.commitment_interval === null) return null;
  return {
    amount: new Decimal(row.commitment_amount),
    interval: row.commitment_interval,
    prepaid: row.commitment_prepaid === true,
    currencyOptions: mapOptions(row.commitment_currency_options, (amount) => new Decimal(amount)),
  };
}
