/** The spec's coercion table, unification and operand rules (src/types/coercion.ts). */
import { describe, expect, it } from "vitest";
import { isCoercible, isEquatable, isOrderable, typesEqual, unify, unify2 } from "../../src/types/coercion.js";
import { arrayOf, mapOf, optionalOf, pairOf, T, typeToString, type StructType, type WdlType } from "../../src/types/types.js";

const struct = (name: string, members: [string, WdlType][]): StructType => ({ kind: "Struct", name, members: new Map(members), optional: false });
const A = struct("A", [["s", T.String]]);
const C = struct("C", [["s", T.String]]);
const B = struct("B", [["a_struct", A], ["i", T.Int]]);
const D = struct("D", [["a_struct", C], ["i", T.Int]]);
const Words = struct("Words", [["a", T.Int], ["b", T.Int]]);

describe("isCoercible", () => {
  const yes: [WdlType, WdlType][] = [
    [T.String, T.File],
    [T.String, T.Directory],
    [T.Int, T.Float],
    [T.Int, optionalOf(T.Int)],
    [T.Int, optionalOf(T.Float)],
    [T.None, optionalOf(T.String)],
    [T.None, optionalOf(arrayOf(T.Int))],
    [arrayOf(T.Int), arrayOf(T.Float)],
    [arrayOf(T.Int, true), arrayOf(T.Int)],
    [arrayOf(T.Int), arrayOf(T.Int, true)], // emptiness is checked at run time
    [arrayOf(T.String), arrayOf(optionalOf(T.File))],
    [mapOf(T.String, T.Int), mapOf(T.File, T.Float)],
    [pairOf(T.Int, T.String), pairOf(T.Float, T.File)],
    [mapOf(T.String, T.Int), Words],
    [Words, mapOf(T.String, T.Int)],
    [Words, mapOf(T.String, T.Float)],
    [mapOf(T.String, T.Int), T.Object],
    [T.Object, mapOf(T.String, T.Int)],
    [T.Object, Words],
    [Words, T.Object],
    [B, D],
    [T.Any, T.Int],
    [T.Int, T.Any],
  ];
  const no: [WdlType, WdlType][] = [
    [T.File, T.String],
    [T.Float, T.Int],
    [T.String, T.Int],
    [T.Boolean, T.String],
    [optionalOf(T.Int), T.Int],
    [T.None, T.Int],
    [arrayOf(optionalOf(T.Int)), arrayOf(T.Int)],
    [arrayOf(T.Int), T.Int],
    [mapOf(T.Int, T.Int), Words],
    [mapOf(T.String, T.String), Words],
    [Words, mapOf(T.String, T.Boolean)],
    [A, Words],
    [struct("A2", [["s", T.String], ["t", T.Int]]), A],
    [pairOf(T.Int, T.Int), arrayOf(T.Int)],
    [T.Object, T.Int],
  ];
  for (const [from, to] of yes) it(`${typeToString(from)} → ${typeToString(to)}`, () => expect(isCoercible(from, to)).toBe(true));
  for (const [from, to] of no) it(`not ${typeToString(from)} → ${typeToString(to)}`, () => expect(isCoercible(from, to)).toBe(false));
  it("T? → T only with the deprecated exception", () => {
    expect(isCoercible(optionalOf(T.Int), T.Int, { allowOptionalToRequired: true })).toBe(true);
    expect(isCoercible(arrayOf(optionalOf(T.Int)), arrayOf(T.Int), { allowOptionalToRequired: true })).toBe(true);
  });
});

describe("unify", () => {
  it("widens Int and Float to Float", () => expect(typeToString(unify([T.Int, T.Float, T.Int])!)).toBe("Float"));
  it("None makes the result optional", () => expect(typeToString(unify([T.None, T.Int])!)).toBe("Int?"));
  it("String and File give File", () => expect(typeToString(unify2(T.String, T.File)!)).toBe("File"));
  it("the empty array unifies with any array, keeping non-emptiness only when both are", () => {
    expect(typeToString(unify([arrayOf(T.Int, true), arrayOf(T.Any)])!)).toBe("Array[Int]");
    expect(typeToString(unify([arrayOf(T.Int, true), arrayOf(T.Float, true)])!)).toBe("Array[Float]+");
  });
  it("maps and pairs unify member-wise", () => {
    expect(typeToString(unify2(mapOf(T.String, T.Int), mapOf(T.String, optionalOf(T.Float)))!)).toBe("Map[String, Float?]");
    expect(typeToString(unify2(pairOf(T.Int, T.None), pairOf(T.Float, T.String))!)).toBe("Pair[Float, String?]");
  });
  it("a map unifies with a struct it coerces to", () => expect(unify2(mapOf(T.String, T.Int), Words)).toBe(Words));
  it("incompatible types do not unify", () => {
    expect(unify([T.Int, T.String])).toBeUndefined();
    expect(unify2(arrayOf(T.Int), T.Int)).toBeUndefined();
    expect(unify2(T.Boolean, T.Int)).toBeUndefined();
  });
  it("an empty list unifies to Any", () => expect(unify([])).toEqual(T.Any));
});

describe("operand rules", () => {
  it("any two primitives compare for equality, optional or not", () => {
    expect(isEquatable(T.Int, T.Boolean)).toBe(true);
    expect(isEquatable(optionalOf(T.Int), T.Int)).toBe(true);
    expect(isEquatable(T.None, optionalOf(T.String))).toBe(true);
  });
  it("compound values compare when one coerces to the other", () => {
    expect(isEquatable(arrayOf(T.Int), arrayOf(T.Float))).toBe(true);
    expect(isEquatable(arrayOf(T.Int), mapOf(T.Int, T.Int))).toBe(false);
    expect(isEquatable(A, Words)).toBe(false);
  });
  it("ordering needs two numbers, two strings or two Booleans, none optional", () => {
    expect(isOrderable(T.Int, T.Float)).toBe(true);
    expect(isOrderable(T.String, T.String)).toBe(true);
    expect(isOrderable(T.String, T.Int)).toBe(false);
    expect(isOrderable(optionalOf(T.Int), T.Int)).toBe(false);
    expect(isOrderable(T.File, T.File)).toBe(false);
  });
  it("typesEqual compares structure and optionality", () => {
    expect(typesEqual(arrayOf(T.Int, true), arrayOf(T.Int, true))).toBe(true);
    expect(typesEqual(arrayOf(T.Int, true), arrayOf(T.Int))).toBe(false);
    expect(typesEqual(A, C)).toBe(false);
    expect(typesEqual(optionalOf(T.Int), T.Int)).toBe(false);
  });
});
