import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { Decimal, sumDecimals } from '../common/decimal';
import { NotFoundError, ValidationFailedError } from '../common/errors';
import { CreditLedgerRepository } from '../credits/credit-ledger.repository';
import { PrepaidBlockLot, PrepaidBlockRepository } from '../credits/prepaid-block.repository';
import { CustomerRecord, CustomerRepository } from '../customers/customer.repository';
import { BillingSubscriptionsRepository } from './billing-subscriptions.repository';
import { BlockDraw } from './block-drawdown';
import { BlockPurses } from './block-purses';
import { CreditBalance, creditBalance, unissuedLot } from './credit-balance';
import { CreditSnapshot } from './credit-sources';
import { BillingContext } from './invoice-builder.service';
import { UpcomingInvoiceService } from './upcoming-invoice.service';

/**
 * The balance, and the prepaid block lots in its currency with units left
 * (units are not money, so they stay beside the balance rather than in it).
 */
export interface CreditBalanceWithBlocks extends CreditBalance {
  /** `pending`: the units the upcoming invoices would draw, as `pendingUsage` for credit. */
  blocks: Array<PrepaidBlockLot & { pending: Decimal }>;
}

/**
 * A customer's credit right now: the ledger, minus what the upcoming invoices
 * (the usage so far of every current subscription billed in the currency)
 * would consume. The previews draw on one snapshot of the lots (and of the
 * prepaid blocks) in turn, as a billing run would, so no credit and no block
 * unit is counted for two invoices.
 */
@Injectable()
export class CreditBalanceService {
  constructor(
    private readonly db: DataSource,
    private readonly customers: CustomerRepository,
    private readonly subscriptions: BillingSubscriptionsRepository,
    private readonly upcoming: UpcomingInvoiceService,
    private readonly ledger: CreditLedgerRepository,
    private readonly clock: Clock,
    private readonly blocks: PrepaidBlockRepository,
  ) {}

  /** In `currency`, by default the currency of the customer's current plan, else the customer's. */
  async balance(externalId: string, currency?: string): Promise<CreditBalanceWithBlocks> {
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) throw new NotFoundError('customer', externalId);
    return this.balanceOf(customer, currency);
  }

  /** `balance` for a caller that holds the customer's id: read by id, it stays on the customer's node on Citus. */
  async balanceById(customerId: string, currency?: string): Promise<CreditBalanceWithBlocks> {
    const customer = await this.customers.findById(customerId);
    if (!customer) throw new NotFoundError('customer', customerId);
    return this.balanceOf(customer, currency);
  }

  private async balanceOf(
    customer: CustomerRecord,
    currency: string | undefined,
  ): Promise<CreditBalanceWithBlocks> {
    const now = this.clock.now();
    const contexts: BillingContext[] = [];
    for (const subscription of await this.subscriptions.listCurrent(customer.id, now)) {
      const context = await this.upcoming.context(subscription, now);
      if (context) contexts.push(context);
    }
    const balanceCurrency = currency ?? contexts[0]?.plan.currency ?? customer.currency;
    if (!balanceCurrency) {
      throw ValidationFailedError.field(
        'currency',
        `is required: customer '${customer.externalId}' has no subscription and no currency`,
      );
    }
    const billed = contexts.filter((context) => context.plan.currency === balanceCurrency);
    const since = new Date(Math.min(now.getTime(), ...billed.map((c) => c.period.start.getTime())));
    const [ledgerLots, availableLots, issuedGrantKeys, blocks, purses] = await Promise.all([
      this.ledger.ledger(this.db, customer.id),
      this.ledger.availableLots(this.db, customer.id, balanceCurrency),
      this.ledger.issuedGrantKeys(this.db, customer.id, since),
      this.blocks.availableOf(
        this.db,
        [{ customerId: customer.id, currency: balanceCurrency }],
        now,
      ),
      BlockPurses.load(this.db, this.blocks, billed),
    ]);
    const credits = new CreditSnapshot(availableLots, issuedGrantKeys);
    const pendingConsumptions: ReturnType<CreditSnapshot['spend']> = [];
    const pendingDraws: BlockDraw[] = [];
    for (const context of billed) {
      const draft = await this.upcoming.preview(context, credits, purses);
      pendingConsumptions.push(...credits.spend(draft.consumptions));
      purses.spend(draft);
      pendingDraws.push(...draft.blockDraws);
    }
    const balance = creditBalance({
      currency: balanceCurrency,
      now,
      lots: [...ledgerLots, ...credits.pendingGrants.map(unissuedLot)],
      pendingConsumptions,
    });
    const pendingOf = (lotId: string) =>
      sumDecimals(pendingDraws.filter((draw) => draw.lotId === lotId).map((draw) => draw.units));
    return { ...balance, blocks: blocks.map((lot) => ({ ...lot, pending: pendingOf(lot.id) })) };
  }
}
