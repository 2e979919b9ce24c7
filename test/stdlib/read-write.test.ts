import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { nodeFileIO } from "../../src/eval/node-io.js";
import { T } from "../../src/types/types.js";
import { coerce } from "../../src/values/coerce.js";
import { valueToJson } from "../../src/values/json.js";
import { NONE, V, type WdlValue } from "../../src/values/value.js";
import { memoryIO } from "../eval/kit.js";
import { call, callFails, callJson, ints, s, strs } from "./kit.js";

const file = V.file;

describe("read_string, read_int, read_float, read_boolean", () => {
  const io = memoryIO({
    lines: "this\nfile\nhas\nfive\nlines\n",
    crlf: "a\r\nb\r\n\r\n",
    empty: "",
    int_file: "  1  \n",
    float_file: "  2.0  \n",
    true_file: "  true  \n",
    false_file: "  FALSE  \n",
    two: "1\n2\n",
    junk: "abc\n",
  });

  it("read_string strips trailing newlines only", () => {
    expect(call("read_string", [file("lines")], { io })).toEqual(s("this\nfile\nhas\nfive\nlines"));
    expect(call("read_string", [file("crlf")], { io })).toEqual(s("a\r\nb"));
    expect(call("read_string", [file("empty")], { io })).toEqual(s(""));
  });

  it("read_int / read_float / read_boolean read one value with optional whitespace (spec examples)", () => {
    expect(call("read_int", [file("int_file")], { io })).toEqual(V.int(1));
    expect(call("read_float", [file("int_file")], { io })).toEqual(V.float(1));
    expect(call("read_float", [file("float_file")], { io })).toEqual(V.float(2));
    expect(call("read_boolean", [file("true_file")], { io })).toEqual(V.bool(true));
    expect(call("read_boolean", [file("false_file")], { io })).toEqual(V.bool(false));
  });

  it("fail on empty, multi-line or malformed content, and on missing files", () => {
    expect(callFails("read_int", [file("empty")], { io }).diagnostic.message).toContain("is empty");
    expect(callFails("read_int", [file("two")], { io }).diagnostic.message).toContain("more than one line");
    expect(callFails("read_int", [file("float_file")], { io }).diagnostic.message).toBe('read_int: "2.0" is not an integer');
    expect(callFails("read_boolean", [file("junk")], { io }).diagnostic.code).toBe("invalid-file-content");
    expect(callFails("read_string", [file("missing")], { io }).diagnostic.message).toBe(
      "cannot read file 'missing': no such file or directory",
    );
  });
});

describe("read_lines / write_lines", () => {
  it("round-trip lines, with a final newline on every line", () => {
    const io = memoryIO();
    const f = call("write_lines", [strs("first", "second", "third")], { io });
    expect(f.kind).toBe("File");
    expect(io.files.get((f as { value: string }).value)).toBe("first\nsecond\nthird\n");
    expect(callJson("read_lines", [f], { io })).toEqual(["first", "second", "third"]);
  });

  it("write an empty file for an empty array and read [] back", () => {
    const io = memoryIO();
    const f = call("write_lines", [V.array([])], { io });
    expect(io.files.get((f as { value: string }).value)).toBe("");
    expect(callJson("read_lines", [f], { io })).toEqual([]);
  });

  it("strip \\r and keep inner empty lines; results coerce to Array[Int]", () => {
    const io = memoryIO({ x: "1\r\n\r\n3" });
    expect(callJson("read_lines", [file("x")], { io })).toEqual(["1", "", "3"]);
    const io2 = memoryIO({ y: "1\n2\n" });
    expect(valueToJson(coerce(call("read_lines", [file("y")], { io: io2 }), { kind: "Array", item: T.Int, nonEmpty: false, optional: false }))).toEqual([1, 2]);
  });
});

