import { describe, expect, it } from "vitest";
import { T } from "../../src/types/types.js";
import { NONE, V, type WdlValue } from "../../src/values/value.js";
import { call, callFails, callJson, f, i, ints, s, strs } from "./kit.js";

const pair = V.pair;
const bool = V.bool;

describe("string array functions", () => {
  it("prefix, suffix, quote, squote (spec examples)", () => {
    const env1 = strs("key1=value1", "key2=value2");
    expect(callJson("prefix", [s("-e "), env1])).toEqual(["-e key1=value1", "-e key2=value2"]);
    expect(callJson("prefix", [s("-f "), ints(1, 2, 3)])).toEqual(["-f 1", "-f 2", "-f 3"]);
    expect(callJson("suffix", [s(".0"), ints(1, 2)])).toEqual(["1.0", "2.0"]);
    expect(callJson("quote", [ints(1, 2)])).toEqual(['"1"', '"2"']);
    expect(callJson("squote", [env1])).toEqual(["'key1=value1'", "'key2=value2'"]);
    expect(callJson("prefix", [s("x"), V.array([f(1.5)])])).toEqual(["x1.500000"]);
  });

  it("refuse non-primitive elements (test_prefix_fail)", () => {
    const err = callFails("prefix", [s("-x "), V.array([strs("a", "b"), strs("c", "d")])]);
    expect(err.diagnostic.message).toBe("prefix: the array's elements must be primitive values, but element 0 is Array[String] of length 2");
  });

  it("sep joins with N-1 separators", () => {
    expect(call("sep", [s(" "), call("prefix", [s("-i "), strs("file_1", "file_2")])])).toEqual(s("-i file_1 -i file_2"));
    expect(call("sep", [s(""), strs("a", "b", "c")])).toEqual(s("abc"));
    expect(call("sep", [s(","), ints(1)])).toEqual(s("1"));
    expect(call("sep", [s(","), V.array([])])).toEqual(s(""));
  });

  it("suffix, quote, squote and sep are 1.1 functions; prefix is 1.0", () => {
    for (const name of ["suffix", "sep"]) expect(callFails(name, [s(""), strs()], { version: "1.0" }).diagnostic.code).toBe("function-not-in-version");
    expect(callJson("prefix", [s("a"), strs("b")], { version: "1.0" })).toEqual(["ab"]);
  });
});

describe("range, transpose, cross, zip, unzip", () => {
  it("range", () => {
    expect(callJson("range", [i(5)])).toEqual([0, 1, 2, 3, 4]);
    expect(callJson("range", [i(0)])).toEqual([]);
    expect(callFails("range", [i(-1)]).diagnostic.message).toBe("range: the length must be >= 0, not -1");
  });

  it("transpose", () => {
    const m = V.array([ints(0, 1, 2), ints(3, 4, 5)]);
    expect(callJson("transpose", [m])).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(callJson("transpose", [V.array([])])).toEqual([]);
    expect(callJson("transpose", [V.array([V.array([])])])).toEqual([]);
    expect(callFails("transpose", [V.array([ints(1, 2), ints(3)])]).diagnostic.message).toContain("row 0 has 2 and row 1 has 1");
  });

  it("cross and zip", () => {
    const xs = ints(1, 2, 3);
    expect(callJson("cross", [xs, strs("a", "b")])).toEqual([
      { left: 1, right: "a" },
      { left: 1, right: "b" },
      { left: 2, right: "a" },
      { left: 2, right: "b" },
      { left: 3, right: "a" },
      { left: 3, right: "b" },
    ]);
    expect(callJson("cross", [xs, V.array([])])).toEqual([]);
    expect(callJson("zip", [xs, strs("a", "b", "c")])).toEqual([
      { left: 1, right: "a" },
      { left: 2, right: "b" },
      { left: 3, right: "c" },
    ]);
    expect(callFails("zip", [xs, strs("d", "e")]).diagnostic.message).toBe(
      "zip: the arrays must have the same length, but they have 3 and 2 elements",
    );
  });

  it("unzip inverts zip, and gives two empty arrays for an empty array", () => {
    const z = call("zip", [ints(0, 42), strs("hello", "goodbye")]);
    expect(callJson("unzip", [z])).toEqual({ left: [0, 42], right: ["hello", "goodbye"] });
    expect(callJson("unzip", [V.array([])])).toEqual({ left: [], right: [] });
  });
});

describe("contains, chunk, flatten", () => {
  it("contains finds primitives and None (test_contains)", () => {
    const samples = V.array([NONE, s("foo")]);
    expect(call("contains", [samples, NONE])).toEqual(bool(true));
    expect(call("contains", [samples, s("bar")])).toEqual(bool(false));
    expect(call("contains", [ints(1, 2), f(2)])).toEqual(bool(true));
  });

  it("chunk splits into consecutive pieces (chunk_array)", () => {
    const s1 = strs("a", "b", "c", "d", "e", "f");
    expect(callJson("chunk", [s1, i(3)])).toEqual([["a", "b", "c"], ["d", "e", "f"]]);
    expect(callJson("chunk", [strs("a", "b", "c", "d", "e"), i(3)])).toEqual([["a", "b", "c"], ["d", "e"]]);
    expect(callJson("chunk", [strs("a", "b"), i(3)])).toEqual([["a", "b"]]);
    expect(callJson("chunk", [strs(), i(3)])).toEqual([[]]);
    expect(callFails("chunk", [s1, i(0)]).diagnostic.message).toBe("chunk: the chunk length must be > 0, not 0");
  });

  it("flatten concatenates one level", () => {
    expect(callJson("flatten", [V.array([ints(1, 2, 3), ints(1), ints(21, 22)])])).toEqual([1, 2, 3, 1, 21, 22]);
    const ai3D = V.array([V.array([ints(1, 2), ints(3, 4)]), V.array([ints(5, 6), ints(7, 8)])]);
    expect(callJson("flatten", [ai3D])).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
    expect(callJson("flatten", [V.array([V.array([]), strs("x")])])).toEqual(["x"]);
    expect(callFails("flatten", [ints(1)]).diagnostic.message).toBe("flatten: element 0 must be an Array, not Int 1");
  });
});

