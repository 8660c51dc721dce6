/**
 * Creates the custom object and fields through the Metadata API
 * (`upsertMetadata`, SOAP): idempotent, and each result says whether the
 * component was created or already there.
 */
import { Connection } from 'jsforce';
import { CrmPermanentError, SetupReport } from '../crm-provider';
import { CUSTOM_FIELDS_METADATA, CUSTOM_OBJECTS_METADATA } from './salesforce-schema';
import { chunk } from './salesforce-values';

/** upsertMetadata takes at most 10 components a call. */
const METADATA_BATCH = 10;

interface MetadataUpsertResult {
  fullName: string;
  created: boolean;
  success: boolean;
  errors: { message: string; statusCode: string }[];
}

export async function setupSalesforce(conn: Connection): Promise<SetupReport> {
  const report: SetupReport = { created: [], existing: [] };
  // The objects first: their fields cannot be created before they exist.
  const batches: [string, readonly object[]][] = [
    ['CustomObject', CUSTOM_OBJECTS_METADATA],
    ...chunk(CUSTOM_FIELDS_METADATA, METADATA_BATCH).map((b): [string, object[]] => [
      'CustomField',
      b,
    ]),
  ];
  for (const [type, components] of batches) {
    const results = parseUpsertResults(await conn.metadata.upsert(type, [...components]));
    const failed = results.filter((r) => !r.success);
    if (failed.length > 0) {
      const details = failed.map(
        (r) => `${r.fullName}: ${r.errors.map((e) => `${e.statusCode}: ${e.message}`).join(', ')}`,
      );
      throw new CrmPermanentError(`Salesforce setup failed: ${details.join('; ')}`);
    }
    for (const result of results)
      (result.created ? report.created : report.existing).push(`${type} ${result.fullName}`);
  }
  return report;
}

/** jsforce casts the SOAP result by its schema; we still check what we read. */
function parseUpsertResults(value: unknown): MetadataUpsertResult[] {
  return (Array.isArray(value) ? value : [value]).map((item: unknown) => {
    const r = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const errors = Array.isArray(r.errors) ? r.errors : [];
    return {
      fullName: String(r.fullName ?? ''),
      created: r.created === true,
      success: r.success === true,
      errors: errors.map((e: Record<string, unknown>) => ({
        message: String(e.message ?? ''),
        statusCode: String(e.statusCode ?? ''),
      })),
    };
  });
}
