/**
 * JSON text ↔ JS data that keeps WDL's integers exact: `parseJsonText` reads
 * integer literals (no fraction, no exponent) as `bigint` and other numbers as
 * `number`, so a 64-bit Int survives a round trip and `1` stays distinct from
 * `1.0`; `stringifyJson` writes `bigint` as a plain integer, and a JsonFloat
 * always with a fraction or exponent (`5.0`), so that readers of the text
 * tell a whole-number Float from an Int.
 */
import { ValueError } from "./errors.js";

/**
 * JS objects list integer-like keys ("0", "42") before all others, whatever
 * the insertion order, but a WDL Map keeps insertion order. Objects whose key
 * order JS would change carry the true order under this symbol (invisible to
 * JSON.stringify and Object.entries); read entries with `jsonEntries`.
 */
export const KEY_ORDER: unique symbol = Symbol("wdlrun.jsonKeyOrder");

/** The entries of a JSON object in their written (or inserted) order. */
export function jsonEntries(o: object): [string, unknown][] {
  const order = (o as { [KEY_ORDER]?: readonly string[] })[KEY_ORDER];
  const rec = o as Record<string, unknown>;
  return order ? order.map((k) => [k, rec[k]]) : Object.entries(rec);
}

/** Sets `o[key] = value` (even for `__proto__`), recording the key order when JS would not keep it. */
export function setJsonKey(o: Record<string, unknown>, key: string, value: unknown): void {
  const had = Object.prototype.hasOwnProperty.call(o, key);
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  if (had) return;
  const holder = o as { [KEY_ORDER]?: string[] };
  let order = holder[KEY_ORDER];
  if (order === undefined) {
    if (!isArrayIndex(key)) return;
    // The first integer-like key: every key before it was an ordinary one,
    // so Object.keys lists them (after this key) in insertion order.
    order = Object.keys(o).filter((k) => k !== key);
    order.push(key);
    Object.defineProperty(o, KEY_ORDER, { value: order, enumerable: false, writable: true, configurable: true });
    return;
  }
  order.push(key);
}

function isArrayIndex(k: string): boolean {
  return /^(0|[1-9]\d{0,9})$/.test(k) && Number(k) < 4294967295;
}

/** A Float in JSON data, written by `stringifyJson` as a float literal (`5.0`, never `5`). */
export class JsonFloat {
  constructor(readonly value: number) {}
}

/** The JSON text of a Float: JSON's shortest form, with `.0` added to a whole number. */
export function floatJsonText(x: number): string {
  if (!Number.isFinite(x)) return "null";
  const t = JSON.stringify(x);
  return /^-?\d+$/.test(t) ? `${t}.0` : t;
}

/** A parsed JSON value; integers are bigint, other numbers are number. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

/** Parses JSON text. Throws ValueError with the line and column of a syntax error. */
export function parseJsonText(text: string): JsonValue {
  const p = new Parser(text);
  p.ws();
  const v = p.value();
  p.ws();
  if (p.i < text.length) p.fail("unexpected text after the JSON value");
  return v;
}

/** A JSON number at `lastIndex` (any length). */
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** The deepest nesting of arrays and objects JSON data may have. */
export const MAX_JSON_DEPTH = 200;

class Parser {
  i = 0;
  depth = 0;
  constructor(readonly s: string) {}

