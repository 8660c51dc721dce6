/**
 * An HTTP emulator of the HubSpot endpoints the CRM sync uses, on loopback,
 * speaking what @hubspot/api-client sends and parses (CRM API v3, associations v4):
 *
 *   POST /crm/v3/objects/{type}/batch/read | batch/update | batch/upsert   ≤ 100 inputs
 *   POST /crm/v3/objects/companies/search                                 domain EQ / IN
 *   POST /crm/v4/associations/{from}/{to}/batch/associate/default
 *   GET  /crm/v3/properties/{type}, POST /crm/v3/properties/{type}/batch/create
 *   GET|POST /crm/v3/properties/{type}/groups
 *   GET  /crm/v3/owners
 *   GET|POST /crm-object-schemas/v3/schemas                               custom objects
 *
 * A custom object is addressed in the objects API by the `objectTypeId` (`2-…`)
 * or the `fullyQualifiedName` (`p{portal}_{name}`) its schema got at creation.
 * It checks the bearer token (401 INVALID_AUTHENTICATION), property names and
 * number values (400 VALIDATION_ERROR "Property values were not valid: …"),
 * owners, batch sizes, that `idProperty` is a `hasUniqueValue` property and
 * keeps its values unique; it applies the private-app rate limit (100 requests
 * per rolling 10 s → 429 with Retry-After and X-HubSpot-RateLimit-* headers),
 * and fails on demand (429, 5xx, a request never answered, a response lost
 * after the write was applied). Every request is recorded.
 *
 *   const hs = await startHubSpotEmulator();
 *   hs.addOwner('77'); hs.addCompany({ domain: 'acme.example', hubspot_owner_id: '77' });
 *   hs.failNext(2, 502);                  // the next two calls answer 502
 *   hs.setFaultPattern([null, 'lost']);   // every other call loses its response
 *   hs.records('deals');                  // what was written
 *   hs.customRecords('usage_cohort_snapshot');
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import {
  COHORT_KEY,
  COHORT_OBJECT,
  COHORT_PROPERTIES,
  CUSTOM_PROPERTIES,
  HubSpotObjectType,
  PropertyDefinition,
} from '../../src/crm/hubspot/hubspot-schema';

export type FaultKind = 429 | 500 | 502 | 503 | 'timeout' | 'lost';

export interface RecordedRequest {
  method: string;
  path: string;
  inputs: number;
  status: number;
  fault: FaultKind | null;
}

export interface HubSpotRecord {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export interface HubSpotEmulatorOptions {
  accessToken?: string;
  /** Start with the properties `crm:setup` creates (default true). */
  provisioned?: boolean;
  /** Requests per rolling window; HubSpot private apps on Professional: 100 per 10 s. */
  rateLimit?: { requests: number; intervalMs: number } | null;
  /** The portal's subscription; custom objects (the schemas API) need Enterprise. Default enterprise. */
  tier?: Tier;
}

export type Tier = 'free' | 'starter' | 'professional' | 'enterprise';

interface Property {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  hasUniqueValue: boolean;
  /** The allowed values of an enumeration property. */
  options?: string[];
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: object,
  ) {
    super(JSON.stringify(body));
  }
}

const OBJECT_TYPES: HubSpotObjectType[] = ['companies', 'deals', 'tasks', 'invoices'];
const SINGULAR: Record<HubSpotObjectType, string> = {
  companies: 'COMPANY',
  deals: 'DEAL',
  tasks: 'TASK',
  invoices: 'INVOICE',
};
/** HubSpot-defined default association type ids, to companies. */
const DEFAULT_ASSOCIATION_TYPE: Record<string, number> = { deals: 5, tasks: 192, invoices: 179 };
const BATCH_LIMIT = 100;
const PORTAL_ID = 4_242_424;

/** A built-in type's name, or a custom object's `objectTypeId`. */
type ObjectType = string;

interface CustomSchema {
  id: string;
  objectTypeId: string;
  name: string;
  fullyQualifiedName: string;
  labels: { singular: string; plural: string };
  primaryDisplayProperty: string;
  requiredProperties: string[];
  searchableProperties: string[];
  createdAt: string;
}

const builtIn = (names: string[], numbers: string[] = []): Property[] =>
  [
    ...names,
    ...numbers,
    'hs_object_id',
    'createdate',
    'hs_lastmodifieddate',
    'hubspot_owner_id',
  ].map((name) => ({
    name,
    label: name,
    type: numbers.includes(name) ? 'number' : 'string',
    fieldType: numbers.includes(name) ? 'number' : 'text',
    groupName: 'hubspot_defined',
    hasUniqueValue: false,
  }));

