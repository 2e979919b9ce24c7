import { describe, expect, it } from "vitest";
import { evaluate, evaluateAs } from "../../src/eval/evaluate.js";
import { EvalError } from "../../src/eval/errors.js";
import type { Expr } from "../../src/syntax/ast.js";
import { arrayOf, mapOf, T } from "../../src/types/types.js";
import { valueToJson } from "../../src/values/json.js";
import { NONE, V, type WdlValue } from "../../src/values/value.js";
import { ctx, E, memoryIO, structType } from "./kit.js";

const js = (v: WdlValue): unknown => valueToJson(v);
const ev = (e: Expr, bindings: Record<string, WdlValue> = {}): WdlValue => evaluate(e, ctx(bindings));

/** Evaluates and returns the EvalError it must throw. */
function fails(e: Expr, bindings: Record<string, WdlValue> = {}, version?: "1.0" | "1.1" | "1.2"): EvalError {
  try {
    evaluate(e, ctx(bindings, version ? { version } : {}));
  } catch (err) {
    expect(err).toBeInstanceOf(EvalError);
    return err as EvalError;
  }
  throw new Error("expected an EvalError");
}

describe("literals and names", () => {
  it("evaluates primitive literals", () => {
    expect(ev(E.int(42))).toEqual(V.int(42));
    expect(ev(E.float(2.5))).toEqual(V.float(2.5));
    expect(ev(E.bool(true))).toEqual(V.bool(true));
    expect(ev(E.none())).toBe(NONE);
    expect(ev(E.str("abc"))).toEqual(V.string("abc"));
  });

  it("evaluates compound literals", () => {
    expect(js(ev(E.arr(E.int(1), E.int(2))))).toEqual([1, 2]);
    expect(js(ev(E.map([E.str("a"), E.int(1)], [E.str("b"), E.int(2)])))).toEqual({ a: 1, b: 2 });
    const p = ev(E.pair(E.int(1), E.str("x")));
    expect(p.kind).toBe("Pair");
    expect(js(ev(E.obj({ a: E.int(1) })))).toEqual({ a: 1 });
  });

  it("promotes Ints in an array that also holds Floats", () => {
    const a = ev(E.arr(E.int(1), E.float(2.5)));
    expect(a.kind === "Array" && a.items.map((x) => x.kind)).toEqual(["Float", "Float"]);
  });

  it("promotes Int map values when the map also holds Floats", () => {
    const m = ev(E.map([E.str("a"), E.int(1)], [E.str("b"), E.float(2.5)]));
    expect(m.kind === "Map" && m.entries.map(([, v]) => v.kind)).toEqual(["Float", "Float"]);
  });

  it("promotes an Int branch of an if-then-else typed Float by analysis", () => {
    const e = E.ite(E.bool(true), E.int(1), E.float(2.5));
    expect(evaluate(e, ctx({}, { typeOf: (x) => (x === e ? T.Float : undefined) }))).toEqual(V.float(1));
    expect(evaluate(e, ctx())).toEqual(V.int(1));
  });

  it("types an empty array literal from analysis when it can", () => {
    const e = E.arr();
    const v = evaluate(e, ctx({}, { typeOf: (x) => (x === e ? arrayOf(T.String) : undefined) }));
    expect(v).toEqual({ kind: "Array", items: [], itemType: T.String });
  });

  it("looks names up and reports unknown ones at the name", () => {
    expect(ev(E.name("x"), { x: V.int(3) })).toEqual(V.int(3));
    const e = E.name("nope", 7);
    const err = fails(e);
    expect(err.diagnostic.code).toBe("unknown-name");
    expect(err.diagnostic.message).toContain("'nope'");
    expect(err.diagnostic.span).toBe(e.span);
  });
});

