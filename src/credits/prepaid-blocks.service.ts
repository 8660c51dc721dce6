import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlanVersionLookup } from '../catalog/plan-version-lookup.service';
import { pricedIn } from '../catalog/plan-version-currencies';
import { Clock } from '../common/clock';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors';
import { addCalendar } from '../common/period';
import { CustomerRecord, CustomerRepository } from '../customers/customer.repository';
import { SubscriptionRecord, SubscriptionRepository } from '../customers/subscription.repository';
import { blockPrice } from './block-pricing';
import { BlockStatus, blockStatus } from './block-status';
import { BuyPrepaidBlocksInput } from './dto/prepaid-block.schema';
import { PrepaidBlockLot, PrepaidBlockRepository } from './prepaid-block.repository';

export interface PrepaidBlockView extends PrepaidBlockLot {
  status: BlockStatus;
}

export interface BlocksBought {
  lot: PrepaidBlockView;
  /** True when an earlier request with the same idempotency key bought the lot. */
  replayed: boolean;
}

/**
 * Prepaid blocks through the API. A purchase is a ledger entry (a lot of units
 * at the offer's volume price) billed on its subscription's next invoice as a
 * `prepaid_block` line; invoices draw usage from the lots before overage
 * (src/invoicing/block-drawdown.ts).
 */
@Injectable()
export class PrepaidBlocksService {
  constructor(
    private readonly db: DataSource,
    private readonly blocks: PrepaidBlockRepository,
    private readonly customers: CustomerRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly versions: PlanVersionLookup,
    private readonly clock: Clock,
  ) {}

  async buy(
    externalId: string,
    input: BuyPrepaidBlocksInput,
    idempotencyKey: string | null,
  ): Promise<BlocksBought> {
    const customer = await this.requireCustomer(externalId);
    const now = this.clock.now();
    const earlier =
      idempotencyKey &&
      (await this.blocks.findByIdempotencyKey(this.db, customer.id, idempotencyKey));
    if (earlier) return { lot: this.replay(earlier, input, now), replayed: true };

    const subscription = await this.requireSubscription(customer, input.subscriptionId, now);
    const { plan, version } = await this.versions.find(subscription.planKey, subscription.version);
    const offer = pricedIn(version, plan.currency, subscription.currency).prepaidBlocks.find(
      (candidate) => candidate.billableItem.key === input.billableItem,
    );
    if (!offer) {
      throw ValidationFailedError.field(
        'billableItem',
        `plan '${plan.key}' version ${version.version} offers no prepaid blocks of '${input.billableItem}'`,
      );
    }
    const priced = blockPrice(offer.tiers, input.units, subscription.currency);
    if ('problem' in priced) throw ValidationFailedError.field('units', priced.problem);

    const { id, created } = await this.blocks.insert(this.db, {
      customerId: customer.id,
      subscriptionId: subscription.id,
      billableItemId: offer.billableItem.id,
      billableItemKey: offer.billableItem.key,
      currency: subscription.currency,
      units: input.units,
      price: priced.price,
      validFrom: now,
      expiresAt: addCalendar(now, { unit: 'day', count: offer.validForDays }, 1),
      idempotencyKey,
    });
    const lot = (await this.blocks.listByCustomer(this.db, customer.id)).find((l) => l.id === id);
    if (!lot) throw new Error(`prepaid block lot ${id} vanished`);
    return created
      ? { lot: { ...lot, status: blockStatus(lot, now) }, replayed: false }
      : { lot: this.replay(lot, input, now), replayed: true };
  }

  async list(externalId: string): Promise<PrepaidBlockView[]> {
    const customer = await this.requireCustomer(externalId);
    const now = this.clock.now();
    const lots = await this.blocks.listByCustomer(this.db, customer.id);
    return lots.map((lot) => ({ ...lot, status: blockStatus(lot, now) }));
  }

  /** The first lot of an idempotency key, unless the retry asks for a different purchase. */
  private replay(lot: PrepaidBlockLot, input: BuyPrepaidBlocksInput, now: Date): PrepaidBlockView {
    const same =
      lot.units.equals(input.units) &&
      lot.billableItemKey === input.billableItem &&
      lot.subscriptionId === input.subscriptionId;
    if (!same) {
      throw new ConflictError(
        `this Idempotency-Key bought ${lot.units.toFixed()} units of '${lot.billableItemKey}'; use a new key for a different purchase`,
        [{ field: 'Idempotency-Key', problem: 'was used for a different purchase' }],
      );
    }
    return { ...lot, status: blockStatus(lot, now) };
  }

  private async requireCustomer(externalId: string): Promise<CustomerRecord> {
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) throw new NotFoundError('customer', externalId);
    return customer;
  }

  private async requireSubscription(
    customer: CustomerRecord,
    subscriptionId: string,
    now: Date,
  ): Promise<SubscriptionRecord> {
    const subscription = await this.subscriptions.findById(subscriptionId);
    if (!subscription || subscription.customerId !== customer.id) {
      throw ValidationFailedError.field(
        'subscriptionId',
        `customer '${customer.externalId}' has no subscription ${subscriptionId}`,
      );
    }
    if (subscription.endDate !== null && subscription.endDate <= now) {
      throw ValidationFailedError.field(
        'subscriptionId',
        `subscription ${subscriptionId} has ended`,
      );
    }
    return subscription;
  }
}
