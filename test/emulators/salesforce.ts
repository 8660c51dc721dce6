/**
 * An HTTP emulator of the Salesforce endpoints the CRM sync uses, on loopback,
 * speaking what jsforce sends and parses:
 *
 *   POST  /services/oauth2/token                          client_credentials, JWT bearer
 *   GET   /services/data/vXX.X/query?q=SELECT …            `WHERE f IN (…)` / `WHERE f = …`
 *   POST  /services/data/vXX.X/composite/sobjects           create, ≤ 200 records
 *   PATCH /services/data/vXX.X/composite/sobjects           update by Id, ≤ 200 records
 *   PATCH /services/data/vXX.X/composite/sobjects/{S}/{F}   upsert by external id, ≤ 200
 *   GET   /services/data/vXX.X, /id/{org}/{user}            identity (jsforce `identity()`)
 *   POST  /services/Soap/m/XX.X                             upsertMetadata / readMetadata
 *                                                           (CustomObject, CustomField, PermissionSet)
 *
 * It checks the bearer token (401 INVALID_SESSION_ID), field names (400
 * INVALID_FIELD), required fields, lookups and unique external ids (case-
 * insensitive unless created caseSensitive), the 16 384-byte URI limit (414),
 * where custom activity fields are defined (on Activity, never Task/Event),
 * which host a token request may use and the JWT audience; it counts the
 * org's daily API usage (Sforce-Limit-Info on every REST answer, 403
 * REQUEST_LIMIT_EXCEEDED once spent), can impose a short window (same 403)
 * and fail on demand (5xx, a request that never answers, a response lost
 * after the write).
 *
 *   const sf = await startSalesforceEmulator();
 *   new SalesforceCrmProvider({ instanceUrl: sf.url, accessToken: sf.accessToken, … });
 *   sf.failNext(2, 503);                 // the next two API calls answer 503
 *   sf.setRateLimit({ requests: 25, windowMs: 10_000 });
 *   sf.setApiUsage(99_990, 100_000);     // ten requests left today
 *   sf.loginHostUrl                      // the generic login host (login.salesforce.com)
 *   sf.records('Task');                  // what was written
 *
 * Salesforce publishes a daily org-wide request limit, not a short window;
 * the window here is whatever a test chooses.
 */
import { createVerify, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import {
  CUSTOM_FIELDS_METADATA,
  CUSTOM_OBJECTS_METADATA,
  PERMISSION_SET_METADATA,
} from '../../src/crm/salesforce/salesforce-schema';

export type FieldValue = string | number | boolean | null;
export type SObjectRecord = Record<string, FieldValue> & { Id: string };

/** 'timeout': never answer; 'lost': apply the call, then drop the connection; 'lock': every record fails UNABLE_TO_LOCK_ROW. */
export type FaultKind = 500 | 502 | 503 | 'timeout' | 'lost' | 'lock';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The SOQL of a query, the SOAP method of a Metadata call. */
  detail: string | null;
  /** Records in a collection call. */
  recordCount: number;
  status: number;
}

export interface SalesforceEmulatorOptions {
  /** The session every test can use directly; random by default. */
  accessToken?: string;
  /** Connected app accepted by the token endpoint. */
  clientId?: string;
  clientSecret?: string;
  /** Verifies JWT bearer assertions (PEM); without it JWT bearer is refused. */
  jwtPublicKey?: string;
  /** A sandbox: JWT assertions must name test.salesforce.com, not login.salesforce.com. */
  sandbox?: boolean;
  /**
   * Start with what the sync's setup creates (default true): the custom fields
   * and objects, the permission set, and its assignment to the integration user.
   */
  provisioned?: boolean;
}

export interface RateLimit {
  requests: number;
  windowMs: number;
}

export interface SalesforceEmulator {
  /** The org's My Domain: REST, SOAP and token requests. */
  url: string;
  /**
   * The generic login host (login.salesforce.com / test.salesforce.com): it
   * serves token requests, but refuses the client-credentials flow.
   */
  loginHostUrl: string;
  accessToken: string;
  /** The server behind `url` (faults.ts wraps it). */
  httpServer: Server;
  clientId: string;
  clientSecret: string;
  requests: RecordedRequest[];
  records(sobject: string): SObjectRecord[];
  /** Inserts a record directly (test data); returns its id. */
  insert(sobject: string, fields: Record<string, FieldValue>): string;
  failNext(count: number, kind: FaultKind): void;
  setRateLimit(limit: RateLimit | null): void;
  /** An admin's change to a custom object or field (e.g. its label or help text), as setup would read it. */
  editMetadata(fullName: string, tag: string, value: string): void;
  /** The next successful call to `method path` is applied, and its answer lost. */
  loseAnswerTo(method: string, path: RegExp): void;
  /** A sales rep moves an opportunity ('Closed Won' / 'Closed Lost' close it). */
  setOpportunityStage(id: string, stage: string): void;
  setSystemModstamp(sobject: string, ids: readonly string[], at: string): void;
  /** The user is deactivated: records can no longer be assigned to them. */
  deactivateUser(id: string): void;
  /** Sets the org's rolling 24 h API usage and allocation (default 0 of 100 000). */
  setApiUsage(used: number, max: number): void;
  /** Invalidates every issued session: the next API call gets INVALID_SESSION_ID. */
  expireSessions(): void;
  /** Whether the org has `Object.Field` (custom fields appear through setup). */
  hasField(fullName: string): boolean;
  /** A permission set as upserted through the Metadata API; undefined when there is none. */
  permissionSet(fullName: string): PermissionSetState | undefined;
  /** The user the emulator's sessions run as (`identity()`'s user_id). */
  integrationUserId: string;
  close(): Promise<void>;
}

