/**
 * The built-in unary and binary operators on values (spec "Built-in
 * Operators"): 64-bit Int arithmetic with overflow and division-by-zero
 * errors, Int/Float mixing, `**` (1.2), String/File concatenation with the
 * spec's order of precedence, equality of any values and ordering of
 * primitives. `&&`/`||` short-circuit in ./evaluate.ts.
 */
import type { BinaryOp, UnaryOp, WdlVersion } from "../syntax/ast.js";
import { compareValues, valuesEqual } from "../values/compare.js";
import { ValueError } from "../values/errors.js";
import { describeValue, primitiveToString } from "../values/format.js";
import { NONE, type WdlValue } from "../values/value.js";
import { EvalError, locate } from "./errors.js";
import { versionAtLeast } from "../syntax/ast.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TRUE: WdlValue = Object.freeze({ kind: "Boolean", value: true });
const FALSE: WdlValue = Object.freeze({ kind: "Boolean", value: false });

/** Applies a unary operator to an evaluated operand. */
export function unaryOp(e: UnaryOp, v: WdlValue): WdlValue {
  switch (e.op) {
    case "!":
      if (v.kind === "Boolean") return v.value ? FALSE : TRUE;
      break;
    case "-":
      if (v.kind === "Int") return checkedInt(-v.value, e);
      if (v.kind === "Float") return { kind: "Float", value: -v.value };
      break;
    case "+":
      if (v.kind === "Int" || v.kind === "Float") return v;
      break;
  }
  throw new EvalError(
    v.kind === "None" ? "none-value" : "invalid-operand",
    `the operator '${e.op}' cannot be applied to ${describeValue(v)}`,
    e.span,
    v.kind === "None",
  );
}

function checkedInt(n: bigint, e: { span: BinaryOp["span"] }): WdlValue {
  if (n < INT64_MIN || n > INT64_MAX) {
    throw new EvalError("int-overflow", `integer overflow: the result ${n} does not fit in a 64-bit Int`, e.span);
  }
  return { kind: "Int", value: n };
}

function isNumber(v: WdlValue): v is Extract<WdlValue, { kind: "Int" | "Float" }> {
  return v.kind === "Int" || v.kind === "Float";
}

/**
 * Applies a binary operator (not `&&`/`||`) to evaluated operands.
 * `inPlaceholder`: `+` with a None operand gives None instead of failing.
 */
export function binaryOp(e: BinaryOp, l: WdlValue, r: WdlValue, version: WdlVersion, inPlaceholder: boolean): WdlValue {
  switch (e.op) {
    case "==":
      return valuesEqual(l, r) ? TRUE : FALSE;
    case "!=":
      return valuesEqual(l, r) ? FALSE : TRUE;
    case "<":
    case "<=":
    case ">":
    case ">=": {
      if (l.kind === "None" || r.kind === "None") throw invalid(e, l, r);
      let c: number;
      try {
        c = compareValues(l, r);
      } catch (err) {
        throw locate(err, e.span);
      }
      const ok = e.op === "<" ? c < 0 : e.op === "<=" ? c <= 0 : e.op === ">" ? c > 0 : c >= 0;
      return ok ? TRUE : FALSE;
    }
    case "+":
      return plus(e, l, r, inPlaceholder);
    case "-":
    case "*":
    case "/":
    case "%":
    case "**":
      return arithmetic(e, l, r, version);
    case "&&":
    case "||":
      if (l.kind === "Boolean" && r.kind === "Boolean") {
        return (e.op === "&&" ? l.value && r.value : l.value || r.value) ? TRUE : FALSE;
      }
      throw invalid(e, l, r);
  }
}

function invalid(e: BinaryOp, l: WdlValue, r: WdlValue): EvalError {
  const fromNone = l.kind === "None" || r.kind === "None";
  return new EvalError(
    fromNone ? "none-value" : "invalid-operands",
    `the operator '${e.op}' cannot be applied to ${describeValue(l)} and ${describeValue(r)}`,
    e.span,
    fromNone,
  );
}

