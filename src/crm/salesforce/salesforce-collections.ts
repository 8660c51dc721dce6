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
 * `SELECT fields FROM sobject WHERE field IN (values)`; returns rows keyed by
 * `field`, matched exactly (SOQL compares text case-insensitively, our keys
 * do not). jsforce sends a query as a GET, and Salesforce refuses a URI over
 * 16 384 bytes (414, or 431 with the headers), so each query takes as many
 * values as fit once URL-encoded, at most 200.
 */
export async function selectWhereIn(
  conn: Connection,
  sobject: string,
  fields: readonly string[],
  field: string,
  values: readonly string[],
): Promise<Map<string, QueryRow>> {
  const rows = new Map<string, QueryRow>();
  const wanted = new Set(values);
  const select = `SELECT ${fields.join(', ')} FROM ${sobject} WHERE ${field} IN `;
  for (const batch of chunkByEncodedLength(select, [...wanted])) {
    const result = await conn.query(`${select}(${batch.map(soqlString).join(', ')})`);
    for (const record of result.records) {
      const row = parseRow(record, fields);
      const key = row[field];
      if (key && wanted.has(key)) rows.set(key, row);
    }
  }
  return rows;
}

/** What a query URI may take, leaving room for the path and the headers (16 384 bytes in all). */
export const QUERY_URI_BUDGET = 14_000;
/** `/services/data/vNN.N/query?q=` */
const QUERY_PATH_BYTES = 40;

/** Whether jsforce's GET of this query stays within the URI budget. */
export function fitsQueryUri(soql: string): boolean {
  return QUERY_PATH_BYTES + encodeURIComponent(soql).length <= QUERY_URI_BUDGET;
}

function chunkByEncodedLength(select: string, values: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  // "(" + ")" and the SELECT, encoded.
  const base = QUERY_PATH_BYTES + encodeURIComponent(`${select}()`).length;
  let length = base;
  for (const value of values) {
    const added = encodeURIComponent(
      `${current.length > 0 ? ', ' : ''}${soqlString(value)}`,
    ).length;
    if (
      current.length > 0 &&
      (length + added > QUERY_URI_BUDGET || current.length >= COLLECTION_LIMIT)
    ) {
      chunks.push(current);
      current = [];
      length = base + encodeURIComponent(soqlString(value)).length;
    } else {
      length += added;
    }
    current.push(value);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
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