  fail(message: string): never {
    const before = this.s.slice(0, this.i);
    const line = before.split("\n").length;
    const column = this.i - before.lastIndexOf("\n");
    throw new ValueError(`invalid JSON at line ${line}, column ${column}: ${message}`, "invalid-json");
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  value(): JsonValue {
    const c = this.s[this.i];
    switch (c) {
      case "{":
      case "[": {
        // The one depth limit of JSON data: every reader of values recurses over it.
        if (++this.depth > MAX_JSON_DEPTH) this.fail(`nested too deeply (more than ${MAX_JSON_DEPTH} levels of arrays and objects)`);
        const v = c === "{" ? this.object() : this.array();
        this.depth--;
        return v;
      }
      case '"':
        return this.string();
      case "t":
        return this.word("true", true);
      case "f":
        return this.word("false", false);
      case "n":
        return this.word("null", null);
      default:
        if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
        return this.fail(c === undefined ? "unexpected end of input" : `unexpected character '${c}'`);
    }
  }

  word<T>(w: string, v: T): T {
    if (this.s.startsWith(w, this.i)) {
      this.i += w.length;
      return v;
    }
    return this.fail(`expected '${w}'`);
  }

  number(): number | bigint {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) return this.fail("invalid number");
    this.i += m[0].length;
    if (m[2] === undefined && m[3] === undefined) return BigInt(m[0]);
    return Number(m[0]);
  }

  string(): string {
    const s = this.s;
    this.i++;
    let out = "";
    let start = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail("unterminated string");
      const c = s[this.i]!;
      if (c === '"') {
        out += s.slice(start, this.i);
        this.i++;
        return out;
      }
      if (c === "\\") {
        out += s.slice(start, this.i);
        const e = s[this.i + 1];
        this.i += 2;
        switch (e) {
          case '"':
          case "\\":
          case "/":
            out += e;
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const hex = s.slice(this.i, this.i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape");
            out += String.fromCharCode(parseInt(hex, 16));
            this.i += 4;
            break;
          }
          default:
            this.fail("invalid escape in string");
        }
        start = this.i;
        continue;
      }
      if (c < " ") this.fail("control character in string");
      this.i++;
    }
  }

  array(): JsonValue[] {
    this.i++;
    const out: JsonValue[] = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value());
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === "]") return out;
      if (c !== ",") {
        this.i--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  object(): { [key: string]: JsonValue } {
    this.i++;
    const out: { [key: string]: JsonValue } = {};
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail("expected a string key");
      const k = this.string();
      this.ws();
      if (this.s[this.i] !== ":") this.fail("expected ':'");
      this.i++;
      this.ws();
      setJsonKey(out, k, this.value());
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === "}") return out;
      if (c !== ",") {
        this.i--;
        this.fail("expected ',' or '}'");
      }
    }
  }
}

/**
 * Writes JSON text like JSON.stringify (with `indent` spaces when given), but
 * writes bigint values as plain integers and JsonFloat values as floats.
 */
export function stringifyJson(value: unknown, indent?: number): string {
  const out: string[] = [];
  write(value, indent ?? 0, "", out);
  return out.join("");
}

function write(v: unknown, indent: number, pad: string, out: string[]): void {
  if (v === null || v === undefined) {
    out.push("null");
  } else if (typeof v === "bigint") {
    out.push(v.toString());
  } else if (v instanceof JsonFloat) {
    out.push(floatJsonText(v.value));
  } else if (typeof v === "number") {
    out.push(Number.isFinite(v) ? JSON.stringify(v) : "null");
  } else if (typeof v === "string" || typeof v === "boolean") {
    out.push(JSON.stringify(v));
  } else if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push("[]");
      return;
    }
    const inner = pad + " ".repeat(indent);
    out.push("[");
    v.forEach((x, i) => {
      if (i > 0) out.push(",");
      if (indent > 0) out.push("\n", inner);
      write(x, indent, inner, out);
    });
    if (indent > 0) out.push("\n", pad);
    out.push("]");
  } else {
    const entries = jsonEntries(v as object);
    if (entries.length === 0) {
      out.push("{}");
      return;
    }
    const inner = pad + " ".repeat(indent);
    out.push("{");
    entries.forEach(([k, x], i) => {
      if (i > 0) out.push(",");
      if (indent > 0) out.push("\n", inner);
      out.push(JSON.stringify(k), indent > 0 ? ": " : ":");
      write(x, indent, inner, out);
    });
    if (indent > 0) out.push("\n", pad);
    out.push("}");
  }
}