export interface PermissionSetState {
  label: string;
  /** By field full name (`Object.Field__c`). */
  fieldPermissions: Map<string, { readable: boolean; editable: boolean }>;
  /** By object name. */
  objectPermissions: Map<string, { allowCreate: boolean; allowEdit: boolean; allowRead: boolean }>;
}

const COLLECTION_LIMIT = 200;
const MAX_URI_BYTES = 16_384;
const PRODUCTION_LOGIN_HOST = 'https://login.salesforce.com';
const SANDBOX_LOGIN_HOST = 'https://test.salesforce.com';
const INTEGRATION_USER_ID = '005000000000001AAA';
const ORG_ID = '00D000000000001AAA';

interface FieldDef {
  name: string;
  externalId: boolean;
  unique: boolean;
  /** Unique values compare case-sensitively; false (the default) treats "ABC" and "abc" as one. */
  caseSensitive?: boolean;
  /** Lookup target. */
  referenceTo?: string;
  /** Required or master-detail: Salesforce refuses field permissions on it. */
  alwaysVisible?: boolean;
  /** A restricted picklist's values (API names); anything else fails the record. */
  picklist?: readonly string[];
  /** A checkbox takes a JSON boolean only. */
  checkbox?: boolean;
}

/**
 * The standard Task priorities, the TaskPriority values of a new org; a value
 * outside them fails the record with INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST
 * (Object Reference, "TaskPriority"; SOAP API Developer Guide, "Core Data
 * Types Used in API Calls" → StatusCode):
 * https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-taskpriority.html
 * https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm
 */
export const TASK_PRIORITIES = ['High', 'Normal', 'Low'] as const;

interface SObjectDef {
  name: string;
  prefix: string;
  fields: Map<string, FieldDef>;
  required: string[];
  records: Map<string, SObjectRecord>;
}

interface RecordResult {
  id?: string;
  success: boolean;
  created?: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

function standardObject(
  name: string,
  prefix: string,
  fields: string[],
  required: string[],
): SObjectDef {
  const defs = new Map<string, FieldDef>();
  for (const field of ['Id', 'OwnerId', 'CreatedDate', 'LastModifiedDate', ...fields]) {
    const [fieldName, referenceTo] = field.split('->');
    defs.set(fieldName.toLowerCase(), {
      name: fieldName,
      externalId: false,
      unique: false,
      referenceTo,
    });
  }
  return { name, prefix, fields: defs, required, records: new Map() };
}

class Org {
  readonly objects = new Map<string, SObjectDef>();
  readonly permissionSets = new Map<string, PermissionSetState>();
  readonly inactiveUsers = new Set<string>();
  /** The XML each CustomObject/CustomField was created with, by lower-case full name (readMetadata). */
  readonly metadata = new Map<string, string>();
  private nextId = 1;

  constructor() {
    for (const def of [
      standardObject('Account', '001', ['Name', 'Website'], ['Name']),
      standardObject(
        'Opportunity',
        '006',
        [
          'AccountId->Account',
          'Name',
          'Type',
          'StageName',
          'CloseDate',
          'Amount',
          'Description',
          'IsClosed',
          'IsWon',
          'SystemModstamp',
        ],
        ['Name', 'StageName', 'CloseDate'],
      ),
      standardObject(
        'Task',
        '00T',
        [
          'WhatId->Account',
          'WhoId',
          'Subject',
          'Description',
          'ActivityDate',
          'Status',
          'Priority',
        ],
        [],
      ),
      standardObject(
        'Event',
        '00U',
        ['WhatId->Account', 'WhoId', 'Subject', 'Description', 'StartDateTime', 'EndDateTime'],
        [],
      ),
      standardObject('PermissionSet', '0PS', ['Name', 'Label'], ['Name', 'Label']),
      standardObject(
        'PermissionSetAssignment',
        '0Pa',
        ['AssigneeId', 'PermissionSetId->PermissionSet'],
        ['AssigneeId', 'PermissionSetId'],
      ),
    ]) {
      this.objects.set(def.name.toLowerCase(), def);
    }
    this.object('Task')!.fields.get('priority')!.picklist = TASK_PRIORITIES;
  }

  object(name: string): SObjectDef | undefined {
    return this.objects.get(name.toLowerCase());
  }

  newId(def: SObjectDef): string {
    return `${def.prefix}${String(this.nextId++).padStart(12, '0')}AAA`;
  }