/** The default sales pipeline's stages (internal values). */
export const DEAL_STAGES = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
  'closedwon',
  'closedlost',
];

const enumeration = (name: string, options: string[]): Property => ({
  name,
  label: name,
  type: 'enumeration',
  fieldType: 'select',
  groupName: 'hubspot_defined',
  hasUniqueValue: false,
  options,
});

const BUILT_IN: Record<HubSpotObjectType, Property[]> = {
  companies: builtIn(['name', 'domain']),
  deals: [
    ...builtIn(
      ['dealname', 'closedate', 'description', 'hs_is_closed_won', 'hs_is_closed'],
      ['amount'],
    ),
    enumeration('pipeline', ['default']),
    enumeration('dealstage', DEAL_STAGES),
    // The default Priority property's internal values (HubSpot, "HubSpot's
    // default deal properties" → Priority):
    // https://knowledge.hubspot.com/crm-deals/hubspots-default-deal-properties
    enumeration('hs_priority', ['low', 'medium', 'high']),
  ],
  tasks: [
    ...builtIn([
      'hs_task_subject',
      'hs_task_body',
      'hs_timestamp',
      'hs_task_status',
      'hs_task_type',
    ]),
    // HubSpot, "Tasks" guide → properties: hs_task_priority is LOW, MEDIUM or HIGH.
    // https://developers.hubspot.com/docs/guides/api/crm/engagements/tasks
    enumeration('hs_task_priority', ['LOW', 'MEDIUM', 'HIGH']),
  ],
  invoices: builtIn([]),
};

const toProperty = (definition: PropertyDefinition, groupName: string): Property => ({
  name: definition.name,
  label: definition.label,
  type: definition.type,
  fieldType: definition.fieldType,
  groupName,
  hasUniqueValue: definition.hasUniqueValue ?? false,
});

export class HubSpotEmulator {
  readonly accessToken: string;
  readonly requests: RecordedRequest[] = [];
  private server: Server | null = null;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly properties = new Map<ObjectType, Map<string, Property>>();
  private readonly groups = new Map<ObjectType, Set<string>>();
  private readonly objects = new Map<ObjectType, Map<string, HubSpotRecord>>();
  /** Custom object schemas by objectTypeId. */
  private readonly schemas = new Map<string, CustomSchema>();
  /** `${fromType}:${fromId}` → company ids. */
  private readonly associations = new Map<string, Set<string>>();
  /** Owner id → whether the user is active (a deactivated user stays, archived). */
  private readonly owners = new Map<string, boolean>();
  tier: Tier;
  /** The currencies the portal has (Settings → Account defaults → Currencies). */
  private currencies = ['USD'];
  private nextId = 1000;
  private faults: FaultKind[] = [];
  private pattern: Array<FaultKind | null> = [];
  private patternIndex = 0;
  private readonly losing: Array<{ method: string; path: RegExp }> = [];
  private rateLimit: { requests: number; intervalMs: number } | null;
  private readonly accepted: number[] = [];

