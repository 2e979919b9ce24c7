/**
 * Standard library, "Other Functions": defined and length (of an Array; in
 * 1.2 also of a Map, Object or String, counting Unicode code points).
 */
import { badArg, R } from "./args.js";
import { fn, requireVersion, type StdlibFunction } from "./define.js";

/** Number of Unicode code points in a string. */
function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The functions of this chapter. */
export const OTHER_FUNCTIONS: readonly StdlibFunction[] = [
  fn("defined", "1.0", 1, (args) => R.bool(args[0]!.kind !== "None")),
  fn("length", "1.0", 1, (args, ctx) => {
    const v = args[0]!;
    switch (v.kind) {
      case "Array":
        return R.int(BigInt(v.items.length));
      case "Map":
        requireVersion(ctx, "1.2", "length of a Map");
        return R.int(BigInt(v.entries.length));
      case "Object":
        requireVersion(ctx, "1.2", "length of an Object");
        return R.int(BigInt(v.members.size));
      case "String":
        requireVersion(ctx, "1.2", "length of a String");
        return R.int(BigInt(codePointLength(v.value)));
      default:
        throw badArg("length", 0, "an Array, Map, Object or String", v);
    }
  }),
];
