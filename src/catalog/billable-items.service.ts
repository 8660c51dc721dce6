import { Injectable } from '@nestjs/common';
import { FieldProblem, NotFoundError, ValidationFailedError } from '../common/errors';
import {
  BillableItemRecord,
  BillableItemRepository,
  NewBillableItem,
} from './billable-item.repository';
import { CreateBillableItemInput } from './dto/billable-item.schema';
import { MeterRepository } from './meter.repository';

@Injectable()
export class BillableItemsService {
  constructor(
    private readonly items: BillableItemRepository,
    private readonly meters: MeterRepository,
  ) {}

  async create(input: CreateBillableItemInput): Promise<BillableItemRecord> {
    return this.items.insert(await this.resolveMeter(input));
  }

  list(): Promise<BillableItemRecord[]> {
    return this.items.list();
  }

  async get(key: string): Promise<BillableItemRecord> {
    const item = await this.items.findByKey(key);
    if (!item) throw new NotFoundError('billable item', key);
    return item;
  }

  /** A metered item needs a known meter, and may only filter on dimensions that meter declares. */
  private async resolveMeter(input: CreateBillableItemInput): Promise<NewBillableItem> {
    if (input.kind === 'licensed') {
      return { key: input.key, name: input.name, kind: 'licensed', meterId: null, filter: {} };
    }
    const meter = await this.meters.findByKey(input.meter);
    if (!meter) throw ValidationFailedError.field('meter', `no meter with key '${input.meter}'`);
    const declared = meter.dimensions.length > 0 ? meter.dimensions.join(', ') : 'none';
    const problems: FieldProblem[] = Object.keys(input.filter)
      .filter((dimension) => !meter.dimensions.includes(dimension))
      .map((dimension) => ({
        field: `filter.${dimension}`,
        problem: `is not a dimension of meter '${meter.key}' (it declares: ${declared})`,
      }));
    if (problems.length > 0) throw new ValidationFailedError(problems);
    return {
      key: input.key,
      name: input.name,
      kind: 'metered',
      meterId: meter.id,
      filter: input.filter,
    };
  }
}
