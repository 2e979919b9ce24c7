import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrayOf, mapOf, optionalOf, pairOf, T, type WdlType } from "../../src/types/types.js";
import { coerce } from "../../src/values/coerce.js";
import { valuesEqual } from "../../src/values/compare.js";
import { valueFromJson, valueToJson } from "../../src/values/json.js";
import { parseJsonText, stringifyJson } from "../../src/values/json-text.js";
import { NONE, type WdlValue } from "../../src/values/value.js";

/** A generator of (type, value of that type) pairs, nested a few levels. */
const typed: fc.Arbitrary<[WdlType, WdlValue]> = fc.letrec<{ tv: [WdlType, WdlValue] }>((tie) => ({
  tv: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n).map((n): [WdlType, WdlValue] => [T.Int, { kind: "Int", value: n }]),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((x): [WdlType, WdlValue] => [T.Float, { kind: "Float", value: x }]),
    fc.string().map((x): [WdlType, WdlValue] => [T.String, { kind: "String", value: x }]),
    fc.boolean().map((x): [WdlType, WdlValue] => [T.Boolean, { kind: "Boolean", value: x }]),
    fc.string().map((x): [WdlType, WdlValue] => [T.File, { kind: "File", value: x }]),
    tie("tv").map(([t]): [WdlType, WdlValue] => [optionalOf(t), NONE]),
    tie("tv").chain(([t, v]) =>
      fc.array(fc.constant(v), { maxLength: 3 }).map((items): [WdlType, WdlValue] => [arrayOf(t), { kind: "Array", items, itemType: t }]),
    ),
    fc.tuple(tie("tv"), tie("tv")).map(([[lt, l], [rt, r]]): [WdlType, WdlValue] => [pairOf(lt, rt), { kind: "Pair", left: l, right: r }]),
    fc
      .tuple(fc.uniqueArray(fc.string(), { maxLength: 3 }), tie("tv"))
      .map(([keys, [vt, v]]): [WdlType, WdlValue] => [
        mapOf(T.String, vt),
        { kind: "Map", entries: keys.map((k) => [{ kind: "String", value: k }, v] as const), keyType: T.String, valueType: vt },
      ]),
  ),
})).tv;

describe("value properties", () => {
  it("JSON round-trips every value through its type (text included)", () => {
    fc.assert(
      fc.property(typed, ([t, v]) => {
        const text = stringifyJson(valueToJson(v));
        const back = valueFromJson(parseJsonText(text), t);
        expect(valuesEqual(back, v)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("coercing a value to its own type is the identity", () => {
    fc.assert(
      fc.property(typed, ([t, v]) => {
        expect(valuesEqual(coerce(v, t), v)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("parseJsonText agrees with JSON.parse on JSON.stringify output (numbers aside)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (j) => {
        const text = JSON.stringify(j);
        const mine = parseJsonText(text);
        const normal = JSON.parse(text, (_k, x) => x);
        expect(JSON.stringify(mine, (_k, x) => (typeof x === "bigint" ? Number(x) : x))).toBe(JSON.stringify(normal));
      }),
      { numRuns: 300 },
    );
  });
});