  constructor(options: HubSpotEmulatorOptions = {}) {
    this.accessToken = options.accessToken ?? `pat-na1-${randomUUID()}`;
    this.tier = options.tier ?? 'enterprise';
    this.rateLimit =
      options.rateLimit === undefined ? { requests: 100, intervalMs: 10_000 } : options.rateLimit;
    for (const type of OBJECT_TYPES) {
      this.properties.set(type, new Map(BUILT_IN[type].map((p) => [p.name, { ...p }])));
      this.groups.set(type, new Set(['hubspot_defined']));
      this.objects.set(type, new Map());
      if (options.provisioned ?? true) {
        this.groups.get(type)!.add('usage_billing');
        for (const definition of CUSTOM_PROPERTIES[type])
          this.properties.get(type)!.set(definition.name, toProperty(definition, 'usage_billing'));
      }
    }
    this.setCurrencies(this.currencies);
    if ((options.provisioned ?? true) && this.tier === 'enterprise')
      this.createSchema({
        name: COHORT_OBJECT.name,
        labels: COHORT_OBJECT.labels,
        primaryDisplayProperty: COHORT_KEY,
        requiredProperties: [COHORT_KEY],
        properties: COHORT_PROPERTIES,
      });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The server answering the API, once listening (faults.ts wraps it). */
  get httpServer(): Server {
    if (!this.server) throw new Error('the emulator is not listening');
    return this.server;
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  addOwner(id: string): void {
    this.owners.set(id, true);
  }

  /** The owner's user is deactivated: HubSpot refuses them as a record owner. */
  deactivateOwner(id: string): void {
    this.owners.set(id, false);
  }

  setTier(tier: Tier): void {
    this.tier = tier;
  }

  /** The currencies the portal has: deal_currency_code and hs_currency take only these. */
  setCurrencies(currencies: string[]): void {
    this.currencies = currencies;
    this.properties
      .get('deals')!
      .set('deal_currency_code', enumeration('deal_currency_code', currencies));
    this.properties.get('invoices')!.set('hs_currency', enumeration('hs_currency', currencies));
  }

  /** A sales rep moves a deal (closed won / lost are the pipeline's closing stages). */
  setDealStage(id: string, stage: string): void {
    const deal = this.objects.get('deals')!.get(id);
    if (!deal) throw new Error(`no deal ${id}`);
    this.update('deals', deal, {
      dealstage: stage,
      hs_is_closed_won: String(stage === 'closedwon'),
      hs_is_closed: String(stage === 'closedwon' || stage === 'closedlost'),
    });
  }

  addCompany(properties: Record<string, string>): string {
    return this.create('companies', properties).id;
  }

  /** A bulk change (an import, a workflow) that touched these records in the same millisecond. */
  setModified(type: ObjectType, ids: readonly string[], at: string): void {
    for (const id of ids) {
      const record = this.objects.get(type)!.get(id)!;
      record.properties.hs_lastmodifieddate = at;
      record.updatedAt = at;
    }
  }

  /** A deal created in the CRM directly (test data), returning its id. */
  addDeal(properties: Record<string, string>): string {
    return this.create('deals', properties).id;
  }

  records(type: ObjectType): HubSpotRecord[] {
    return [...this.objects.get(type)!.values()];
  }

  /** The records of a custom object, by the name its schema was created with ([] before that). */
  customRecords(name: string): HubSpotRecord[] {
    const schema = [...this.schemas.values()].find((s) => s.name === name);
    return schema ? this.records(schema.objectTypeId) : [];
  }

  /** Company ids a record is associated with. */
  associatedCompanies(type: ObjectType, id: string): string[] {
    return [...(this.associations.get(`${type}:${id}`) ?? [])];
  }

  hasProperty(type: ObjectType, name: string): boolean {
    return this.properties.get(type)!.has(name);
  }

  /** The next `count` API calls fail with `kind`. */
  failNext(count: number, kind: FaultKind): void {
    this.faults.push(...Array<FaultKind>(count).fill(kind));
  }

  /** Calls fail in this repeating pattern (null = answer normally) until it is set to []. */
  setFaultPattern(pattern: Array<FaultKind | null>): void {
    this.pattern = pattern;
    this.patternIndex = 0;
  }

  /** The next successful call to `method path` is applied, and its answer lost. */
  loseAnswerTo(method: string, path: RegExp): void {
    this.losing.push({ method, path });
  }

  setRateLimit(limit: { requests: number; intervalMs: number } | null): void {
    this.rateLimit = limit;
  }

  // ---- HTTP ---------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = (req.url ?? '').split('?')[0];
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path,
      inputs: Array.isArray(body?.inputs) ? body.inputs.length : 0,
      status: 0,
      fault: null,
    };
    this.requests.push(recorded);
    const send = (status: number, json: object, headers: Record<string, string> = {}) => {
      recorded.status = status;
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
      res.end(JSON.stringify(json));
    };
    if (req.headers.authorization !== `Bearer ${this.accessToken}`) {
      return send(401, {
        status: 'error',
        message:
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        correlationId: randomUUID(),
        category: 'INVALID_AUTHENTICATION',
      });
    }
    const limited = this.overRateLimit();
    if (limited) return send(429, rateLimitBody(), limited);
    const fault = this.nextFault();
    recorded.fault = fault;
    if (fault === 'timeout') return; // never answered; the socket closes with the emulator
    if (fault === 429) return send(429, rateLimitBody(), this.limitHeaders(0, 1000));
    if (typeof fault === 'number')
      return send(fault, {
        status: 'error',
        message: 'internal error',
        correlationId: randomUUID(),
        category: 'INTERNAL_ERROR',
      });
    let answer: [number, object];
    try {
      answer = this.route(req.method ?? 'GET', path, body);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      answer = [error.status, { ...error.body, correlationId: randomUUID() }];
    }
    const lose = this.losing.findIndex((m) => m.method === req.method && m.path.test(path));
    if (fault === 'lost' || (lose >= 0 && answer[0] < 300)) {
      if (lose >= 0) this.losing.splice(lose, 1);
      recorded.status = answer[0];
      req.socket.destroy();
      return;
    }
    send(answer[0], answer[1], this.limitHeaders());
  }

