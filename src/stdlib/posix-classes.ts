/**
 * The POSIX bracket-expression character classes (`[:alpha:]` and the rest)
 * as the ranges that stand for them inside a JS RegExp character class, for
 * the ERE translation (./regex.ts) and glob patterns (../eval/glob.ts).
 */

/** Class name (`alpha` for `[:alpha:]`) to the JS character-class ranges it stands for (ASCII). */
export const POSIX_CLASSES: Record<string, string> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
  word: "A-Za-z0-9_",
  cntrl: "\\x00-\\x1f\\x7f",
  print: "\\x20-\\x7e",
  graph: "\\x21-\\x7e",
};
