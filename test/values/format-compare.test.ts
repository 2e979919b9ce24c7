import { describe, expect, it } from "vitest";
import { compareCodePoints, compareValues, valuesEqual } from "../../src/values/compare.js";
import { describeValue, formatFloat, primitiveToString } from "../../src/values/format.js";
import { NONE, V } from "../../src/values/value.js";

describe("formatFloat", () => {
  it("prints [-]ddd.dddddd as the spec says", () => {
    expect(formatFloat(1)).toBe("1.000000");
    expect(formatFloat(3.141)).toBe("3.141000");
    expect(formatFloat(-0.5)).toBe("-0.500000");
    expect(formatFloat(-0)).toBe("0.000000");
    expect(formatFloat(3.141e-10)).toBe("0.000000");
    expect(formatFloat(1e22)).toBe("10000000000000000000000.000000");
    expect(formatFloat(Infinity)).toBe("inf");
  });
});

describe("primitiveToString", () => {
  it("converts primitives and refuses compounds", () => {
    expect(primitiveToString(V.int(-3))).toBe("-3");
    expect(primitiveToString(V.bool(true))).toBe("true");
    expect(primitiveToString(NONE)).toBeUndefined();
    expect(() => primitiveToString(V.array([]))).toThrow(/use sep\(\)/);
  });

  it("describes values for messages", () => {
    expect(describeValue(V.string("a"))).toBe('String "a"');
    expect(describeValue(V.array([V.int(1)]))).toBe("Array[Int] of length 1");
    expect(describeValue(V.map([]))).toBe("Map[Any, Any] with 0 entries");
  });
});

describe("valuesEqual / compareValues", () => {
  it("treats Int and Float numerically and String/File textually", () => {
    expect(valuesEqual(V.int(1), V.float(1))).toBe(true);
    expect(valuesEqual(V.file("a"), V.string("a"))).toBe(true);
    // The spec's order of precedence: other primitive pairs compare as Strings.
    expect(valuesEqual(V.bool(true), V.string("true"))).toBe(true);
    expect(valuesEqual(V.int(1), V.string("1"))).toBe(true);
    expect(valuesEqual(V.int(1), V.bool(true))).toBe(false);
    expect(valuesEqual(V.float(1), V.string("1.0"))).toBe(false);
    expect(valuesEqual(NONE, NONE)).toBe(true);
    expect(valuesEqual(NONE, V.int(0))).toBe(false);
  });

  it("compares structs and objects by their members (an aliased struct is the same type)", () => {
    const m = new Map([["a", V.int(1)]]);
    expect(valuesEqual(V.struct("A", m), V.struct("A", new Map([["a", V.int(1)]])))).toBe(true);
    expect(valuesEqual(V.struct("A", m), V.struct("AliasOfA", m))).toBe(true);
    expect(valuesEqual(V.struct("A", m), V.struct("A", new Map([["b", V.int(1)]])))).toBe(false);
    expect(valuesEqual(V.object(m), V.object(new Map([["a", V.int(2)]])))).toBe(false);
  });

  it("orders numbers, strings by code point and booleans", () => {
    expect(compareValues(V.int(2), V.float(2.5))).toBeLessThan(0);
    expect(compareValues(V.string("b"), V.string("a"))).toBeGreaterThan(0);
    expect(compareValues(V.bool(false), V.bool(true))).toBeLessThan(0);
    // U+FF61 (BMP) sorts before U+1F600 (astral) by code point, though not by UTF-16 unit.
    expect(compareCodePoints("\uff61", "\u{1f600}")).toBeLessThan(0);
    expect(() => compareValues(V.int(1), V.string("1"))).toThrow(/cannot order/);
  });
});