  private nextFault(): FaultKind | null {
    if (this.faults.length > 0) return this.faults.shift()!;
    if (this.pattern.length === 0) return null;
    return this.pattern[this.patternIndex++ % this.pattern.length];
  }

  /** Headers of a 429 when over the rolling window, else null (and the request is counted). */
  private overRateLimit(): Record<string, string> | null {
    if (!this.rateLimit) return null;
    const now = Date.now();
    const { requests, intervalMs } = this.rateLimit;
    while (this.accepted.length > 0 && this.accepted[0] <= now - intervalMs) this.accepted.shift();
    if (this.accepted.length >= requests)
      return this.limitHeaders(0, this.accepted[0] + intervalMs - now);
    this.accepted.push(now);
    return null;
  }

  private limitHeaders(remaining?: number, retryAfterMs?: number): Record<string, string> {
    const limit = this.rateLimit ?? { requests: 100, intervalMs: 10_000 };
    const headers: Record<string, string> = {
      'x-hubspot-ratelimit-interval-milliseconds': String(limit.intervalMs),
      'x-hubspot-ratelimit-max': String(limit.requests),
      'x-hubspot-ratelimit-remaining': String(
        remaining ?? Math.max(0, limit.requests - this.accepted.length),
      ),
    };
    if (retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(retryAfterMs / 1000));
    return headers;
  }

  private route(method: string, path: string, body: Body): [number, object] {
    let match: RegExpExecArray | null;
    if (method === 'GET' && path === '/crm/v3/owners')
      return [
        200,
        {
          results: [...this.owners].map(([id, active]) => ({
            id,
            email: `owner${id}@example.com`,
            archived: !active,
          })),
        },
      ];
    if (
      (match =
        /^\/crm\/v3\/objects\/([\w-]+)\/(batch\/read|batch\/update|batch\/upsert|batch\/create|search)$/.exec(
          path,
        )) &&
      method === 'POST'
    ) {
      const type = this.objectType(match[1]);
      switch (match[2]) {
        case 'batch/read':
          return this.batchRead(type, this.inputs(body), body?.idProperty);
        case 'batch/create':
          return this.batchCreate(type, this.inputs(body));
        case 'batch/update':
          return this.batchUpdate(type, this.inputs(body));
        case 'batch/upsert':
          return this.batchUpsert(type, this.inputs(body));
        default:
          return this.search(type, body);
      }
    }
    if (
      (match = /^\/crm\/v4\/associations\/(\w+)\/(\w+)\/batch\/associate\/default$/.exec(path)) &&
      method === 'POST'
    )
      return this.associate(
        this.objectType(match[1]),
        this.objectType(match[2]),
        this.inputs(body),
      );
    if (path.startsWith('/crm-object-schemas/') && this.tier !== 'enterprise')
      // Custom objects, and with them the schemas API, need an Enterprise
      // subscription (HubSpot, "Custom objects" → supported products):
      // https://developers.hubspot.com/crm-custom-objects
      throw new HttpError(403, {
        status: 'error',
        category: 'MISSING_SCOPES',
        message: `This portal's ${this.tier} subscription does not include custom objects`,
      });
    if (path === '/crm-object-schemas/v3/schemas') {
      if (method === 'GET')
        return [200, { results: [...this.schemas.values()].map((s) => this.schemaJson(s)) }];
      if (method === 'POST') return [201, this.schemaJson(this.createSchema(body))];
    }
    if ((match = /^\/crm\/v3\/properties\/(\w+)\/groups$/.exec(path))) {
      const type = this.objectType(match[1]);
      if (method === 'GET')
        return [
          200,
          {
            results: [...this.groups.get(type)!].map((name) => ({
              name,
              label: name,
              displayOrder: -1,
              archived: false,
            })),
          },
        ];
      const name = String(body?.name ?? '');
      if (this.groups.get(type)!.has(name))
        throw new HttpError(409, {
          status: 'error',
          category: 'OBJECT_ALREADY_EXISTS',
          message: `A property group named '${name}' already exists.`,
        });
      this.groups.get(type)!.add(name);
      return [201, { name, label: String(body?.label ?? name), displayOrder: -1, archived: false }];
    }
    if ((match = /^\/crm\/v3\/properties\/(\w+)$/.exec(path)) && method === 'GET') {
      const type = this.objectType(match[1]);
      return [200, { results: [...this.properties.get(type)!.values()].map(propertyJson) }];
    }
    if ((match = /^\/crm\/v3\/properties\/(\w+)\/batch\/create$/.exec(path)) && method === 'POST')
      return this.createProperties(this.objectType(match[1]), this.inputs(body));
    throw new HttpError(404, {
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `no route ${method} ${path}`,
    });
  }

