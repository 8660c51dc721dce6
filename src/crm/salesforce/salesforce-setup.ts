/**
 * Creates what the sync needs through the Metadata API without rewriting what
 * exists: each component is read first and only the missing ones are created
 * (`createMetadata`); an existing one that differs from ours (an admin changed
 * a label, a length, made a field case-insensitive) is reported, not
 * overwritten. The permission set gets only the permissions it lacks. Then it
 * is assigned to the integration user (REST).
 */
import { Connection } from 'jsforce';
import { MetadataType } from 'jsforce/lib/api/metadata';
import { CrmPermanentError, SetupReport } from '../crm-provider';
import {
  CUSTOM_FIELDS_METADATA,
  CUSTOM_OBJECTS_METADATA,
  PERMISSION_SET_METADATA,
  PERMISSION_SET_NAME,
  PermissionSetMetadata,
} from './salesforce-schema';
import { chunk, soqlString } from './salesforce-values';

/** readMetadata and createMetadata take at most 10 components a call. */
const METADATA_BATCH = 10;

interface MetadataSaveResult {
  fullName: string;
  success: boolean;
  errors: { message: string; statusCode: string }[];
}

type Component = { fullName: string } & object;
type Existing = Record<string, unknown>;

export async function setupSalesforce(conn: Connection): Promise<SetupReport> {
  const report: SetupReport = { created: [], existing: [], differences: [], skipped: [] };
  // The objects first: their fields cannot be created before they exist.
  await createMissing(conn, 'CustomObject', CUSTOM_OBJECTS_METADATA, report);
  await createMissing(conn, 'CustomField', CUSTOM_FIELDS_METADATA, report);
  await grantMissingPermissions(conn, report);
  const assigned = await assignPermissionSet(conn);
  (assigned.created ? report.created : report.existing).push(assigned.name);
  return report;
}

async function createMissing(
  conn: Connection,
  type: MetadataType,
  components: readonly Component[],
  report: SetupReport,
): Promise<void> {
  for (const batch of chunk(components, METADATA_BATCH)) {
    const found = await readExisting(
      conn,
      type,
      batch.map((c) => c.fullName),
    );
    const missing = batch.filter((c) => !found.has(c.fullName.toLowerCase()));
    for (const component of batch) {
      const existing = found.get(component.fullName.toLowerCase());
      if (!existing) continue;
      report.existing.push(`${type} ${component.fullName}`);
      report.differences.push(...differences(`${type} ${component.fullName}`, component, existing));
    }
    if (missing.length === 0) continue;
    checkSaved(parseSaveResults(await conn.metadata.create(type, missing)));
    report.created.push(...missing.map((c) => `${type} ${c.fullName}`));
  }
}

/** Existing components by lower-case full name; a missing one reads back without a fullName. */
async function readExisting(
  conn: Connection,
  type: MetadataType,
  fullNames: string[],
): Promise<Map<string, Existing>> {
  const records = (await conn.metadata.read(type, fullNames)) as unknown;
  const found = new Map<string, Existing>();
  for (const record of Array.isArray(records) ? records : [records]) {
    const fullName = (record as Existing | null)?.fullName;
    if (typeof fullName === 'string' && fullName)
      found.set(fullName.toLowerCase(), record as Existing);
  }
  return found;
}

/** The settings of ours that the org holds differently (scalars only; nested ones are not compared). */
function differences(label: string, ours: object, theirs: Existing): string[] {
  return Object.entries(ours).flatMap(([key, value]) => {
    if (key === 'fullName' || typeof value === 'object') return [];
    const held = theirs[key];
    return held === undefined || String(held) === String(value)
      ? []
      : [
          `${label}: ${key} is ${JSON.stringify(held)} in Salesforce, ${JSON.stringify(value)} here`,
        ];
  });
}

/**
 * Creates the permission set when missing; else adds only the field and object
 * permissions it lacks (a deploy changes only the permissions it lists) and
 * reports those an admin set differently.
 */
async function grantMissingPermissions(conn: Connection, report: SetupReport): Promise<void> {
  const label = `PermissionSet ${PERMISSION_SET_NAME}`;
  const existing = (await readExisting(conn, 'PermissionSet', [PERMISSION_SET_NAME])).get(
    PERMISSION_SET_NAME.toLowerCase(),
  );
  if (!existing) {
    checkSaved(
      parseSaveResults(await conn.metadata.create('PermissionSet', PERMISSION_SET_METADATA)),
    );
    report.created.push(label);
    return;
  }
  const heldFields = byKey(existing.fieldPermissions, 'field');
  const heldObjects = byKey(existing.objectPermissions, 'object');
  const fieldPermissions = PERMISSION_SET_METADATA.fieldPermissions.filter((p) => {
    const held = heldFields.get(p.field);
    if (held) report.differences.push(...differences(`${label} ${p.field}`, p, held));
    return !held;
  });
  const objectPermissions = PERMISSION_SET_METADATA.objectPermissions.filter((p) => {
    const held = heldObjects.get(p.object);
    if (held) report.differences.push(...differences(`${label} ${p.object}`, p, held));
    return !held;
  });
  if (fieldPermissions.length === 0 && objectPermissions.length === 0) {
    report.existing.push(label);
    return;
  }
  const additions: PermissionSetMetadata = {
    ...PERMISSION_SET_METADATA,
    fieldPermissions,
    objectPermissions,
  };
  checkSaved(parseSaveResults(await conn.metadata.upsert('PermissionSet', additions)));
  report.created.push(
    ...fieldPermissions.map((p) => `${label} ${p.field}`),
    ...objectPermissions.map((p) => `${label} ${p.object}`),
  );
}

function byKey(value: unknown, key: string): Map<string, Existing> {
  const items = Array.isArray(value) ? value : value ? [value] : [];
  return new Map(
    items.flatMap((item: Existing) =>
      typeof item?.[key] === 'string' ? [[item[key] as string, item]] : [],
    ),
  );
}

function checkSaved(results: MetadataSaveResult[]): void {
  const failed = results.filter((r) => !r.success);
  if (failed.length === 0) return;
  const details = failed.map(
    (r) => `${r.fullName}: ${r.errors.map((e) => `${e.statusCode}: ${e.message}`).join(', ')}`,
  );
  throw new CrmPermanentError(`Salesforce setup failed: ${details.join('; ')}`);
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
function parseSaveResults(value: unknown): MetadataSaveResult[] {
  return (Array.isArray(value) ? value : [value]).map((item: unknown) => {
    const r = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const errors = Array.isArray(r.errors) ? r.errors : [];
    return {
      fullName: String(r.fullName ?? ''),
      success: r.success === true,
      errors: errors.map((e: Record<string, unknown>) => ({
        message: String(e.message ?? ''),
        statusCode: String(e.statusCode ?? ''),
      })),
    };
  });
}
