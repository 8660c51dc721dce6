/**
 * Seeded mutations of a valid HTTP request, for the fuzz test: wrong types,
 * missing and extra fields, control characters, huge and tiny numbers,
 * impossible dates, wrong encodings and content types, oversized bodies.
 */

/** A small deterministic PRNG (mulberry32): the same seed gives the same requests. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let x = this.state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

export interface FuzzRequest {
  method: string;
  /** Path with parameters filled in and URL-encoded. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** A JSON value, or raw bytes sent as they are. */
  body?: unknown;
  raw?: Buffer;
  /** What was changed, for the failure message. */
  mutation: string;
}

export interface RequestTemplate {
  method: string;
  /** OpenAPI path, `{param}` placeholders. */
  openApiPath: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body?: unknown;
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0007bell',
  '\u001b[31m',
  '\u007f',
  '\ud800',
  'lone \udc00',
  '\u202egnp.exe',
  '😀'.repeat(300),
  'x'.repeat(100_000),
  '9'.repeat(5_000),
  `0.${'0'.repeat(400)}1`,
  '-0',
  '1e5',
  '1E-7',
  'NaN',
  'Infinity',
  '0x10',
  '  12.5  ',
  '2026-02-30T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '2026-03-01T24:00:00Z',
  '275760-09-13T00:00:00Z',
  '0000-01',
  '2026-13',
  '2026-00',
  '9999-12',
  '../../etc/passwd',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '{"a":1}',
];

const HOSTILE_NUMBERS = [0, -1, 1.5, -0, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 1e21, 123456789];

const HOSTILE_OTHERS: unknown[] = [true, false, null, [], {}, [[[]]], { a: { b: {} } }, [1, 'a']];

const HOSTILE_VALUES: unknown[] = [...HOSTILE_STRINGS, ...HOSTILE_NUMBERS, ...HOSTILE_OTHERS];

/** Path parameters a client might send: control characters, bad escapes, absurd sizes. */
const HOSTILE_PATH_SEGMENTS = [
  '%00',
  'a%00b',
  '%07',
  '%7F',
  '%ED%A0%80',
  '%E0%A4%A',
  '%',
  '%25',
  '%FF%FE',
  'x'.repeat(5_000),
  '..',
  '0',
  '-1',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  '%F0%9F%98%80',
  "'%20OR%201=1",
];