describe("arithmetic", () => {
  it("adds, subtracts, multiplies Ints exactly", () => {
    expect(ev(E.bin("+", E.int(2), E.int(3)))).toEqual(V.int(5));
    expect(ev(E.bin("-", E.int(2), E.int(3)))).toEqual(V.int(-1));
    expect(ev(E.bin("*", E.int(4n * 10n ** 17n), E.int(10)))).toEqual(V.int(4n * 10n ** 18n));
  });

  it("mixes Int and Float into Float", () => {
    expect(ev(E.bin("+", E.int(1), E.float(2.2)))).toEqual(V.float(3.2));
    expect(ev(E.bin("*", E.float(1.5), E.int(2)))).toEqual(V.float(3));
    expect(ev(E.bin("/", E.int(1), E.float(4)))).toEqual(V.float(0.25));
  });

  it("divides Ints truncating toward zero, and the remainder has the dividend's sign", () => {
    expect(ev(E.bin("/", E.int(7), E.int(2)))).toEqual(V.int(3));
    expect(ev(E.bin("/", E.int(-7), E.int(2)))).toEqual(V.int(-3));
    expect(ev(E.bin("%", E.int(-7), E.int(2)))).toEqual(V.int(-1));
    expect(ev(E.bin("%", E.float(7.5), E.int(2)))).toEqual(V.float(1.5));
  });

  it("reports division and remainder by zero at the operator", () => {
    for (const op of ["/", "%"] as const) {
      const e = E.bin(op, E.int(1), E.int(0), 3);
      const err = fails(e);
      expect(err.diagnostic.code).toBe("division-by-zero");
      expect(err.diagnostic.span).toBe(e.span);
    }
    expect(fails(E.bin("/", E.float(1), E.float(0))).diagnostic.code).toBe("division-by-zero");
  });

  it("reports 64-bit overflow instead of wrapping or rounding", () => {
    const max = E.int(2n ** 63n - 1n);
    expect(fails(E.bin("+", max, E.int(1))).diagnostic.code).toBe("int-overflow");
    expect(fails(E.bin("*", E.int(2n ** 62n), E.int(2))).diagnostic.code).toBe("int-overflow");
    expect(fails(E.un("-", E.bin("-", E.un("-", max), E.int(1)))).diagnostic.code).toBe("int-overflow");
    expect(fails(E.bin("/", E.bin("-", E.un("-", max), E.int(1)), E.int(-1))).diagnostic.code).toBe("int-overflow");
  });

  it("implements ** (1.2 only) for Ints and Floats", () => {
    expect(ev(E.bin("**", E.int(2), E.int(10)))).toEqual(V.int(1024));
    expect(ev(E.bin("**", E.int(2), E.float(0.5)))).toEqual(V.float(Math.SQRT2));
    expect(ev(E.bin("**", E.float(2), E.int(-1)))).toEqual(V.float(0.5));
    expect(fails(E.bin("**", E.int(2), E.int(-1))).diagnostic.message).toContain("negative power");
    expect(fails(E.bin("**", E.int(2), E.int(64))).diagnostic.code).toBe("int-overflow");
    expect(fails(E.bin("**", E.int(2), E.int(2)), {}, "1.1").diagnostic.code).toBe("operator-not-in-version");
  });

  it("negates and keeps unary plus", () => {
    expect(ev(E.un("-", E.int(3)))).toEqual(V.int(-3));
    expect(ev(E.un("-", E.float(1.5)))).toEqual(V.float(-1.5));
    expect(ev(E.un("!", E.bool(false)))).toEqual(V.bool(true));
    expect(fails(E.un("-", E.str("a"))).diagnostic.code).toBe("invalid-operand");
  });
});

describe("string concatenation", () => {
  it("concatenates Strings, and String + File gives a File", () => {
    expect(ev(E.bin("+", E.str("a"), E.str("b")))).toEqual(V.string("ab"));
    expect(ev(E.bin("+", E.str("/d/"), E.name("f")), { f: V.file("x.txt") })).toEqual(V.file("/d/x.txt"));
  });

  it("converts the other primitive operand as a placeholder would (deprecated forms)", () => {
    expect(ev(E.bin("+", E.str("n="), E.int(1)))).toEqual(V.string("n=1"));
    expect(ev(E.bin("+", E.float(2), E.str("x")))).toEqual(V.string("2.000000x"));
  });

  it("refuses None outside placeholders, but gives None inside one", () => {
    expect(fails(E.bin("+", E.str("a"), E.name("n")), { n: NONE }).diagnostic.code).toBe("none-value");
    const s = E.str(E.bin("+", E.str("-m "), E.name("n")), "!");
    expect(ev(s, { n: NONE })).toEqual(V.string("!"));
    expect(ev(s, { n: V.int(3) })).toEqual(V.string("-m 3!"));
  });

  it("cannot add two non-strings that are not numbers", () => {
    expect(fails(E.bin("+", E.bool(true), E.int(1))).diagnostic.code).toBe("invalid-operands");
    expect(fails(E.bin("+", E.str("a"), E.arr())).diagnostic.code).toBe("invalid-operands");
  });
});

