/**
 * Renders an OpenAPI 3.1 document as one self-contained HTML reference page: a sidebar of
 * tags and operations; for each operation its method, path, summary, security,
 * parameters, request body and responses; then every named schema. JSON schemas are shown
 * as property tables. Plain HTML with inline CSS: no scripts, nothing loaded from
 * elsewhere, so it works offline and under a strict CSP. Everything from the document is
 * HTML-escaped; nothing in it becomes a link except anchors within the page.
 */
import { DOCS_PAGE_CSS } from "./docs-page.styles.ts";

type Json = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

interface Operation {
  method: string;
  path: string;
  op: Json;
  params: Json[];
  anchor: string;
}

/** What the page shows of a document, read once: operations grouped by tag, schemas, security. */
interface DocsModel {
  doc: Json;
  info: Json;
  title: string;
  version: string | undefined;
  schemas: Json;
  securitySchemes: Json;
  ops: Operation[];
  /** Tags that have operations, in the document's order, then in order of first use. */
  tags: string[];
  tagDescriptions: Map<string, string | undefined>;
  opsByTag: Map<string, Operation[]>;
  servers: string[];
}

export function renderDocsPage(doc: object): string {
  const model = readDocument(doc as Json);
  const r = new Renderer(model.schemas);
  return pageHtml(model.title, navHtml(model), [
    overviewHtml(model),
    authenticationHtml(model.securitySchemes),
    errorsHtml(model.schemas),
    tagSectionsHtml(model, r),
    schemasHtml(model.schemas, r),
  ]);
}

function readDocument(d: Json): DocsModel {
  const info = obj(d.info) ?? {};
  const components = obj(d.components) ?? {};
  const ops = operations(d);
  const { tags, tagDescriptions, opsByTag } = groupByTag(arr(d.tags), ops);
  return {
    doc: d,
    info,
    title: str(info.title) ?? "API reference",
    version: str(info.version),
    schemas: obj(components.schemas) ?? {},
    securitySchemes: obj(components.securitySchemes) ?? {},
    ops,
    tags,
    tagDescriptions,
    opsByTag,
    servers: arr(d.servers)
      .map((s) => str(obj(s)?.url))
      .filter((u): u is string => Boolean(u)),
  };
}

/** Operations under each of their tags ("Other" when they have none); tags without operations are left out. */
function groupByTag(declared: unknown[], ops: Operation[]): Pick<DocsModel, "tags" | "tagDescriptions" | "opsByTag"> {
  const tagDescriptions = new Map<string, string | undefined>();
  for (const t of declared) {
    const name = str(obj(t)?.name);
    if (name) tagDescriptions.set(name, str(obj(t)?.description));
  }
  const opsByTag = new Map<string, Operation[]>();
  for (const o of ops) {
    const tags = arr(o.op.tags).map(str).filter((t): t is string => Boolean(t));
    for (const tag of tags.length ? tags : ["Other"]) {
      if (!tagDescriptions.has(tag)) tagDescriptions.set(tag, undefined);
      opsByTag.set(tag, [...(opsByTag.get(tag) ?? []), o]);
    }
  }
  const tags = [...tagDescriptions.keys()].filter((t) => opsByTag.has(t));
  return { tags, tagDescriptions, opsByTag };
}

function pageHtml(title: string, nav: string, main: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} · Reference</title>
<style>${DOCS_PAGE_CSS}</style>
</head>
<body>
<div class="layout">
${nav}
<main>
${main.join("\n")}
<footer>Generated from the service's OpenAPI document.</footer>
</main>
</div>
</body>
</html>
`;
}

function navHtml(m: DocsModel): string {
  return `
<nav class="sidebar" aria-label="Contents">
  <div class="brand"><span class="logo" aria-hidden="true">◆</span> ${esc(m.title)}</div>
  <ul class="nav-top">
    <li><a href="#overview">Overview</a></li>
    ${Object.keys(m.securitySchemes).length ? `<li><a href="#authentication">Authentication</a></li>` : ""}
    <li><a href="#errors">Errors</a></li>
  </ul>
  ${m.tags.map((tag) => navGroupHtml(tag, m.opsByTag.get(tag) ?? [])).join("")}
  ${
    Object.keys(m.schemas).length
      ? `<div class="nav-group"><a class="nav-tag" href="#schemas">Schemas</a><ul>${Object.keys(m.schemas)
          .map((name) => `<li><a href="#${schemaAnchor(name)}">${esc(name)}</a></li>`)
          .join("")}</ul></div>`
      : ""
  }
