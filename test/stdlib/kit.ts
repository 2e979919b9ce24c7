/**
 * Test kit for the standard library: call a function by name on values
 * (through the real evaluator, so version gating, arity and error location
 * are exercised too), and shorthand value builders.
 */
import { expect } from "vitest";
import type { FileIO } from "../../src/eval/context.js";
import { EvalError } from "../../src/eval/errors.js";
import { evaluate } from "../../src/eval/evaluate.js";
import type { Expr, WdlVersion } from "../../src/syntax/ast.js";
import type { WdlType } from "../../src/types/types.js";
import { valueToJson } from "../../src/values/json.js";
import { V, type WdlValue } from "../../src/values/value.js";
import { ctx, E } from "../eval/kit.js";

export interface CallOptions {
  readonly version?: WdlVersion;
  readonly io?: FileIO;
  /** Static types of the arguments, as analysis would give them (by position). */
  readonly argTypes?: readonly (WdlType | undefined)[];
}

/** Calls the standard-library function `name` with already-evaluated arguments. */
export function call(name: string, args: readonly WdlValue[], options: CallOptions = {}): WdlValue {
  const bindings: Record<string, WdlValue> = {};
  args.forEach((a, i) => (bindings[`a${i}`] = a));
  const argExprs = args.map((_, i) => E.name(`a${i}`));
  const typeOf = (e: Expr): WdlType | undefined => {
    const k = argExprs.indexOf(e);
    return k >= 0 ? options.argTypes?.[k] : undefined;
  };
  return evaluate(E.call(name, ...argExprs), ctx(bindings, { ...options, typeOf }));
}

/** Calls and returns the EvalError the call must raise. */
export function callFails(name: string, args: readonly WdlValue[], options: CallOptions = {}): EvalError {
  try {
    call(name, args, options);
  } catch (e) {
    expect(e).toBeInstanceOf(EvalError);
    return e as EvalError;
  }
  throw new Error(`expected ${name} to fail`);
}

/** The JSON form of a call's result (Pairs as {left, right}). */
export function callJson(name: string, args: readonly WdlValue[], options: CallOptions = {}): unknown {
  return valueToJson(call(name, args, options));
}

/** Value shorthands. */
export const ints = (...xs: number[]): WdlValue => V.array(xs.map((x) => V.int(x)));
export const strs = (...xs: string[]): WdlValue => V.array(xs.map((x) => V.string(x)));
export const s = V.string;
export const i = V.int;
export const f = V.float;
