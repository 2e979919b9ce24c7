import { describe, expect, it } from "vitest";
import { translate } from "../../src/stdlib/regex.js";
import { NONE, V } from "../../src/values/value.js";
import { call, callFails, f, i, s } from "./kit.js";

describe("floor, ceil, round", () => {
  it("round floats to Ints (spec examples)", () => {
    expect(call("floor", [f(1.9)])).toEqual(i(1));
    expect(call("floor", [f(-1.1)])).toEqual(i(-2));
    expect(call("ceil", [f(2.1)])).toEqual(i(3));
    expect(call("ceil", [f(2)])).toEqual(i(2));
    expect(call("round", [f(2.49)])).toEqual(i(2));
    expect(call("round", [f(2.5)])).toEqual(i(3));
    expect(call("round", [f(-2.5)])).toEqual(i(-2));
  });

  it("accept an Int (coerced to Float) and refuse out-of-range results", () => {
    expect(call("floor", [i(4)])).toEqual(i(4));
    expect(callFails("round", [f(1e300)]).diagnostic.code).toBe("int-overflow");
    expect(callFails("floor", [f(-1e300)]).diagnostic.message).toBe("floor: the result -1e+300 does not fit in a 64-bit Int");
    expect(callFails("round", [f(2 ** 63)]).diagnostic.message).toBe("round: the result 9223372036854775808 does not fit in a 64-bit Int");
    expect(callFails("ceil", [f(NaN)]).diagnostic.code).toBe("int-overflow");
  });
});

describe("min, max", () => {
  it("give an Int for two Ints, else a Float", () => {
    expect(call("min", [i(1), i(2)])).toEqual(i(1));
    expect(call("max", [i(1), i(2)])).toEqual(i(2));
    expect(call("min", [i(1), f(2)])).toEqual(f(1));
    expect(call("max", [f(1.5), i(1)])).toEqual(f(1.5));
  });

  it("are 1.1 functions", () => {
    expect(callFails("min", [i(1), i(2)], { version: "1.0" }).diagnostic.code).toBe("function-not-in-version");
  });
});

describe("find, matches", () => {
  it("find returns the first match or None", () => {
    expect(call("find", [s("hello world"), s("e..o")])).toEqual(s("ello"));
    expect(call("find", [s("hello world"), s("goodbye")])).toBe(NONE);
    expect(call("find", [s("hello\tBob"), s("\\t")])).toEqual(s("\t"));
  });

  it("matches tests for at least one match", () => {
    expect(call("matches", [s("sample1234_R1.fastq"), s("\\.(gz|zip|zstd)")])).toEqual(V.bool(false));
    expect(call("matches", [s("sample1234_R1.fastq"), s("_R1")])).toEqual(V.bool(true));
    expect(call("matches", [s("abc123"), s("^a.+3$")])).toEqual(V.bool(true));
  });

  it("report invalid patterns clearly", () => {
    expect(callFails("matches", [s("x"), s("(")]).diagnostic.message).toMatch(/^matches: invalid regular expression "\("/);
  });
});

describe("sub", () => {
  const choco = s("I like chocolate when\nit's late");

  it("replaces every match (spec examples)", () => {
    expect(call("sub", [choco, s("like"), s("love")])).toEqual(s("I love chocolate when\nit's late"));
    expect(call("sub", [choco, s("late"), s("early")])).toEqual(s("I like chocoearly when\nit's early"));
    expect(call("sub", [choco, s("late$"), s("early")])).toEqual(s("I like chocolate when\nit's early"));
    expect(call("sub", [choco, s("[^ ]late"), s("early")])).toEqual(s("I like chocearly when\nit's late"));
    expect(call("sub", [choco, s("\\n"), s(" ")])).toEqual(s("I like chocolate when it's late"));
  });

  it("supports POSIX bracket classes", () => {
    expect(call("sub", [s("a1b22"), s("[[:digit:]]+"), s("#")])).toEqual(s("a#b#"));
    expect(call("sub", [s("I like it"), s(" [[:alpha:]]{4} "), s(" 4444 ")])).toEqual(s("I 4444 it"));
  });

  it("accepts Files (swap an extension) and inserts \\N groups, keeping $ literal", () => {
    expect(call("sub", [V.file("foo.data"), s("\\.data$"), s(".index")])).toEqual(s("foo.index"));
    expect(call("sub", [s("ab"), s("(a)(b)"), s("\\2\\1$1")])).toEqual(s("ba$1"));
  });
});

describe("POSIX ERE translation", () => {
  it("keeps POSIX meanings inside brackets", () => {
    expect(translate("[]a]")).toBe("[\\]a]");
    expect(translate("[\\d]")).toBe("[\\\\d]");
    expect(translate("[^[:space:]]")).toBe("[^ \\t\\n\\r\\f\\v]");
  });

  it("makes stray braces and leading repetitions literal", () => {
    expect(translate("a{")).toBe("a\\{");
    expect(translate("a{2,3}")).toBe("a{2,3}");
    expect(translate("*a")).toBe("\\*a");
    expect(translate("(+)")).toBe("(\\+)");
  });

  it("lets . match a newline", () => {
    expect(call("matches", [s("a\nb"), s("a.b")])).toEqual(V.bool(true));
  });
});
