import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { RollupSealRepository } from '../metering/rollup-seal.repository';

const EVERY_TEN_MINUTES_MS = 600_000;

/**
 * Folds the hours just closed into the monthly rollups. No job lock: the
 * seal's own advisory lock serialises replicas, and the second finds nothing to fold.
 */
@Injectable()
export class RollupSealJob {
  constructor(
    private readonly seal: RollupSealRepository,
    private readonly clock: Clock,
  ) {}

  @Interval('rollup-seal', EVERY_TEN_MINUTES_MS)
  async run(): Promise<void> {
    await this.seal.sealBefore(this.clock.now());
  }
}