describe("select_first, select_all, defined, length", () => {
  it("select_first picks the first defined value or the default (1.2)", () => {
    const a = V.array([NONE, i(5), i(3)]);
    expect(call("select_first", [a])).toEqual(i(5));
    expect(call("select_first", [V.array([]), i(5)])).toEqual(i(5));
    expect(call("select_first", [V.array([NONE]), i(5)])).toEqual(i(5));
    expect(callFails("select_first", [V.array([NONE])]).diagnostic.message).toBe("select_first: every element of the array is None");
    expect(callFails("select_first", [V.array([])]).diagnostic.message).toBe("select_first: the array is empty");
    expect(callFails("select_first", [V.array([]), i(5)], { version: "1.1" }).diagnostic.code).toBe("function-not-in-version");
  });

  it("select_all drops None values and keeps order", () => {
    expect(callJson("select_all", [V.array([i(5), NONE, i(3)])])).toEqual([5, 3]);
    const r = call("select_all", [V.array([NONE], { ...T.Int, optional: true })]);
    expect(r).toEqual({ kind: "Array", items: [], itemType: T.Int });
  });

  it("defined", () => {
    expect(call("defined", [NONE])).toEqual(bool(false));
    expect(call("defined", [s("")])).toEqual(bool(true));
  });

  it("length of arrays (1.0) and of maps, objects and strings (1.2)", () => {
    expect(call("length", [ints(1, 2, 3)], { version: "1.0" })).toEqual(i(3));
    expect(call("length", [V.array([])])).toEqual(i(0));
    expect(call("length", [V.map([[s("a"), i(1)], [s("b"), i(2)]])])).toEqual(i(2));
    expect(call("length", [V.object(new Map([["a", i(1)]]))])).toEqual(i(1));
    expect(call("length", [s("ABCDE")])).toEqual(i(5));
    expect(call("length", [s("h\u{1f600}")])).toEqual(i(2));
    expect(callFails("length", [s("abc")], { version: "1.1" }).diagnostic.code).toBe("function-not-in-version");
    expect(callFails("length", [i(1)]).diagnostic.message).toBe("length: argument 1 must be an Array, Map, Object or String, not Int 1");
  });
});

describe("map functions", () => {
  const x = V.map([[s("a"), i(1)], [s("c"), i(3)], [s("b"), i(2)]]);

  it("as_pairs keeps insertion order; as_map inverts it and refuses duplicate keys", () => {
    expect(callJson("as_pairs", [x])).toEqual([
      { left: "a", right: 1 },
      { left: "c", right: 3 },
      { left: "b", right: 2 },
    ]);
    expect(callJson("as_map", [call("as_pairs", [x])])).toEqual({ a: 1, c: 3, b: 2 });
    const dup = V.array([pair(s("a"), i(1)), pair(s("a"), i(2))]);
    expect(callFails("as_map", [dup]).diagnostic.message).toBe('as_map: the key String "a" appears more than once (element 1)');
    const m = call("as_map", [V.array([pair(f(0.1), s("mouse")), pair(f(3), s("cat"))])]);
    expect(m.kind === "Map" && m.entries.length).toBe(2);
  });

  it("keys of maps (1.1) and of structs/objects (1.2); values (1.2)", () => {
    expect(callJson("keys", [x])).toEqual(["a", "c", "b"]);
    const name = V.struct("Name", new Map([["first", s("John")], ["last", s("Doe")]]));
    expect(callJson("keys", [name])).toEqual(["first", "last"]);
    expect(callFails("keys", [name], { version: "1.1" }).diagnostic.code).toBe("function-not-in-version");
    expect(callJson("values", [x])).toEqual([1, 3, 2]);
    expect(callJson("values", [V.map([])])).toEqual([]);
  });

  it("contains_key on maps, objects, and nested key paths", () => {
    const m = V.map([[s("a"), i(1)], [s("b"), i(2)]]);
    expect(call("contains_key", [m, s("a")])).toEqual(bool(true));
    expect(call("contains_key", [m, s("c")])).toEqual(bool(false));
    expect(call("contains_key", [V.map([[i(1), s("x")]]), i(1)])).toEqual(bool(true));
    const details = V.map([[s("phone"), s("123")]]);
    const p1 = V.struct("Person", new Map<string, WdlValue>([["name", s("John")], ["details", details]]));
    const p2 = V.struct("Person", new Map<string, WdlValue>([["name", s("Agent X")], ["details", NONE]]));
    expect(call("contains_key", [p1, strs("details", "phone")])).toEqual(bool(true));
    expect(call("contains_key", [p2, strs("details", "phone")])).toEqual(bool(false));
    expect(call("contains_key", [p2, strs("details")])).toEqual(bool(true));
    expect(call("contains_key", [V.object(new Map([["k", i(1)]])), s("k")])).toEqual(bool(true));
  });

  it("collect_by_key groups values by key in first-occurrence order", () => {
    const xs = V.array([pair(s("a"), i(1)), pair(s("b"), i(2)), pair(s("a"), i(3))]);
    expect(callJson("collect_by_key", [xs])).toEqual({ a: [1, 3], b: [2] });
    expect(callJson("collect_by_key", [V.array([])])).toEqual({});
  });
});
