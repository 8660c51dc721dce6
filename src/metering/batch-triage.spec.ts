import { triageBatch } from './batch-triage';

const TIMES = {
  now: new Date('2026-03-15T12:00:00Z'),
  horizon: new Date('2025-02-01T00:00:00Z'),
};

function event(id: unknown, overrides: Record<string, unknown> = {}) {
  return {
    id,
    customerExternalId: 'acme',
    meter: 'tokens',
    timestamp: '2026-03-15T10:00:00Z',
    value: '1',
    ...overrides,
  };
}

describe('triageBatch', () => {
  it('keeps the first event of each id and counts the repeats as duplicates', () => {
    const triaged = triageBatch(
      [event('a'), event('b'), event('a', { value: '99' }), event('a')],
      TIMES,
    );
    expect(triaged.candidates.map(({ index, event }) => [index, event.id, event.value])).toEqual([
      [0, 'a', '1'],
      [1, 'b', '1'],
    ]);
    expect(triaged.duplicatesInBatch).toBe(2);
    expect(triaged.rejected).toEqual([]);
  });

  it('counts a repeat as a duplicate even when the first occurrence is malformed', () => {
    const triaged = triageBatch([event('a', { value: [] }), event('a')], TIMES);
    expect(triaged.rejected.map((r) => [r.index, r.id, r.code])).toEqual([
      [0, 'a', 'invalid_event'],
    ]);
    expect(triaged.duplicatesInBatch).toBe(1);
    expect(triaged.candidates).toEqual([]);
  });

  it('never treats events without a usable id as repeats of each other', () => {
    const triaged = triageBatch([event(undefined), event(undefined), event('')], TIMES);
    expect(triaged.rejected.map((r) => [r.index, r.id, r.field])).toEqual([
      [0, null, 'events[0].id'],
      [1, null, 'events[1].id'],
      [2, null, 'events[2].id'],
    ]);
    expect(triaged.duplicatesInBatch).toBe(0);
  });
});
