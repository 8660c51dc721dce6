import { Injectable } from '@nestjs/common';
import { BillableItemRepository } from '../catalog/billable-item.repository';
import { MeterRecord, MeterRepository } from '../catalog/meter.repository';

/**
 * Meters and billable items as the entitlement check needs them, in memory:
 * both are immutable once created (the API has no update for them), so an
 * entry never goes stale. Ids come from our own quotas and from credit lots,
 * so an unknown id is one created since and reloads the lists; a key comes
 * from the caller, so an unknown key is looked up alone (a stream of made-up
 * keys costs one indexed read each, never a reload).
 */
@Injectable()
export class CatalogDirectory {
  private metersById = new Map<string, MeterRecord>();
  private metersByKey = new Map<string, MeterRecord>();
  /** Billable item id → the meter it counts (null for licensed items). */
  private itemMeters = new Map<string, string | null>();

  constructor(
    private readonly meters: MeterRepository,
    private readonly items: BillableItemRepository,
  ) {}

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

  /** Whether credit that applies to these billable items (null: every item) pays for the meter. */
  async creditPaysFor(appliesTo: ReadonlySet<string> | null, meterId: string): Promise<boolean> {
    if (appliesTo === null) return true;
    if ([...appliesTo].some((item) => !this.itemMeters.has(item))) await this.reload();
    return [...appliesTo].some((item) => this.itemMeters.get(item) === meterId);
  }

  private async reload(): Promise<void> {
    const [meters, items] = await Promise.all([this.meters.list(), this.items.list()]);
    this.metersById = new Map();
    this.metersByKey = new Map();
    meters.forEach((meter) => this.remember(meter));
    this.itemMeters = new Map(items.map((item) => [item.id, item.meterId]));
  }

  private remember(meter: MeterRecord): void {
    this.metersById.set(meter.id, meter);
    this.metersByKey.set(meter.key, meter);
  }
}
