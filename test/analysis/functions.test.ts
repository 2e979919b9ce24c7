/** The signature table and call matching (src/stdlib/signatures.ts, src/analysis/functions.ts). */
import { describe, expect, it } from "vitest";
import { matchCall, parseSignature, variantsOf } from "../../src/analysis/functions.js";
import { FUNCTIONS, STANDARD_LIBRARY } from "../../src/stdlib/signatures.js";
import { arrayOf, mapOf, optionalOf, pairOf, T, typeToString, type WdlType } from "../../src/types/types.js";

function ret(name: string, args: WdlType[], version: "1.0" | "1.1" | "1.2" = "1.2"): string {
  const m = matchCall(FUNCTIONS.get(name)!, args, version);
  return m.ok ? typeToString(m.returns) : `error:${m.reason}`;
}

describe("signature table", () => {
  it("every variant parses", () => {
    for (const f of STANDARD_LIBRARY) expect(() => variantsOf(f), f.name).not.toThrow();
  });
  it("has every function of the 1.2 standard library chapter", () => {
    const names = [
      "floor", "ceil", "round", "min", "max", "find", "matches", "sub", "basename", "join_paths", "glob", "size", "stdout", "stderr",
      "read_string", "read_int", "read_float", "read_boolean", "read_lines", "write_lines", "read_tsv", "write_tsv", "read_map", "write_map",
      "read_json", "write_json", "read_object", "read_objects", "write_object", "write_objects", "prefix", "suffix", "quote", "squote", "sep",
      "range", "transpose", "cross", "zip", "unzip", "contains", "chunk", "flatten", "select_first", "select_all", "as_pairs", "as_map", "keys",
      "contains_key", "values", "collect_by_key", "defined", "length", "split", "value",
    ];
    expect([...FUNCTIONS.keys()].sort()).toEqual([...names].sort());
  });
  it("a variant's version is never earlier than its function's", () => {
    const order = { "1.0": 0, "1.1": 1, "1.2": 2, "1.3": 3 };
    for (const f of STANDARD_LIBRARY) for (const v of f.variants) expect(order[v.since]).toBeGreaterThanOrEqual(order[f.since]);
  });
  it("parses optional parameters and alternatives", () => {
    const v = parseSignature("Float size(File|File?, [String])", "1.0");
    expect(v.params).toHaveLength(2);
    expect(v.required).toBe(1);
  });
});

