/**
 * Renders an OpenAPI 3.1 document as one self-contained HTML reference page: a sidebar of
 * tags and operations; for each operation its method, path, summary, security,
 * parameters, request body and responses; then every named schema. JSON schemas are shown
 * as property tables. Plain HTML with inline CSS: no scripts, nothing loaded from
 * elsewhere, so it works offline and under a strict CSP. Everything from the document is
 * HTML-escaped; nothing in it becomes a link except anchors within the page.
 */
type Json = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

interface Operation {
  method: string;
  path: string;
  op: Json;
  params: Json[];
  anchor: string;
}

export function renderDocsPage(doc: object): string {
  const d = doc as Json;
  const info = obj(d.info) ?? {};
  const title = str(info.title) ?? "API reference";
  const version = str(info.version);
  const components = obj(d.components) ?? {};
  const schemas = obj(components.schemas) ?? {};
  const securitySchemes = obj(components.securitySchemes) ?? {};
  const r = new Renderer(schemas);

  const ops = operations(d);
  const tagInfo = new Map<string, string | undefined>();
  for (const t of arr(d.tags)) {
    const name = str(obj(t)?.name);
    if (name) tagInfo.set(name, str(obj(t)?.description));
  }
  const byTag = new Map<string, Operation[]>();
  for (const o of ops) {
    const tags = arr(o.op.tags).map(str).filter((t): t is string => Boolean(t));
    for (const tag of tags.length ? tags : ["Other"]) {
      if (!tagInfo.has(tag)) tagInfo.set(tag, undefined);
      byTag.set(tag, [...(byTag.get(tag) ?? []), o]);
    }
  }
  const tags = [...tagInfo.keys()].filter((t) => byTag.has(t));
  const servers = arr(d.servers)
    .map((s) => str(obj(s)?.url))
    .filter((u): u is string => Boolean(u));

  const nav = `
<nav class="sidebar" aria-label="Contents">
  <div class="brand"><span class="logo" aria-hidden="true">◆</span> ${esc(title)}</div>
  <ul class="nav-top">
    <li><a href="#overview">Overview</a></li>
    ${Object.keys(securitySchemes).length ? `<li><a href="#authentication">Authentication</a></li>` : ""}
    <li><a href="#errors">Errors</a></li>
  </ul>
  ${tags
    .map(
      (tag) => `
  <div class="nav-group">
    <a class="nav-tag" href="#${tagAnchor(tag)}">${esc(tag)}</a>
    <ul>${(byTag.get(tag) ?? [])
      .map(
        (o) =>
          `<li><a href="#${o.anchor}"><span class="m m-${esc(o.method)}">${esc(o.method.toUpperCase())}</span><span class="nav-path">${esc(o.path)}</span></a></li>`,
      )
      .join("")}</ul>
  </div>`,
    )
    .join("")}
  ${
    Object.keys(schemas).length
      ? `<div class="nav-group"><a class="nav-tag" href="#schemas">Schemas</a><ul>${Object.keys(schemas)
          .map((name) => `<li><a href="#${schemaAnchor(name)}">${esc(name)}</a></li>`)
          .join("")}</ul></div>`
      : ""
  }
</nav>`;

  const overview = `
<header class="hero" id="overview">
  <div class="hero-top">
    <h1>${esc(title)}</h1>
    ${version ? `<span class="pill">v${esc(version)}</span>` : ""}
    ${str(d.openapi) ? `<span class="pill pill-muted">OpenAPI ${esc(str(d.openapi) ?? "")}</span>` : ""}
  </div>
  ${prose(str(info.description))}
  <dl class="facts">
    ${servers.length ? `<dt>Base URL</dt><dd>${servers.map((u) => `<code>${esc(u)}</code>`).join(" ")}</dd>` : ""}
    <dt>Machine-readable description</dt><dd><a href="openapi.json"><code>openapi.json</code></a></dd>
    <dt>Operations</dt><dd>${ops.length}</dd>
  </dl>
</header>`;

  const auth = Object.keys(securitySchemes).length
    ? `
<section id="authentication" class="block">
  <h2>Authentication</h2>
  ${Object.entries(securitySchemes)
    .map(([name, raw]) => {
      const s = obj(raw) ?? {};
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
    })
    .join("")}
</section>`
    : "";

  const errors = `
<section id="errors" class="block">
  <h2>Errors</h2>
  <p>Every error response is a problem details object (RFC 9457) served as <code>application/problem+json</code>:
  <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, <code>instance</code>, a stable
  machine-readable <code>code</code> to branch on, and the <code>requestId</code>. Validation errors (400 for parameters,
  422 for request bodies) list every invalid value in <code>errors</code>, each with where it is (<code>in</code>,
  <code>path</code>, <code>pointer</code>), a <code>code</code> and a <code>message</code>.${
    schemas.Problem ? ` See <a href="#${schemaAnchor("Problem")}">Problem</a>.` : ""
  }</p>
  <pre class="snippet">${esc(
    JSON.stringify(
      {
        type: "/problems/validation-failed",
        title: "Unprocessable Content",
        status: 422,
        detail: "The request body is invalid; see errors.",
        instance: "/v1/example",
        code: "validation_failed",
        requestId: "4f0e…",
        errors: [{ in: "body", path: "quantity", pointer: "/quantity", code: "too_small", message: "Too small: expected number to be >=1" }],
      },
      null,
      2,
    ),
  )}</pre>
</section>`;

  const sections = tags
    .map(
      (tag) => `
<section class="block" id="${tagAnchor(tag)}">
  <h2>${esc(tag)}</h2>
  ${prose(tagInfo.get(tag))}
  ${(byTag.get(tag) ?? []).map((o) => r.operation(o)).join("")}
</section>`,
    )
    .join("");

  const schemaSection = Object.keys(schemas).length
    ? `
<section class="block" id="schemas">
  <h2>Schemas</h2>
  ${Object.entries(schemas)
    .map(
      ([name, s]) => `<div class="card schema-card" id="${schemaAnchor(name)}"><h3><code>${esc(name)}</code></h3>${r.schemaBlock(obj(s) ?? {}, false)}</div>`,
    )
    .join("")}
</section>`
    : "";

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} · Reference</title>
<style>${CSS}</style>
</head>
<body>
<div class="layout">
${nav}
<main>
${overview}
${auth}
${errors}
${sections}
${schemaSection}
<footer>Generated from the service's OpenAPI document.</footer>
</main>
</div>
</body>
</html>
`;
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

const CSS = `
:root {
  --bg: #f7f8fa; --panel: #ffffff; --ink: #1b2330; --muted: #5d6b7e; --line: #e3e7ee; --accent: #4f46e5;
  --code-bg: #f1f3f7; --nav-bg: #10151f; --nav-ink: #c9d2df; --nav-muted: #7c8799;
  --get: #0f7b6c; --post: #2759d6; --put: #9a5b00; --patch: #7b4bc4; --delete: #c0392b; --other: #56606e;
  --radius: 10px;
  font-synthesis: none;
}
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code, pre, .op-path, .nav-path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
code { background: var(--code-bg); border-radius: 4px; padding: 0.05em 0.35em; font-size: 0.88em; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.layout { display: grid; grid-template-columns: 290px minmax(0, 1fr); min-height: 100vh; }
.sidebar { position: sticky; top: 0; height: 100vh; overflow-y: auto; background: var(--nav-bg); color: var(--nav-ink);
  padding: 22px 16px 40px; font-size: 13.5px; }
.sidebar a { color: var(--nav-ink); display: block; padding: 3px 8px; border-radius: 6px; }
.sidebar a:hover { background: #1d2533; text-decoration: none; color: #fff; }
.brand { font-weight: 650; font-size: 16px; color: #fff; padding: 0 8px 14px; border-bottom: 1px solid #232c3b; margin-bottom: 12px; }
.logo { color: #8b83ff; }
.sidebar ul { list-style: none; margin: 0; padding: 0; }
.nav-top { margin-bottom: 10px !important; }
.nav-group { margin-top: 14px; }
.nav-tag { text-transform: uppercase; letter-spacing: 0.06em; font-size: 11.5px; color: var(--nav-muted) !important; font-weight: 650; }
.nav-group li a { display: flex; gap: 8px; align-items: baseline; }
.nav-path { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-size: 12.5px; }
.sidebar .m { font-size: 9.5px; min-width: 44px; padding: 1px 0; }
main { padding: 36px clamp(18px, 4vw, 56px) 80px; max-width: 1120px; }
.hero { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); padding: 28px 32px; margin-bottom: 28px;
  box-shadow: 0 1px 2px rgba(16, 21, 31, 0.04); }
.hero-top { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
h1 { margin: 0; font-size: 28px; letter-spacing: -0.01em; }
h2 { font-size: 21px; margin: 0 0 6px; letter-spacing: -0.005em; }
h3 { font-size: 16px; margin: 0; }
h4 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.07em; color: var(--muted); margin: 22px 0 8px; }
.pill { background: #eef0ff; color: var(--accent); border-radius: 999px; padding: 2px 10px; font-size: 12.5px; font-weight: 600; }
.pill-muted { background: var(--code-bg); color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 18px 0 0; font-size: 14px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.block { margin: 34px 0; }
.block > p { color: var(--muted); margin-top: 0; }
.card, .op { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); margin: 14px 0;
  box-shadow: 0 1px 2px rgba(16, 21, 31, 0.04); scroll-margin-top: 16px; }
.card { padding: 18px 22px; }
.card h3 { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.op-head { display: flex; align-items: center; gap: 12px; padding: 14px 20px; border-bottom: 1px solid var(--line);
  background: linear-gradient(#fbfcfd, #f6f8fb); border-radius: var(--radius) var(--radius) 0 0; flex-wrap: wrap; }
.op-path { font-size: 15px; font-weight: 600; background: none; padding: 0; }
.path-param { color: var(--accent); }
.op-security { margin-left: auto; }
.op-body { padding: 6px 20px 18px; }
.op-summary { margin-top: 12px; font-size: 17px; }
.m { display: inline-block; min-width: 58px; text-align: center; font-weight: 700; font-size: 11.5px; letter-spacing: 0.04em;
  color: #fff; border-radius: 5px; padding: 3px 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.m-get { background: var(--get); } .m-post { background: var(--post); } .m-put { background: var(--put); }
.m-patch { background: var(--patch); } .m-delete { background: var(--delete); }
.m-head, .m-options, .m-trace { background: var(--other); }
.badge { display: inline-block; font-size: 12px; border-radius: 999px; padding: 2px 10px; font-weight: 600; }
.badge-lock { background: #fff4e0; color: #8a5300; }
.badge-open { background: #e8f6f1; color: #0f6b5c; }
.badge-warn { background: #fdecea; color: #a8321f; }
.req { color: #b4231b; font-size: 11px; font-weight: 650; text-transform: uppercase; letter-spacing: 0.04em; }
.muted { color: var(--muted); font-weight: 400; }
.small { font-size: 12.5px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th { text-align: left; font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); padding: 6px 10px; }
td { border-top: 1px solid var(--line); padding: 8px 10px; vertical-align: top; }
td p { margin: 0 0 4px; }
.in { font-size: 11.5px; background: var(--code-bg); color: var(--muted); border-radius: 4px; padding: 1px 6px; }
.prop { background: none; padding: 0; font-weight: 600; color: var(--ink); }
.type { white-space: nowrap; }
.t { color: #0b6e99; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.fmt { color: var(--muted); font-size: 12px; margin-left: 4px; }
.fmt::before { content: "("; } .fmt::after { content: ")"; }
.lit { color: #9a3412; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.sep { color: var(--muted); }
.ref { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; font-weight: 600; }
.constraints { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12.5px; color: var(--muted); margin-top: 2px; }
.media { margin: 8px 0 4px; }
.ctype { display: inline-block; font-size: 12px; color: var(--muted); border: 1px solid var(--line); border-radius: 5px; padding: 1px 7px; margin-bottom: 6px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.schema { border-left: 3px solid #e4e7fb; padding-left: 12px; }
.schema .props { margin-top: 6px; }
.props .props { margin-top: 8px; background: #fafbfd; }
.prop-name { white-space: nowrap; width: 1%; }
.type-line { font-size: 14px; }
.responses { display: grid; gap: 10px; }
.response { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.response-head { display: flex; align-items: baseline; gap: 10px; }
.status { font-weight: 700; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; border-radius: 5px; padding: 1px 8px; font-size: 13px; }
.s1, .s3, .sd { background: var(--code-bg); color: var(--muted); }
.s2 { background: #e3f5ee; color: #0c6b55; } .s4 { background: #fff1dd; color: #8a4b00; } .s5 { background: #fde7e5; color: #a42a1c; }
.response-desc { color: var(--ink); }
.snippet { background: #10151f; color: #d7def0; border-radius: 8px; padding: 14px 16px; overflow-x: auto; font-size: 13px; line-height: 1.5; }
.schema-card h3 { margin-bottom: 8px; }
footer { color: var(--muted); font-size: 12.5px; margin-top: 48px; border-top: 1px solid var(--line); padding-top: 14px; }
@media (max-width: 860px) {
  .layout { grid-template-columns: 1fr; }
  .sidebar { position: static; height: auto; }
  .op-security { margin-left: 0; }
}
@media print {
  .sidebar { display: none; } .layout { display: block; } .op, .card { break-inside: avoid; box-shadow: none; }
}
`;
