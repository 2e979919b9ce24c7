/**
 * Standard library, "Numeric Functions": floor, ceil, round (half up),
 * min and max (Int when both arguments are Ints, else Float).
 */
import { ValueError } from "../values/errors.js";
import { formatFloat } from "../values/format.js";
import type { WdlValue } from "../values/value.js";
import { badArg, floatArg, R } from "./args.js";
import { fn, type StdlibFunction } from "./define.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Converts an integral double to an Int, failing when it is not finite or out of range. */
function toInt(name: string, x: number): WdlValue {
  if (!Number.isFinite(x)) throw new ValueError(`${name}: cannot convert ${formatFloat(x)} to an Int`, "int-overflow");
  const n = BigInt(x);
  if (n < INT64_MIN || n > INT64_MAX) {
    throw new ValueError(`${name}: the result ${Math.abs(x) < 1e21 ? n : x} does not fit in a 64-bit Int`, "int-overflow");
  }
  return R.int(n);
}

function minMax(name: "min" | "max"): StdlibFunction {
  return fn(name, "1.1", 2, (args) => {
    const [a, b] = args as [WdlValue, WdlValue];
    if (a.kind === "Int" && b.kind === "Int") {
      const pickA = name === "min" ? a.value <= b.value : a.value >= b.value;
      return pickA ? a : b;
    }
    const x = floatArg(name, args, 0);
    const y = floatArg(name, args, 1);
    return R.float(name === "min" ? Math.min(x, y) : Math.max(x, y));
  });
}

function rounding(name: string, f: (x: number) => number): StdlibFunction {
  return fn(name, "1.0", 1, (args) => {
    const v = args[0]!;
    if (v.kind === "Int") return v;
    if (v.kind !== "Float") throw badArg(name, 0, "a Float", v);
    return toInt(name, f(v.value));
  });
}

/** The functions of this chapter. */
export const NUMERIC_FUNCTIONS: readonly StdlibFunction[] = [
  rounding("floor", Math.floor),
  rounding("ceil", Math.ceil),
  // Math.round rounds half up (towards +∞), as the spec's "round half up" says.
  rounding("round", Math.round),
  minMax("min"),
  minMax("max"),
];
