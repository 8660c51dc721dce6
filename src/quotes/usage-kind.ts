import { RateModel } from '../rating/rate';

/**
 * What a rate is priced from: percentage rates from the value of each event,
 * every other model from a quantity (graduated_percentage from the aggregated value). Exhaustive, so a new model must choose.
 */
export function usageKindOf(model: RateModel): 'quantity' | 'events' {
  switch (model) {
    case 'per_unit':
    case 'package':
    case 'volume':
    case 'graduated':
    case 'graduated_percentage':
      return 'quantity';
    case 'percentage':
      return 'events';
  }
}
