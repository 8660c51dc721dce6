import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BillableItemRepository } from '../catalog/billable-item.repository';
import { Clock } from '../common/clock';
import {
  ConflictError,
  FieldProblem,
  NotFoundError,
  ValidationFailedError,
} from '../common/errors';
import { minorUnits } from '../common/money';
import { CustomerRecord, CustomerRepository } from '../customers/customer.repository';
import { CreditLedgerRepository, LedgerLot } from './credit-ledger.repository';
import { TopUpInput } from './dto/top-up.schema';
import { CurrencyTotals, ledgerTotals, LotStatus, lotStatus } from './ledger-summary';

export interface CreditLotView extends LedgerLot {
  status: LotStatus;
}

export interface CreditLedgerView {
  customerExternalId: string;
  lots: CreditLotView[];
  totals: CurrencyTotals[];
}

export interface ToppedUp {
  lot: CreditLotView;
  /** True when an earlier request with the same idempotency key created the lot. */
  replayed: boolean;
}

/** A customer's credit ledger through the API: one-off top-ups, and the ledger itself. */
@Injectable()
export class CreditsService {
  constructor(
    private readonly db: DataSource,
    private readonly lots: CreditLedgerRepository,
    private readonly customers: CustomerRepository,
    private readonly items: BillableItemRepository,
    private readonly clock: Clock,
  ) {}

  async topUp(
    externalId: string,
    input: TopUpInput,
    idempotencyKey: string | null,
  ): Promise<ToppedUp> {
    const customer = await this.requireCustomer(externalId);
    const now = this.clock.now();
    // A retry answers the first lot even once its body would no longer pass (an expiry now past).
    const earlier =
      idempotencyKey &&
      (await this.lots.findTopUpByIdempotencyKey(this.db, customer.id, idempotencyKey));
    if (earlier) return { lot: this.replay(earlier, input, now), replayed: true };

    const currency = input.currency ?? customer.currency;
    const appliesTo = await this.itemIds(input.appliesTo);
    const problems = [
      ...(currency === null
        ? [{ field: 'currency', problem: `is required: customer '${externalId}' has no currency` }]
        : amountProblems(input, currency)),
      ...appliesTo.problems,
      ...(input.expiresAt && input.expiresAt <= now
        ? [{ field: 'expiresAt', problem: 'must be in the future' }]
        : []),
    ];
    if (currency === null || problems.length > 0) throw new ValidationFailedError(problems);

    const { id, created } = await this.lots.insertTopUp(this.db, {
      customerId: customer.id,
      name: input.name,
      currency,
      amount: input.amount,
      appliesTo: appliesTo.ids,
      validFrom: now,
      expiresAt: input.expiresAt,
      idempotencyKey,
    });
    const lot = await this.requireLot(customer, id);
    return created
      ? { lot: { ...lot, status: lotStatus(lot, now) }, replayed: false }
      : { lot: this.replay(lot, input, now), replayed: true };
  }

  async ledger(externalId: string): Promise<CreditLedgerView> {
    const customer = await this.requireCustomer(externalId);
    const now = this.clock.now();
    const lots = await this.lots.ledger(this.db, customer.id);
    return {
      customerExternalId: customer.externalId,
      lots: lots.map((lot) => ({ ...lot, status: lotStatus(lot, now) })),
      totals: ledgerTotals(lots, now),
    };
  }

  /** The first lot of an idempotency key, unless the retry asks for a different amount or currency. */
  private replay(lot: LedgerLot, input: TopUpInput, now: Date): CreditLotView {
    const differs =
      !lot.amount.equals(input.amount) ||
      (input.currency !== undefined && input.currency !== lot.currency);
    if (differs) {
      throw new ConflictError(
        `this Idempotency-Key created a top-up of ${lot.amount.toFixed()} ${lot.currency}; use a new key for a different one`,
        [{ field: 'Idempotency-Key', problem: 'was used for a different top-up' }],
      );
    }
    return { ...lot, status: lotStatus(lot, now) };
  }

  /** Ids of the named billable items (null: every item), and a problem per unknown key. */
  private async itemIds(
    keys: string[] | undefined,
  ): Promise<{ ids: string[] | null; problems: FieldProblem[] }> {
    if (keys === undefined) return { ids: null, problems: [] };
    const found = await this.items.findByKeys(keys);
    return {
      ids: keys.flatMap((key) => found.get(key)?.id ?? []),
      problems: keys
        .map((key, index) => ({ key, field: `appliesTo[${index}]` }))
        .filter(({ key }) => !found.has(key))
        .map(({ key, field }) => ({ field, problem: `no billable item with key '${key}'` })),
    };
  }

  private async requireCustomer(externalId: string): Promise<CustomerRecord> {
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) throw new NotFoundError('customer', externalId);
    return customer;
  }

  private async requireLot(customer: CustomerRecord, id: string): Promise<LedgerLot> {
    const lot = await this.lots.findLot(this.db, customer.id, id);
    if (!lot) throw new Error(`credit lot ${id} of customer ${customer.externalId} vanished`);
    return lot;
  }
}

/** Credit is money: no finer than the currency's minor unit (a cent, a yen). */
function amountProblems(input: TopUpInput, currency: string): FieldProblem[] {
  const digits = minorUnits(currency);
  if (input.amount.decimalPlaces() <= digits) return [];
  return [
    { field: 'amount', problem: `must have at most ${digits} decimal places in ${currency}` },
  ];
}