</nav>`;
}

function navGroupHtml(tag: string, ops: Operation[]): string {
  return `
  <div class="nav-group">
    <a class="nav-tag" href="#${tagAnchor(tag)}">${esc(tag)}</a>
    <ul>${ops
      .map(
        (o) =>
          `<li><a href="#${o.anchor}"><span class="m m-${esc(o.method)}">${esc(o.method.toUpperCase())}</span><span class="nav-path">${esc(o.path)}</span></a></li>`,
      )
      .join("")}</ul>
  </div>`;
}

function overviewHtml(m: DocsModel): string {
  const openapi = str(m.doc.openapi);
  return `
<header class="hero" id="overview">
  <div class="hero-top">
    <h1>${esc(m.title)}</h1>
    ${m.version ? `<span class="pill">v${esc(m.version)}</span>` : ""}
    ${openapi ? `<span class="pill pill-muted">OpenAPI ${esc(openapi)}</span>` : ""}
  </div>
  ${prose(str(m.info.description))}
  <dl class="facts">
    ${m.servers.length ? `<dt>Base URL</dt><dd>${m.servers.map((u) => `<code>${esc(u)}</code>`).join(" ")}</dd>` : ""}
    <dt>Machine-readable description</dt><dd><a href="openapi.json"><code>openapi.json</code></a></dd>
    <dt>Operations</dt><dd>${m.ops.length}</dd>
  </dl>
</header>`;
}

function authenticationHtml(securitySchemes: Json): string {
  if (!Object.keys(securitySchemes).length) return "";
  return `
<section id="authentication" class="block">
  <h2>Authentication</h2>
  ${Object.entries(securitySchemes)
    .map(([name, raw]) => securitySchemeHtml(name, obj(raw) ?? {}))
    .join("")}
</section>`;
}

function securitySchemeHtml(name: string, s: Json): string {
  const kind =
    s.type === "http"
      ? `HTTP ${esc(str(s.scheme) ?? "")}${s.bearerFormat ? ` (${esc(str(s.bearerFormat) ?? "")})` : ""}`
      : s.type === "apiKey"
        ? `API key in ${esc(str(s.in) ?? "")} <code>${esc(str(s.name) ?? "")}</code>`
        : esc(str(s.type) ?? "");
  const header =
    s.type === "http" && str(s.scheme)?.toLowerCase() === "bearer"
      ? `<pre class="snippet">Authorization: Bearer &lt;token&gt;</pre>`
      : "";
  return `<div class="card" id="${securityAnchor(name)}"><h3><span class="lock" aria-hidden="true">🔒</span> <code>${esc(name)}</code> <span class="muted">${kind}</span></h3>${prose(str(s.description))}${header}</div>`;
}

/** An example of the problem body every error response has. */
const EXAMPLE_PROBLEM = {
  type: "/problems/validation-failed",
  title: "Unprocessable Content",
  status: 422,
  detail: "The request body is invalid; see errors.",
  instance: "/v1/example",
  code: "validation_failed",
  requestId: "4f0e…",
  errors: [{ in: "body", path: "quantity", pointer: "/quantity", code: "too_small", message: "Too small: expected number to be >=1" }],
};

function errorsHtml(schemas: Json): string {
  return `
<section id="errors" class="block">
  <h2>Errors</h2>
  <p>Every error response is a problem details object (RFC 9457) served as <code>application/problem+json</code>:
  <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, <code>instance</code>, a stable
  machine-readable <code>code</code> to branch on, and the <code>requestId</code>. Validation errors (400 for parameters,
  422 for request bodies) list every invalid value in <code>errors</code>, each with where it is (<code>in</code>,
  <code>path</code>, <code>pointer</code>), a <code>code</code> and a <code>message</code>.${
    schemas.Problem ? ` See <a href="#${schemaAnchor("Problem")}">Problem</a>.` : ""
  }</p>
  <pre class="snippet">${esc(JSON.stringify(EXAMPLE_PROBLEM, null, 2))}</pre>
