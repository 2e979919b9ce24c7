import { describe, expect, it } from "vitest";
import { arrayOf, mapOf, optionalOf, pairOf, T, type StructType, type WdlType } from "../../src/types/types.js";
import { coerce } from "../../src/values/coerce.js";
import { ValueError } from "../../src/values/errors.js";
import { valueToJson } from "../../src/values/json.js";
import { NONE, V, type WdlValue } from "../../src/values/value.js";

const struct = (name: string, members: Record<string, WdlType>): StructType => ({
  kind: "Struct",
  name,
  members: new Map(Object.entries(members)),
  optional: false,
});

function error(v: WdlValue, t: WdlType): ValueError {
  try {
    coerce(v, t);
  } catch (e) {
    expect(e).toBeInstanceOf(ValueError);
    return e as ValueError;
  }
  throw new Error("expected a ValueError");
}

describe("coerce: primitives", () => {
  it("applies the spec's primitive coercions", () => {
    expect(coerce(V.int(2), T.Float)).toEqual(V.float(2));
    expect(coerce(V.string("/a"), T.File)).toEqual(V.file("/a"));
    expect(coerce(V.string("/d"), T.Directory)).toEqual(V.directory("/d"));
  });

  it("returns the same object when the value already fits", () => {
    const v = V.int(1);
    expect(coerce(v, T.Int)).toBe(v);
    const a = V.array([V.int(1)], T.Int);
    expect(coerce(a, arrayOf(T.Int))).toBe(a);
  });

  it("accepts the deprecated exceptions real workflows rely on", () => {
    expect(coerce(V.float(3), T.Int)).toEqual(V.int(3));
    expect(coerce(V.string(" 42 "), T.Int)).toEqual(V.int(42));
    expect(coerce(V.string("2.5"), T.Float)).toEqual(V.float(2.5));
    expect(coerce(V.string("true"), T.Boolean)).toEqual(V.bool(true));
    // A number where the analysis accepted it as a String with a leniency warning (`[1, "a"]`).
    expect(coerce(V.int(1), T.String)).toEqual(V.string("1"));
  });

  it("refuses lossy or meaningless conversions, naming both types", () => {
    expect(error(V.float(2.5), T.Int).message).toBe("expected a value of type Int but found Float 2.500000");
    expect(error(V.bool(true), T.Int).message).toBe("expected a value of type Int but found Boolean true");
    expect(error(V.string("abc"), T.Int).code).toBe("coercion-failed");
    // A Float is finite.
    expect(error(V.string("inf"), T.Float).code).toBe("coercion-failed");
    expect(error(V.string("1e999"), T.Float).code).toBe("coercion-failed");
  });

  it("applies the None rules", () => {
    expect(coerce(NONE, optionalOf(T.Int))).toBe(NONE);
    const e = error(NONE, T.Int);
    expect(e.message).toBe("expected a value of type Int but found None");
    expect(e.fromNone).toBe(true);
    expect(coerce(V.int(1), optionalOf(T.Float))).toEqual(V.float(1));
  });
});

