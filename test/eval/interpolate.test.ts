import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/eval/evaluate.js";
import { EvalError } from "../../src/eval/errors.js";
import type { Expr } from "../../src/syntax/ast.js";
import { NONE, V, type WdlValue } from "../../src/values/value.js";
import { ctx, E, ph } from "./kit.js";

const text = (e: Expr, b: Record<string, WdlValue> = {}): string => {
  const v = evaluate(e, ctx(b));
  if (v.kind !== "String") throw new Error(`not a string: ${v.kind}`);
  return v.value;
};

describe("placeholder coercion (spec examples)", () => {
  it("formats primitives", () => {
    expect(text(E.str(E.str("abc")))).toBe("abc");
    expect(text(E.str(E.name("x")), { x: V.file("/hij") })).toBe("/hij");
    expect(text(E.str(E.int(5)))).toBe("5");
    expect(text(E.str(E.float(3.141)))).toBe("3.141000");
    expect(text(E.str(E.bin("*", E.float(3.141), E.float(1e-10))))).toBe("0.000000");
    expect(text(E.str(E.bin("*", E.float(3.141), E.float(1e10))))).toBe("31410000000.000000");
    expect(text(E.str(E.name("i")), { i: NONE })).toBe("");
    expect(text(E.str(E.bool(false)))).toBe("false");
    expect(text(E.str(E.int(-12)))).toBe("-12");
  });

  it("interpolates 1 + i and nested placeholders", () => {
    expect(text(E.str(E.bin("+", E.int(1), E.name("i"))), { i: V.int(3) })).toBe("4");
    const nested = E.str(E.ite(E.name("b"), E.str(E.bin("+", E.int(1), E.name("i"))), E.str("0")));
    expect(text(nested, { i: V.int(3), b: V.bool(true) })).toBe("4");
    expect(text(E.str("grep '", E.name("s"), "...", E.name("e"), "' x"), { s: V.string("h"), e: V.string("o") })).toBe("grep 'h...o' x");
  });

  it("replaces a placeholder that fails because of None with the empty string", () => {
    expect(text(E.str("Foo is ", E.call("select_first", E.arr(E.name("foo")))), { foo: NONE })).toBe("Foo is ");
  });

  it("concatenates optionals inside placeholders (concat_optional)", () => {
    const greet = (n: string) =>
      E.str(E.bin("+", E.bin("+", E.bin("+", E.name("salutation"), E.str(" ")), E.name(n)), E.str(n === "name1" ? " " : ", ")), "nice to meet you!");
    const b = { salutation: V.string("hello"), name1: NONE, name2: V.string("Fred") };
    expect(text(greet("name1"), b)).toBe("nice to meet you!");
    expect(text(greet("name2"), b)).toBe("hello Fred, nice to meet you!");
  });

  it("does not swallow errors that have nothing to do with None", () => {
    expect(() => text(E.str(E.index(E.arr(), E.int(0))))).toThrow(EvalError);
    expect(() => text(E.str(E.arr(E.int(1))))).toThrow(/cannot be converted to a String/);
  });
});

describe("placeholder options", () => {
  const arr = V.array([V.string("A"), V.string("B"), V.string("C")]);

  it("sep joins an array", () => {
    expect(text(E.str(ph(E.name("a"), { sep: E.str(" ") })), { a: arr })).toBe("A B C");
    expect(text(E.str(ph(E.name("a"), { sep: E.str(",") })), { a: V.array([V.int(1), V.float(2)]) })).toBe("1,2.000000");
    expect(text(E.str(ph(E.name("a"), { sep: E.str(",") })), { a: V.array([]) })).toBe("");
  });

  it("sep matches the sep() function", () => {
    const viaFn = text(E.str(E.call("sep", E.str(" "), E.name("a"))), { a: arr });
    const viaOption = text(E.str(ph(E.name("a"), { sep: E.str(" ") })), { a: arr });
    expect(viaFn).toBe(viaOption);
  });

  it("true/false choose by the Boolean", () => {
    const e = (b: boolean) => text(E.str(ph(E.name("b"), { true: E.str("--yes"), false: E.str("--no") })), { b: V.bool(b) });
    expect(e(true)).toBe("--yes");
    expect(e(false)).toBe("--no");
    expect(() => text(E.str(ph(E.int(1), { true: E.str("y"), false: E.str("n") })))).toThrow(/need a Boolean/);
  });

  it("default replaces None", () => {
    expect(text(E.str(ph(E.name("s"), { default: E.str("foobar") })), { s: NONE })).toBe("foobar");
    expect(text(E.str(ph(E.name("s"), { default: E.str("foobar") })), { s: V.string("x") })).toBe("x");
    expect(text(E.str(ph(E.bin("+", E.str("-n "), E.name("s")), { default: E.str("d") })), { s: NONE })).toBe("d");
  });

  it("sep needs an array", () => {
    expect(() => text(E.str(ph(E.int(1), { sep: E.str(",") })))).toThrow(/'sep' option needs an Array/);
  });
});