</section>`;
}

function tagSectionsHtml(m: DocsModel, r: Renderer): string {
  return m.tags
    .map(
      (tag) => `
<section class="block" id="${tagAnchor(tag)}">
  <h2>${esc(tag)}</h2>
  ${prose(m.tagDescriptions.get(tag))}
  ${(m.opsByTag.get(tag) ?? []).map((o) => r.operation(o)).join("")}
</section>`,
    )
    .join("");
}

function schemasHtml(schemas: Json, r: Renderer): string {
  if (!Object.keys(schemas).length) return "";
  return `
<section class="block" id="schemas">
  <h2>Schemas</h2>
  ${Object.entries(schemas)
    .map(
      ([name, s]) => `<div class="card schema-card" id="${schemaAnchor(name)}"><h3><code>${esc(name)}</code></h3>${r.schemaBlock(obj(s) ?? {}, false)}</div>`,
    )
    .join("")}
</section>`;
}

function operations(d: Json): Operation[] {
  const out: Operation[] = [];
  const used = new Set<string>();
  for (const [path, rawItem] of Object.entries(obj(d.paths) ?? {})) {
    const item = obj(rawItem) ?? {};
    const shared = arr(item.parameters).map((p) => obj(p) ?? {});
    for (const method of METHODS) {
      const op = obj(item[method]);
      if (!op) continue;
      let anchor = `op-${method}-${slug(path)}`;
      while (used.has(anchor)) anchor += "-";
      used.add(anchor);
      out.push({ method, path, op, params: [...shared, ...arr(op.parameters).map((p) => obj(p) ?? {})], anchor });
    }
  }
  return out;
}

class Renderer {
  constructor(private readonly schemas: Json) {}

  operation(o: Operation): string {
    const { op } = o;
    const security = arr(op.security)
      .flatMap((s) => Object.keys(obj(s) ?? {}))
      .map((name) => `<a class="badge badge-lock" href="#${securityAnchor(name)}">🔒 ${esc(name)}</a>`)
      .join(" ");
    const summary = str(op.summary);
    const deprecated = op.deprecated === true ? `<span class="badge badge-warn">deprecated</span>` : "";
    return `
<article class="op" id="${o.anchor}">
  <div class="op-head">
    <span class="m m-${esc(o.method)}">${esc(o.method.toUpperCase())}</span>
    <code class="op-path">${pathHtml(o.path)}</code>
    ${deprecated}
    <span class="op-security">${security || `<span class="badge badge-open">no auth</span>`}</span>
  </div>
  <div class="op-body">
    ${summary ? `<h3 class="op-summary">${esc(summary)}</h3>` : ""}
    ${prose(str(op.description))}
    ${this.parameters(o.params)}
    ${this.requestBody(obj(op.requestBody))}
    ${this.responses(obj(op.responses) ?? {})}
  </div>
</article>`;
  }

  private parameters(params: Json[]): string {
    if (!params.length) return "";
    const rows = params
      .map((raw) => {
        const p = this.deref(raw);
        const schema = obj(p.schema) ?? {};
        return `<tr>
  <td><code class="prop">${esc(str(p.name) ?? "")}</code>${p.required ? ` <span class="req">required</span>` : ""}</td>
  <td><span class="in in-${esc(str(p.in) ?? "")}">${esc(str(p.in) ?? "")}</span></td>
  <td class="type">${this.typeLabel(schema)}</td>
  <td>${prose(str(p.description) ?? str(schema.description))}${this.constraints(schema)}</td>
</tr>`;
      })
      .join("");
    return `<h4>Parameters</h4>
