import { BillableItemRecord } from '../billable-item.repository';

export function toBillableItemResponse(item: BillableItemRecord) {
  return {
    key: item.key,
    name: item.name,
    kind: item.kind,
    meter: item.meterKey,
    filter: item.filter,
    createdAt: item.createdAt.toISOString(),
  };
}

export type BillableItemResponse = ReturnType<typeof toBillableItemResponse>;
