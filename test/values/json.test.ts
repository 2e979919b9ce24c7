import { describe, expect, it } from "vitest";
import { arrayOf, mapOf, optionalOf, pairOf, T, type StructType, type WdlType } from "../../src/types/types.js";
import { valueFromJson, valueFromJsonUntyped, valueToJson } from "../../src/values/json.js";
import { jsonEntries, parseJsonText, stringifyJson } from "../../src/values/json-text.js";
import { NONE, V } from "../../src/values/value.js";

const Person: StructType = {
  kind: "Struct",
  name: "Person",
  members: new Map<string, WdlType>([
    ["name", T.String],
    ["age", T.Int],
    ["tags", optionalOf(arrayOf(T.String))],
  ]),
  optional: false,
};

describe("parseJsonText / stringifyJson", () => {
  it("keeps integers exact and apart from floats", () => {
    const j = parseJsonText('{"big": 9223372036854775807, "f": 1.0, "i": 1, "e": 1e2}') as Record<string, unknown>;
    expect(j["big"]).toBe(9223372036854775807n);
    expect(j["f"]).toBe(1);
    expect(typeof j["f"]).toBe("number");
    expect(j["i"]).toBe(1n);
    expect(j["e"]).toBe(100);
    expect(stringifyJson({ a: 9223372036854775807n, b: [1, "x", null, true] })).toBe('{"a":9223372036854775807,"b":[1,"x",null,true]}');
    expect(stringifyJson({ a: [1] }, 2)).toBe('{\n  "a": [\n    1\n  ]\n}');
  });

  it("reports syntax errors with line and column", () => {
    expect(() => parseJsonText('{\n  "a": tru\n}')).toThrow(/line 2, column 8/);
    expect(() => parseJsonText("")).toThrow(/unexpected end of input/);
    expect(() => parseJsonText("[1,]")).toThrow(/invalid JSON/);
  });

  it("keeps the written order of integer-like keys, which plain JS objects reorder", () => {
    const j = parseJsonText('{"b": 1, "2": 2, "a": 3, "1": 4}') as object;
    expect(jsonEntries(j).map(([k]) => k)).toEqual(["b", "2", "a", "1"]);
    const m = valueFromJson(j, mapOf(T.String, T.Int));
    expect(m.kind === "Map" && m.entries.map(([k]) => (k as { value: string }).value)).toEqual(["b", "2", "a", "1"]);
    expect(stringifyJson(valueToJson(m))).toBe('{"b":1,"2":2,"a":3,"1":4}');
    const o = valueFromJsonUntyped(j);
    expect(o.kind === "Object" && [...o.members.keys()]).toEqual(["b", "2", "a", "1"]);
  });

  it("parses escapes and keys named __proto__ safely", () => {
    const j = parseJsonText('{"__proto__": "\\u0041\\n"}') as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(["__proto__"]);
    expect(j["__proto__"]).toBe("A\n");
  });
});

