import { Injectable } from '@nestjs/common';
import { Decimal } from '../common/decimal';
import { FieldProblem, ValidationFailedError } from '../common/errors';
import { Queryable } from '../database/transaction';
import { BillableItemRecord, BillableItemRepository } from './billable-item.repository';
import { BillableItemKind } from './dto/billable-item.schema';
import { CreatePlanVersionInput } from './dto/plan-version.schema';
import { MeterRepository } from './meter.repository';
import { CatalogRef, PlanVersionContent } from './plan-version.repository';

const PLACE_OF_KIND: Readonly<Record<BillableItemKind, string>> = {
  metered: 'rates',
  licensed: 'licenceFees',
};

/**
 * Turns the keys a plan version names into catalog ids, reporting every
 * unknown key, and every item used under the wrong heading, with its field.
 */
@Injectable()
export class PlanVersionReferences {
  constructor(
    private readonly items: BillableItemRepository,
    private readonly meters: MeterRepository,
  ) {}

  async resolve(input: CreatePlanVersionInput, db: Queryable): Promise<PlanVersionContent> {
    const itemKeys = [
      ...input.rates.map((entry) => entry.billableItem),
      ...input.licenceFees.map((fee) => fee.billableItem),
      ...input.creditGrants.flatMap((grant) => grant.appliesTo),
    ];
    const [items, meters] = await Promise.all([
      this.items.findByKeys(itemKeys, db),
      this.meters.findByKeys(
        input.limits.map((limit) => limit.meter),
        db,
      ),
    ]);
    const problems: FieldProblem[] = [];
    // An unknown key yields a ref without id; the content is thrown away when any problem was found.
    const item = (key: string, field: string, kind?: BillableItemKind): CatalogRef => {
      const found = items.get(key);
      const problem = describeItemProblem(key, found, kind);
      if (problem) problems.push({ field, problem });
      return { id: found?.id ?? '', key };
    };
    const meter = (key: string, field: string): CatalogRef => {
      const found = meters.get(key);
      if (!found) problems.push({ field, problem: `no meter with key '${key}'` });
      return { id: found?.id ?? '', key };
    };

    const content: PlanVersionContent = {
      serviceInterval: input.serviceInterval,
      currencies: input.currencies ?? null,
      rates: input.rates.map((entry, i) => ({
        billableItem: item(entry.billableItem, `rates[${i}].billableItem`, 'metered'),
        rate: entry.rate,
        currencyOptions: entry.currencyOptions ?? {},
      })),
      licenceFees: input.licenceFees.map((fee, i) => ({
        billableItem: item(fee.billableItem, `licenceFees[${i}].billableItem`, 'licensed'),
        unitAmount: fee.unitAmount,
        currencyOptions: optionAmounts(fee.currencyOptions, (option) => option.unitAmount),
      })),
      creditGrants: input.creditGrants.map((grant, i) => ({
        name: grant.name,
        amount: grant.amount,
        currencyOptions: optionAmounts(grant.currencyOptions, (option) => option.amount),
        appliesTo: grant.appliesTo.map((key, j) => item(key, `creditGrants[${i}].appliesTo[${j}]`)),
        expiresAfterIntervals: grant.expiresAfterIntervals ?? null,
        rollover: grant.rollover,
      })),
      limits: input.limits.map((limit, i) => ({
        meter: meter(limit.meter, `limits[${i}].meter`),
        quantity: limit.quantity,
      })),
      commitment: input.commitment && {
        ...input.commitment,
        currencyOptions: optionAmounts(input.commitment.currencyOptions, (option) => option.amount),
      },
      prepaidBlocks: input.prepaidBlocks.map((offer, i) => ({
        billableItem: item(offer.billableItem, `prepaidBlocks[${i}].billableItem`, 'metered'),
        tiers: offer.tiers,
        currencyOptions: Object.fromEntries(
          Object.entries(offer.currencyOptions ?? {}).map(([code, { tiers }]) => [code, tiers]),
        ),
        validForDays: offer.validForDays,
      })),
    };
    if (problems.length > 0) throw new ValidationFailedError(problems);
    return content;
  }
}

function optionAmounts<T>(
  options: Record<string, T> | undefined,
  amountOf: (option: T) => Decimal,
): Record<string, Decimal> {
  return Object.fromEntries(
    Object.entries(options ?? {}).map(([code, option]) => [code, amountOf(option)]),
  );
}

function describeItemProblem(
  key: string,
  found: BillableItemRecord | undefined,
  expectedKind: BillableItemKind | undefined,
): string | null {
  if (!found) return `no billable item with key '${key}'`;
  if (expectedKind && found.kind !== expectedKind) {
    return `billable item '${key}' is ${found.kind}: it belongs under ${PLACE_OF_KIND[found.kind]}`;
  }
  return null;
}
