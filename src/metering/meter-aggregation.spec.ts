import { AGGREGATIONS } from '../catalog/dto/meter.schema';
import { sourceFiles } from '../architecture/source-files';
import { meterQuantity } from './meter-aggregation';

describe('meter aggregation', () => {
  it('names a figure for every aggregation a meter may declare', () => {
    const sql = meterQuantity('m.aggregation', {
      eventCount: 'h.event_count',
      valueSum: 'h.value_sum',
      valueMax: 'h.value_max',
      lastValue: 'h.last_value',
      distinctValues: 'u.distinct_values',
    });
    for (const aggregation of AGGREGATIONS) expect(sql).toContain(`WHEN '${aggregation}' THEN`);
  });

  // The marks of the rule written out by hand: the CASE over aggregations, the
  // byte-order tie-break of `last`, the distinct count. Only their home has them.
  it.each([`WHEN 'last'`, 'COLLATE "C"', 'count(DISTINCT'])(
    'writes %s nowhere but meter-aggregation.ts',
    (mark) => {
      const copies = sourceFiles()
        .filter((file) => file.text.includes(mark))
        .map((file) => file.path);
      expect(copies).toEqual(['src/metering/meter-aggregation.ts']);
    },
  );
});
