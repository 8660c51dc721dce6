/**
 * The usage profile of a plan quote (`"usage": {"llm_tokens": "2500000"}`)
 * turned into the usage of each metered rate of a plan version. Pure.
 *
 * Keys are meter keys: every billable item of that meter gets the meter's
 * quantity, filtered ones included (a quote has no events, so no dimensions
 * to filter by). A key naming a billable item itself takes precedence for that
 * item, which is how a profile prices per-model items of one meter
 * differently: `{"llm_tokens": "2500000", "claude_tokens": "400000"}`.
 * A rate no key reaches is priced for zero usage, as an idle interval would be.
 *
 * Values: a quantity, or for a percentage rate the value of each event (a list).
 * Every key must reach a rate of the version, so a typo is an error rather
 * than a silently cheaper quote.
 */
import { Decimal, sumDecimals, ZERO } from '../common/decimal';
import { FieldProblem } from '../common/errors';
import { Rate, Usage } from '../rating/rate';
import { usageKindOf } from './usage-kind';

/** A quantity, or the value of each event. */
export type ProfileUsage = Decimal | readonly Decimal[];

export interface MeteredRate {
  billableItemKey: string;
  /** The item's meter; null only for licensed items, which no rate prices. */
  meterKey: string | null;
  rate: Rate;
}

export interface RatedUsage {
  billableItemKey: string;
  rate: Rate;
  usage: Usage;
  /** What an invoice line shows: the units, or the events' total value. */
  quantity: Decimal;
}

export interface ResolvedProfile {
  /** One entry per rate without a problem, in the version's order. */
  rated: RatedUsage[];
  problems: FieldProblem[];
}

export function resolveUsageProfile(
  rates: readonly MeteredRate[],
  profile: Readonly<Record<string, ProfileUsage>>,
): ResolvedProfile {
  const given = new Map(Object.entries(profile));
  const rated: RatedUsage[] = [];
  const problems: FieldProblem[] = [];
  for (const entry of rates) {
    const key = [entry.billableItemKey, entry.meterKey].find(
      (candidate): candidate is string => candidate !== null && given.has(candidate),
    );
    const resolved = usageFor(entry, key === undefined ? undefined : given.get(key));
    if ('problem' in resolved) problems.push({ field: `usage.${key}`, problem: resolved.problem });
    else rated.push({ billableItemKey: entry.billableItemKey, rate: entry.rate, ...resolved });
  }
  const reachable = new Set(
    rates.flatMap(({ billableItemKey, meterKey }) =>
      meterKey === null ? [billableItemKey] : [billableItemKey, meterKey],
    ),
  );
  const priced = [...reachable].sort().join(', ') || 'nothing';
  for (const key of given.keys()) {
    if (!reachable.has(key)) {
      problems.push({
        field: `usage.${key}`,
        problem: `is neither a meter nor a billable item this plan version prices (it prices: ${priced})`,
      });
    }
  }
  return { rated, problems };
}

function usageFor(
  { billableItemKey, rate }: MeteredRate,
  value: ProfileUsage | undefined,
): { usage: Usage; quantity: Decimal } | { problem: string } {
  const fromEvents = usageKindOf(rate.model) === 'events';
  if (value === undefined)
    return { usage: fromEvents ? { events: [] } : { quantity: ZERO }, quantity: ZERO };
  if (Decimal.isDecimal(value)) {
    if (!fromEvents) return { usage: { quantity: value }, quantity: value };
    return {
      problem: `is a quantity, but billable item '${billableItemKey}' has a percentage rate: give the value of each event as a list`,
    };
  }
  if (fromEvents) return { usage: { events: value }, quantity: sumDecimals(value) };
  return {
    problem: `is a list of event values, but billable item '${billableItemKey}' has a ${rate.model} rate: give a quantity`,
  };
}