  /** Metadata API upsert of one component; false when it already existed. */
  upsertComponent(type: string, xml: string): RecordResult & { fullName: string } {
    const fullName = xmlValue(xml, 'fullName') ?? '';
    if (type === 'CustomObject') {
      if (this.object(fullName)) return { fullName, success: true, created: false, errors: [] };
      const prefix = `a0${this.objects.size.toString(36).toUpperCase()}`;
      this.objects.set(fullName.toLowerCase(), standardObject(fullName, prefix, ['Name'], []));
      this.metadata.set(fullName.toLowerCase(), xml);
      return { fullName, success: true, created: true, errors: [] };
    }
    if (type === 'PermissionSet') return this.upsertPermissionSet(fullName, xml);
    const [objectName, fieldName] = fullName.split('.');
    // Custom fields of tasks and events are defined on Activity and appear on
    // both; a CustomField named Task.… or Event.… is refused. Metadata API
    // Developer Guide, "CustomField" (fullName: Activity fields) and Object
    // Reference, "Custom Fields":
    // https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/customfield.htm
    // https://developer.salesforce.com/docs/atlas.en-us.260.0.object_reference.meta/object_reference/custom_fields.htm
    if (type === 'CustomField' && /^(task|event)$/i.test(objectName)) {
      return {
        fullName,
        success: false,
        errors: [
          {
            statusCode: 'FIELD_INTEGRITY_EXCEPTION',
            message: `Cannot create a custom field on ${objectName}: activity custom fields are defined on Activity`,
            fields: [],
          },
        ],
      };
    }
    const targets = /^activity$/i.test(objectName)
      ? [this.object('Task'), this.object('Event')]
      : [this.object(objectName)];
    const def = targets[0];
    if (type !== 'CustomField' || !def || !fieldName) {
      const message = `In field: fullName - no CustomObject named ${objectName} found`;
      return {
        fullName,
        success: false,
        errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message, fields: [] }],
      };
    }
    if (def.fields.has(fieldName.toLowerCase())) {
      // upsertMetadata rewrites the component: an admin's later changes are lost.
      this.metadata.set(fullName.toLowerCase(), xml);
      return { fullName, success: true, created: false, errors: [] };
    }
    const field: FieldDef = {
      name: fieldName,
      externalId: xmlValue(xml, 'externalId') === 'true',
      unique: xmlValue(xml, 'unique') === 'true',
      caseSensitive: xmlValue(xml, 'caseSensitive') === 'true',
      referenceTo: xmlValue(xml, 'referenceTo') ?? undefined,
      alwaysVisible:
        xmlValue(xml, 'required') === 'true' || xmlValue(xml, 'type') === 'MasterDetail',
      checkbox: xmlValue(xml, 'type') === 'Checkbox',
    };
    for (const target of targets) target?.fields.set(fieldName.toLowerCase(), field);
    this.metadata.set(fullName.toLowerCase(), xml);
    return { fullName, success: true, created: true, errors: [] };
  }

  /**
   * Like Salesforce, an upsert of an existing permission set updates the
   * permissions it lists and leaves the others; the PermissionSet sObject
   * (what an assignment refers to) appears with it.
   */
  private upsertPermissionSet(fullName: string, xml: string): RecordResult & { fullName: string } {
    const fail = (statusCode: string, message: string) => ({
      fullName,
      success: false,
      errors: [{ statusCode, message, fields: [] }],
    });
    const blocks = (tag: string) =>
      [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]);
    const fields = blocks('fieldPermissions').map((b) => ({
      field: xmlValue(b, 'field') ?? '',
      readable: xmlValue(b, 'readable') === 'true',
      editable: xmlValue(b, 'editable') === 'true',
    }));
    const objects = blocks('objectPermissions').map((b) => ({
      object: xmlValue(b, 'object') ?? '',
      allowCreate: xmlValue(b, 'allowCreate') === 'true',
      allowEdit: xmlValue(b, 'allowEdit') === 'true',
      allowRead: xmlValue(b, 'allowRead') === 'true',
    }));
    for (const { field } of fields) {
      const [objectName, fieldName] = field.split('.');
      const def = this.object(objectName)?.fields.get((fieldName ?? '').toLowerCase());
      if (!def)
        return fail(
          'INVALID_CROSS_REFERENCE_KEY',
          `In field: field - no CustomField named ${field} found`,
        );
      if (def.alwaysVisible)
        return fail('FIELD_INTEGRITY_EXCEPTION', `You cannot deploy to a required field: ${field}`);
    }
    for (const { object } of objects) {
      if (!this.object(object))
        return fail(
          'INVALID_CROSS_REFERENCE_KEY',
          `In field: object - no CustomObject named ${object} found`,
        );
    }
    const label = xmlValue(xml, 'label') ?? fullName;
    const existing = this.permissionSets.get(fullName);
    const state = existing ?? { label, fieldPermissions: new Map(), objectPermissions: new Map() };
    state.label = label;
    for (const { field, ...access } of fields) state.fieldPermissions.set(field, access);
    for (const { object, ...access } of objects) state.objectPermissions.set(object, access);
    this.permissionSets.set(fullName, state);
    const sobject = this.object('PermissionSet') as SObjectDef;
    const record = [...sobject.records.values()].find((r) => r.Name === fullName) ?? null;
    this.save(sobject, { Name: fullName, Label: label }, record);
    return { fullName, success: true, created: !existing, errors: [] };
  }

  field(def: SObjectDef, name: string): FieldDef {
    const field = def.fields.get(name.toLowerCase());
    if (!field)
      throw new HttpError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on sobject of type ${def.name}`,
      );
    return field;
  }

  /** Whole-call validation, as Salesforce deserialises the body before any record is saved. */
  checkFields(def: SObjectDef, record: Record<string, FieldValue>): void {
    for (const name of Object.keys(record)) this.field(def, name);
  }

  /** Saves one record (created when `existing` is null), checking what Salesforce checks per record. */
  save(
    def: SObjectDef,
    fields: Record<string, FieldValue>,
    existing: SObjectRecord | null,
  ): RecordResult {
    const merged: Record<string, FieldValue> = { ...(existing ?? {}) };
    for (const [name, value] of Object.entries(fields)) merged[this.field(def, name).name] = value;
    const missing = def.required.filter(
      (f) => merged[f] === undefined || merged[f] === null || merged[f] === '',
    );
    if (missing.length > 0) {
      return failure(
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      );
    }
    // A record cannot be given to a deactivated user; with allOrNone false only
    // that record fails (SOAP API Developer Guide, "Core Data Types Used in
    // API Calls" → StatusCode INACTIVE_OWNER_OR_USER):
    // https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm
    if (typeof fields.OwnerId === 'string' && this.inactiveUsers.has(fields.OwnerId))
      return failure('INACTIVE_OWNER_OR_USER', 'operation performed with inactive user', [
        'OwnerId',
      ]);
    for (const [name, value] of Object.entries(fields)) {
      const problem = fieldValueProblem(this.field(def, name), value);
      if (problem) return problem;
    }
    for (const field of def.fields.values()) {
      const value = merged[field.name];
      if (typeof value !== 'string' || value === '') continue;
      if (field.referenceTo && !this.object(field.referenceTo)?.records.has(value)) {
        return failure('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [field.name]);
      }
      if (field.unique || field.externalId) {
        const clash = [...def.records.values()].find(
          (r) => r.Id !== existing?.Id && sameKey(field, r[field.name], value),
        );
        if (clash) {
          return failure(
            'DUPLICATE_VALUE',
            `duplicate value found: ${field.name} duplicates value on record with id: ${clash.Id}`,
            [field.name],
          );
        }
      }
    }
    if (def.name === 'PermissionSetAssignment') {
      const clash = [...def.records.values()].find(
        (r) =>
          r.Id !== existing?.Id &&
          r.AssigneeId === merged.AssigneeId &&
          r.PermissionSetId === merged.PermissionSetId,
      );
      if (clash) {
        return failure(
          'DUPLICATE_VALUE',
          `duplicate value found: <unknown> duplicates value on record with id: <unknown>`,
        );
      }
    }
    const now = new Date().toISOString();
    const id = existing?.Id ?? this.newId(def);
    const record: SObjectRecord = {
      OwnerId: INTEGRATION_USER_ID,
      CreatedDate: now,
      ...(def.name === 'Opportunity' ? { IsWon: false, IsClosed: false } : {}),
      ...merged,
      Id: id,
      LastModifiedDate: now,
    };
    // SystemModstamp has whole seconds, like the SOQL datetime literals that filter it,
    // and REST serves datetimes as `2026-08-15T12:00:00.000+0000`:
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_valid_date_formats.htm
    if (def.fields.has('systemmodstamp'))
      record.SystemModstamp = now.replace(/\.\d{3}Z$/, '.000+0000');
    def.records.set(id, record);
    return { id, success: true, created: existing === null, errors: [] };
  }
}

function failure(statusCode: string, message: string, fields: string[] = []): RecordResult {
  return { success: false, errors: [{ statusCode, message, fields }] };
}

/** A value written to a restricted picklist or a checkbox that the field cannot hold. */
function fieldValueProblem(field: FieldDef, value: FieldValue): RecordResult | null {
  if (field.picklist && (typeof value !== 'string' || !field.picklist.includes(value)))
    return failure(
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      `${field.name}: bad value for restricted picklist field: ${String(value)}`,
      [field.name],
    );
  if (field.checkbox && typeof value !== 'boolean')
    return failure(
      'INVALID_TYPE_ON_FIELD_IN_RECORD',
      `${field.name}: value not of required type: ${String(value)}`,
      [field.name],
    );
  return null;
}

/**
 * Unique and external-id text fields compare case-insensitively unless the
 * field was created caseSensitive ("Treat ABC and abc as different values"):
 * Apex Developer Guide, "Upserting Records", and Object Reference, "Custom
 * Fields" (unique / caseSensitive):
 * https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/langCon_apex_dml_examples_upsert.htm
 * https://developer.salesforce.com/docs/atlas.en-us.260.0.object_reference.meta/object_reference/custom_fields.htm
 */
function sameKey(field: FieldDef, a: FieldValue | undefined, b: FieldValue): boolean {
  return field.caseSensitive === true ? typeof a === 'string' && a === b : sameText(a, b);
}

/** SOQL string comparisons (=, IN) are case-insensitive whatever the field. */
function sameText(a: FieldValue | undefined, b: FieldValue): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

function xmlValue(xml: string, tag: string): string | null {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return match ? unescapeXml(match[1]) : null;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

class Emulator implements SalesforceEmulator {
  url = '';
  readonly accessToken: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: RecordedRequest[] = [];
  readonly integrationUserId = INTEGRATION_USER_ID;
  private readonly org = new Org();
  private readonly sessions = new Set<string>();
  readonly httpServer: Server;
  private readonly sockets = new Set<Socket>();
  private faults: FaultKind[] = [];
  private rateLimit: RateLimit | null = null;
  private windowStart = 0;
  private windowCount = 0;
  private apiUsed = 0;
  private readonly losing: Array<{ method: string; path: RegExp }> = [];
  private apiMax = 100_000;
  loginHostUrl = '';
  private readonly loginServer: Server;

  constructor(private readonly options: SalesforceEmulatorOptions) {
    this.accessToken = options.accessToken ?? newToken();
    this.clientId = options.clientId ?? 'emulator-client-id';
    this.clientSecret = options.clientSecret ?? 'emulator-client-secret';
    this.sessions.add(this.accessToken);
    if (options.provisioned ?? true) {
      for (const object of CUSTOM_OBJECTS_METADATA)
        this.org.upsertComponent('CustomObject', `<fullName>${object.fullName}</fullName>`);
      for (const field of CUSTOM_FIELDS_METADATA)
        this.org.upsertComponent('CustomField', metadataXml(field));
      this.org.upsertComponent('PermissionSet', metadataXml(PERMISSION_SET_METADATA));
      const [permissionSet] = this.records('PermissionSet');
      this.insert('PermissionSetAssignment', {
        AssigneeId: INTEGRATION_USER_ID,
        PermissionSetId: permissionSet.Id,
      });
    }
    this.httpServer = this.createServer(false);
    this.loginServer = this.createServer(true);
  }

  private createServer(onLoginHost: boolean): Server {
    const server = createServer((req, res) => void this.handle(req, res, onLoginHost));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  async listen(): Promise<void> {
    const listen = async (server: Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    this.url = await listen(this.httpServer);
    this.loginHostUrl = await listen(this.loginServer);
  }

  records(sobject: string): SObjectRecord[] {
    return [...(this.org.object(sobject)?.records.values() ?? [])];
  }

  insert(sobject: string, fields: Record<string, FieldValue>): string {
    const def = this.org.object(sobject);
    if (!def) throw new Error(`no sobject ${sobject}`);
    const result = this.org.save(def, fields, null);
    if (!result.id) throw new Error(`insert failed: ${JSON.stringify(result.errors)}`);
    return result.id;
  }

  failNext(count: number, kind: FaultKind): void {
    this.faults.push(...Array<FaultKind>(count).fill(kind));
  }

  setRateLimit(limit: RateLimit | null): void {
    this.rateLimit = limit;
    this.windowCount = 0;
  }

  editMetadata(fullName: string, tag: string, value: string): void {
    const key = fullName.toLowerCase();
    const xml = this.org.metadata.get(key);
    if (xml === undefined) throw new Error(`no component ${fullName}`);
    const element = `<${tag}>${escapeXml(value)}</${tag}>`;
    const pattern = new RegExp(`<${tag}>[^<]*</${tag}>`);
    this.org.metadata.set(key, pattern.test(xml) ? xml.replace(pattern, element) : xml + element);
  }

  loseAnswerTo(method: string, path: RegExp): void {
    this.losing.push({ method, path });
  }

  /** A bulk change (Data Loader, a flow) that touched these records in one second. */
  setSystemModstamp(sobject: string, ids: readonly string[], at: string): void {
    const def = this.org.object(sobject)!;
    for (const id of ids)
      def.records.get(id)!.SystemModstamp = at.replace(/\.\d{3}Z$/, '.000+0000');
  }

  setOpportunityStage(id: string, stage: string): void {
    const def = this.org.object('Opportunity')!;
    const record = def.records.get(id);
    if (!record) throw new Error(`no opportunity ${id}`);
    const won = stage === 'Closed Won';
    this.org.save(
      def,
      { StageName: stage, IsWon: won, IsClosed: won || stage === 'Closed Lost' },
      record,
    );
  }

  deactivateUser(id: string): void {
    this.org.inactiveUsers.add(id);
  }

  setApiUsage(used: number, max: number): void {
    this.apiUsed = used;
    this.apiMax = max;
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  hasField(fullName: string): boolean {
    const [named, fieldName] = fullName.split('.');
    // Activity fields live on Task (and Event).
    const objectName = /^activity$/i.test(named) ? 'Task' : named;
    return this.org.object(objectName)?.fields.has(fieldName.toLowerCase()) ?? false;
  }

  permissionSet(fullName: string): PermissionSetState | undefined {
    return this.org.permissionSets.get(fullName);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(
      [this.httpServer, this.loginServer].map(
        (server) => new Promise<void>((resolve) => server.close(() => resolve())),
      ),
    );
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    onLoginHost: boolean,
  ): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.url);
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      detail: null,
      recordCount: 0,
      status: 0,
    };
    this.requests.push(recorded);
    const send = (status: number, payload: string, headers: Record<string, string>) => {
      recorded.status = status;
      res.writeHead(status, headers).end(payload);
    };
    const json = { 'content-type': 'application/json;charset=UTF-8' };
    // "In each REST call, the maximum length for the combined URI and headers
    // is 16,384 bytes … If the URI itself exceeds this limit, the request
    // returns a 414 URI Too Long error" (Salesforce Help, "Maximum number of
    // rows returned by SOQL queries over the REST API"):
    // https://help.salesforce.com/s/articleView?id=000386264&language=en_US&type=1
    if (Buffer.byteLength(req.url ?? '') > MAX_URI_BYTES) {
      const payload = [{ message: 'URI Too Long', errorCode: 'URI_TOO_LONG' }];
      return send(414, JSON.stringify(payload), json);
    }
    if (url.pathname === '/services/oauth2/token' && req.method === 'POST') {
      const [status, payload] = this.token(new URLSearchParams(body), onLoginHost);
      return send(status, JSON.stringify(payload), json);
    }
    if (onLoginHost) {
      const payload = [{ message: "Use the org's My Domain", errorCode: 'NOT_FOUND' }];
      return send(404, JSON.stringify(payload), json);
    }
    const soap = url.pathname.startsWith('/services/Soap/m/');
    const fault = this.faults.shift();
    if (fault === 'timeout') return; // never answered; the socket is destroyed on close()
    if (fault === 500 || fault === 502 || fault === 503) {
      const [errorCode, message] =
        fault === 500
          ? [
              'UNKNOWN_EXCEPTION',
              'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567-89 (-1)',
            ]
          : ['SERVER_UNAVAILABLE', 'Service temporarily unavailable'];
      return send(fault, JSON.stringify([{ message, errorCode }]), {
        'content-type': 'application/json;charset=UTF-8',
      });
    }
    // Daily allocation spent, or (our short window) too many at once: 403
    // REQUEST_LIMIT_EXCEEDED, not 429 (REST API Developer Guide, "Status Codes
    // and Error Responses": 403 "the request has been refused … the org has
    // exceeded its API request limits"; "API Request Limits and Allocations"):
    // https://developer.salesforce.com/docs/platform/api-rest/guide/errorcodes.md
    // https://developer.salesforce.com/docs/platform/salesforce-app-limits-cheatsheet/guide/salesforce-app-limits-platform-api.html
    if (this.apiUsed >= this.apiMax || this.overRateLimit()) {
      const payload = [
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ];
      return send(403, JSON.stringify(payload), { ...json, ...this.limitInfo() });
    }
    this.apiUsed += 1;
    const [status, payload, contentType] = soap
      ? this.soap(body, recorded)
      : this.rest(req, url, body, recorded, fault === 'lock');
    const lose = this.losing.findIndex((m) => m.method === req.method && m.path.test(url.pathname));
    if (fault === 'lost' || (lose >= 0 && status < 300)) {
      if (lose >= 0) this.losing.splice(lose, 1);
      recorded.status = -1;
      req.socket.destroy();
      return;
    }
    send(status, payload, { 'content-type': contentType, ...(soap ? {} : this.limitInfo()) });
  }

  /**
   * Every REST answer says how much of the rolling 24 h allocation is used
   * (REST API Developer Guide, "Limit Info Header"):
   * https://developer.salesforce.com/docs/atlas.en-us.264.0.api_rest.meta/api_rest/headers_api_usage.htm
   */
  private limitInfo(): Record<string, string> {
    return { 'sforce-limit-info': `api-usage=${this.apiUsed}/${this.apiMax}` };
  }

  private overRateLimit(): boolean {
    const limit = this.rateLimit;
    if (!limit) return false;
    const now = Date.now();
    if (now - this.windowStart >= limit.windowMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    return this.windowCount > limit.requests;
  }

  private token(params: URLSearchParams, onLoginHost: boolean): [number, object] {
    const grant = params.get('grant_type');
    const refuse = (error: string, description: string): [number, object] => [
      400,
      { error, error_description: description },
    ];
    if (grant === 'client_credentials') {
      // "The client credentials flow doesn't support calls to
      // login.salesforce.com or test.salesforce.com … switch to your org's My
      // Domain login URL" (Salesforce Help 000886201):
      // https://help.salesforce.com/s/articleView?id=000886201&language=en_US&type=1
      if (onLoginHost) return refuse('invalid_request', 'request not supported on this domain');
      if (
        params.get('client_id') !== this.clientId ||
        params.get('client_secret') !== this.clientSecret
      ) {
        return refuse('invalid_client', 'invalid client credentials');
      }
    } else if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const problem = this.checkAssertion(params.get('assertion') ?? '');
      if (problem) return refuse('invalid_grant', problem);
    } else {
      return refuse('unsupported_grant_type', 'grant type not supported');
    }
    const accessToken = newToken();
    this.sessions.add(accessToken);
    return [
      200,
      {
        access_token: accessToken,
        instance_url: this.url,
        id: this.identityUrl(),
        token_type: 'Bearer',
        issued_at: String(Date.now()),
        scope: 'api',
      },
    ];
  }

  private identityUrl(): string {
    return `${this.url}/id/${ORG_ID}/${INTEGRATION_USER_ID}`;
  }

  private checkAssertion(assertion: string): string | null {
    const [header, payload, signature] = assertion.split('.');
    if (!this.options.jwtPublicKey || !header || !payload || !signature) return 'invalid assertion';
    const verified = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(this.options.jwtPublicKey, Buffer.from(signature, 'base64url'));
    if (!verified) return 'invalid assertion';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    if (claims.iss !== this.clientId) return 'invalid client_id';
    // aud is the login host, https://login.salesforce.com (test.salesforce.com
    // for a sandbox), even when the token request goes to My Domain (Salesforce
    // Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"):
    // https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm&type=5
    const audience = this.options.sandbox ? SANDBOX_LOGIN_HOST : PRODUCTION_LOGIN_HOST;
    if (claims.aud !== audience) return 'audience is invalid';
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now())
      return 'expired authorization code';
    return null;
  }

  private rest(
    req: IncomingMessage,
    url: URL,
    body: string,
    recorded: RecordedRequest,
    lockAll: boolean,
  ): [number, string, string] {
    const json = 'application/json;charset=UTF-8';
    try {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !this.sessions.has(token)) {
        throw new HttpError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      }
      if (req.method === 'GET' && /^\/services\/data\/v\d+\.\d+\/?$/.test(url.pathname)) {
        return [200, JSON.stringify({ identity: this.identityUrl() }), json];
      }
      if (req.method === 'GET' && url.pathname === new URL(this.identityUrl()).pathname) {
        const identity = {
          id: this.identityUrl(),
          user_id: INTEGRATION_USER_ID,
          organization_id: ORG_ID,
          username: 'integration@example.com',
        };
        return [200, JSON.stringify(identity), json];
      }
      const route =
        /^\/services\/data\/v\d+\.\d+\/(query|composite\/sobjects)(?:\/(\w+)\/(\w+))?\/?$/.exec(
          url.pathname,
        );
      if (route?.[1] === 'query' && req.method === 'GET') {
        recorded.detail = url.searchParams.get('q');
        return [200, JSON.stringify(this.query(recorded.detail ?? '')), json];
      }
      if (route?.[1] === 'composite/sobjects') {
        const request = JSON.parse(body) as {
          records?: Record<string, FieldValue | { type: string }>[];
        };
        const records = request.records ?? [];
        recorded.recordCount = records.length;
        if (records.length > COLLECTION_LIMIT) {
          throw new HttpError(
            400,
            'EXCEEDED_ID_LIMIT',
            `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records into this call`,
          );
        }
        const results = this.write(req.method ?? '', records, route[2], route[3]);
        const locked = results.map(() =>
          failure('UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record'),
        );
        return [200, JSON.stringify(lockAll ? locked : results), json];
      }
      throw new HttpError(404, 'NOT_FOUND', 'The requested resource does not exist');
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return [
        error.status,
        JSON.stringify([{ message: error.message, errorCode: error.errorCode }]),
        json,
      ];
    }
  }

  private write(
    method: string,
    rawRecords: Record<string, FieldValue | { type: string }>[],
    sobjectInPath: string | undefined,
    externalIdField: string | undefined,
  ): RecordResult[] {
    const typed = rawRecords.map((raw) => {
      const { attributes, ...fields } = raw;
      const type = sobjectInPath ?? (attributes as { type?: string } | undefined)?.type ?? '';
      const def = this.org.object(type);
      if (!def)
        throw new HttpError(400, 'INVALID_TYPE', `sObject type '${type}' is not supported.`);
      return { def, fields: fields as Record<string, FieldValue> };
    });
    for (const { def, fields } of typed) this.org.checkFields(def, fields);

    if (method === 'POST' && !sobjectInPath) {
      return typed.map(({ def, fields }) => this.org.save(def, fields, null));
    }
    if (method === 'PATCH' && !sobjectInPath) {
      return typed.map(({ def, fields }) => {
        const { id, ...rest } = fields as Record<string, FieldValue> & { id?: string };
        const existing = typeof id === 'string' ? def.records.get(id) : undefined;
        return existing
          ? this.org.save(def, rest, existing)
          : failure('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
      });
    }
    if (method === 'PATCH' && sobjectInPath && externalIdField) {
      return this.upsert(typed, externalIdField);
    }
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed.`);
  }

  private upsert(
    typed: { def: SObjectDef; fields: Record<string, FieldValue> }[],
    externalIdField: string,
  ): RecordResult[] {
    const def = typed[0]?.def;
    if (!def) return [];
    const field = def.fields.get(externalIdField.toLowerCase());
    if (!field || !field.externalId) {
      throw new HttpError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${externalIdField}`,
      );
    }
    const keys = typed.map(({ fields }) => fields[field.name] ?? fields[externalIdField]);
    return typed.map(({ fields }, i) => {
      const key = keys[i];
      if (typeof key !== 'string' || key === '') {
        return failure('REQUIRED_FIELD_MISSING', `Required fields are missing: [${field.name}]`, [
          field.name,
        ]);
      }
      if (keys.filter((k) => sameKey(field, k ?? null, key)).length > 1) {
        return failure('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${key}`, [
          field.name,
        ]);
      }
      const matches = [...def.records.values()].filter((r) => sameKey(field, r[field.name], key));
      if (matches.length > 1) {
        const ids = matches.map((m) => m.Id).join(', ');
        return failure(
          'DUPLICATE_EXTERNAL_ID',
          `${field.name}: more than one record found for external id field: [${ids}]`,
          [field.name],
        );
      }
      return this.org.save(def, fields, matches[0] ?? null);
    });
  }

  /**
   * The outcome read-back: `… WHERE key != null [AND SystemModstamp >= t
   * [AND Id NOT IN ('a', …)] | AND (SystemModstamp > t OR (SystemModstamp = t
   * AND Id > 'id'))] ORDER BY SystemModstamp, Id LIMIT n`.
   */
  private changedSince(soql: string): object | null {
    const match =
      /^SELECT\s+(.+?)\s+FROM\s+(\w+)\s+WHERE\s+(\w+)\s+!=\s+null(?:\s+AND\s+SystemModstamp >= (\S+)(?:\s+AND\s+Id NOT IN \(([^)]*)\))?|\s+AND\s+\(SystemModstamp > (\S+) OR \(SystemModstamp = \S+ AND Id > '(\w+)'\)\))?\s+ORDER BY SystemModstamp, Id LIMIT (\d+)$/i.exec(
        soql.trim(),
      );
    if (!match) return null;
    const [, fieldList, sobject, keyField, from, notIn, since, lastId, limit] = match;
    const def = this.org.object(sobject);
    if (!def)
      throw new HttpError(400, 'INVALID_TYPE', `sObject type '${sobject}' is not supported.`);
    const selected = fieldList.split(',').map((f) => this.org.field(def, f.trim()).name);
    const key = this.org.field(def, keyField).name;
    const excluded = new Set((notIn ?? '').split(',').map((id) => id.trim().replace(/^'|'$/g, '')));
    const after = (r: SObjectRecord) => {
      const modified = Date.parse(String(r.SystemModstamp));
      if (from !== undefined) return modified >= Date.parse(from) && !excluded.has(r.Id);
      if (since === undefined) return true;
      const t = modified - Date.parse(since);
      return t > 0 || (t === 0 && r.Id > lastId);
    };
    const records = [...def.records.values()]
      .filter((r) => r[key] !== null && r[key] !== undefined && after(r))
      .sort((a, b) =>
        String(a.SystemModstamp) === String(b.SystemModstamp)
          ? a.Id.localeCompare(b.Id)
          : Date.parse(String(a.SystemModstamp)) - Date.parse(String(b.SystemModstamp)),
      )
      .slice(0, Number(limit))
      .map((r) => ({
        attributes: { type: def.name, url: `/services/data/v62.0/sobjects/${def.name}/${r.Id}` },
        ...Object.fromEntries(selected.map((f) => [f, r[f] ?? null])),
      }));
    return { totalSize: records.length, done: true, records };
  }

  /** `SELECT a, b FROM S WHERE f IN ('x', 'y')` or `WHERE f = 'x'`: what the adapter sends. */
  private query(soql: string): object {
    const changed = this.changedSince(soql);
    if (changed) return changed;
    const match =
      /^SELECT\s+(.+?)\s+FROM\s+(\w+)\s+WHERE\s+(\w+)\s+(?:IN\s*\((.*)\)|=\s*('(?:[^'\\]|\\.)*'))\s*$/i.exec(
        soql.trim(),
      );
    if (!match) throw new HttpError(400, 'MALFORMED_QUERY', `unexpected token: ${soql}`);
    const [, fieldList, sobject, whereField, inList, single] = match;
    const def = this.org.object(sobject);
    if (!def)
      throw new HttpError(400, 'INVALID_TYPE', `sObject type '${sobject}' is not supported.`);
    const column = (name: string) => {
      const field = def.fields.get(name.toLowerCase());
      if (!field) {
        throw new HttpError(
          400,
          'INVALID_FIELD',
          `No such column '${name}' on entity '${def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
        );
      }
      return field.name;
    };
    const selected = fieldList.split(',').map((f) => column(f.trim()));
    const where = column(whereField);
    const values = [...(inList ?? single).matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) =>
      m[1].replace(/\\(.)/g, '$1'),
    );
    const records = [...def.records.values()]
      .filter((r) => values.some((v) => sameText(r[where], v)))
      .map((r) => ({
        attributes: { type: def.name, url: `/services/data/v62.0/sobjects/${def.name}/${r.Id}` },
        ...Object.fromEntries(selected.map((f) => [f, r[f] ?? null])),
      }));
    return { totalSize: records.length, done: true, records };
  }

  private soap(body: string, recorded: RecordedRequest): [number, string, string] {
    const xml = 'text/xml;charset=UTF-8';
    const sessionId = xmlValue(body, 'sessionId');
    if (!sessionId || !this.sessions.has(sessionId)) {
      return [
        500,
        soapFault(
          'sf:INVALID_SESSION_ID',
          'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session',
        ),
        xml,
      ];
    }
    const method = /<soapenv:Body[^>]*>\s*<(\w+)>/.exec(body)?.[1] ?? '';
    recorded.detail = method;
    if (method === 'createMetadata') {
      const components = [...body.matchAll(/<metadata xsi:type="(\w+)">([\s\S]*?)<\/metadata>/g)];
      recorded.recordCount = components.length;
      // createMetadata refuses a component that exists (Metadata API Developer
      // Guide, "createMetadata()"); upsertMetadata would rewrite it.
      // https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_createMetadata.htm
      const results = components.map(([, type, inner]) => {
        const fullName = xmlValue(inner, 'fullName') ?? '';
        const result = this.exists(type, fullName)
          ? {
              fullName,
              success: false,
              errors: [
                {
                  statusCode: 'DUPLICATE_DEVELOPER_NAME',
                  message: `There is already a ${type} named ${fullName}`,
                  fields: [],
                },
              ],
            }
          : this.org.upsertComponent(type, inner);
        return saveResultXml(result);
      });
      return [
        200,
        soapEnvelope(`<createMetadataResponse>${results.join('')}</createMetadataResponse>`),
        xml,
      ];
    }
    if (method === 'upsertMetadata') {
      const components = [...body.matchAll(/<metadata xsi:type="(\w+)">([\s\S]*?)<\/metadata>/g)];
      recorded.recordCount = components.length;
      if (components.length > 10) {
        return [
          500,
          soapFault('sf:INVALID_CROSS_REFERENCE_KEY', 'upsertMetadata takes at most 10 components'),
          xml,
        ];
      }
      const results = components.map(([, type, inner]) =>
        upsertResultXml(this.org.upsertComponent(type, inner)),
      );
      return [
        200,
        soapEnvelope(`<upsertMetadataResponse>${results.join('')}</upsertMetadataResponse>`),
        xml,
      ];
    }
    if (method === 'readMetadata') {
      const type = xmlValue(body, 'type') ?? '';
      const names = [...body.matchAll(/<fullNames>([^<]*)<\/fullNames>/g)].map((m) =>
        unescapeXml(m[1]),
      );
      const records = names.map((name) =>
        this.exists(type, name)
          ? `<records xsi:type="${type}">${this.componentXml(type, name)}</records>`
          : '<records xsi:nil="true"/>',
      );
      return [
        200,
        soapEnvelope(
          `<readMetadataResponse><result>${records.join('')}</result></readMetadataResponse>`,
        ),
        xml,
      ];
    }
    return [
      500,
      soapFault('sf:INVALID_OPERATION', `No operation available for request ${method}`),
      xml,
    ];
  }

  /** What readMetadata answers for an existing component: what it was created with, as changed since. */
  private componentXml(type: string, fullName: string): string {
    if (type !== 'PermissionSet') return this.org.metadata.get(fullName.toLowerCase()) ?? '';
    const state = this.org.permissionSets.get(fullName)!;
    const fields = [...state.fieldPermissions].map(
      ([field, p]) =>
        `<fieldPermissions><editable>${p.editable}</editable><field>${escapeXml(field)}</field><readable>${p.readable}</readable></fieldPermissions>`,
    );
    const objects = [...state.objectPermissions].map(
      ([object, p]) =>
        `<objectPermissions><allowCreate>${p.allowCreate}</allowCreate><allowEdit>${p.allowEdit}</allowEdit><allowRead>${p.allowRead}</allowRead><object>${escapeXml(object)}</object></objectPermissions>`,
    );
    return `<fullName>${escapeXml(fullName)}</fullName>${fields.join('')}<label>${escapeXml(state.label)}</label>${objects.join('')}`;
  }

  private exists(type: string, fullName: string): boolean {
    if (type === 'PermissionSet') return this.org.permissionSets.has(fullName);
    return type === 'CustomObject'
      ? this.org.object(fullName) !== undefined
      : this.hasField(fullName);
  }
}

/** What jsforce's toXML makes of a component (arrays repeat the element), enough for the emulator's parser. */
function metadataXml(component: object): string {
  return Object.entries(component)
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => [key, v]))
    .map(([key, value]) => {
      const inner =
        typeof value === 'object' && value !== null
          ? metadataXml(value as object)
          : escapeXml(String(value));
      return `<${key}>${inner}</${key}>`;
    })
    .join('');
}

function saveResultXml(result: RecordResult & { fullName: string }): string {
  return upsertResultXml(result).replace(/<created>\w+<\/created>/, '');
}

function upsertResultXml(result: RecordResult & { fullName: string }): string {
  const errors = result.errors
    .map(
      (e) =>
        `<errors><message>${escapeXml(e.message)}</message><statusCode>${e.statusCode}</statusCode></errors>`,
    )
    .join('');
  return `<result><created>${result.created === true}</created>${errors}<fullName>${escapeXml(result.fullName)}</fullName><success>${result.success}</success></result>`;
}

function soapEnvelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

function soapFault(code: string, message: string): string {
  return soapEnvelope(
    `<soapenv:Fault><faultcode>${code}</faultcode><faultstring>${escapeXml(message)}</faultstring></soapenv:Fault>`,
  );
}

function newToken(): string {
  // Opaque like a real session id: jsforce refuses JWT-shaped tokens for SOAP.
  return `${ORG_ID}!${randomBytes(24).toString('base64url')}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startSalesforceEmulator(
  options: SalesforceEmulatorOptions = {},
): Promise<SalesforceEmulator> {
  const emulator = new Emulator(options);
  await emulator.listen();
  return emulator;
}
