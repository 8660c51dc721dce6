import { MeterRecord } from '../meter.repository';

export function toMeterResponse(meter: MeterRecord) {
  return {
    key: meter.key,
    name: meter.name,
    aggregation: meter.aggregation,
    unit: meter.unit,
    dimensions: meter.dimensions,
    createdAt: meter.createdAt.toISOString(),
  };
}

export type MeterResponse = ReturnType<typeof toMeterResponse>;
