import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors';
import { CreateMeterInput } from './dto/meter.schema';
import { MeterRecord, MeterRepository } from './meter.repository';

@Injectable()
export class MetersService {
  constructor(private readonly meters: MeterRepository) {}

  create(input: CreateMeterInput): Promise<MeterRecord> {
    return this.meters.insert(input);
  }

  list(): Promise<MeterRecord[]> {
    return this.meters.list();
  }

  async get(key: string): Promise<MeterRecord> {
    const meter = await this.meters.findByKey(key);
    if (!meter) throw new NotFoundError('meter', key);
    return meter;
  }
}