const BODY_SHAPES: Array<[string, () => Pick<FuzzRequest, 'body' | 'raw'>]> = [
  ['body: a list', () => ({ body: [] })],
  ['body: a string', () => ({ raw: Buffer.from('"text"') })],
  ['body: a number', () => ({ raw: Buffer.from('42') })],
  ['body: null', () => ({ raw: Buffer.from('null') })],
  ['body: truncated JSON', () => ({ raw: Buffer.from('{"a": [1, 2') })],
  ['body: invalid UTF-8', () => ({ raw: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) })],
  [
    'body: deep nesting',
    () => ({ raw: Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`) }),
  ],
  ['body: 33 MB', () => ({ raw: Buffer.alloc(33 * 1024 * 1024, 0x20) })],
  ['body: empty', () => ({ raw: Buffer.alloc(0) })],
];

const HEADER_MUTATIONS: Array<[string, Record<string, string>]> = [
  ['gzip header, plain body', { 'content-encoding': 'gzip' }],
  ['deflate header, plain body', { 'content-encoding': 'deflate' }],
  ['br header, plain body', { 'content-encoding': 'br' }],
  ['unknown encoding', { 'content-encoding': 'compress' }],
  ['text/plain', { 'content-type': 'text/plain' }],
  ['form encoded', { 'content-type': 'application/x-www-form-urlencoded' }],
  ['latin1 charset', { 'content-type': 'application/json; charset=latin1' }],
  ['utf-16 charset', { 'content-type': 'application/json; charset=utf-16' }],
  ['unknown charset', { 'content-type': 'application/json; charset=klingon' }],
  ['no content type', { 'content-type': '' }],
];

type Path = Array<string | number>;

/** Every place in a JSON value that a mutation can target (the root excluded). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => [
      [...prefix, index],
      ...pathsOf(item, [...prefix, index]),
    ]);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => [
      [...prefix, key],
      ...pathsOf(item, [...prefix, key]),
    ]);
  return [];
}

/** A deep copy of `value` with `path` replaced (or removed, when `replacement` is `REMOVE`). */
const REMOVE = Symbol('remove');
function withChange(value: unknown, path: Path, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as typeof parent;
  const last = path[path.length - 1];
  if (replacement !== REMOVE) parent[last] = replacement;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
}

function describePath(path: Path): string {
  return path.map(String).join('.');
}

function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function fillPath(template: RequestTemplate, params: Record<string, string>): string {
  return template.openApiPath.replace(/\{(\w+)\}/g, (_match, name: string) => params[name]);
}

function encodedParams(template: RequestTemplate): Record<string, string> {
  return Object.fromEntries(
    Object.entries(template.params).map(([name, value]) => [name, encodeURIComponent(value)]),
  );
}

/** The valid request itself, unchanged. */
export function validRequest(template: RequestTemplate): FuzzRequest {
  return {
    method: template.method,
    path: fillPath(template, encodedParams(template)),
    query: { ...template.query },
    headers: {},
    body: template.body,
    mutation: 'none',
  };
}

/** One seeded mutation of a valid request. */
export function mutate(template: RequestTemplate, random: Random): FuzzRequest {
  const request = validRequest(template);
  const hasBody = template.body !== undefined;
  const paramNames = Object.keys(template.params);
  const kinds = [
    ...(hasBody ? ['replace', 'replace', 'replace', 'remove', 'extra', 'shape', 'header'] : []),
    ...(paramNames.length > 0 ? ['param', 'param'] : []),
    'query',
    'query',
  ];
  switch (random.pick(kinds)) {
    case 'replace': {
      const paths = pathsOf(template.body);
      if (paths.length === 0) return mutate({ ...template, body: undefined }, random);
      const path = random.pick(paths);
      const value = random.pick(HOSTILE_VALUES);
      request.body = withChange(template.body, path, value);
      request.mutation = `body ${describePath(path)} = ${short(value)}`;
      return request;
    }
    case 'remove': {
      const paths = pathsOf(template.body);
      if (paths.length === 0) return mutate({ ...template, body: undefined }, random);
      const path = random.pick(paths);
      request.body = withChange(template.body, path, REMOVE);
      request.mutation = `body ${describePath(path)} removed`;
      return request;
    }
    case 'extra': {
      const objects = [[], ...pathsOf(template.body)].filter((path) => {
        const target = path.reduce<unknown>(
          (value, segment) => (value as Record<string | number, unknown>)[segment],
          template.body,
        );
        return typeof target === 'object' && target !== null && !Array.isArray(target);
      });
      const path = [...random.pick(objects), random.pick(['extra', '__proto__', 'constructor'])];
      const value = random.pick(HOSTILE_VALUES);
      request.body = withChange(template.body, path, value);
      request.mutation = `body ${describePath(path)} added = ${short(value)}`;
      return request;
    }
    case 'shape': {
      const [name, shape] = random.pick(BODY_SHAPES);
      Object.assign(request, { body: undefined, ...shape() });
      request.mutation = name;
      return request;
    }
    case 'header': {
      const [name, headers] = random.pick(HEADER_MUTATIONS);
      request.headers = { ...headers };
      request.mutation = name;
      return request;
    }
    case 'param': {
      const name = random.pick(paramNames);
      const segment = random.pick(HOSTILE_PATH_SEGMENTS);
      request.path = fillPath(template, { ...encodedParams(template), [name]: segment });
      request.mutation = `path ${name} = ${segment.slice(0, 40)}`;
      return request;
    }
    default: {
      const names = [...Object.keys(template.query), 'extra'];
      const name = random.pick(names);
      const value = random.pick(HOSTILE_STRINGS);
      request.query = { ...template.query, [name]: value };
      request.mutation = `query ${name} = ${short(value)}`;
      return request;
    }
  }
}