describe("matching", () => {
  it("picks the exact numeric variant", () => {
    expect(ret("min", [T.Int, T.Int])).toBe("Int");
    expect(ret("min", [T.Int, T.Float])).toBe("Float");
    expect(ret("max", [T.Float, T.Int])).toBe("Float");
  });
  it("binds type parameters", () => {
    expect(ret("select_first", [arrayOf(optionalOf(T.Int), true)])).toBe("Int");
    expect(ret("select_first", [arrayOf(T.String)])).toBe("String");
    expect(ret("select_all", [arrayOf(optionalOf(T.File))])).toBe("Array[File]");
    expect(ret("flatten", [arrayOf(arrayOf(pairOf(T.Int, T.String)))])).toBe("Array[Pair[Int, String]]");
    expect(ret("zip", [arrayOf(T.Int), arrayOf(T.String)])).toBe("Array[Pair[Int, String]]");
    expect(ret("cross", [arrayOf(T.Int), arrayOf(T.Float)])).toBe("Array[Pair[Int, Float]]");
    expect(ret("unzip", [arrayOf(pairOf(T.Int, T.String))])).toBe("Pair[Array[Int], Array[String]]");
    expect(ret("as_map", [arrayOf(pairOf(T.String, T.Int))])).toBe("Map[String, Int]");
    expect(ret("as_pairs", [mapOf(T.String, T.Int)])).toBe("Array[Pair[String, Int]]");
    expect(ret("keys", [mapOf(T.String, T.Int)])).toBe("Array[String]");
    expect(ret("values", [mapOf(T.String, T.Int)])).toBe("Array[Int]");
    expect(ret("collect_by_key", [arrayOf(pairOf(T.String, T.Int))])).toBe("Map[String, Array[Int]]");
    expect(ret("chunk", [arrayOf(T.Int), T.Int])).toBe("Array[Array[Int]]");
    expect(ret("transpose", [arrayOf(arrayOf(T.Int))])).toBe("Array[Array[Int]]");
  });
  it("select_first with a default (1.2)", () => {
    expect(ret("select_first", [arrayOf(optionalOf(T.Int)), T.Int])).toBe("Int");
    expect(ret("select_first", [arrayOf(optionalOf(T.Int)), T.Int], "1.1")).toBe("error:arity");
  });
  it("an Int then a Float binding widens to Float", () => {
    expect(ret("select_first", [arrayOf(optionalOf(T.Int)), T.Float])).toBe("Float");
  });
  it("as_map keys must be primitive", () => {
    expect(ret("as_map", [arrayOf(pairOf(arrayOf(T.Int), T.Int))])).toBe("error:types");
  });
  it("contains keeps the needle strict", () => {
    expect(ret("contains", [arrayOf(T.String), T.String])).toBe("Boolean");
    expect(ret("contains", [arrayOf(optionalOf(T.String)), T.None])).toBe("Boolean");
    expect(ret("contains", [arrayOf(T.String), T.File])).toBe("error:types");
  });
  it("accepts a File where a String parameter is named", () => {
    expect(ret("sub", [T.File, T.String, T.String])).toBe("String");
    expect(ret("basename", [T.String])).toBe("String");
  });
  it("size takes files, optional files and compound values", () => {
    expect(ret("size", [optionalOf(T.File)])).toBe("Float");
    expect(ret("size", [arrayOf(T.File), T.String])).toBe("Float");
    expect(ret("size", [T.Directory], "1.2")).toBe("Float");
  });
  it("version-gated variants", () => {
    expect(ret("length", [T.String], "1.2")).toBe("Int");
    expect(ret("length", [T.String], "1.1")).toBe("error:types");
    expect(ret("keys", [T.Object], "1.2")).toBe("Array[String]");
    expect(ret("read_tsv", [T.File, T.Boolean], "1.2")).toBe("Array[Object]");
    expect(ret("read_tsv", [T.File, T.Boolean], "1.1")).toBe("error:arity");
  });
  it("write_tsv of structs with an optional header flag", () => {
    const S = { kind: "Struct" as const, name: "S", members: new Map([["a", T.Int]]), optional: false };
    expect(ret("write_tsv", [arrayOf(S)])).toBe("File");
    expect(ret("write_tsv", [arrayOf(S), T.Boolean])).toBe("File");
    expect(ret("write_tsv", [arrayOf(arrayOf(T.String)), T.Boolean])).toBe("error:types");
  });
  it("an argument of unknown type matches anything", () => {
    expect(ret("flatten", [T.Any])).toBe("Array[Any]");
    expect(ret("read_json", [T.File])).toBe("Any");
  });
  it("reports arity and the first mismatching argument", () => {
    const m = matchCall(FUNCTIONS.get("sub")!, [T.String, T.Int, T.String], "1.2");
    expect(m).toMatchObject({ ok: false, reason: "types", argIndex: 1 });
    expect(matchCall(FUNCTIONS.get("floor")!, [], "1.2")).toMatchObject({ ok: false, reason: "arity" });
  });
});

describe("type parameters and optional items", () => {
  it("X binds optional types; P does not", () => {
    expect(ret("length", [arrayOf(optionalOf(T.Int))])).toBe("Int");
    expect(ret("flatten", [arrayOf(arrayOf(optionalOf(T.Int)))])).toBe("Array[Int?]");
    expect(ret("sep", [T.String, arrayOf(optionalOf(T.String))])).toBe("error:types");
  });
});