describe("read_tsv / write_tsv", () => {
  const io = memoryIO({
    "data.no_headers.tsv": "row1\tvalue1\nrow2\tvalue2\nrow3\tvalue3\n",
    "data.headers.tsv": "header1\theader2\nrow1\tvalue1\nrow2\tvalue2\n",
    ragged: "a\tb\nc\n",
  });

  it("reads rows as arrays, or as Objects with a header or given names (1.2)", () => {
    expect(callJson("read_tsv", [file("data.no_headers.tsv")], { io })).toEqual([
      ["row1", "value1"],
      ["row2", "value2"],
      ["row3", "value3"],
    ]);
    expect(callJson("read_tsv", [file("data.no_headers.tsv"), V.bool(false), strs("name", "value")], { io })).toEqual([
      { name: "row1", value: "value1" },
      { name: "row2", value: "value2" },
      { name: "row3", value: "value3" },
    ]);
    expect(callJson("read_tsv", [file("data.headers.tsv"), V.bool(true)], { io })).toEqual([
      { header1: "row1", header2: "value1" },
      { header1: "row2", header2: "value2" },
    ]);
    expect(callJson("read_tsv", [file("data.headers.tsv"), V.bool(true), strs("name", "value")], { io })).toEqual([
      { name: "row1", value: "value1" },
      { name: "row2", value: "value2" },
    ]);
  });

  it("lets ragged rows through without a header, refuses them with one, and gates the 1.2 variants", () => {
    expect(callJson("read_tsv", [file("ragged")], { io })).toEqual([["a", "b"], ["c"]]);
    expect(callFails("read_tsv", [file("ragged"), V.bool(true)], { io }).diagnostic.message).toBe(
      "read_tsv: line 2 has 1 field(s) but there are 2 field names",
    );
    expect(callFails("read_tsv", [file("ragged"), V.bool(true)], { io, version: "1.1" }).diagnostic.code).toBe("function-not-in-version");
  });

  it("writes arrays, arrays with a header, and structs (spec example)", () => {
    const out = memoryIO();
    const content = (v: WdlValue) => out.files.get((v as { value: string }).value);
    const array = V.array([strs("one", "two", "three"), strs("un", "deux", "trois")]);
    expect(content(call("write_tsv", [array], { io: out }))).toBe("one\ttwo\tthree\nun\tdeux\ttrois\n");
    expect(content(call("write_tsv", [array, V.bool(true), strs("first", "second", "third")], { io: out }))).toBe(
      "first\tsecond\tthird\none\ttwo\tthree\nun\tdeux\ttrois\n",
    );
    const num = (a: string, b: string, c: string) =>
      V.struct("Numbers", new Map([["first", s(a)], ["second", s(b)], ["third", s(c)]]));
    const structs = V.array([num("one", "two", "three"), num("un", "deux", "trois")]);
    expect(content(call("write_tsv", [structs], { io: out }))).toBe("one\ttwo\tthree\nun\tdeux\ttrois\n");
    expect(content(call("write_tsv", [structs, V.bool(true)], { io: out }))).toBe("first\tsecond\tthird\none\ttwo\tthree\nun\tdeux\ttrois\n");
    expect(content(call("write_tsv", [structs, V.bool(true), strs("no1", "no2", "no3")], { io: out }))).toBe(
      "no1\tno2\tno3\none\ttwo\tthree\nun\tdeux\ttrois\n",
    );
  });

  it("refuses a header without names for arrays, and rows that do not fit the header", () => {
    const out = memoryIO();
    expect(callFails("write_tsv", [V.array([strs("a")]), V.bool(true)], { io: out }).diagnostic.message).toContain("column names");
    expect(callFails("write_tsv", [V.array([strs("a")]), V.bool(true), strs("x", "y")], { io: out }).diagnostic.message).toContain(
      "row 0 has 1 column(s) but the header has 2",
    );
  });
});

