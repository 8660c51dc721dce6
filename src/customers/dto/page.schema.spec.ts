import { parseInput } from '../../common/validation';
import { fieldProblemsOf } from '../../catalog/testing/field-problems';
import { encodeCursor, pageQuerySchema } from './page.schema';

describe('page query', () => {
  it('defaults to 50 from the start', () => {
    expect(parseInput(pageQuerySchema, {})).toEqual({ limit: 50 });
  });

  it('reads back the cursor it hands out', () => {
    expect(parseInput(pageQuerySchema, { limit: '2', cursor: encodeCursor('acme:eu') })).toEqual({
      limit: 2,
      cursor: 'acme:eu',
    });
  });

  it.each(['0', '201', '1.5', 'ten'])('rejects the limit %j', (limit) => {
    expect(fieldProblemsOf(pageQuerySchema, { limit })).toEqual([
      { field: 'limit', problem: 'must be a whole number from 1 to 200' },
    ]);
  });

  it('rejects a cursor it did not hand out', () => {
    expect(fieldProblemsOf(pageQuerySchema, { cursor: encodeCursor('no spaces allowed') })).toEqual(
      [{ field: 'cursor', problem: 'must be the nextCursor of a previous page' }],
    );
  });
});
