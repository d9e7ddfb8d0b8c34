import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type Koa from 'koa';
import type { Answer } from './test-service.js';

type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** One documented operation: `POST /api/v1/campaigns/{id}/start` and its documented answers by status. */
export interface Operation {
  method: string;
  path: string;
  key: string;
  responses: Record<string, Json>;
  parameters: Json[];
  secured: boolean;
}

/**
 * The OpenAPI document as the contract tests use it: its operations, and a check of a real answer against
 * the answer the document lists for its status (status listed, required headers present, media type and
 * body valid under the document's JSON Schema 2020-12).
 */
export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: true });
  private readonly validators = new Map<object, ValidateFunction>();

  constructor(readonly document: Json) {
    (formats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    this.ajv.addSchema({ $id: 'openapi', $defs: toLocalRefs(document.components?.schemas ?? {}) });
  }

  operations(): Operation[] {
    return Object.entries(this.document.paths as Record<string, Json>).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method] !== undefined).map((method) => {
        const operation = item[method] as Json;
        const security = (operation.security ?? this.document.security ?? []) as Json[];
        return {
          method: method.toUpperCase(),
          path,
          key: `${method.toUpperCase()} ${path}`,
          responses: operation.responses as Record<string, Json>,
          parameters: ((operation.parameters ?? []) as Json[]).map((p) => this.resolve(p)),
          secured: security.length > 0,
        };
      }),
    );
  }

  /** The methods the document lists for `path` (`GET`, `POST`, ...). */
  methodsOf(path: string): string[] {
    const item = (this.document.paths as Record<string, Json>)[path] ?? {};
    return METHODS.filter((method) => item[method] !== undefined).map((method) => method.toUpperCase());
  }

  /** Compiles every JSON Schema in the document (throws on the first that does not compile); answers how many. */
  compileAll(): number {
    const schemas: object[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) {
        for (const item of node) collect(item);
        return;
      }
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'schema') schemas.push(value as object);
        else collect(value);
      }
    };
    const { schemas: named = {}, ...otherComponents } = (this.document.components ?? {}) as Json;
    collect([this.document.paths, otherComponents]);
    schemas.push(...Object.keys(named).map((name) => ({ $ref: `#/components/schemas/${name}` })));
    for (const schema of schemas) this.validator(schema);
    return schemas.length;
  }

  /** What is wrong with `answer` as an answer of `label` whose documented answers are `responses`; [] when nothing. */
  problemsWith(label: string, responses: Record<string, Json>, answer: Answer): string[] {
    const listed = responses[String(answer.status)];
    if (listed === undefined) {
      return [
        `${label} answered ${answer.status}, a status the document does not list for it (${Object.keys(responses).join(', ')}): ${answer.text.slice(0, 300)}`,
      ];
    }
    const documented = this.resolve(listed);
    const problems: string[] = [];
    for (const [name, reference] of Object.entries((documented.headers ?? {}) as Record<string, Json>)) {
      const header = this.resolve(reference);
      const value = answer.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${label} ${answer.status}: the required header ${name} is missing`);
      } else if (header.schema !== undefined) {
        problems.push(...this.validate(`${label} ${answer.status} header ${name}`, header.schema, value));
      }
    }
    const content = (documented.content ?? {}) as Record<string, Json>;
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (Object.keys(content).length === 0) {
      if (answer.text !== '') problems.push(`${label} ${answer.status}: a body the document does not describe`);
      return problems;
    }
    const described = content[mediaType];
    if (described === undefined) {
      return [
        ...problems,
        `${label} ${answer.status}: media type "${mediaType}" is not documented (${Object.keys(content).join(', ')})`,
      ];
    }
    const json = mediaType === 'application/json' || mediaType.endsWith('+json');
    // Schemas check types and shapes: a JSON number past 2^53 is a number here, whatever its exact digits.
    const body = json ? (answer.text === '' ? undefined : JSON.parse(answer.text)) : answer.text;
    if (described.schema !== undefined)
      problems.push(...this.validate(`${label} ${answer.status} body`, described.schema, body));
    return problems;
  }

  /** Whether `value` is valid under `schema` (a schema of the document, `{ $ref: '#/components/schemas/X' }` too). */
  accepts(schema: object, value: unknown): boolean {
    return this.validator(schema)(value) === true;
  }

  /** The object a `$ref` (`#/components/...`) points at, or the object itself. */
  resolve(node: Json): Json {
    if (typeof node.$ref !== 'string') return node;
    const target = (node.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<any>((at, part) => at?.[part], this.document);
    if (target === undefined) throw new Error(`unresolved reference ${node.$ref}`);
    return this.resolve(target);
  }

  private validate(label: string, schema: object, value: unknown): string[] {
    const validator = this.validator(schema);
    if (validator(value)) return [];
    const errors = (validator.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
    );
    return [
      `${label} does not match the document: ${errors.join('; ')}\n  value: ${JSON.stringify(value)?.slice(0, 400)}`,
    ];
  }

  private validator(schema: object): ValidateFunction {
    let validator = this.validators.get(schema);
    if (validator === undefined) {
      validator = this.ajv.compile(toLocalRefs(schema, 'openapi'));
      this.validators.set(schema, validator);
    }
    return validator;
  }
}

/** `#/components/schemas/X` as a reference into the `$defs` of the schema registered as `openapi`. */
function toLocalRefs<T>(node: T, base = ''): T {
  if (Array.isArray(node)) return node.map((item) => toLocalRefs(item, base)) as T;
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key === '$ref' && typeof value === 'string'
        ? [key, value.replace(/^#\/components\/schemas\//, `${base}#/$defs/`)]
        : [key, toLocalRefs(value, base)],
    ),
  ) as T;
}

/** Every `METHOD /path` the app's routers serve, with `:id` written `{id}` as in the document (HEAD left out). */
export function servedRoutes(app: Koa): string[] {
  const layers = app.middleware.flatMap(
    (middleware) =>
      (middleware as { router?: { stack: Array<{ path: string; methods: string[] }> } }).router?.stack ?? [],
  );
  const routes = layers.flatMap((layer) =>
    layer.methods
      .filter((method) => method !== 'HEAD')
      .map((method) => `${method} ${layer.path.replace(/:(\w+)/g, '{$1}')}`),
  );
  return [...new Set(routes)].filter((route) => !CONSOLE_ROUTE.test(route)).sort();
}

/** The operator console's page and files are a client of the API, not part of it; the browser tests cover them. */
const CONSOLE_ROUTE = /^GET (\/[^/]+)*\/console(\/|$)/;
