/**
 * Standard library, the `read_*` file functions: read_string, read_int,
 * read_float, read_boolean, read_lines, read_tsv (with the 1.2 header and
 * field-name variants returning Objects), read_map, read_json, read_object
 * and read_objects. Files are read through `ctx.io.readText`.
 */
import { ValueError } from "../values/errors.js";
import { valueFromJsonUntyped } from "../values/json.js";
import { parseJsonText } from "../values/json-text.js";
import type { WdlValue } from "../values/value.js";
import { arrayArg, booleanArg, pathArg, R } from "./args.js";
import { fn, requireVersion, type StdlibFunction } from "./define.js";
import type { EvalContext } from "../eval/context.js";

const STRING_TYPE = { kind: "String", optional: false } as const;
const OBJECT_TYPE = { kind: "Object", optional: false } as const;

function readFile(name: string, args: readonly WdlValue[], ctx: EvalContext): string {
  return ctx.io.readText(pathArg(name, args, 0));
}

/** The lines of a text: split on "\n", a trailing "\r" removed from each, no final empty line. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** The single trimmed value of a file that must hold one value. */
function singleValue(name: string, what: string, text: string, file: string): string {
  const s = text.trim();
  if (s === "") throw new ValueError(`${name}: the file '${file}' is empty; expected ${what}`, "invalid-file-content");
  if (/[\r\n]/.test(s)) {
    throw new ValueError(`${name}: the file '${file}' has more than one line; expected a single ${what}`, "invalid-file-content");
  }
  return s;
}

function shown(s: string): string {
  return JSON.stringify(s.length > 60 ? s.slice(0, 57) + "..." : s);
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function checkFieldNames(name: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (!FIELD_NAME.test(n)) throw new ValueError(`${name}: ${shown(n)} is not a valid field name`, "invalid-file-content");
    if (seen.has(n)) throw new ValueError(`${name}: the field name ${shown(n)} appears more than once`, "invalid-file-content");
    seen.add(n);
  }
}

/** Builds one Object per row with the given field names; each row must have one value per name. */
function rowsToObjects(name: string, names: readonly string[], rows: readonly string[][], firstLine: number): WdlValue {
  const items = rows.map((row, i) => {
    if (row.length !== names.length) {
      throw new ValueError(
        `${name}: line ${firstLine + i} has ${row.length} field(s) but there are ${names.length} field names`,
        "invalid-file-content",
      );
    }
    const members = new Map<string, WdlValue>();
    names.forEach((n, j) => members.set(n, R.string(row[j]!)));
    return { kind: "Object", members } as WdlValue;
  });
  return { kind: "Array", items, itemType: OBJECT_TYPE };
}

function stringsOf(name: string, v: WdlValue, index: number): string[] {
  const a = arrayArg(name, [v], 0);
  return a.items.map((x, i) => {
    if (x.kind === "String") return x.value;
    throw new ValueError(`${name}: element ${i} of argument ${index + 1} must be a String`, "invalid-argument", x.kind === "None");
  });
}

