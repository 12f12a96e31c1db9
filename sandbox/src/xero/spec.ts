import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";

/**
 * Xero's published OpenAPI descriptions (../shared/specs/xero_accounting.yaml and
 * xero-identity.yaml) as request and response validators for the stand-in.
 *
 * Ajv (JSON Schema) compiles the yaml's own schemas, keeping their `$ref`s (each component is
 * compiled once and shared, which keeps a 900 KB description at a few hundred milliseconds);
 * this module adds what an OpenAPI validator adds on top: matching a request to its operation,
 * parameters (path, query with string coercion, header), the request body, and the response
 * by status code.
 *
 * The yaml does not describe everything Xero does. What it omits is allowed by the short list
 * below, and nothing else: every other status or shape is a violation.
 */
export const SPEC_ALLOW_LIST: ReadonlyArray<{ what: string; why: string }> = [
  { what: "429 on Accounting operations (and /connections)", why: "Xero's rate limits (minute, day, concurrent, app minute); the yaml lists no 429" },
  { what: "401 and 403 on every operation", why: "expired or revoked access tokens, a missing scope or a tenant not connected; the yaml lists no auth failures" },
  { what: "404 on operations that read or change one resource by id", why: "an unknown id; most of those operations list only 200" },
  { what: "400 on reads, with the yaml's Error schema", why: "a `where` Xero cannot parse (QueryParseException); reads list only 200" },
  { what: "500 and 503", why: "fault injection (Xero's outages); not listed in the yaml" },
  { what: "501 on operations the stand-in does not serve", why: "the stand-in serves the subset this product uses and says so rather than pretending" },
  {
    what: "granular scopes accounting.invoices, accounting.payments, accounting.banktransactions (and .read)",
    why: "Xero's scopes for apps created since March 2026; the yaml's OAuth2 scheme still lists accounting.transactions, which the stand-in also accepts",
  },
  {
    what: "identity endpoints other than /Connections: OpenID discovery, JWKS, authorize, token, revocation",
    why: "xero-identity.yaml describes only the connections API and the token request/response schemas (RefreshToken, AccessToken); token requests and answers are validated against those two",
  },
];

const SPECS_DIR = path.resolve(import.meta.dirname, "../../../../shared/specs");
const ACCOUNTING_ID = "xero_accounting.yaml";
const IDENTITY_ID = "xero-identity.yaml";
/** Where the Accounting API lives on api.xero.com. */
export const ACCOUNTING_BASE = "/api.xro/2.0";

type Json = Record<string, unknown>;

interface Param {
  name: string;
  in: "query" | "header" | "path";
  required: boolean;
  validate: ValidateFunction;
  type: string | undefined;
  /** The schema constrains the value beyond its type (a format or an enum). */
  specific: boolean;
  /** Arrays: repeated parameters (explode) or one comma-separated value (Xero's style). */
  explode: boolean;
  itemType: string | undefined;
}

export interface SpecOperation {
  operationId: string;
  api: "accounting" | "identity";
  method: string;
  /** The yaml's path template, e.g. "/Invoices/{InvoiceID}". */
  template: string;
  params: Param[];
  body: ValidateFunction | null;
  bodyRequired: boolean;
  responses: Map<string, ValidateFunction | null>;
  /** Operation reads or changes one resource named in its path. */
  byId: boolean;
}

export interface MatchedOperation {
  op: SpecOperation;
  pathParams: Record<string, string>;
}

export interface RequestParts {
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  pathParams: Record<string, string>;
  body: unknown;
}

interface Route {
  method: string;
  regex: RegExp;
  /** Operations of the same path shape, with their own parameter names (most specific first). */
  candidates: Array<{ op: SpecOperation; names: string[] }>;
}

function ajvErrors(v: ValidateFunction, where: string): string[] {
  return (v.errors ?? []).map((e) => `${where}${e.instancePath || ""} ${e.message ?? "is invalid"}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : ""}`);
}

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

