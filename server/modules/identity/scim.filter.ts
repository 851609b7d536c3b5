/**
 * SCIM 2.0 filter expressions (RFC 7644 §3.4.2.2), parsed into a small tree: attribute comparisons
 * (eq ne co sw ew gt ge lt le pr) joined by and / or / not with parentheses. Pure; the repo turns the
 * tree into SQL over a whitelist of attributes.
 */

export type ScimValue = string | number | boolean | null;
export type ScimOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le" | "pr";
export type ScimFilter =
  | { kind: "cmp"; attr: string; op: ScimOp; value: ScimValue }
  | { kind: "and"; left: ScimFilter; right: ScimFilter }
  | { kind: "or"; left: ScimFilter; right: ScimFilter }
  | { kind: "not"; expr: ScimFilter };

/** A malformed filter: answered as 400 invalidFilter. */
export class ScimFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScimFilterError";
  }
}

type Token = { t: "attr" | "op" | "logic" | "not" | "lparen" | "rparen" | "value"; v: string; value?: ScimValue; at: number };

const OPS = new Set(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr"]);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\t" || c === "\n") {
      i++;
      continue;
    }
    if (c === "(" || c === ")") {
      out.push({ t: c === "(" ? "lparen" : "rparen", v: c, at: i });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      if (j >= src.length) throw new ScimFilterError(`Unterminated string at ${i + 1}`);
      let value: string;
      try {
        value = JSON.parse(src.slice(i, j + 1));
      } catch {
        throw new ScimFilterError(`Bad string at ${i + 1}`);
      }
      out.push({ t: "value", v: src.slice(i, j + 1), value, at: i });
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z0-9_:.$\-[\]]+/.exec(src.slice(i));
    if (!m) throw new ScimFilterError(`Unexpected '${c}' at ${i + 1}`);
    const word = m[0];
    const lower = word.toLowerCase();
    const prev = out.at(-1);
    const afterAttr = prev?.t === "attr";
    const afterOp = prev?.t === "op";
    if (afterOp) {
      if (lower === "true" || lower === "false") out.push({ t: "value", v: word, value: lower === "true", at: i });
      else if (lower === "null") out.push({ t: "value", v: word, value: null, at: i });
      else if (/^-?\d+(\.\d+)?$/.test(word)) out.push({ t: "value", v: word, value: Number(word), at: i });
      else throw new ScimFilterError(`Expected a value after '${prev.v}' at ${i + 1} (strings go in double quotes)`);
    } else if (afterAttr && OPS.has(lower)) out.push({ t: "op", v: lower, at: i });
    else if (!afterAttr && (lower === "and" || lower === "or") && prev && (prev.t === "value" || prev.t === "rparen" || (prev.t === "op" && prev.v === "pr")))
      out.push({ t: "logic", v: lower, at: i });
    else if (
      lower === "not" &&
      src
        .slice(i + word.length)
        .trimStart()
        .startsWith("(")
    )
      out.push({ t: "not", v: lower, at: i });
    else if (!afterAttr && /^[A-Za-z][A-Za-z0-9_:.$-]*$/.test(word)) out.push({ t: "attr", v: word, at: i });
    else throw new ScimFilterError(`Unexpected '${word}' at ${i + 1}`);
    i += word.length;
  }
  return out;
}

/** Parses a SCIM filter; throws ScimFilterError with the position of the problem. */
export function parseScimFilter(src: string): ScimFilter {
  if (src.length > 2000) throw new ScimFilterError("Filter too long");
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (what: string): never => {
    const tok = peek();
    throw new ScimFilterError(tok ? `${what} at ${tok.at + 1}, found '${tok.v}'` : `${what} at the end`);
  };
  let depth = 0;
  function parseOr(): ScimFilter {
    let left = parseAnd();
    while (peek()?.t === "logic" && peek().v === "or") {
      pos++;
      left = { kind: "or", left, right: parseAnd() };
    }
    return left;
  }
  function parseAnd(): ScimFilter {
    let left = parseUnary();
    while (peek()?.t === "logic" && peek().v === "and") {
      pos++;
      left = { kind: "and", left, right: parseUnary() };
    }
    return left;
  }
  function parseUnary(): ScimFilter {
    const tok = peek();
    if (!tok) return fail("Expected an expression");
    if (tok.t === "not") {
      pos++;
      return { kind: "not", expr: parseGroup() };
    }
    if (tok.t === "lparen") return parseGroup();
    if (tok.t !== "attr") return fail("Expected an attribute");
    pos++;
    const op = peek();
    if (op?.t !== "op") return fail("Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)");
    pos++;
    if (op.v === "pr") return { kind: "cmp", attr: tok.v, op: "pr", value: null };
    const val = peek();
    if (val?.t !== "value") return fail("Expected a value");
    pos++;
    return { kind: "cmp", attr: tok.v, op: op.v as ScimOp, value: val.value ?? null };
  }
  function parseGroup(): ScimFilter {
    if (peek()?.t !== "lparen") return fail("Expected '('");
    pos++;
    if (++depth > 20) throw new ScimFilterError("Filter nested too deeply");
    const inner = parseOr();
    if (peek()?.t !== "rparen") return fail("Expected ')'");
    pos++;
    depth--;
    return inner;
  }
  const tree = parseOr();
  if (pos < tokens.length) fail("Unexpected input");
  return tree;
}
