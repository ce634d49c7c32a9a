import type { RouteDefinition } from '../../../src/api/routes/route.js';
import { hex24, sampleFor } from './sample.js';

/** One generated request. Bodies are raw text so that JSON a JS object cannot hold (`__proto__`, 2^53+1) is sent as is. */
export interface HostileCase {
  label: string;
  route: RouteDefinition;
  method: RouteDefinition['method'];
  url: string;
  body?: string;
  headers: Record<string, string>;
}

/** What the sweep needs to know about the world it runs in. */
export interface SweepContext {
  random: () => number;
  /** Existing ids by path-parameter name (e.g. `model_id`), so "valid and present" is covered too. */
  existing: Record<string, string>;
  bodyLimitBytes: number;
}

const HOLE = '\u0001HOSTILE\u0001';
const HOLE_JSON = JSON.stringify(HOLE);

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** JSON fragments put in place of any value: wrong types, boundaries, operators, pollution. */
export function hostileValues(random: () => number): [string, string][] {
  return [
    ['null', 'null'], ['true', 'true'], ['[]', '[]'], ['{}', '{}'], ['0', '0'], ['-1', '-1'], ['1.5', '1.5'],
    ['1e308', '1e308'], ['-1e308', '-1e308'], ['-0', '-0'], ['2^53+1', '9007199254740993'], ['5e-324', '5e-324'],
    ['1e400', '1e400'], ['stale version 424242', '424242'],
    ['"NaN"', '"NaN"'], ['"Infinity"', '"Infinity"'], ['"-Infinity"', '"-Infinity"'], ['""', '""'], ['"-0"', '"-0"'],
    ['"1e308"', '"1e308"'], ['"9007199254740993"', '"9007199254740993"'], ['NUL char', '"\\u0000"'], ['lone surrogate', '"\\ud800"'],
    ['400 digits', `"${'9'.repeat(400)}"`], ['10 kB string', `"${'s'.repeat(10_000)}"`],
    ['foreign ObjectId', `"${hex24(random)}"`], ['invalid ObjectId', '"zzzzzzzzzzzzzzzzzzzzzzzz"'],
    ['{$oid}', `{"$oid":"${hex24(random)}"}`], ['{$date}', '{"$date":"2020-01-01T00:00:00Z"}'],
    ['{$where}', '{"$where":"sleep(100)"}'], ['{$gt}', '{"$gt":""}'], ['{$ne:null}', '{"$ne":null}'],
    ['{a.b}', '{"a.b":1}'], ['nested $set', '{"a":{"b":[{"$set":{"x":1}}]}}'], ['[{$where}]', '[{"$where":"1"}]'],
    ['__proto__', '{"__proto__":{"polluted":"yes"}}'], ['constructor.prototype', '{"constructor":{"prototype":{"polluted":"yes"}}}'],
    ['depth 40', nestedObjects(40)],
  ];
}

/** Every value position in a sample (`[]` is the whole body), breadth first. */
function valuePaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) out.push(...valuePaths(child, [...prefix, Array.isArray(value) ? Number(key) : key]));
  }
  return out;
}

function withHole(base: unknown, path: (string | number)[]): string {
  if (path.length === 0) return HOLE_JSON;
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = HOLE;
  return JSON.stringify(copy);
}

const fill = (template: string, fragment: string) => template.replace(HOLE_JSON, () => fragment);

/** `{"k":v,` + the rest of the base object, so keys like `__proto__` reach the parser verbatim. */
function withExtraKey(base: unknown, key: string, fragment: string): string | undefined {
  if (!base || typeof base !== 'object' || Array.isArray(base)) return undefined;
  const rest = JSON.stringify(base).slice(1);
  return `{${JSON.stringify(key)}:${fragment}${rest === '}' ? '' : ','}${rest}`;
}

function pick<T>(items: T[], count: number, random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

export const paramNames = (path: string) => [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!);

function fillPath(route: RouteDefinition, ctx: SweepContext, override?: [string, string]): string {
  return route.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) =>
    override?.[0] === name ? override[1] : (ctx.existing[name] ?? hex24(ctx.random)),
  );
}

