import { PrepaidBlockLot } from './prepaid-block.repository';

/** `active` while units are left and it has not expired; `used_up` once drawn in full. Pure. */
export type BlockStatus = 'active' | 'used_up' | 'expired';

export function blockStatus(
  lot: Pick<PrepaidBlockLot, 'units' | 'drawn' | 'expiresAt'>,
  now: Date,
): BlockStatus {
  if (lot.drawn.gte(lot.units)) return 'used_up';
  return lot.expiresAt <= now ? 'expired' : 'active';
}