function coerce(value: string, type: string | undefined): unknown {
  if (type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  if (type === "integer" || type === "number") return value.trim() !== "" && !Number.isNaN(Number(value)) ? Number(value) : value;
  return value;
}

export class XeroSpec {
  private readonly ajv: Ajv;
  private readonly routes: Route[] = [];
  private readonly byOperation = new Map<string, SpecOperation>();
  /** Validators of named components (e.g. "Error", "AccessToken"). */
  private readonly components = new Map<string, ValidateFunction>();

  private constructor(
    private readonly accounting: Json,
    identity: Json,
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, discriminator: false });
    addFormats.default(this.ajv);
    for (const f of ["int32", "int64"]) this.ajv.addFormat(f, { type: "number", validate: (n: number) => Number.isInteger(n) });
    for (const f of ["double", "float"]) this.ajv.addFormat(f, { type: "number", validate: () => true });
    for (const f of ["byte", "binary"]) this.ajv.addFormat(f, () => true);
    this.ajv.addSchema({ ...accounting, $id: ACCOUNTING_ID });
    this.ajv.addSchema({ ...identity, $id: IDENTITY_ID });
    this.index(accounting, ACCOUNTING_ID, "accounting", ACCOUNTING_BASE);
    this.index(identity, IDENTITY_ID, "identity", "");
  }

  private static cached: XeroSpec | undefined;

  /** The validators, built once per process (the yaml is parsed lazily, about a second). */
  static load(): XeroSpec {
    if (!XeroSpec.cached) {
      const read = (name: string) => parseYaml(readFileSync(path.join(SPECS_DIR, name), "utf8"), { maxAliasCount: -1 }) as Json;
      XeroSpec.cached = new XeroSpec(read(ACCOUNTING_ID), read(IDENTITY_ID));
    }
    return XeroSpec.cached;
  }

  private ref(docId: string, ...parts: string[]): ValidateFunction {
    return this.ajv.compile({ $ref: `${docId}#/${pointer(...parts)}` });
  }

  /** Compiles lazily: most of the yaml's operations are never called. */
  private lazy(docId: string, ...parts: string[]): ValidateFunction {
    let compiled: ValidateFunction | undefined;
    const fn = ((data: unknown) => {
      compiled ??= this.ref(docId, ...parts);
      const ok = compiled(data);
      fn.errors = compiled.errors;
      return ok;
    }) as ValidateFunction;
    return fn;
  }

  private resolve(doc: Json, node: Json): Json {
    const ref = node.$ref;
    if (typeof ref !== "string") return node;
    let cur: unknown = doc;
    for (const p of ref.replace(/^#\//, "").split("/")) cur = (cur as Json)[p.replace(/~1/g, "/").replace(/~0/g, "~")];
    return cur as Json;
  }

  private index(doc: Json, docId: string, api: "accounting" | "identity", prefix: string): void {
    const paths = doc.paths as Record<string, Json>;
    for (const [template, item] of Object.entries(paths)) {
      const shared = ((item.parameters as Json[] | undefined) ?? []).map((p, i) => ({ p, at: ["paths", template, "parameters", String(i)] }));
      for (const method of ["get", "put", "post", "delete", "patch"]) {
        const opDef = item[method] as Json | undefined;
        if (!opDef) continue;
        const own = ((opDef.parameters as Json[] | undefined) ?? []).map((p, i) => ({ p, at: ["paths", template, method, "parameters", String(i)] }));
        const params: Param[] = [];
        for (const { p, at } of [...shared, ...own]) {
          const def = this.resolve(doc, p);
          const schemaAt = typeof p.$ref === "string" ? [...(p.$ref as string).replace(/^#\//, "").split("/").map((s) => s.replace(/~1/g, "/")), "schema"] : [...at, "schema"];
          params.push({
            name: String(def.name),
            in: def.in as Param["in"],
            required: def.required === true,
            validate: this.lazy(docId, ...schemaAt),
            type: ((def.schema as Json | undefined)?.type as string | undefined) ?? undefined,
            specific: Boolean((def.schema as Json | undefined)?.format || (def.schema as Json | undefined)?.enum),
            explode: def.explode === undefined ? def.style === undefined || def.style === "form" : def.explode === true,
            itemType: (((def.schema as Json | undefined)?.items as Json | undefined)?.type as string | undefined) ?? undefined,
          });
        }
        const rb = opDef.requestBody ? this.resolve(doc, opDef.requestBody as Json) : undefined;
        const rbJson = (rb?.content as Json | undefined)?.["application/json"] as Json | undefined;
        const responses = new Map<string, ValidateFunction | null>();
        for (const [code, r] of Object.entries((opDef.responses as Json) ?? {})) {
          const resolved = this.resolve(doc, r as Json);
          const json = ((resolved.content as Json | undefined)?.["application/json"] as Json | undefined)?.schema;
          const at = typeof (r as Json).$ref === "string" ? [...((r as Json).$ref as string).replace(/^#\//, "").split("/"), "content", "application/json", "schema"] : ["paths", template, method, "responses", code, "content", "application/json", "schema"];
          responses.set(code, json ? this.lazy(docId, ...at) : null);
        }
        const rbRef = (opDef.requestBody as Json | undefined)?.$ref;
        const bodyAt =
          typeof rbRef === "string"
            ? [...rbRef.replace(/^#\//, "").split("/"), "content", "application/json", "schema"]
            : ["paths", template, method, "requestBody", "content", "application/json", "schema"];
        const op: SpecOperation = {
          operationId: String(opDef.operationId),
          api,
          method: method.toUpperCase(),
          template,
          params,
          body: rbJson?.schema ? this.lazy(docId, ...bodyAt) : null,
          bodyRequired: rb?.required === true,
          responses,
          byId: /\{[^}]+\}(\/[A-Za-z]+)?$/.test(template),
        };
        this.byOperation.set(op.operationId, op);
        const names: string[] = [];
        const source = (prefix + template).replace(/[.]/g, "\\.").replace(/\{([^}]+)\}/g, (_m, n: string) => {
          names.push(n);
          return "([^/]+)";
        });
        const regex = new RegExp(`^${source}/?$`, "i");
        const existing = this.routes.find((r) => r.method === op.method && r.regex.source === regex.source);
        if (existing) {
          existing.candidates.push({ op, names });
          const specificity = (o: SpecOperation) => o.params.filter((p) => p.in === "path" && p.specific).length;
          existing.candidates.sort((a, b) => specificity(b.op) - specificity(a.op));
        } else this.routes.push({ method: op.method, regex, candidates: [{ op, names }] });
      }
    }
    // Literal segments win over parameters (e.g. /Invoices/{InvoiceID} vs /Invoices/Foo).
    this.routes.sort((a, b) => (a.candidates[0]?.names.length ?? 0) - (b.candidates[0]?.names.length ?? 0));
  }

  /** The operation a request is for (paths match case-insensitively, as at Xero), or null. */
  match(method: string, pathname: string): MatchedOperation | null {
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.regex.exec(pathname);
      if (!m) continue;
      // Same shape, different parameter (ContactID vs ContactNumber): the first whose path
      // parameters validate.
      for (const [i, { op, names }] of r.candidates.entries()) {
        const pathParams = Object.fromEntries(names.map((n, j) => [n, decodeURIComponent(m[j + 1] ?? "")]));
        const ok = op.params.filter((p) => p.in === "path").every((p) => p.validate(pathParams[p.name]));
        if (ok || i === r.candidates.length - 1) return { op, pathParams };
      }
    }
    return null;
  }

  operation(operationId: string): SpecOperation {
    const op = this.byOperation.get(operationId);
    if (!op) throw new Error(`no operation ${operationId} in Xero's yaml`);
    return op;
  }

  /** Schema errors of a request (empty: it conforms). */
  validateRequest(op: SpecOperation, req: RequestParts): string[] {
    const errors: string[] = [];
    for (const p of op.params) {
      let raw: string | undefined;
      if (p.in === "query") raw = req.query.get(p.name) ?? [...req.query.entries()].find(([k]) => k.toLowerCase() === p.name.toLowerCase())?.[1];
      else if (p.in === "header") {
        const h = req.headers[p.name.toLowerCase()];
        raw = Array.isArray(h) ? h[0] : h;
      } else raw = req.pathParams[p.name];
      if (raw === undefined) {
        if (p.required) errors.push(`${p.in} parameter ${p.name} is required`);
        continue;
      }
      let value: unknown;
      if (p.type === "array") {
        const parts = p.explode && p.in === "query" ? req.query.getAll(p.name) : raw.split(",");
        value = parts.map((v) => coerce(v.trim(), p.itemType));
      } else value = coerce(raw, p.type);
      if (!p.validate(value)) errors.push(...ajvErrors(p.validate, `${p.in} parameter ${p.name}`));
    }
    if (op.body) {
      if (req.body === undefined) {
        if (op.bodyRequired) errors.push("a JSON request body is required");
      } else if (!op.body(req.body)) errors.push(...ajvErrors(op.body, "body"));
    }
    return errors;
  }

  /**
   * Schema errors of a response (empty: it conforms, or the allow-list covers it). A status the
   * yaml does not list for the operation is a violation unless SPEC_ALLOW_LIST names it.
   */
  validateResponse(op: SpecOperation, status: number, body: unknown): string[] {
    const listed = op.responses.has(String(status)) ? op.responses.get(String(status)) : op.responses.get("default");
    if (listed !== undefined) {
      if (listed === null) return [];
      return listed(body) ? [] : ajvErrors(listed, `response ${status} body`);
    }
    if ([401, 403, 429, 500, 501, 503].includes(status)) return [];
    if (status === 404 && op.byId) return [];
    if (status === 400 && op.method === "GET" && op.api === "accounting") return this.validateComponent("accounting", "Error", body, "response 400 body");
    return [`status ${status} is not a response of ${op.operationId} in the yaml (and not on the allow-list)`];
  }

  /** Lower-case property names of an Accounting component schema (for `where` field checks). */
  propertyNames(component: string): Set<string> {
    const schemas = (this.accounting.components as Json).schemas as Record<string, Json>;
    return new Set(Object.keys((schemas[component]?.properties as Json | undefined) ?? {}).map((k) => k.toLowerCase()));
  }

  /** Validates against a named component schema of either yaml. */
  validateComponent(api: "accounting" | "identity", name: string, data: unknown, where = name): string[] {
    const key = `${api}:${name}`;
    let v = this.components.get(key);
    if (!v) {
      v = this.ref(api === "accounting" ? ACCOUNTING_ID : IDENTITY_ID, "components", "schemas", name);
      this.components.set(key, v);
    }
    return v(data) ? [] : ajvErrors(v, where);
  }
}