function queryString(query: Record<string, unknown> | undefined): string {
  const entries = Object.entries(query ?? {}).filter(([, v]) => v !== undefined);
  return entries.length ? `?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}` : '';
}

/** Path-parameter cases: present, missing-but-valid, foreign, invalid and hostile ids. */
export function paramCases(route: RouteDefinition, ctx: SweepContext, base: Base): HostileCase[] {
  const ids = [
    ['missing valid id', hex24(ctx.random)], ['uppercase foreign id', hex24(ctx.random).toUpperCase()],
    ['23 chars', hex24(ctx.random).slice(1)], ['25 chars', `${hex24(ctx.random)}a`], ['non-hex', 'zzzzzzzzzzzzzzzzzzzzzzzz'],
    ['%00', '%00'], ['bad percent-encoding', '%E0%A4%A'], ['lone %', '%'], ['dot-dot', '..%2F..%2Fadmin'], ['__proto__', '__proto__'],
    ['constructor', 'constructor'], ['$where', '%24where'], ['a.b', 'a.b'], ['5,000 chars', 'x'.repeat(5_000)], ['unicode', '%E2%9C%93'],
    ['-0', '-0'], ['1e308', '1e308'], ['NaN', 'NaN'],
  ];
  return paramNames(route.path).flatMap((name) => [
    ...(ctx.existing[name] ? [['existing id', ctx.existing[name]]] : []),
    ...ids,
  ].map(([label, id]) => ({ ...base, label: `param ${name} = ${label}`, url: fillPath(route, ctx, [name, id!]) + base.query })));
}

/** Query cases: hostile values for each known key, duplicates, operators and unknown keys. */
export function queryCases(route: RouteDefinition, ctx: SweepContext, base: Base): HostileCase[] {
  const keys = Object.keys((route.query && (sampleFor(route.query, ctx.random) as object)) ?? {});
  const bad = ['', '-1', '-0', '1.5', '1e308', '9007199254740993', 'NaN', 'Infinity', 'x', '%00', '%24where', 'a'.repeat(10_000), '__proto__'];
  const perKey = [...keys, 'limit', 'offset', 'sort_by', 'version', 'wait'].flatMap((key) => [
    ...bad.map((v) => [`${key}=${v.slice(0, 20)}`, `${key}=${v}`]),
    [`duplicate ${key}`, `${key}=1&${key}=2`], [`${key}[$ne]`, `${key}[%24ne]=1`], [`${key}[]`, `${key}[]=1`],
  ]);
  const general = [
    ['$where key', '%24where=1'], ['dotted key', 'a.b=1'], ['__proto__ key', '__proto__[polluted]=yes'],
    ['constructor key', 'constructor[prototype][polluted]=yes'], ['1,000 params', Array.from({ length: 1_000 }, (_, i) => `p${i}=1`).join('&')],
    ['sort_by unknown', 'sort_by=%24natural'], ['sort_by twice', 'sort_by=name,name'], ['sort_by empty parts', 'sort_by=,,,'],
  ];
  const path = fillPath(route, ctx);
  const sep = (q: string) => (base.query ? `${base.query}&${q}` : `?${q}`);
  return pick(perKey, 30, ctx.random).concat(general).map(([label, q]) => ({ ...base, label: `query ${label}`, url: path + sep(q!) }));
}