describe("read_map / write_map", () => {
  it("round-trip a Map[String, String] in order", () => {
    const io = memoryIO();
    const m = V.map([
      [s("key1"), s("value1")],
      [s("key2"), s("value2")],
    ]);
    const f = call("write_map", [m], { io });
    expect(io.files.get((f as { value: string }).value)).toBe("key1\tvalue1\nkey2\tvalue2\n");
    expect(callJson("read_map", [f], { io })).toEqual({ key1: "value1", key2: "value2" });
  });

  it("refuses lines without exactly two columns and duplicate keys", () => {
    const io = memoryIO({ three: "a\tb\tc\n", dup: "a\t1\na\t2\n" });
    expect(callFails("read_map", [file("three")], { io }).diagnostic.message).toBe(
      "read_map: line 1 has 3 column(s); each line must have exactly 2",
    );
    expect(callFails("read_map", [file("dup")], { io }).diagnostic.message).toContain('the key "a" appears more than once');
  });
});

describe("read_json / write_json", () => {
  it("reads any JSON value; objects become Objects that coerce to structs", () => {
    const io = memoryIO({ "person.json": '{"name": "John", "age": 42}', arr: "[1, 2.5, null]", bad: "{", empty: "" });
    const p = call("read_json", [file("person.json")], { io });
    expect(p.kind).toBe("Object");
    const Person = { kind: "Struct", name: "Person", members: new Map([["name", T.String], ["age", T.Int]]), optional: false } as const;
    expect(valueToJson(coerce(p, Person))).toEqual({ name: "John", age: 42 });
    expect(callJson("read_json", [file("arr")], { io })).toEqual([1, 2.5, null]);
    expect(callFails("read_json", [file("bad")], { io }).diagnostic.message).toMatch(/^read_json: invalid JSON at line 1/);
    expect(callFails("read_json", [file("empty")], { io }).diagnostic.message).toContain("unexpected end of input");
  });

  it("writes JSON; Pairs and non-String map keys are errors (write_json_fail)", () => {
    const io = memoryIO();
    const f = call("write_json", [V.map([[s("key1"), s("value1")], [s("key2"), s("value2")]])], { io });
    expect(io.files.get((f as { value: string }).value)).toBe('{"key1":"value1","key2":"value2"}\n');
    const x = V.pair(V.int(1), V.map([[V.int(2), s("hello")]]));
    expect(callFails("write_json", [x], { io }).diagnostic.code).toBe("not-serializable");
    expect(callFails("write_json", [V.map([[V.int(2), s("hello")]])], { io }).diagnostic.message).toContain("Map with Int keys");
    const g = call("write_json", [V.array([V.int(2n ** 62n), V.float(0.5), NONE, V.bool(true)])], { io });
    expect(io.files.get((g as { value: string }).value)).toBe(`[${2n ** 62n},0.5,null,true]\n`);
  });

  it("WDL 1.0 writes a Pair as {left, right} (the prohibition is 1.1's); Int map keys stay an error", () => {
    const io = memoryIO();
    const x = V.pair(V.int(1), V.array([s("a")]));
    const f = call("write_json", [x], { io, version: "1.0" });
    expect(io.files.get((f as { value: string }).value)).toBe('{"left":1,"right":["a"]}\n');
    expect(callFails("write_json", [x], { io, version: "1.1" }).diagnostic.code).toBe("not-serializable");
    expect(callFails("write_json", [V.map([[V.int(2), s("hello")]])], { io, version: "1.0" }).diagnostic.message).toContain("Map with Int keys");
  });
});

