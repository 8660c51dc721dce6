/**
 * Our opportunities changed since the cursor: SOQL on SystemModstamp (which,
 * unlike LastModifiedDate, also moves on system changes and is indexed),
 * ordered by (SystemModstamp, Id). SystemModstamp has whole seconds, so a
 * record changed later in the cursor's second may sort before the last one
 * read: the cursor's second is read again (see `since`), and the store is an
 * idempotent upsert by our key (see DealOutcomesReader).
 */
import Decimal from 'decimal.js';
import { Connection } from 'jsforce';
import { DealOutcome, OutcomeCursor } from '../../deal-outcomes/deal-outcome';
import { fitsQueryUri } from './salesforce-collections';
import { EXTERNAL_KEY_FIELD } from './salesforce-schema';
import { soqlString } from './salesforce-values';

const FIELDS = [
  'Id',
  EXTERNAL_KEY_FIELD,
  'StageName',
  'IsWon',
  'IsClosed',
  'Amount',
  'CreatedDate',
  'SystemModstamp',
];

/**
 * Where the read starts. With the ids already read at the cursor's second,
 * that whole second again without them: a record changed later in that
 * second is read even when its Id sorts before the last one read (Id >
 * lastId alone misses it). Past what a query URI takes, the (second, Id)
 * keyset; with neither, the whole second (inclusive).
 */
function since(after: OutcomeCursor, rest: string): string {
  // SOQL datetime literals have whole seconds, as SystemModstamp does.
  const at = after.modifiedSince.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const read = after.readAtInstant ?? [];
  const withoutRead = ` AND SystemModstamp >= ${at} AND Id NOT IN (${read.map(soqlString).join(', ')})`;
  if (read.length > 0 && fitsQueryUri(rest + withoutRead)) return withoutRead;
  if (after.lastId === '') return ` AND SystemModstamp >= ${at}`;
  return ` AND (SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > ${soqlString(after.lastId)}))`;
}

export async function readSalesforceOutcomes(
  conn: Connection,
  after: OutcomeCursor | null,
  limit: number,
): Promise<DealOutcome[]> {
  const select = `SELECT ${FIELDS.join(', ')} FROM Opportunity WHERE ${EXTERNAL_KEY_FIELD} != null`;
  const order = ` ORDER BY SystemModstamp, Id LIMIT ${Math.min(limit, 2000)}`;
  const soql = `${select}${after ? since(after, select + order) : ''}${order}`;
  const result = await conn.query<Record<string, unknown>>(soql);
  return result.records.flatMap((r) => {
    const key = r[EXTERNAL_KEY_FIELD];
    const modified = typeof r.SystemModstamp === 'string' ? new Date(r.SystemModstamp) : null;
    if (typeof key !== 'string' || typeof r.Id !== 'string' || !modified) return [];
    return [
      {
        key,
        crmId: r.Id,
        stage: typeof r.StageName === 'string' ? r.StageName : '',
        outcome: r.IsWon === true ? 'won' : r.IsClosed === true ? 'lost' : 'open',
        amount: typeof r.Amount === 'number' ? new Decimal(r.Amount).toString() : null,
        currency: null,
        createdAt: typeof r.CreatedDate === 'string' ? new Date(r.CreatedDate) : modified,
        modifiedAt: modified,
      } satisfies DealOutcome,
    ];
  });
}
