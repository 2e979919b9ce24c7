/**
 * Standard library, the `write_*` file functions: write_lines, write_tsv
 * (with the 1.2 header and struct variants), write_map, write_json,
 * write_object and write_objects. Every line ends with "\n"; the file is
 * created by `ctx.io.writeFile`, which chooses where it goes.
 */
import { ValueError } from "../values/errors.js";
import { describeValue } from "../values/format.js";
import { versionRules } from "../syntax/version-rules.js";
import { valueToJson } from "../values/json.js";
import { stringifyJson } from "../values/json-text.js";
import type { WdlValue } from "../values/value.js";
import { arrayArg, badArg, booleanArg, itemText, mapArg, R } from "./args.js";
import { fn, requireVersion, type StdlibFunction } from "./define.js";

function lines(rows: readonly string[]): string {
  let out = "";
  for (const r of rows) out += r + "\n";
  return out;
}

/** A field value for a TSV/object file: a primitive's text, "" for None. */
function fieldText(name: string, v: WdlValue, where: string): string {
  if (v.kind === "None") return "";
  if (v.kind === "Array" || v.kind === "Map" || v.kind === "Pair" || v.kind === "Struct" || v.kind === "Object") {
    throw new ValueError(`${name}: ${where} is ${describeValue(v)}; only primitive values can be written`, "invalid-argument");
  }
  return itemText(name, v, 0);
}

function stringList(name: string, v: WdlValue, index: number): string[] {
  if (v.kind !== "Array") throw badArg(name, index, "an Array[String]", v);
  return v.items.map((x, i) => fieldText(name, x, `element ${i} of argument ${index + 1}`));
}

/** Member names and values of a Struct or Object (the element of write_object(s)/write_tsv). */
function membersOf(name: string, v: WdlValue, where: string): ReadonlyMap<string, WdlValue> {
  if (v.kind === "Struct" || v.kind === "Object") return v.members;
  throw new ValueError(`${name}: ${where} must be a struct or Object, not ${describeValue(v)}`, "invalid-argument", v.kind === "None");
}

function writeTsv(args: readonly WdlValue[], ctx: Parameters<StdlibFunction["impl"]>[1]): WdlValue {
  const rows = arrayArg("write_tsv", args, 0);
  if (args.length > 1) requireVersion(ctx, "1.2", "write_tsv with a header argument");
  const header = args.length > 1 ? booleanArg("write_tsv", args, 1) : false;
  const given = args.length > 2 ? stringList("write_tsv", args[2]!, 2) : undefined;
  const first = rows.items[0];
  const structRows = first !== undefined && (first.kind === "Struct" || first.kind === "Object");
  const out: string[] = [];
  if (structRows) {
    requireVersion(ctx, "1.2", "write_tsv of structs");
    const names = [...membersOf("write_tsv", first, "element 0").keys()];
    if (header) out.push((given ?? names).join("\t"));
    rows.items.forEach((row, i) => {
      const members = membersOf("write_tsv", row, `element ${i}`);
      out.push([...members.values()].map((x, j) => fieldText("write_tsv", x, `row ${i} column ${j}`)).join("\t"));
    });
  } else {
    if (header) {
      if (given === undefined) {
        throw new ValueError("write_tsv: a header row needs the column names as the third argument", "invalid-argument");
      }
      out.push(given.join("\t"));
    }
    rows.items.forEach((row, i) => {
      if (row.kind !== "Array") throw new ValueError(`write_tsv: row ${i} must be an Array, not ${describeValue(row)}`, "invalid-argument");
      out.push(row.items.map((x, j) => fieldText("write_tsv", x, `row ${i} column ${j}`)).join("\t"));
    });
  }
  if (header && given !== undefined) {
    rows.items.forEach((row, i) => {
      const n = row.kind === "Array" ? row.items.length : row.kind === "Struct" || row.kind === "Object" ? row.members.size : 0;
      if (n !== given.length) {
        throw new ValueError(`write_tsv: row ${i} has ${n} column(s) but the header has ${given.length}`, "invalid-argument");
      }
    });
  }
  return R.file(ctx.io.writeFile("write_tsv", lines(out)));
}

/** The functions of this chapter. */
export const WRITE_FUNCTIONS: readonly StdlibFunction[] = [
  fn("write_lines", "1.0", 1, (args, ctx) => {
    const a = arrayArg("write_lines", args, 0);
    const text = lines(a.items.map((x, i) => itemText("write_lines", x, i)));
    return R.file(ctx.io.writeFile("write_lines", text));
  }),
  fn("write_tsv", "1.0", [1, 3], writeTsv),
  fn("write_map", "1.0", 1, (args, ctx) => {
    const m = mapArg("write_map", args, 0);
    const text = lines(
      m.entries.map(([k, v], i) => `${fieldText("write_map", k, `key ${i}`)}\t${fieldText("write_map", v, `value ${i}`)}`),
    );
    return R.file(ctx.io.writeFile("write_map", text));
  }),
  fn("write_json", "1.0", 1, (args, ctx) => {
    let json: unknown;
    try {
      json = valueToJson(args[0]!, { mode: "strict", floats: "marked", pairsAsObjects: versionRules(ctx.version).pairJson === "object" });
    } catch (e) {
      if (e instanceof ValueError) throw new ValueError(`write_json: ${e.message}`, e.code);
      throw e;
    }
    return R.file(ctx.io.writeFile("write_json", stringifyJson(json) + "\n"));
  }),
  fn("write_object", "1.0", 1, (args, ctx) => {
    const members = membersOf("write_object", args[0]!, "argument 1");
    const names = [...members.keys()];
    const values = [...members.entries()].map(([k, v]) => fieldText("write_object", v, `member '${k}'`));
    return R.file(ctx.io.writeFile("write_object", lines([names.join("\t"), values.join("\t")])));
  }),
  fn("write_objects", "1.0", 1, (args, ctx) => {
    const a = arrayArg("write_objects", args, 0);
    if (a.items.length === 0) return R.file(ctx.io.writeFile("write_objects", ""));
    const names = [...membersOf("write_objects", a.items[0]!, "element 0").keys()];
    const out = [names.join("\t")];
    a.items.forEach((item, i) => {
      const members = membersOf("write_objects", item, `element ${i}`);
      const same = members.size === names.length && names.every((n) => members.has(n));
      if (!same) {
        throw new ValueError(`write_objects: element ${i} has different member names than element 0`, "invalid-argument");
      }
      out.push(names.map((n) => fieldText("write_objects", members.get(n)!, `element ${i} member '${n}'`)).join("\t"));
    });
    return R.file(ctx.io.writeFile("write_objects", lines(out)));
  }),
];
