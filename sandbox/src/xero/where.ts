/**
 * Xero's `where` filter: a small C#-like expression language over a document's fields, e.g.
 *   Type=="ACCPAY" AND Status!="DELETED"
 *   Contact.ContactID==guid("9b9ba9e5-e907-4b4e-8210-54d82b0aa479")
 *   Date>=DateTime(2026, 05, 01) && AmountDue>0
 *   Name.ToLower().Contains("north") OR EmailAddress==null
 * Supported: == != > >= < <=, AND/&&, OR/||, NOT/!, parentheses, string/number/true/false/null
 * literals, guid("..."), DateTime(y, m, d[, h, mi, s]), and the string methods Contains,
 * StartsWith, EndsWith, ToLower, ToUpper. Field names and string comparisons are
 * case-insensitive. Anything else is a QueryParseException, as at Xero.
 */

export class WhereError extends Error {
  override name = "WhereError";
}

type Value = string | number | boolean | null | { date: number } | undefined;

type Node =
  | { k: "and" | "or"; a: Node; b: Node }
  | { k: "not"; a: Node }
  | { k: "cmp"; op: string; a: Operand; b: Operand }
  | { k: "truthy"; a: Operand };

type Operand =
  | { k: "lit"; v: Value }
  | { k: "path"; parts: string[]; calls: Array<{ name: string; args: Operand[] }> };

interface Token {
  t: "str" | "num" | "id" | "op" | "(" | ")" | "," | "." | "end";
  v: string;
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let s = "";
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === "\\" && i + 1 < src.length) i++;
        s += src[i];
        i++;
      }
      if (i >= src.length) throw new WhereError("Unterminated string literal");
      i++;
      out.push({ t: "str", v: s });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (["==", "!=", ">=", "<=", "&&", "||"].includes(two)) {
      out.push({ t: "op", v: two });
      i += 2;
      continue;
    }
    if (c === ">" || c === "<" || c === "!") {
      out.push({ t: "op", v: c });
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === "," || c === ".") {
      // A dot followed by a digit after a number is handled by the number branch.
      out.push({ t: c, v: c });
      i++;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: "num", v: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: "id", v: id[0] });
      i += id[0].length;
      continue;
    }
    throw new WhereError(`Syntax error '${c}'`);
  }
  out.push({ t: "end", v: "" });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }
  private next(): Token {
    return this.tokens[this.i++] as Token;
  }
  private expect(t: Token["t"], v?: string): Token {
    const tok = this.next();
    if (tok.t !== t || (v !== undefined && tok.v !== v)) throw new WhereError(`Expected '${v ?? t}' but found '${tok.v || "end of expression"}'`);
    return tok;
  }
  private isWord(word: string): boolean {
    const p = this.peek();
    return p.t === "id" && p.v.toUpperCase() === word;
  }

  parse(): Node {
    const n = this.or();
    if (this.peek().t !== "end") throw new WhereError(`Syntax error near '${this.peek().v}'`);
    return n;
  }
  private or(): Node {
    let a = this.and();
    while (this.isWord("OR") || (this.peek().t === "op" && this.peek().v === "||")) {
      this.next();
      a = { k: "or", a, b: this.and() };
    }
    return a;
  }
  private and(): Node {
    let a = this.unary();
    while (this.isWord("AND") || (this.peek().t === "op" && this.peek().v === "&&")) {
      this.next();
      a = { k: "and", a, b: this.unary() };
    }
    return a;
  }
  private unary(): Node {
    if (this.isWord("NOT") || (this.peek().t === "op" && this.peek().v === "!")) {
      this.next();
      return { k: "not", a: this.unary() };
    }
    if (this.peek().t === "(") {
      this.next();
      const n = this.or();
      this.expect(")");
      return n;
    }
    const a = this.operand();
    const p = this.peek();
    if (p.t === "op" && ["==", "!=", ">", ">=", "<", "<="].includes(p.v)) {
      this.next();
      return { k: "cmp", op: p.v, a, b: this.operand() };
    }
    return { k: "truthy", a };
  }
  private args(): Operand[] {
    this.expect("(");
    const out: Operand[] = [];
    if (this.peek().t !== ")") {
      out.push(this.operand());
      while (this.peek().t === ",") {
        this.next();
        out.push(this.operand());
      }
    }
    this.expect(")");
    return out;
  }
  private operand(): Operand {
    const tok = this.next();
    if (tok.t === "str") return { k: "lit", v: tok.v };
    if (tok.t === "num") return { k: "lit", v: Number(tok.v) };
    if (tok.t !== "id") throw new WhereError(`Syntax error near '${tok.v || "end of expression"}'`);
    const word = tok.v.toLowerCase();
    if (word === "true" || word === "false") return { k: "lit", v: word === "true" };
    if (word === "null") return { k: "lit", v: null };
    if (word === "guid" && this.peek().t === "(") {
      const [g] = this.args();
      if (g?.k !== "lit" || typeof g.v !== "string" || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(g.v)) {
        throw new WhereError("guid() takes a GUID string");
      }
      return { k: "lit", v: g.v };
    }
    if (word === "datetime" && this.peek().t === "(") {
      const parts = this.args().map((a) => (a.k === "lit" && typeof a.v === "number" ? a.v : NaN));
      if (parts.length < 3 || parts.some(Number.isNaN)) throw new WhereError("DateTime() takes year, month, day[, hour, minute, second]");
      const [y, m, d, h = 0, mi = 0, s = 0] = parts as number[];
      return { k: "lit", v: { date: Date.UTC(y as number, (m as number) - 1, d, h, mi, s) } };
    }
    const parts = [tok.v];
    const calls: Array<{ name: string; args: Operand[] }> = [];
    while (this.peek().t === ".") {
      this.next();
      const name = this.expect("id").v;
      if (this.peek().t === "(") calls.push({ name, args: this.args() });
      else if (calls.length === 0) parts.push(name);
      else throw new WhereError(`Syntax error near '${name}'`);
    }
    return { k: "path", parts, calls };
  }
}

