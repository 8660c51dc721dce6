import { Injectable } from '@nestjs/common';
import { MeterRecord, MeterRepository } from '../catalog/meter.repository';

/**
 * Meters as the entitlement check needs them, in memory: they are immutable
 * once created (the API has no update for them), so an entry never goes
 * stale. Ids come from our own quotas, so an unknown id is one created since
 * and reloads the list; a key comes
 * from the caller, so an unknown key is looked up alone (a stream of made-up
 * keys costs one indexed read each, never a reload).
 */
@Injectable()
export class CatalogDirectory {
  private metersById = new Map<string, MeterRecord>();
  private metersByKey = new Map<string, MeterRecord>();

  constructor(private readonly meters: MeterRepository) {}

  async meterById(id: string): Promise<MeterRecord | null> {
    if (!this.metersById.has(id)) await this.reload();
    return this.metersById.get(id) ?? null;
  }

  async meterByKey(key: string): Promise<MeterRecord | null> {
    const known = this.metersByKey.get(key);
    if (known) return known;
    const found = await this.meters.findByKey(key);
    if (found) this.remember(found);
    return found;
  }

  private async reload(): Promise<void> {
    const meters = await this.meters.list();
    this.metersById = new Map();
    this.metersByKey = new Map();
    meters.forEach((meter) => this.remember(meter));
  }

  private remember(meter: MeterRecord): void {
    this.metersById.set(meter.id, meter);
    this.metersByKey.set(meter.key, meter);
  }
}