function plus(e: BinaryOp, l: WdlValue, r: WdlValue, inPlaceholder: boolean): WdlValue {
  if (l.kind === "Int" && r.kind === "Int") return checkedInt(l.value + r.value, e);
  if (isNumber(l) && isNumber(r)) return { kind: "Float", value: Number(l.value) + Number(r.value) };
  if (l.kind === "None" || r.kind === "None") {
    if (inPlaceholder) return NONE;
    throw invalid(e, l, r);
  }
  const lt = isText(l);
  const rt = isText(r);
  if (!lt && !rt) throw invalid(e, l, r);
  // Compound values cannot be concatenated; primitives are converted as placeholders would.
  let ls: string | undefined;
  let rs: string | undefined;
  try {
    ls = primitiveToString(l);
    rs = primitiveToString(r);
  } catch (err) {
    if (err instanceof ValueError) throw invalid(e, l, r);
    throw err;
  }
  const text = (ls ?? "") + (rs ?? "");
  // String + File and File + String give a File; everything else a String.
  if ((l.kind === "File" && r.kind !== "Directory") || (r.kind === "File" && l.kind !== "Directory")) {
    return { kind: "File", value: text };
  }
  return { kind: "String", value: text };
}

function isText(v: WdlValue): boolean {
  return v.kind === "String" || v.kind === "File" || v.kind === "Directory";
}

function arithmetic(e: BinaryOp, l: WdlValue, r: WdlValue, version: WdlVersion): WdlValue {
  if (e.op === "**" && !versionAtLeast(version, "1.2")) {
    throw new EvalError("operator-not-in-version", `the operator '**' requires WDL 1.2 (this document is WDL ${version})`, e.span);
  }
  if (l.kind === "Int" && r.kind === "Int") {
    const a = l.value;
    const b = r.value;
    switch (e.op) {
      case "-":
        return checkedInt(a - b, e);
      case "*":
        return checkedInt(a * b, e);
      case "/":
        if (b === 0n) throw divisionByZero(e);
        return checkedInt(a / b, e);
      case "%":
        if (b === 0n) throw divisionByZero(e);
        return { kind: "Int", value: a % b };
      case "**":
        return intPower(e, a, b);
      default:
        break;
    }
  }
  if (isNumber(l) && isNumber(r)) {
    const a = Number(l.value);
    const b = Number(r.value);
    let x: number;
    switch (e.op) {
      case "-":
        x = a - b;
        break;
      case "*":
        x = a * b;
        break;
      case "/":
        if (b === 0) throw divisionByZero(e);
        x = a / b;
        break;
      case "%":
        if (b === 0) throw divisionByZero(e);
        x = a % b;
        break;
      default:
        x = Math.pow(a, b);
        if (Number.isNaN(x)) {
          throw new EvalError("invalid-operands", `${a} ** ${b} is not a real number`, e.span);
        }
        break;
    }
    if (!Number.isFinite(x) && Number.isFinite(a) && Number.isFinite(b)) {
      throw new EvalError("float-overflow", `floating-point overflow: the result of '${e.op}' is too large for a Float`, e.span);
    }
    return { kind: "Float", value: x };
  }
  throw invalid(e, l, r);
}

function divisionByZero(e: BinaryOp): EvalError {
  return new EvalError("division-by-zero", e.op === "%" ? "remainder by zero" : "division by zero", e.span);
}

function intPower(e: BinaryOp, a: bigint, b: bigint): WdlValue {
  if (b < 0n) {
    if (a === 1n) return { kind: "Int", value: 1n };
    if (a === -1n) return { kind: "Int", value: b % 2n === 0n ? 1n : -1n };
    throw new EvalError(
      "invalid-operands",
      `an Int raised to the negative power ${b} is not an Int (use a Float base, e.g. ${a}.0 ** ${b})`,
      e.span,
    );
  }
  // Bound the work: any |a| >= 2 overflows 64 bits once b > 63.
  if (b > 64n && a !== 0n && a !== 1n && a !== -1n) {
    throw new EvalError("int-overflow", `integer overflow: ${a} ** ${b} does not fit in a 64-bit Int`, e.span);
  }
  return checkedInt(a ** b, e);
}