/** Body cases: hostile values at every position, missing and extra fields, depth, size, syntax and media type. */
export function bodyCases(route: RouteDefinition, ctx: SweepContext, base: Base, sample: unknown): HostileCase[] {
  const values = hostileValues(ctx.random);
  const json = { 'Content-Type': 'application/json' };
  const mk = (label: string, body: string, headers: Record<string, string> = json): HostileCase => ({ ...base, label: `body ${label}`, body, headers });
  const positional = valuePaths(sample).flatMap((path) =>
    values.map(([label, fragment]) => mk(`${path.join('.') || '(whole)'} = ${label}`, fill(withHole(sample, path), fragment))),
  );
  const missing = valuePaths(sample)
    .filter((p) => p.length > 0 && typeof p[p.length - 1] === 'string')
    .map((path) => {
      const copy = structuredClone(sample) as Record<string, unknown>;
      let node = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      delete node[path[path.length - 1] as string];
      return mk(`without ${path.join('.')}`, JSON.stringify(copy));
    });
  const extra = values.flatMap(([label, fragment]) =>
    ['__proto__', 'constructor', '$where', 'a.b', 'extra'].flatMap((key) => {
      const body = withExtraKey(sample, key, fragment);
      return body ? [mk(`extra key ${key} = ${label}`, body)] : [];
    }),
  );
  const sampleJson = JSON.stringify(sample);
  const fixed = [
    mk('valid sample', sampleJson),
    mk('depth 1,000 arrays', nestedArrays(1_000)), mk('depth 1,000 objects', nestedObjects(1_000)),
    mk('1 MB string', `"${'x'.repeat(1 << 20)}"`),
    mk('1 MB string in a field', fill(withHole(sample, valuePaths(sample).at(-1)!), `"${'y'.repeat(1 << 20)}"`)),
    mk('over BODY_LIMIT', `"${'z'.repeat(ctx.bodyLimitBytes + 1_024)}"`),
    mk('malformed {', '{'), mk('malformed trailing comma', '{"a":1,}'), mk('single quotes', "{'a':1}"), mk('bare NaN', 'NaN'),
    mk('empty with JSON type', ''), mk('duplicate keys', sampleJson.startsWith('{') && sampleJson !== '{}' ? `${sampleJson.slice(0, -1)},${sampleJson.slice(1)}` : '{"a":1,"a":2}'),
    mk('text/plain', sampleJson, { 'Content-Type': 'text/plain' }),
    mk('form-urlencoded', 'a=1&__proto__[x]=1', { 'Content-Type': 'application/x-www-form-urlencoded' }),
    mk('multipart', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--', { 'Content-Type': 'multipart/form-data; boundary=x' }),
    mk('utf-16 charset', sampleJson, { 'Content-Type': 'application/json; charset=utf-16' }),
    mk('unknown charset', sampleJson, { 'Content-Type': 'application/json; charset=x-klingon' }),
    mk('gzip claimed, not gzip', sampleJson, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }),
    mk('unknown encoding', sampleJson, { 'Content-Type': 'application/json', 'Content-Encoding': 'x-zip' }),
    mk('vnd+json', sampleJson, { 'Content-Type': 'application/vnd.api+json' }),
    mk('no content type', sampleJson, {}),
    mk('xml', '<a/>', { 'Content-Type': 'application/xml' }),
  ];
  return [...fixed, ...pick(missing, 10, ctx.random), ...pick(extra, 20, ctx.random), ...pick(positional, 45, ctx.random)];
}

export type Base = Omit<HostileCase, 'label'> & { query: string };

/** All cases for one route. Routes without a body still get hostile bodies: they must ignore or refuse them. */
export function casesFor(route: RouteDefinition, ctx: SweepContext): HostileCase[] {
  const query = queryString(route.query ? (sampleFor(route.query, ctx.random) as Record<string, unknown>) : undefined);
  const sample = route.body ? sampleFor(route.body, ctx.random) : { probe: 1 };
  const base: Base = {
    route, method: route.method, query, url: fillPath(route, ctx) + query, headers: {},
    ...(route.body ? { body: JSON.stringify(sample), headers: { 'Content-Type': 'application/json' } } : {}),
  };
  const body = bodyCases(route, ctx, base, sample);
  return [
    ...paramCases(route, ctx, base),
    ...queryCases(route, ctx, base),
    ...(route.body ? body : pick(body, 15, ctx.random)),
  ].map((c) => {
    const { query: _query, ...rest } = c as HostileCase & { query?: string };
    return rest;
  });
}