  private objectType(name: string): ObjectType {
    if ((OBJECT_TYPES as string[]).includes(name)) return name;
    const custom = [...this.schemas.values()].find(
      (schema) => schema.objectTypeId === name || schema.fullyQualifiedName === name,
    );
    if (custom) return custom.objectTypeId;
    throw new HttpError(400, {
      status: 'error',
      category: 'VALIDATION_ERROR',
      message: `Unable to infer object type from: ${name}`,
    });
  }

  private inputs(body: Body): Input[] {
    const inputs = body?.inputs;
    if (!Array.isArray(inputs))
      throw new HttpError(400, {
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: 'Invalid input JSON: inputs is required',
      });
    if (inputs.length > BATCH_LIMIT)
      throw new HttpError(400, {
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: `Batch input limit exceeded: ${inputs.length} inputs given, at most ${BATCH_LIMIT} allowed`,
      });
    return inputs as Input[];
  }

  /** By record id, or by a unique property's value (`idProperty`). */
  private batchRead(type: ObjectType, inputs: Input[], idProperty: unknown): [number, object] {
    if (idProperty !== undefined) this.uniqueProperty(type, idProperty);
    const byId = (id: string) =>
      idProperty === undefined
        ? this.objects.get(type)!.get(id)
        : this.records(type).find((r) => r.properties[String(idProperty)] === id);
    const found = inputs.map((input) => byId(String(input.id)));
    const missing = inputs.filter((_, i) => !found[i]).map((input) => String(input.id));
    return this.batchAnswer(
      type,
      found.filter((r): r is HubSpotRecord => !!r).map(objectJson),
      missing,
    );
  }

  private batchUpdate(type: ObjectType, inputs: Input[]): [number, object] {
    for (const input of inputs) this.validate(type, input.properties ?? {});
    const results: object[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const record = this.objects.get(type)!.get(String(input.id));
      if (!record) missing.push(String(input.id));
      else results.push(objectJson(this.update(type, record, input.properties ?? {})));
    }
    return this.batchAnswer(type, results, missing);
  }

  private batchUpsert(type: ObjectType, inputs: Input[]): [number, object] {
    const ids = inputs.map((input) => String(input.id));
    if (new Set(ids).size !== ids.length)
      throw new HttpError(400, {
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: 'Duplicate IDs found in batch input',
      });
    for (const input of inputs) {
      this.uniqueProperty(type, input.idProperty);
      this.validate(type, input.properties ?? {});
    }
    const results = inputs.map((input) => {
      const idProperty = String(input.idProperty);
      const id = String(input.id);
      const properties = { ...(input.properties ?? {}), [idProperty]: id };
      const existing = this.records(type).find((r) => r.properties[idProperty] === id);
      const record = existing
        ? this.update(type, existing, properties)
        : this.create(type, properties);
      return { ...objectJson(record), new: !existing };
    });
    return [200, batchEnvelope(results)];
  }

  private uniqueProperty(type: ObjectType, name: unknown): Property {
    const property = this.properties.get(type)!.get(String(name));
    if (!property?.hasUniqueValue)
      throw new HttpError(400, {
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: `Property ${String(name)} is not a unique identifier property for ${this.singular(type)}`,
      });
    return property;
  }

  /** POST …/batch/create: all or nothing, each input with its associations. */
  private batchCreate(type: ObjectType, inputs: Input[]): [number, object] {
    for (const input of inputs) {
      this.validate(type, input.properties ?? {});
      for (const association of input.associations ?? []) {
        const companyId = String(association.to?.id);
        const typeId = association.types?.[0]?.associationTypeId;
        if (
          !this.objects.get('companies')!.has(companyId) ||
          typeId !== DEFAULT_ASSOCIATION_TYPE[type]
        )
          throw new HttpError(400, {
            status: 'error',
            category: 'VALIDATION_ERROR',
            message: `Invalid association to ${companyId} of type ${String(typeId)}`,
          });
      }
    }
    const results = inputs.map((input) => {
      const record = this.create(type, input.properties ?? {});
      for (const association of input.associations ?? []) {
        const key = `${type}:${record.id}`;
        this.associations.set(
          key,
          (this.associations.get(key) ?? new Set()).add(String(association.to?.id)),
        );
      }
      return objectJson(record);
    });
    return [201, batchEnvelope(results)];
  }

