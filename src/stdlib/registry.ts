/**
 * The standard-library registry: function name → implementation, with the
 * first WDL version that has it and its arity. Each spec chapter lives in its
 * own module (numeric, string, file, read-write, string-array, array, map,
 * enum, other); this module only gathers them. Implementations receive evaluated
 * arguments, dispatch on their values, and throw ValueError, which the
 * evaluator locates at the call.
 */
import type { StdlibFunction } from "./define.js";
import { ARRAY_FUNCTIONS } from "./array.js";
import { ENUM_FUNCTIONS } from "./enum.js";
import { FILE_FUNCTIONS } from "./file.js";
import { MAP_FUNCTIONS } from "./map.js";
import { NUMERIC_FUNCTIONS } from "./numeric.js";
import { OTHER_FUNCTIONS } from "./other.js";
import { READ_FUNCTIONS } from "./read.js";
import { STRING_ARRAY_FUNCTIONS } from "./string-array.js";
import { STRING_FUNCTIONS } from "./string.js";
import { WRITE_FUNCTIONS } from "./write.js";

export { type StdlibFunction } from "./define.js";

const ALL: readonly (readonly StdlibFunction[])[] = [
  NUMERIC_FUNCTIONS,
  STRING_FUNCTIONS,
  FILE_FUNCTIONS,
  READ_FUNCTIONS,
  WRITE_FUNCTIONS,
  STRING_ARRAY_FUNCTIONS,
  ARRAY_FUNCTIONS,
  MAP_FUNCTIONS,
  ENUM_FUNCTIONS,
  OTHER_FUNCTIONS,
];

/** Every standard-library function by name. */
export const STDLIB: ReadonlyMap<string, StdlibFunction> = (() => {
  const m = new Map<string, StdlibFunction>();
  for (const group of ALL) {
    for (const f of group) {
      if (m.has(f.name)) throw new Error(`standard-library function '${f.name}' is registered twice`);
      m.set(f.name, f);
    }
  }
  return m;
})();

/** The implementation of `name`, or undefined when there is no such function. */
export function lookupFunction(name: string): StdlibFunction | undefined {
  return STDLIB.get(name);
}