<div class="table-wrap"><table class="params"><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  }

  private requestBody(body: Json | undefined): string {
    if (!body) return "";
    const b = this.deref(body);
    const content = Object.entries(obj(b.content) ?? {});
    return `<h4>Request body ${b.required ? `<span class="req">required</span>` : `<span class="muted small">optional</span>`}</h4>
${prose(str(b.description))}
${content
  .map(
    ([type, media]) =>
      `<div class="media"><span class="ctype">${esc(type)}</span>${this.schemaBlock(obj(obj(media)?.schema) ?? {}, true)}</div>`,
  )
  .join("")}`;
  }

  private responses(responses: Json): string {
    const entries = Object.entries(responses);
    if (!entries.length) return "";
    return `<h4>Responses</h4>
<div class="responses">${entries
      .map(([status, raw]) => {
        const res = this.deref(obj(raw) ?? {});
        const content = Object.entries(obj(res.content) ?? {});
        const cls = /^[1-5]/.test(status) ? `s${status[0]}` : "sd";
        // Success bodies are shown in full; error bodies (all the same Problem) as a link.
        const expand = !/^[45]/.test(status);
        const headers = Object.entries(obj(res.headers) ?? {});
        return `<div class="response">
  <div class="response-head"><span class="status ${cls}">${esc(status)}</span> <span class="response-desc">${inline(str(res.description) ?? "")}</span></div>
  ${headers.length ? `<div class="small muted">Headers: ${headers.map(([h]) => `<code>${esc(h)}</code>`).join(", ")}</div>` : ""}
  ${content
    .map(
      ([type, media]) =>
        `<div class="media"><span class="ctype">${esc(type)}</span>${this.schemaBlock(obj(obj(media)?.schema) ?? {}, expand)}</div>`,
    )
    .join("")}
</div>`;
      })
      .join("")}</div>`;
  }

  /** A schema as a block: its type line, then (for objects) a property table. */
  schemaBlock(schema: Json, expandTopRef: boolean, depth = 0): string {
    let s = schema;
    let refName: string | undefined;
    if (expandTopRef && typeof s.$ref === "string") {
      refName = refTarget(s.$ref);
      s = this.resolve(s);
    }
    const head = refName
      ? `<div class="type-line">${this.typeLabel(schema)}</div>`
      : `<div class="type-line">${this.typeLabel(s)}</div>`;
    const desc = depth === 0 && !refName ? prose(str(s.description)) : "";
    return `<div class="schema">${head}${desc}${this.constraints(s)}${this.expansion(s, depth)}</div>`;
  }

  /** Property table of an object (or of an array's item object, or an allOf's parts). */
  private expansion(s: Json, depth: number): string {
    if (depth > 6) return "";
    const shape = this.objectShape(s);
    if (shape) {
      const required = new Set(arr(shape.required).map(String));
      const props = Object.entries(obj(shape.properties) ?? {});
      if (!props.length) return "";
      return `<table class="props"><tbody>${props
        .map(([name, raw]) => {
          const p = obj(raw) ?? {};
          const nested = this.nestedExpansion(p, depth + 1);
          return `<tr>
  <td class="prop-name"><code class="prop">${esc(name)}</code>${required.has(name) ? ` <span class="req">required</span>` : ""}</td>
  <td class="type">${this.typeLabel(p)}</td>
  <td>${prose(str(p.description))}${this.constraints(p)}${nested}</td>
</tr>`;
        })
        .join("")}</tbody></table>`;
    }
    return "";
  }

  /** Inline (unnamed) objects inside a property are expanded; named ones are links. */
  private nestedExpansion(p: Json, depth: number): string {
    if (typeof p.$ref === "string") return "";
    const item = obj(p.items);
    if (p.type === "array" && item && typeof item.$ref !== "string") return this.expansion(item, depth);
    for (const key of ["anyOf", "oneOf"] as const) {
      const variants = arr(p[key]).map((v) => obj(v) ?? {});
      const objVariant = variants.find((v) => typeof v.$ref !== "string" && this.objectShape(v));
      if (objVariant) return this.expansion(objVariant, depth);
    }
    return this.expansion(p, depth);
  }

  private objectShape(s: Json): Json | undefined {
    if (obj(s.properties)) return s;
    const parts = arr(s.allOf).map((p) => this.resolve(obj(p) ?? {}));
    if (parts.length && parts.some((p) => obj(p.properties))) {
      return {
        properties: Object.assign({}, ...parts.map((p) => obj(p.properties) ?? {})),
        required: parts.flatMap((p) => arr(p.required)),
      };
    }
    return undefined;
  }

  typeLabel(s: Json): string {
    if (typeof s.$ref === "string") {
      const name = refTarget(s.$ref);
      return this.schemas[name] ? `<a class="ref" href="#${schemaAnchor(name)}">${esc(name)}</a>` : `<span class="t">${esc(name)}</span>`;
    }
    if ("const" in s) return `<span class="lit">${esc(JSON.stringify(s.const))}</span>`;
    for (const [key, sep] of [["oneOf", " | "], ["anyOf", " | "], ["allOf", " & "]] as const) {
      const parts = arr(s[key]);
      if (parts.length) return parts.map((p) => this.typeLabel(obj(p) ?? {})).join(`<span class="sep">${sep}</span>`);
    }
    const types = Array.isArray(s.type) ? s.type.map(String) : typeof s.type === "string" ? [s.type] : [];
    if (!types.length) {
      if (obj(s.properties)) return `<span class="t">object</span>`;
      return `<span class="t">any</span>`;
    }
    return types
      .map((t) => {
        if (t === "array") {
          const items = obj(s.items);
          return `<span class="t">array</span> of ${items ? this.typeLabel(items) : `<span class="t">any</span>`}`;
        }
        if (t === "object" && !obj(s.properties) && obj(s.additionalProperties)) {
          return `<span class="t">map</span> of ${this.typeLabel(obj(s.additionalProperties) ?? {})}`;
        }
        const format = str(s.format);
        return `<span class="t">${esc(t)}</span>${format ? `<span class="fmt">${esc(format)}</span>` : ""}`;
      })
      .join(`<span class="sep"> | </span>`);
  }

  constraints(s: Json): string {
    const c: string[] = [];
    const enumValues = arr(s.enum);
    if (enumValues.length) c.push(`one of ${enumValues.map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(" ")}`);
    const bound = (label: string, v: unknown) => {
      if (typeof v === "number") c.push(`${label} <code>${v}</code>`);
    };
    bound("≥", s.minimum);
    bound(">", s.exclusiveMinimum);
    bound("≤", s.maximum);
    bound("<", s.exclusiveMaximum);
    bound("min length", s.minLength);
    bound("max length", s.maxLength);
    bound("min items", s.minItems);
    bound("max items", s.maxItems);
    if (typeof s.pattern === "string") c.push(`pattern <code>${esc(s.pattern)}</code>`);
    if ("default" in s) c.push(`default <code>${esc(JSON.stringify(s.default))}</code>`);
    if ("example" in s) c.push(`example <code>${esc(JSON.stringify(s.example))}</code>`);
    else if (arr(s.examples).length) c.push(`example <code>${esc(JSON.stringify(arr(s.examples)[0]))}</code>`);
    return c.length ? `<div class="constraints">${c.map((x) => `<span>${x}</span>`).join("")}</div>` : "";
  }

  private deref(x: Json): Json {
    // Parameters, bodies and responses may be $refs into components; follow one level.
    return typeof x.$ref === "string" ? (this.lookup(x.$ref) ?? x) : x;
  }

  private resolve(s: Json): Json {
    return typeof s.$ref === "string" ? (obj(this.schemas[refTarget(s.$ref)]) ?? s) : s;
  }

  private lookup(ref: string): Json | undefined {
    // Only component schemas are looked up by name; other component kinds are rare here.
    return obj(this.schemas[refTarget(ref)]);
  }
}

