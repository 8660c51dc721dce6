/**
 * sObject Collections writes (≤ 200 records a call, allOrNone false so one bad
 * record does not sink the others) and the SOQL reads that go with them.
 */
import { Connection } from 'jsforce';
import { CrmTransientError, RecordFailure } from '../crm-provider';
import { CollectionResult, recordFailures } from './salesforce-errors';
import { SalesforceRecord, SalesforceUpdate } from './salesforce-records';
import { chunk, soqlString } from './salesforce-values';

/** sObject Collections' per-call limit. */
export const COLLECTION_LIMIT = 200;

export type QueryRow = Record<string, string | null>;

/** A write to send: the key we report failures under and the record itself. */
export interface KeyedRecord<R extends SalesforceRecord = SalesforceRecord> {
  key: string;
  record: R;
}

/**
 * Maps items to records; an item that cannot be mapped (e.g. an amount a
 * double cannot carry) fails on its own instead of failing the whole batch.
 */
export function toKeyedRecords<T, R extends SalesforceRecord>(
  items: readonly T[],
  key: (item: T) => string,
  toRecord: (item: T) => R,
): { records: KeyedRecord<R>[]; failures: RecordFailure[] } {
  const records: KeyedRecord<R>[] = [];
  const failures: RecordFailure[] = [];
  for (const item of items) {
    try {
      records.push({ key: key(item), record: toRecord(item) });
    } catch (error) {
      failures.push({ key: key(item), message: String(error), retriable: false });
    }
  }
  return { records, failures };
}

/** Updates by Id (`PATCH /composite/sobjects`), 200 records a call. */
export async function updateRecords(
  conn: Connection,
  sobject: string,
  records: readonly KeyedRecord<SalesforceUpdate>[],
): Promise<RecordFailure[]> {
  const failures: RecordFailure[] = [];
  for (const batch of chunk(records, COLLECTION_LIMIT)) {
    const results = await conn.sobject(sobject).update(
      batch.map((r) => r.record),
      { allOrNone: false },
    );
    failures.push(
      ...recordFailures(
        batch.map((r) => r.key),
        parseResults(results),
      ),
    );
  }
  return failures;
}

/**
 * Upserts by external id (`PATCH /composite/sobjects/{SObject}/{field}`), 200
 * records a call. Salesforce rejects two records with the same key in one
 * call, so the last write for a key wins before sending.
 */
export async function upsertRecords(
  conn: Connection,
  sobject: string,
  externalIdField: string,
  records: readonly KeyedRecord[],
): Promise<RecordFailure[]> {
  const latest = [...new Map(records.map((r) => [r.key, r])).values()];
  const failures: RecordFailure[] = [];
  for (const batch of chunk(latest, COLLECTION_LIMIT)) {
    const results = await conn.sobject(sobject).upsert(
      batch.map((r) => r.record),
      externalIdField,
      { allOrNone: false },
    );
    failures.push(
      ...recordFailures(
        batch.map((r) => r.key),
        parseResults(results),
      ),
    );
  }
  return failures;
}

/**
 * `SELECT fields FROM sobject WHERE field IN (values)`, 200 values a query to
 * keep the URL well under Salesforce's limit; returns rows keyed by `field`.
 */
export async function selectWhereIn(
  conn: Connection,
  sobject: string,
  fields: readonly string[],
  field: string,
  values: readonly string[],
): Promise<Map<string, QueryRow>> {
  const rows = new Map<string, QueryRow>();
  for (const batch of chunk([...new Set(values)], COLLECTION_LIMIT)) {
    const soql = `SELECT ${fields.join(', ')} FROM ${sobject} WHERE ${field} IN (${batch.map(soqlString).join(', ')})`;
    const result = await conn.query(soql);
    for (const record of result.records) {
      const row = parseRow(record, fields);
      const key = row[field];
      if (key) rows.set(key, row);
    }
  }
  return rows;
}

function parseRow(record: Record<string, unknown>, fields: readonly string[]): QueryRow {
  return Object.fromEntries(
    fields.map((f) => {
      const value = record[f];
      return [f, typeof value === 'string' ? value : null];
    }),
  );
}

/** jsforce passes the collection response through untyped; check what we read. */
function parseResults(value: unknown): CollectionResult[] {
  if (!Array.isArray(value))
    throw new CrmTransientError('Salesforce: unexpected collection response');
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || !('success' in item)) {
      throw new CrmTransientError('Salesforce: unexpected collection result');
    }
    const { success, errors } = item as Record<string, unknown>;
    return {
      success: success === true,
      errors: Array.isArray(errors) ? errors.map(parseError) : [],
    };
  });
}

function parseError(value: unknown): CollectionResult['errors'][number] {
  const error = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    statusCode: text(error.statusCode),
    errorCode: text(error.errorCode),
    message: text(error.message) ?? 'no message',
    fields: Array.isArray(error.fields)
      ? error.fields.filter((f): f is string => typeof f === 'string')
      : [],
  };
}