  /**
   * CRM search: filters EQ, IN, GT, GTE, LT, LTE, HAS_PROPERTY (string comparisons
   * ignore case), sorts, at most 200 results a page and 10 000 in all
   * (HubSpot, "Search the CRM" → limitations):
   * https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm
   */
  private search(type: ObjectType, body: Body): [number, object] {
    const groups = (body?.filterGroups ?? []) as Array<{
      filters: Array<{ propertyName: string; operator: string; value?: string; values?: string[] }>;
    }>;
    const invalid = (message: string) =>
      new HttpError(400, { status: 'error', category: 'VALIDATION_ERROR', message });
    const matches = this.records(type).filter(
      (record) =>
        groups.length === 0 ||
        groups.some((group) =>
          group.filters.every((filter) => {
            const held = record.properties[filter.propertyName];
            const value = (held ?? '').toLowerCase();
            switch (filter.operator) {
              case 'EQ':
                return value === String(filter.value).toLowerCase();
              case 'IN':
                return (filter.values ?? []).map((v) => v.toLowerCase()).includes(value);
              case 'HAS_PROPERTY':
                return held !== undefined && held !== '';
              case 'GT':
              case 'GTE':
              case 'LT':
              case 'LTE': {
                const a = comparable(held);
                const b = comparable(filter.value);
                if (filter.operator === 'GT') return a > b;
                if (filter.operator === 'GTE') return a >= b;
                return filter.operator === 'LT' ? a < b : a <= b;
              }
              default:
                throw invalid(`unsupported operator ${filter.operator}`);
            }
          }),
        ),
    );
    const limit = Number(body?.limit ?? 10);
    const offset = Number(body?.after ?? 0);
    if (limit > 200) throw invalid('limit must be at most 200');
    if (offset + limit > 10_000) throw invalid('search results are limited to 10,000');
    const sorts = (
      (body?.sorts ?? []) as Array<string | { propertyName: string; direction?: string }>
    ).map((sort) =>
      typeof sort === 'string' ? { propertyName: sort, direction: 'ASCENDING' } : sort,
    );
    // HubSpot documents no order among equal sort values: the emulator puts the newest first,
    // so a reader that pages ties as if ordered by id fails here as it would there.
    if (sorts.length > 0) sorts.push({ propertyName: 'hs_object_id', direction: 'DESCENDING' });
    matches.sort((a, b) => {
      for (const sort of sorts) {
        const x = comparable(a.properties[sort.propertyName]);
        const y = comparable(b.properties[sort.propertyName]);
        if (x !== y) return (x < y ? -1 : 1) * (sort.direction === 'DESCENDING' ? -1 : 1);
      }
      return 0;
    });
    const page = matches.slice(offset, offset + limit);
    const wanted = (body?.properties ?? []) as string[];
    const results = page.map((record) => {
      const json = objectJson(record) as { properties: Record<string, string> };
      if (wanted.length > 0)
        json.properties = Object.fromEntries(
          [...wanted, 'hs_object_id', 'hs_lastmodifieddate', 'createdate'].map((name) => [
            name,
            record.properties[name] ?? null,
          ]),
        ) as Record<string, string>;
      return json;
    });
    const next =
      offset + limit < matches.length
        ? { paging: { next: { after: String(offset + limit) } } }
        : {};
    return [200, { total: matches.length, results, ...next }];
  }

  private associate(from: ObjectType, to: ObjectType, inputs: Input[]): [number, object] {
    const results = inputs.map((input) => {
      const fromId = String(input.from?.id);
      const toId = String(input.to?.id);
      if (!this.objects.get(from)!.has(fromId) || !this.objects.get(to)!.has(toId))
        throw new HttpError(400, {
          status: 'error',
          category: 'VALIDATION_ERROR',
          message: `No ${from} with id ${fromId} or ${to} with id ${toId}`,
        });
      const key = `${from}:${fromId}`;
      this.associations.set(key, (this.associations.get(key) ?? new Set()).add(toId));
      return {
        from: { id: fromId },
        to: { id: toId },
        associationSpec: {
          associationCategory: 'HUBSPOT_DEFINED',
          associationTypeId: DEFAULT_ASSOCIATION_TYPE[from] ?? 1,
        },
      };
    });
    return [200, batchEnvelope(results)];
  }