describe("comparison and logic", () => {
  it("compares numbers across Int and Float", () => {
    expect(ev(E.bin("==", E.int(1), E.float(1)))).toEqual(V.bool(true));
    expect(ev(E.bin("<", E.int(1), E.float(1.5)))).toEqual(V.bool(true));
    expect(ev(E.bin(">=", E.int(2), E.int(3)))).toEqual(V.bool(false));
  });

  it("compares strings by code point, and File with String", () => {
    expect(ev(E.bin("<", E.str("B"), E.str("a")))).toEqual(V.bool(true));
    expect(ev(E.bin("==", E.name("f"), E.str("/a")), { f: V.file("/a") })).toEqual(V.bool(true));
  });

  it("compares optionals: None equals only None", () => {
    const b = { i: V.int(1), j: V.int(1), k: NONE };
    expect(ev(E.bin("==", E.name("i"), E.name("j")), b)).toEqual(V.bool(true));
    expect(ev(E.bin("==", E.name("k"), E.none()), b)).toEqual(V.bool(true));
    expect(ev(E.bin("==", E.name("i"), E.name("k")), b)).toEqual(V.bool(false));
    expect(ev(E.bin("!=", E.name("j"), E.name("k")), b)).toEqual(V.bool(true));
  });

  it("compares compound values element by element, in order", () => {
    const a = (...xs: number[]) => E.arr(...xs.map((x) => E.int(x)));
    expect(ev(E.bin("==", a(1, 2, 3), a(1, 2, 3)))).toEqual(V.bool(true));
    expect(ev(E.bin("==", a(1, 2, 3), a(2, 1, 3)))).toEqual(V.bool(false));
    const m1 = E.map([E.str("a"), E.int(1)], [E.str("b"), E.int(2)]);
    const m2 = E.map([E.str("b"), E.int(2)], [E.str("a"), E.int(1)]);
    expect(ev(E.bin("==", m1, m2))).toEqual(V.bool(false));
    expect(ev(E.bin("==", E.pair(E.int(1), E.str("x")), E.pair(E.int(1), E.str("x"))))).toEqual(V.bool(true));
  });

  it("refuses to order compound values", () => {
    expect(fails(E.bin("<", E.arr(), E.arr())).diagnostic.code).toBe("invalid-operands");
  });

  it("short-circuits && and ||", () => {
    // The right operand would fail (unknown name) if it were evaluated.
    expect(ev(E.bin("&&", E.bool(false), E.name("boom")))).toEqual(V.bool(false));
    expect(ev(E.bin("||", E.bool(true), E.name("boom")))).toEqual(V.bool(true));
    expect(ev(E.bin("&&", E.bool(true), E.bool(false)))).toEqual(V.bool(false));
    expect(fails(E.bin("&&", E.int(1), E.bool(true))).diagnostic.code).toBe("type-mismatch");
  });

  it("evaluates only the chosen branch of if-then-else", () => {
    expect(ev(E.ite(E.bool(true), E.int(1), E.name("boom")))).toEqual(V.int(1));
    expect(ev(E.ite(E.bool(false), E.name("boom"), E.str("b")))).toEqual(V.string("b"));
    expect(fails(E.ite(E.none(), E.int(1), E.int(2))).diagnostic.code).toBe("none-value");
  });
});

describe("member access and indexing", () => {
  const person = V.struct("Person", new Map<string, WdlValue>([["name", V.string("Ann")], ["age", V.int(40)]]));

  it("reads pair, struct, object and call-output members", () => {
    expect(ev(E.member(E.pair(E.int(1), E.int(2)), "right"))).toEqual(V.int(2));
    expect(ev(E.member(E.name("p"), "name"), { p: person })).toEqual(V.string("Ann"));
    expect(ev(E.member(E.name("foo"), "bar"), { foo: V.object(new Map([["bar", V.string("out")]])) })).toEqual(V.string("out"));
  });

  it("falls back to a flat dotted binding for call outputs", () => {
    expect(ev(E.member(E.name("foo"), "bar"), { "foo.bar": V.int(9) })).toEqual(V.int(9));
  });

  it("chains member access and indexing", () => {
    const exp = V.struct(
      "Experiment",
      new Map<string, WdlValue>([
        ["variables", V.array([V.string("name"), V.string("height")])],
        ["data", V.map([[V.string("name"), V.string("Pinky")]])],
      ]),
    );
    const b = { xs: V.array([exp]) };
    expect(ev(E.index(E.member(E.index(E.name("xs"), E.int(0)), "variables"), E.int(1)), b)).toEqual(V.string("height"));
    expect(ev(E.index(E.member(E.index(E.name("xs"), E.int(0)), "data"), E.str("name")), b)).toEqual(V.string("Pinky"));
  });

  it("reports a missing member at the member name", () => {
    const e = E.member(E.name("p"), "x");
    const err = fails(e, { p: person });
    expect(err.diagnostic.code).toBe("unknown-member");
    expect(err.diagnostic.message).toBe("struct Person has no member 'x'");
  });

  it("reports an out-of-range index with the index and the length", () => {
    const e = E.index(E.arr(E.int(1), E.int(2)), E.int(5), 4);
    const err = fails(e);
    expect(err.diagnostic.code).toBe("index-out-of-range");
    expect(err.diagnostic.message).toBe("index 5 is out of range for an array of length 2");
    expect(err.diagnostic.span).toBe(e.span);
    expect(fails(E.index(E.arr(), E.int(-1))).diagnostic.message).toBe("index -1 is out of range for an array of length 0");
  });

  it("looks keys up in maps, small and large, and reports missing keys", () => {
    const m = E.map([E.str("a"), E.int(1)], [E.str("b"), E.int(2)]);
    expect(ev(E.index(m, E.str("b")))).toEqual(V.int(2));
    expect(fails(E.index(m, E.str("c"))).diagnostic.message).toBe('the map has no key String "c"');
    const big = V.map(Array.from({ length: 50 }, (_, i) => [V.int(i), V.int(i * i)] as const));
    expect(ev(E.index(E.name("m"), E.int(7)), { m: big })).toEqual(V.int(49));
    expect(fails(E.index(E.name("m"), E.int(70)), { m: big }).diagnostic.code).toBe("missing-key");
  });
});