const MS_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

function lookup(obj: unknown, key: string): unknown {
  if (!obj || typeof obj !== "object") return undefined;
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function evalOperand(o: Operand, row: Record<string, unknown>): Value {
  if (o.k === "lit") return o.v;
  let v: unknown = row;
  for (const p of o.parts) v = lookup(v, p);
  if (v === undefined) v = null;
  for (const c of o.calls) {
    const name = c.name.toLowerCase();
    if (typeof v !== "string") {
      if (v === null) return null;
      throw new WhereError(`Method '${c.name}' needs a text field`);
    }
    const arg = c.args[0] ? evalOperand(c.args[0], row) : undefined;
    if (name === "tolower") v = v.toLowerCase();
    else if (name === "toupper") v = v.toUpperCase();
    else if (name === "contains" || name === "startswith" || name === "endswith") {
      if (typeof arg !== "string") throw new WhereError(`Method '${c.name}' takes a string`);
      const s = v.toLowerCase();
      const a = arg.toLowerCase();
      v = name === "contains" ? s.includes(a) : name === "startswith" ? s.startsWith(a) : s.endsWith(a);
    } else throw new WhereError(`No applicable method '${c.name}' exists in type 'String'`);
  }
  if (typeof v === "string") {
    const m = MS_DATE.exec(v);
    if (m) return { date: Number(m[1]) };
  }
  return v as Value;
}

function compare(op: string, a: Value, b: Value): boolean {
  const norm = (x: Value): string | number | boolean | null => {
    if (x === undefined) return null;
    if (x !== null && typeof x === "object") return x.date;
    if (typeof x === "string") {
      const d = /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?Z?$/.test(x) ? Date.parse(x.endsWith("Z") || x.length === 10 ? x : `${x}Z`) : NaN;
      return Number.isNaN(d) ? x.toLowerCase() : d;
    }
    return x;
  };
  const x = norm(a);
  const y = norm(b);
  if (op === "==") return x === y;
  if (op === "!=") return x !== y;
  if (x === null || y === null || typeof x !== typeof y) return false;
  const l = x as string | number;
  const r = y as string | number;
  return op === ">" ? l > r : op === ">=" ? l >= r : op === "<" ? l < r : l <= r;
}

function evalNode(n: Node, row: Record<string, unknown>): boolean {
  switch (n.k) {
    case "and":
      return evalNode(n.a, row) && evalNode(n.b, row);
    case "or":
      return evalNode(n.a, row) || evalNode(n.b, row);
    case "not":
      return !evalNode(n.a, row);
    case "cmp":
      return compare(n.op, evalOperand(n.a, row), evalOperand(n.b, row));
    case "truthy":
      return evalOperand(n.a, row) === true;
  }
}

function fieldsOf(n: Node, out: string[][] = []): string[][] {
  const op = (o: Operand) => {
    if (o.k === "path") out.push(o.parts);
    else return;
  };
  if (n.k === "and" || n.k === "or") {
    fieldsOf(n.a, out);
    fieldsOf(n.b, out);
  } else if (n.k === "not") fieldsOf(n.a, out);
  else if (n.k === "cmp") {
    op(n.a);
    op(n.b);
  } else op((n as { a: Operand }).a);
  return out;
}

/**
 * Compiles a where expression into a predicate over rendered documents. `knownFields` (lower
 * case) are the fields the document type has: an unknown one is an error, as at Xero.
 */
export function compileWhere(src: string, typeName: string, knownFields: ReadonlySet<string>): (row: Record<string, unknown>) => boolean {
  const node = new Parser(tokenize(src)).parse();
  for (const parts of fieldsOf(node)) {
    const first = (parts[0] as string).toLowerCase();
    if (!knownFields.has(first)) throw new WhereError(`No property or field '${parts[0]}' exists in type '${typeName}'`);
  }
  return (row) => evalNode(node, row);
}