  private createProperties(type: ObjectType, inputs: Input[]): [number, object] {
    const known = this.properties.get(type)!;
    for (const input of inputs) {
      const name = String(input.name);
      if (known.has(name))
        throw new HttpError(409, {
          status: 'error',
          category: 'OBJECT_ALREADY_EXISTS',
          message: `Property named '${name}' already exists.`,
        });
      // Unique properties exist on companies, contacts, deals, tickets and
      // custom objects, not on tasks or invoices (HubSpot developer changelog,
      // "Unique Properties support for newly created Contact properties";
      // "Properties API"):
      // https://developers.hubspot.com/changelog/unique-properties-for-contacts
      // https://developers.hubspot.com/docs/api/crm/properties
      if (input.hasUniqueValue === true && (type === 'tasks' || type === 'invoices'))
        throw new HttpError(400, {
          status: 'error',
          category: 'VALIDATION_ERROR',
          message: `hasUniqueValue is not supported for ${this.singular(type)} properties`,
        });
      if (!this.groups.get(type)!.has(String(input.groupName)))
        throw new HttpError(400, {
          status: 'error',
          category: 'VALIDATION_ERROR',
          message: `property group ${String(input.groupName)} does not exist`,
        });
    }
    const created = inputs.map((input) => {
      const property: Property = {
        name: String(input.name),
        label: String(input.label),
        type: String(input.type),
        fieldType: String(input.fieldType),
        groupName: String(input.groupName),
        hasUniqueValue: input.hasUniqueValue === true,
      };
      known.set(property.name, property);
      return propertyJson(property);
    });
    return [201, batchEnvelope(created)];
  }

  /**
   * HubSpot refuses the whole batch with 400 VALIDATION_ERROR when any input
   * names an unknown property or a bad value, an invalid option or an
   * inactive owner, without saying which input ("Property values were not
   * valid"; HubSpot, "API usage guidelines" → error handling, batch calls):
   * https://developers.hubspot.com/docs/api/usage-details
   */
  private validate(type: ObjectType, properties: Record<string, string>): void {
    const known = this.properties.get(type)!;
    const problems = Object.entries(properties).flatMap(([name, value]) => {
      const property = known.get(name);
      if (!property)
        return [
          {
            isValid: false,
            message: `Property "${name}" does not exist`,
            error: 'PROPERTY_DOESNT_EXIST',
            name,
          },
        ];
      if (property.type === 'number' && value !== '' && !/^-?\d+(\.\d+)?$/.test(value))
        return [
          {
            isValid: false,
            message: `${value} was not a valid number.`,
            error: 'INVALID_FLOAT',
            name,
          },
        ];
      // An enumeration takes one of its options; the portal's currencies are
      // the options of the currency properties (HubSpot, "Properties API":
      // enumeration options; a value outside them fails the whole call):
      // https://developers.hubspot.com/docs/api/crm/properties
      if (property.options && value !== '' && !property.options.includes(value))
        return [
          {
            isValid: false,
            message: `${value} was not one of the allowed options: [${property.options.join(', ')}]`,
            error: 'INVALID_OPTION',
            name,
          },
        ];
      // An owner must be an active user (a deactivated user's owner id is archived).
      if (name === 'hubspot_owner_id' && value !== '' && this.owners.get(value) !== true)
        return [
          {
            isValid: false,
            message: `${value} is not a valid owner id`,
            error: 'INVALID_OWNER_ID',
            name,
          },
        ];
      return [];
    });
    if (problems.length > 0)
      throw new HttpError(400, {
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: `Property values were not valid: ${JSON.stringify(problems)}`,
      });
  }

  private create(type: ObjectType, properties: Record<string, string>): HubSpotRecord {
    const id = String(this.nextId++);
    const now = new Date().toISOString();
    const record = {
      id,
      properties: { hs_object_id: id, createdate: now, hs_lastmodifieddate: now },
      createdAt: now,
      updatedAt: now,
    };
    this.objects.get(type)!.set(id, record);
    return this.update(type, record, properties);
  }

  private update(
    type: ObjectType,
    record: HubSpotRecord,
    properties: Record<string, string>,
  ): HubSpotRecord {
    for (const [name, value] of Object.entries(properties)) {
      const property = this.properties.get(type)!.get(name);
      if (property?.hasUniqueValue && value !== '') {
        const holder = this.records(type).find((r) => r !== record && r.properties[name] === value);
        if (holder)
          throw new HttpError(409, {
            status: 'error',
            category: 'CONFLICT',
            message: `A ${this.singular(type)} with ${name} ${value} already exists (id ${holder.id})`,
          });
      }
    }
    const now = new Date().toISOString();
    record.properties = { ...record.properties, ...properties, hs_lastmodifieddate: now };
    record.updatedAt = now;
    return record;
  }

