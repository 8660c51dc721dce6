/**
 * Creates the custom objects and fields through the Metadata API
 * (`upsertMetadata`, SOAP), then the permission set that makes them visible
 * and writable (custom fields are invisible to every profile until granted),
 * and assigns it to the integration user (REST): idempotent, and each result
 * says whether the component was created or already there.
 */
import { Connection } from 'jsforce';
import { CrmPermanentError, SetupReport } from '../crm-provider';
import {
  CUSTOM_FIELDS_METADATA,
  CUSTOM_OBJECTS_METADATA,
  PERMISSION_SET_METADATA,
  PERMISSION_SET_NAME,
} from './salesforce-schema';
import { chunk, soqlString } from './salesforce-values';

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
  // The objects first: their fields cannot be created before they exist, nor
  // granted before that.
  const batches: [string, readonly object[]][] = [
    ['CustomObject', CUSTOM_OBJECTS_METADATA],
    ...chunk(CUSTOM_FIELDS_METADATA, METADATA_BATCH).map((b): [string, object[]] => [
      'CustomField',
      b,
    ]),
    ['PermissionSet', [PERMISSION_SET_METADATA]],
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
  const assigned = await assignPermissionSet(conn);
  (assigned.created ? report.created : report.existing).push(assigned.name);
  return report;
}

/**
 * Assigns the permission set to the user the connection runs as, unless it
 * already is (Salesforce refuses a second assignment with DUPLICATE_VALUE).
 */
async function assignPermissionSet(conn: Connection): Promise<{ name: string; created: boolean }> {
  const identity = (await conn.identity()) as { user_id?: unknown; username?: unknown };
  const userId = typeof identity.user_id === 'string' ? identity.user_id : '';
  if (!userId) throw new CrmPermanentError('Salesforce setup: no user id in the identity');
  const name = `PermissionSetAssignment ${PERMISSION_SET_NAME} ${userId}`;

  const permissionSets = await conn.query(
    `SELECT Id FROM PermissionSet WHERE Name = ${soqlString(PERMISSION_SET_NAME)}`,
  );
  const permissionSetId = stringField(permissionSets.records[0], 'Id');
  if (!permissionSetId) {
    throw new CrmPermanentError(
      `Salesforce setup: permission set ${PERMISSION_SET_NAME} not found`,
    );
  }
  // A user holds a handful of assignments: filter on the permission set here.
  const assignments = await conn.query(
    `SELECT Id, PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = ${soqlString(userId)}`,
  );
  if (assignments.records.some((r) => stringField(r, 'PermissionSetId') === permissionSetId))
    return { name, created: false };

  const [result] = (await conn
    .sobject('PermissionSetAssignment')
    .create([{ AssigneeId: userId, PermissionSetId: permissionSetId }], {
      allOrNone: false,
    })) as unknown as { success?: boolean; errors?: { message?: string; statusCode?: string }[] }[];
  if (result?.success !== true) {
    const details = (result?.errors ?? []).map((e) => `${e.statusCode}: ${e.message}`).join(', ');
    throw new CrmPermanentError(
      `Salesforce setup: assigning ${PERMISSION_SET_NAME} to ${userId} failed: ${details}`,
    );
  }
  return { name, created: true };
}

function stringField(record: unknown, field: string): string | null {
  const value =
    typeof record === 'object' && record !== null
      ? (record as Record<string, unknown>)[field]
      : undefined;
  return typeof value === 'string' ? value : null;
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
