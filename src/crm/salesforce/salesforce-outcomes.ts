/**
 * Our opportunities changed since the cursor: SOQL on SystemModstamp (which,
 * unlike LastModifiedDate, also moves on system changes and is indexed),
 * ordered by (SystemModstamp, Id). SystemModstamp has whole seconds, so a
 * record changed later in the cursor's second may sort before the last one
 * read: a cursor without an id re-reads its whole second (`>=`), and the store
 * is an idempotent upsert by our key; a cursor with an id pages inside one
 * second full of changes (see DealOutcomesReader).
 */
import Decimal from 'decimal.js';
import { Connection } from 'jsforce';
import { DealOutcome, OutcomeCursor } from '../../deal-outcomes/deal-outcome';
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

export async function readSalesforceOutcomes(
  conn: Connection,
  after: OutcomeCursor | null,
  limit: number,
): Promise<DealOutcome[]> {
  // SOQL datetime literals have whole seconds, as SystemModstamp does.
  const at = after?.modifiedSince.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const since = !after
    ? ''
    : after.lastId === ''
      ? ` AND SystemModstamp >= ${at}`
      : ` AND (SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > ${soqlString(after.lastId)}))`;
  const soql = `SELECT ${FIELDS.join(', ')} FROM Opportunity WHERE ${EXTERNAL_KEY_FIELD} != null${since} ORDER BY SystemModstamp, Id LIMIT ${Math.min(limit, 2000)}`;
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