describe("struct literals", () => {
  const Person = structType("Person", { name: T.String, age: T.Int, nick: { ...T.String, optional: true } });

  it("builds the struct in declaration order, coercing members and filling optional ones with None", () => {
    const e = E.struct("Person", { age: E.int(3), name: E.str("Bo") });
    const v = evaluate(e, ctx({}, { structs: [Person] }));
    expect(v.kind).toBe("Struct");
    expect(v.kind === "Struct" && [...v.members.keys()]).toEqual(["name", "age", "nick"]);
    expect(js(v)).toEqual({ name: "Bo", age: 3, nick: null });
  });

  it("reports missing, unknown and mistyped members", () => {
    const c = ctx({}, { structs: [Person] });
    expect(() => evaluate(E.struct("Person", { name: E.str("x") }), c)).toThrow(/missing the member 'age'/);
    expect(() => evaluate(E.struct("Person", { name: E.str("x"), age: E.int(1), zip: E.int(1) }), c)).toThrow(/no member 'zip'/);
    expect(() => evaluate(E.struct("Person", { name: E.str("x"), age: E.str("x") }), c)).toThrow(
      /member 'age' of struct Person: expected a value of type Int but found String "x"/,
    );
  });
});

describe("evaluateAs", () => {
  it("coerces to the declared type and locates failures at the expression", () => {
    expect(evaluateAs(E.int(1), T.Float, ctx())).toEqual(V.float(1));
    expect(js(evaluateAs(E.map([E.str("a"), E.int(1)]), mapOf(T.String, T.Float), ctx()))).toEqual({ a: 1 });
    const e = E.str("x");
    try {
      evaluateAs(e, T.Int, ctx());
      throw new Error("no error");
    } catch (err) {
      expect(err).toBeInstanceOf(EvalError);
      expect((err as EvalError).diagnostic.span).toBe(e.span);
    }
  });
});

describe("function calls", () => {
  it("calls the standard library and locates its errors at the call", () => {
    expect(ev(E.call("length", E.arr(E.int(1))))).toEqual(V.int(1));
    const e = E.call("select_first", E.arr(E.none()));
    const err = fails(e);
    expect(err.diagnostic.span).toBe(e.span);
    expect(err.diagnostic.message).toContain("select_first");
  });

  it("turns a failing file hook into a located EvalError, never a bare exception", () => {
    const io = memoryIO({}, {
      readText: () => {
        throw new Error("disk on fire");
      },
    });
    const e = E.call("read_string", E.str("x"));
    try {
      evaluate(e, ctx({}, { io }));
      throw new Error("no error");
    } catch (err) {
      expect(err).toBeInstanceOf(EvalError);
      expect((err as EvalError).diagnostic.code).toBe("internal-error");
      expect((err as EvalError).diagnostic.message).toContain("disk on fire");
      expect((err as EvalError).diagnostic.span).toBe(e.span);
    }
  });

  it("refuses unknown functions, wrong arity and functions newer than the document", () => {
    expect(fails(E.call("nope")).diagnostic.code).toBe("unknown-function");
    expect(fails(E.call("length")).diagnostic.code).toBe("wrong-arity");
    const err = fails(E.call("find", E.str("a"), E.str("a")), {}, "1.1");
    expect(err.diagnostic.code).toBe("function-not-in-version");
    expect(err.diagnostic.message).toContain("requires WDL 1.2");
  });
});
