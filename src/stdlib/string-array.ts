/**
 * Standard library, "String Array Functions": prefix, suffix, quote, squote
 * and sep over arrays of primitive values (each element shown as a
 * placeholder would show it, e.g. Floats with 6 decimals).
 */
import type { WdlValue } from "../values/value.js";
import { arrayArg, itemText, R, stringArg } from "./args.js";
import { fn, type StdlibFunction } from "./define.js";

function texts(name: string, args: readonly WdlValue[], i: number): string[] {
  const a = arrayArg(name, args, i);
  const out = new Array<string>(a.items.length);
  for (let j = 0; j < a.items.length; j++) out[j] = itemText(name, a.items[j]!, j);
  return out;
}

/** The functions of this chapter. */
export const STRING_ARRAY_FUNCTIONS: readonly StdlibFunction[] = [
  fn("prefix", "1.0", 2, (args) => {
    const p = stringArg("prefix", args, 0);
    return R.strings(texts("prefix", args, 1).map((s) => p + s));
  }),
  fn("suffix", "1.1", 2, (args) => {
    const p = stringArg("suffix", args, 0);
    return R.strings(texts("suffix", args, 1).map((s) => s + p));
  }),
  fn("quote", "1.1", 1, (args) => R.strings(texts("quote", args, 0).map((s) => `"${s}"`))),
  fn("squote", "1.1", 1, (args) => R.strings(texts("squote", args, 0).map((s) => `'${s}'`))),
  fn("sep", "1.1", 2, (args) => R.string(texts("sep", args, 1).join(stringArg("sep", args, 0)))),
];