describe("coerce: compound values", () => {
  it("coerces arrays element-wise and records the item type", () => {
    const v = coerce(V.array([V.int(1), V.int(2)]), arrayOf(T.Float));
    expect(v).toEqual({ kind: "Array", items: [V.float(1), V.float(2)], itemType: T.Float });
  });

  it("checks Array[T]+ is non-empty", () => {
    expect(error(V.array([]), arrayOf(T.Int, true)).message).toBe("expected a non-empty Array[Int]+ but found an empty array");
  });

  it("names the path of a nested failure", () => {
    const v = V.array([V.map([[V.string("k"), V.int(1)]]), V.map([[V.string("k"), V.string("x")]])]);
    expect(error(v, arrayOf(mapOf(T.String, T.Int))).message).toBe(
      'at [1]["k"]: expected a value of type Int but found String "x" (the text is not an integer)',
    );
  });

  it("coerces String values known only at run time to Int, Float, Boolean and File (read_map values, Appendix A)", () => {
    const m = V.map([[V.string("a"), V.string(" 12 ")], [V.string("b"), V.string("true")]]);
    const ok = coerce(V.map([[V.string("a"), V.string(" 12 ")]]), mapOf(T.String, T.Int));
    expect(ok.kind === "Map" ? ok.entries : ok).toEqual([[V.string("a"), V.int(12)]]);
    expect(coerce(V.string("2.5e1"), T.Float)).toEqual(V.float(25));
    expect(coerce(V.string("TRUE"), T.Boolean)).toEqual(V.bool(true));
    expect(coerce(V.string("x.txt"), T.File)).toEqual(V.file("x.txt"));
    expect(error(m, mapOf(T.String, T.Int)).message).toBe('at ["b"]: expected a value of type Int but found String "true" (the text is not an integer)');
    expect(error(V.string("1,5"), T.Float).message).toBe('expected a value of type Float but found String "1,5" (the text is not a number)');
    expect(error(V.string("yes"), T.Boolean).message).toBe('expected a value of type Boolean but found String "yes" (the text is neither true nor false)');
  });

  it("coerces maps and pairs", () => {
    const m = coerce(V.map([[V.string("1"), V.int(2)]]), mapOf(T.Int, T.Float));
    expect(m.kind === "Map" && m.entries[0]).toEqual([V.int(1), V.float(2)]);
    const p = coerce(V.pair(V.int(1), V.string("f")), pairOf(T.Float, T.File));
    expect(p).toEqual(V.pair(V.float(1), V.file("f")));
  });

  it("converts Map ↔ Array[Pair] (deprecated exception)", () => {
    const a = coerce(V.map([[V.string("a"), V.int(1)]]), arrayOf(pairOf(T.String, T.Int)));
    expect(a.kind === "Array" && a.items[0]).toEqual(V.pair(V.string("a"), V.int(1)));
    const m = coerce(V.array([V.pair(V.string("a"), V.int(1))]), mapOf(T.String, T.Int));
    expect(valueToJson(m)).toEqual({ a: 1 });
  });

  it("builds structs from maps, objects and other structs, by member name", () => {
    const Words = struct("Words", { a: T.Int, b: T.Int });
    const fromMap = coerce(V.map([[V.string("b"), V.int(2)], [V.string("a"), V.int(1)]]), Words);
    expect(fromMap.kind === "Struct" && [...fromMap.members.keys()]).toEqual(["a", "b"]);
    const fromObject = coerce(V.object(new Map([["a", V.int(1)], ["b", V.int(2)]])), Words);
    expect(valueToJson(fromObject)).toEqual({ a: 1, b: 2 });
    const A = struct("A", { s: T.String });
    const C = struct("C", { s: T.String });
    const B = struct("B", { a_struct: A, i: T.Int });
    const D = struct("D", { a_struct: C, i: T.Int });
    const b = coerce(V.object(new Map<string, WdlValue>([["a_struct", V.object(new Map([["s", V.string("hello")]]))], ["i", V.int(10)]])), B);
    const d = coerce(b, D);
    expect(d.kind === "Struct" && d.name).toBe("D");
    const inner = d.kind === "Struct" ? d.members.get("a_struct") : undefined;
    expect(inner?.kind === "Struct" && inner.name).toBe("C");
  });

  it("fills missing optional struct members with None but refuses missing required ones", () => {
    const P = struct("P", { name: T.String, nick: optionalOf(T.String) });
    expect(valueToJson(coerce(V.object(new Map([["name", V.string("x")]])), P))).toEqual({ name: "x", nick: null });
    expect(error(V.object(new Map([["nick", V.string("x")]])), P).message).toContain("missing member 'name' of type String");
  });

  it("ignores extra keys of an Object or Map but not extra members of another struct", () => {
    const P = struct("P", { name: T.String });
    const extra = new Map<string, WdlValue>([["name", V.string("x")], ["zzz", V.int(1)]]);
    expect(valueToJson(coerce(V.object(extra), P))).toEqual({ name: "x" });
    expect(error(V.struct("Q", extra), P).message).toContain("struct P has no member 'zzz'");
  });

  it("converts structs and maps to Object and Object to Map", () => {
    const o = coerce(V.map([[V.string("a"), V.int(1)]]), T.Object);
    expect(o.kind).toBe("Object");
    const m = coerce(V.object(new Map([["a", V.int(1)]])), mapOf(T.String, T.Float));
    expect(m.kind === "Map" && m.entries[0]).toEqual([V.string("a"), V.float(1)]);
  });

  it("reads read_json-style objects and two-element arrays as pairs", () => {
    expect(coerce(V.object(new Map<string, WdlValue>([["left", V.int(1)], ["right", V.string("r")]])), pairOf(T.Int, T.String))).toEqual(
      V.pair(V.int(1), V.string("r")),
    );
    expect(coerce(V.array([V.int(1), V.int(2)]), pairOf(T.Int, T.Int))).toEqual(V.pair(V.int(1), V.int(2)));
  });
});