// --- helpers ---------------------------------------------------------------------------

function obj(x: unknown): Json | undefined {
  return x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Json) : undefined;
}

function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

function str(x: unknown): string | undefined {
  return typeof x === "string" ? x : undefined;
}

function refTarget(ref: string): string {
  return decodeURIComponent(ref.slice(ref.lastIndexOf("/") + 1));
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "root";
}

function tagAnchor(tag: string): string {
  return `tag-${slug(tag)}`;
}

function schemaAnchor(name: string): string {
  return `schema-${slug(name)}`;
}

function securityAnchor(name: string): string {
  return `security-${slug(name)}`;
}

/** `/v1/things/{id}` with the parameters highlighted. */
function pathHtml(path: string): string {
  return esc(path).replace(/\{([^}]*)\}/g, `<span class="path-param">{$1}</span>`);
}

/**
 * Descriptions are CommonMark in OpenAPI; this renders the small subset our descriptions
 * use (paragraphs, `code`, **bold**) and shows any other markup as text. Links are shown
 * as their text: the page never points elsewhere.
 */
function prose(text: string | undefined): string {
  if (!text) return "";
  return text
    .split(/\n{2,}/)
    .map((para) => {
      const html = inline(para.trim());
      return html ? `<p>${html}</p>` : "";
    })
    .join("");
}

function inline(text: string): string {
  return esc(text)
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/\n/g, " ");
}
