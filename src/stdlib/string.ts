/**
 * Standard library, "String Functions": find and matches (1.2), sub and
 * split (1.3), all with POSIX ERE patterns (see ./regex.ts). In `sub`'s replacement, `\1`…`\9`
 * insert the captured groups, `\\` a backslash; everything else is literal.
 */
import { NONE } from "../values/value.js";
import { R, stringArg } from "./args.js";
import { fn, type StdlibFunction } from "./define.js";
import { compileEre } from "./regex.js";

/** Expands `\N` group references in a `sub` replacement. */
function expandReplacement(replacement: string, match: readonly (string | undefined)[]): string {
  if (!replacement.includes("\\")) return replacement;
  return replacement.replace(/\\(\d|\\)/g, (_, g: string) => (g === "\\" ? "\\" : (match[Number(g)] ?? "")));
}

/**
 * The parts of `input` between the matches of `delimiter`. An empty match
 * splits nothing (a pattern that can match the empty string splits only
 * where it matches some text), so `split("abc", "x*")` is `["abc"]`; a
 * delimiter at either end gives an empty first or last part, as `sub` would.
 */
function splitByPattern(input: string, delimiter: RegExp): string[] {
  const parts: string[] = [];
  let from = 0;
  for (const m of input.matchAll(delimiter)) {
    if (m[0] === "") continue;
    parts.push(input.slice(from, m.index));
    from = m.index + m[0].length;
  }
  parts.push(input.slice(from));
  return parts;
}

/** The functions of this chapter. */
export const STRING_FUNCTIONS: readonly StdlibFunction[] = [
  fn("find", "1.2", 2, (args) => {
    const input = stringArg("find", args, 0);
    const m = compileEre("find", stringArg("find", args, 1), false).exec(input);
    return m === null ? NONE : R.string(m[0]);
  }),
  fn("matches", "1.2", 2, (args) => {
    const input = stringArg("matches", args, 0);
    return R.bool(compileEre("matches", stringArg("matches", args, 1), false).test(input));
  }),
  fn("sub", "1.0", 3, (args) => {
    const input = stringArg("sub", args, 0);
    const re = compileEre("sub", stringArg("sub", args, 1), true);
    const replacement = stringArg("sub", args, 2);
    const result = input.replace(re, (...m: unknown[]) => {
      // m = [match, g1, …, gN, offset, input(, groups)]
      const end = typeof m[m.length - 1] === "object" ? m.length - 3 : m.length - 2;
      return expandReplacement(replacement, m.slice(0, end) as (string | undefined)[]);
    });
    return R.string(result);
  }),
  fn("split", "1.3", 2, (args) => R.strings(splitByPattern(stringArg("split", args, 0), compileEre("split", stringArg("split", args, 1), true)))),
];