describe("read_object(s) / write_object(s)", () => {
  it("read_object reads two rows into an Object (spec example)", () => {
    const io = memoryIO({ o: "key_0\tkey_1\tkey_2\nvalue_0\tvalue_1\tvalue_2\n", three: "a\nb\nc\n", dup: "a\ta\n1\t2\n" });
    expect(callJson("read_object", [file("o")], { io })).toEqual({ key_0: "value_0", key_1: "value_1", key_2: "value_2" });
    expect(callFails("read_object", [file("three")], { io }).diagnostic.message).toContain("exactly 2 lines");
    expect(callFails("read_object", [file("dup")], { io }).diagnostic.message).toContain('"a" appears more than once');
  });

  it("read_objects reads a header and any number of rows", () => {
    const io = memoryIO({ o: "k0\tk1\nA0\tA1\nB0\tB1\n", header: "k0\tk1\n", empty: "" });
    expect(callJson("read_objects", [file("o")], { io })).toEqual([
      { k0: "A0", k1: "A1" },
      { k0: "B0", k1: "B1" },
    ]);
    expect(callJson("read_objects", [file("header")], { io })).toEqual([]);
    expect(callJson("read_objects", [file("empty")], { io })).toEqual([]);
  });

  it("write_object and write_objects write names then values", () => {
    const io = memoryIO();
    const o = (a: string, b: string) => V.object(new Map([["key_1", s(a)], ["key_2", s(b)]]));
    const f = call("write_object", [o("value_1", "value_2")], { io });
    expect(io.files.get((f as { value: string }).value)).toBe("key_1\tkey_2\nvalue_1\tvalue_2\n");
    const g = call("write_objects", [V.array([o("1", "2"), o("4", "5")])], { io });
    expect(io.files.get((g as { value: string }).value)).toBe("key_1\tkey_2\n1\t2\n4\t5\n");
    expect(callFails("write_object", [V.object(new Map([["a", ints(1)]]))], { io }).diagnostic.message).toContain(
      "only primitive values can be written",
    );
    const other = V.object(new Map([["key_1", s("x")]]));
    expect(callFails("write_objects", [V.array([o("1", "2"), other])], { io }).diagnostic.message).toContain("different member names");
  });
});

describe("nodeFileIO writes", () => {
  it("puts write_* files in the write directory with unique names", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wdlrun-write-"));
    try {
      const io = nodeFileIO({ baseDir: dir, writeDir: path.join(dir, "written") });
      const a = call("write_lines", [strs("x")], { io }) as { value: string };
      const b = call("write_lines", [strs("y")], { io }) as { value: string };
      expect(a.value).not.toBe(b.value);
      expect(path.dirname(a.value)).toBe(path.join(dir, "written"));
      expect(fs.readFileSync(a.value, "utf8")).toBe("x\n");
      expect(callJson("read_lines", [V.file(b.value)], { io })).toEqual(["y"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it("names them for their content, so a rerun writes the same names; a changed file is never reused", () => {
    const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), "wdlrun-write-")));
    try {
      const [first, second] = dirs.map((dir) => {
        const io = nodeFileIO({ baseDir: dir, writeDir: path.join(dir, "written") });
        return [
          path.basename((call("write_lines", [strs("x")], { io }) as { value: string }).value),
          path.basename((call("write_json", [strs("x")], { io }) as { value: string }).value),
        ];
      });
      expect(first).toEqual(second);
      expect(first![0]).toMatch(/^write_lines_[0-9a-f]{16}\.txt$/);
      expect(first![1]).toMatch(/^write_json_[0-9a-f]{16}\.json$/);

      const dir = dirs[0]!;
      const io = nodeFileIO({ baseDir: dir, writeDir: path.join(dir, "written") });
      const again = (call("write_lines", [strs("x")], { io }) as { value: string }).value;
      expect(path.basename(again)).toBe(first![0]);
      expect(fs.readFileSync(again, "utf8")).toBe("x\n");
      // A command changed the file: the same content is written afresh beside it.
      fs.writeFileSync(again, "changed\n");
      const fresh = (call("write_lines", [strs("x")], { io }) as { value: string }).value;
      expect(fresh).toBe(again.replace(/\.txt$/, "_1.txt"));
      expect(fs.readFileSync(fresh, "utf8")).toBe("x\n");
      expect(fs.readFileSync(again, "utf8")).toBe("changed\n");
    } finally {
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