/** The functions of this chapter. */
export const READ_FUNCTIONS: readonly StdlibFunction[] = [
  fn("read_string", "1.0", 1, (args, ctx) => R.string(readFile("read_string", args, ctx).replace(/[\r\n]+$/, ""))),
  fn("read_int", "1.0", 1, (args, ctx) => {
    const s = singleValue("read_int", "an Int", readFile("read_int", args, ctx), pathArg("read_int", args, 0));
    if (!/^[+-]?\d+$/.test(s)) throw new ValueError(`read_int: ${shown(s)} is not an integer`, "invalid-file-content");
    const n = BigInt(s);
    if (n < -(2n ** 63n) || n > 2n ** 63n - 1n) {
      throw new ValueError(`read_int: ${s} does not fit in a 64-bit Int`, "int-overflow");
    }
    return R.int(n);
  }),
  fn("read_float", "1.0", 1, (args, ctx) => {
    const s = singleValue("read_float", "a Float", readFile("read_float", args, ctx), pathArg("read_float", args, 0));
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
      throw new ValueError(`read_float: ${shown(s)} is not a number`, "invalid-file-content");
    }
    const x = Number(s);
    if (!Number.isFinite(x)) throw new ValueError(`read_float: ${shown(s)} is too large for a Float`, "float-overflow");
    return R.float(x);
  }),
  fn("read_boolean", "1.0", 1, (args, ctx) => {
    const s = singleValue("read_boolean", "a Boolean", readFile("read_boolean", args, ctx), pathArg("read_boolean", args, 0));
    const l = s.toLowerCase();
    if (l !== "true" && l !== "false") {
      throw new ValueError(`read_boolean: ${shown(s)} is not 'true' or 'false'`, "invalid-file-content");
    }
    return R.bool(l === "true");
  }),
  fn("read_lines", "1.0", 1, (args, ctx) => R.strings(splitLines(readFile("read_lines", args, ctx)))),
  fn("read_tsv", "1.0", [1, 3], (args, ctx) => {
    if (args.length > 1) requireVersion(ctx, "1.2", "read_tsv with a header argument");
    const lines = splitLines(readFile("read_tsv", args, ctx));
    const rows = lines.map((l) => l.split("\t"));
    if (args.length === 1 || (args.length === 2 && !booleanArg("read_tsv", args, 1))) {
      return {
        kind: "Array",
        items: rows.map((r) => R.strings(r)),
        itemType: { kind: "Array", item: STRING_TYPE, nonEmpty: false, optional: false },
      };
    }
    const header = booleanArg("read_tsv", args, 1);
    if (rows.length === 0) return { kind: "Array", items: [], itemType: OBJECT_TYPE };
    const names = args.length === 3 ? stringsOf("read_tsv", args[2]!, 2) : rows[0]!;
    checkFieldNames("read_tsv", names);
    return rowsToObjects("read_tsv", names, header ? rows.slice(1) : rows, header ? 2 : 1);
  }),
  fn("read_map", "1.0", 1, (args, ctx) => {
    const lines = splitLines(readFile("read_map", args, ctx));
    const entries: (readonly [WdlValue, WdlValue])[] = [];
    const seen = new Set<string>();
    lines.forEach((line, i) => {
      const cols = line.split("\t");
      if (cols.length !== 2) {
        throw new ValueError(`read_map: line ${i + 1} has ${cols.length} column(s); each line must have exactly 2`, "invalid-file-content");
      }
      const [k, v] = cols as [string, string];
      if (seen.has(k)) throw new ValueError(`read_map: the key ${shown(k)} appears more than once (line ${i + 1})`, "invalid-file-content");
      seen.add(k);
      entries.push([R.string(k), R.string(v)]);
    });
    return { kind: "Map", entries, keyType: STRING_TYPE, valueType: STRING_TYPE };
  }),
  fn("read_json", "1.0", 1, (args, ctx) => {
    const text = readFile("read_json", args, ctx);
    try {
      return valueFromJsonUntyped(parseJsonText(text));
    } catch (e) {
      if (e instanceof ValueError) throw new ValueError(`read_json: ${e.message}`, e.code);
      throw e;
    }
  }),
  fn("read_object", "1.0", 1, (args, ctx) => {
    const rows = splitLines(readFile("read_object", args, ctx)).map((l) => l.split("\t"));
    if (rows.length !== 2) {
      throw new ValueError(`read_object: the file must have exactly 2 lines (names and values) but has ${rows.length}`, "invalid-file-content");
    }
    checkFieldNames("read_object", rows[0]!);
    const arr = rowsToObjects("read_object", rows[0]!, [rows[1]!], 2);
    return (arr as Extract<WdlValue, { kind: "Array" }>).items[0]!;
  }),
  fn("read_objects", "1.0", 1, (args, ctx) => {
    const rows = splitLines(readFile("read_objects", args, ctx)).map((l) => l.split("\t"));
    if (rows.length === 0) return { kind: "Array", items: [], itemType: OBJECT_TYPE };
    checkFieldNames("read_objects", rows[0]!);
    return rowsToObjects("read_objects", rows[0]!, rows.slice(1), 2);
  }),
];