describe("valueFromJson", () => {
  it("reads primitives per the declared type", () => {
    expect(valueFromJson(3n, T.Int)).toEqual(V.int(3));
    expect(valueFromJson(3, T.Float)).toEqual(V.float(3));
    expect(valueFromJson(3n, T.Float)).toEqual(V.float(3));
    expect(valueFromJson("/a", T.File)).toEqual(V.file("/a"));
    expect(valueFromJson({ location: "/b" }, T.File)).toEqual(V.file("/b"));
    expect(valueFromJson(null, optionalOf(T.Int))).toBe(NONE);
  });

  it("reads compound values: arrays, maps with typed keys, pairs, structs", () => {
    expect(valueToJson(valueFromJson([1, 2], arrayOf(T.Int)))).toEqual([1, 2]);
    const m = valueFromJson({ "1": "a" }, mapOf(T.Int, T.String));
    expect(m.kind === "Map" && m.entries[0]).toEqual([V.int(1), V.string("a")]);
    expect(valueFromJson({ left: 1, right: "x" }, pairOf(T.Int, T.String))).toEqual(V.pair(V.int(1), V.string("x")));
    expect(valueFromJson([1, "x"], pairOf(T.Int, T.String))).toEqual(V.pair(V.int(1), V.string("x")));
    const p = valueFromJson({ name: "Ann", age: 4 }, Person);
    expect(valueToJson(p)).toEqual({ name: "Ann", age: 4, tags: null });
  });

  it("names the key path and the expected type in errors", () => {
    expect(() => valueFromJson({ name: "Ann", age: "old" }, Person, "wf.person")).toThrow(
      'wf.person.age: expected a value of type Int but found the string "old"',
    );
    expect(() => valueFromJson([1, 2.5], arrayOf(T.Int), "wf.xs")).toThrow("wf.xs[1]: expected a value of type Int but found the number 2.5");
    expect(() => valueFromJson(null, T.String, "wf.s")).toThrow("wf.s: expected a value of type String but found null");
    expect(() => valueFromJson({ name: "A" }, Person, "wf.p")).toThrow("wf.p: missing member 'age' of type Int for struct Person");
    expect(() => valueFromJson({ name: "A", age: 1, x: 1 }, Person, "wf.p")).toThrow("wf.p: struct Person has no member 'x'");
    expect(() => valueFromJson([], arrayOf(T.Int, true), "wf.a")).toThrow("non-empty");
    expect(() => valueFromJson(2n ** 64n, T.Int, "wf.i")).toThrow("out of the 64-bit Int range");
    expect(() => valueFromJson(parseJsonText("1e400"), T.Float, "wf.f")).toThrow("wf.f: a number is too large for a 64-bit Float");
    expect(() => valueFromJson(parseJsonText("-1" + "0".repeat(400)), T.Float, "wf.f")).toThrow("wf.f: a number is too large for a 64-bit Float");
    expect(() => valueFromJsonUntyped(parseJsonText("[1e400]"))).toThrow("a number is too large for a 64-bit Float");
    expect(valueFromJson(parseJsonText("1e300"), T.Float, "wf.f")).toEqual({ kind: "Float", value: 1e300 });
  });

  it("reads untyped JSON as Object/Array/Int/Float/String/Boolean/None", () => {
    const v = valueFromJsonUntyped({ a: [1n, 2.5, "s", true, null] });
    expect(v.kind).toBe("Object");
    const a = v.kind === "Object" ? v.members.get("a") : undefined;
    expect(a?.kind === "Array" && a.items.map((x) => x.kind)).toEqual(["Int", "Float", "String", "Boolean", "None"]);
  });
});

describe("valueToJson", () => {
  it("writes the spec's JSON output format", () => {
    expect(valueToJson(V.file("/data/x.vcf"))).toBe("/data/x.vcf");
    expect(valueToJson(V.float(11.98))).toBe(11.98);
    expect(valueToJson(V.map([[V.string("C"), V.int(3)]]))).toEqual({ C: 3 });
    expect(valueToJson(V.int(2n ** 62n))).toBe(2n ** 62n);
  });

  it("refuses Pairs and non-String map keys in strict mode (write_json)", () => {
    expect(() => valueToJson(V.pair(V.int(1), V.int(2)), { mode: "strict" })).toThrow(/Pair cannot be serialized/);
    expect(() => valueToJson(V.map([[V.int(2), V.string("x")]]), { mode: "strict" })).toThrow(/Map with Int keys/);
    expect(valueToJson(V.pair(V.int(1), V.int(2)))).toEqual({ left: 1, right: 2 });
    expect(valueToJson(V.map([[V.int(2), V.string("x")]]))).toEqual({ "2": "x" });
  });
  it("marks Floats so that stringifyJson writes whole ones as 5.0, which parse back as Floats", () => {
    const v = V.array([V.float(5), V.float(-0.5), V.float(1e21), V.int(5)]);
    const text = stringifyJson(valueToJson(v, { floats: "marked" }));
    expect(text).toBe("[5.0,-0.5,1e+21,5]");
    expect(stringifyJson(valueToJson(v))).toBe("[5,-0.5,1e+21,5]");
    const back = valueFromJsonUntyped(parseJsonText(text));
    expect(back.kind === "Array" ? back.items : back).toEqual([V.float(5), V.float(-0.5), V.float(1e21), V.int(5)]);
  });
});
