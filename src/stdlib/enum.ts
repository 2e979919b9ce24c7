/**
 * Standard library, "Enum Functions" (1.3): `value`, the value associated
 * with an enum choice (`value(Color.Red)` is `"#FF0000"`).
 */
import { badArg } from "./args.js";
import { fn, type StdlibFunction } from "./define.js";

/** The functions of this chapter. */
export const ENUM_FUNCTIONS: readonly StdlibFunction[] = [
  fn("value", "1.3", 1, (args) => {
    const v = args[0]!;
    if (v.kind !== "Enum") throw badArg("value", 0, "an enum choice", v);
    return v.value;
  }),
];