  private singular(type: ObjectType): string {
    return (
      SINGULAR[type as HubSpotObjectType] ??
      this.schemas.get(type)!.labels.singular.toUpperCase().replace(/ /g, '_')
    );
  }

  /** POST /crm-object-schemas/v3/schemas: one object type per name, its properties with it. */
  private createSchema(body: Body): CustomSchema {
    const name = String(body?.name ?? '');
    const labels = body?.labels as CustomSchema['labels'] | undefined;
    const definitions = (body?.properties ?? []) as PropertyDefinition[];
    const required = (body?.requiredProperties ?? []) as string[];
    const invalid = (message: string) =>
      new HttpError(400, { status: 'error', category: 'VALIDATION_ERROR', message });
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw invalid(`Invalid object name: '${name}'`);
    if (!labels?.singular || !labels.plural)
      throw invalid('labels.singular and labels.plural are required');
    if ([...this.schemas.values()].some((schema) => schema.name === name))
      throw new HttpError(409, {
        status: 'error',
        category: 'OBJECT_ALREADY_EXISTS',
        message: `Object type already exists with name ${name}`,
      });
    const names = new Set(definitions.map((definition) => definition.name));
    const primary = String(body?.primaryDisplayProperty ?? '');
    const unknown = [...required, ...(primary ? [primary] : [])].find((p) => !names.has(p));
    if (unknown) throw invalid(`Property ${unknown} is not defined in properties`);
    const id = String(this.nextId++);
    const schema: CustomSchema = {
      id,
      objectTypeId: `2-${id}`,
      name,
      fullyQualifiedName: `p${PORTAL_ID}_${name}`,
      labels,
      primaryDisplayProperty: primary,
      requiredProperties: required,
      searchableProperties: (body?.searchableProperties ?? []) as string[],
      createdAt: new Date().toISOString(),
    };
    const properties = builtIn([]).concat(
      definitions.map((definition) => toProperty(definition, `${name}_information`)),
    );
    this.schemas.set(schema.objectTypeId, schema);
    this.properties.set(schema.objectTypeId, new Map(properties.map((p) => [p.name, p])));
    this.groups.set(schema.objectTypeId, new Set([`${name}_information`]));
    this.objects.set(schema.objectTypeId, new Map());
    return schema;
  }

  private schemaJson(schema: CustomSchema): object {
    return {
      ...schema,
      archived: false,
      updatedAt: schema.createdAt,
      secondaryDisplayProperties: [],
      associations: [],
      properties: [...this.properties.get(schema.objectTypeId)!.values()].map(propertyJson),
    };
  }

  private batchAnswer(type: ObjectType, results: object[], missing: string[]): [number, object] {
    if (missing.length === 0) return [200, batchEnvelope(results)];
    return [
      207,
      {
        ...batchEnvelope(results),
        numErrors: 1,
        errors: [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: `Could not get some ${this.singular(type)} objects, they may be deleted or not exist. Check that ids are valid.`,
            context: { ids: missing },
            errors: [],
            links: {},
          },
        ],
      },
    ];
  }
}

type Body = Record<string, unknown> | null;
interface Input {
  id?: string;
  idProperty?: string;
  properties?: Record<string, string>;
  from?: { id: string };
  to?: { id: string };
  associations?: Array<{ to?: { id: string }; types?: Array<{ associationTypeId?: number }> }>;
  [key: string]: unknown;
}

/** Numbers and dates compare by value (epoch ms), the rest as text. */
function comparable(value: string | undefined | null): number | string {
  if (value === undefined || value === null || value === '') return '';
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? value.toLowerCase() : date;
}

function objectJson(record: HubSpotRecord): object {
  return {
    id: record.id,
    properties: record.properties,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    archived: false,
  };
}

function propertyJson(property: Property): object {
  return {
    ...property,
    description: '',
    options: (property.options ?? []).map((value, displayOrder) => ({
      label: value,
      value,
      displayOrder,
      hidden: false,
    })),
    displayOrder: -1,
    calculated: false,
    externalOptions: false,
    hidden: false,
    formField: false,
  };
}

function batchEnvelope(results: object[]): object {
  const now = new Date().toISOString();
  return { status: 'COMPLETE', results, startedAt: now, completedAt: now };
}

function rateLimitBody(): object {
  return {
    status: 'error',
    message: 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: 'TEN_SECONDLY_ROLLING',
  };
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Body) : null;
}

export async function startHubSpotEmulator(
  options: HubSpotEmulatorOptions = {},
): Promise<HubSpotEmulator> {
  const emulator = new HubSpotEmulator(options);
  await emulator.listen();
  return emulator;
}
