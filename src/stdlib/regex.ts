/**
 * POSIX Extended Regular Expressions (as `find`, `matches` and `sub` use
 * them) translated to JS RegExp: bracket expressions keep POSIX meaning
 * (`[[:alpha:]]` classes, a leading `]` is literal, a backslash inside
 * brackets is literal), `.` also matches a newline and `^`/`$` anchor the
 * whole string (no REG_NEWLINE), an unmatched `{` is literal, and a
 * repetition operator with nothing to repeat is literal. Escapes outside
 * brackets keep the GNU meaning that JS shares (`\.`, `\n`, `\t`, `\d`, `\w`,
 * `\s`, `\b`). Known difference: JS alternation is leftmost-first, POSIX is
 * leftmost-longest (`a|ab` on "ab" matches "a" here; README, Known limitations).
 */
import { ValueError } from "../values/errors.js";
import { POSIX_CLASSES } from "./posix-classes.js";

const cache = new Map<string, RegExp>();

/**
 * The JS RegExp for a POSIX ERE `pattern` (`global` for `sub`). Throws
 * ValueError naming the pattern when it is not a valid expression.
 */
export function compileEre(fnName: string, pattern: string, global: boolean): RegExp {
  const key = (global ? "g" : "-") + pattern;
  const hit = cache.get(key);
  if (hit !== undefined) {
    hit.lastIndex = 0;
    return hit;
  }
  let re: RegExp;
  try {
    re = new RegExp(translate(pattern), global ? "gs" : "s");
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, "") : String(e);
    throw new ValueError(`${fnName}: invalid regular expression ${JSON.stringify(pattern)}: ${why}`, "invalid-regex");
  }
  if (cache.size > 500) cache.clear();
  cache.set(key, re);
  return re;
}

/** Translates POSIX ERE syntax to JS RegExp syntax (exported for tests). */
export function translate(ere: string): string {
  let out = "";
  // Whether the previous token can be repeated by *, +, ?, {n}.
  let canRepeat = false;
  for (let i = 0; i < ere.length; i++) {
    const c = ere[i]!;
    switch (c) {
      case "\\": {
        const n = ere[i + 1];
        if (n === undefined) throw new SyntaxError("trailing backslash");
        out += "\\" + n;
        i++;
        canRepeat = true;
        break;
      }
      case "[": {
        const [cls, end] = bracket(ere, i);
        out += cls;
        i = end;
        canRepeat = true;
        break;
      }
      case "{": {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(ere.slice(i));
        if (m && canRepeat) {
          out += m[0];
          i += m[0].length - 1;
        } else {
          out += "\\{";
          canRepeat = true;
        }
        break;
      }
      case "}":
        out += "\\}";
        canRepeat = true;
        break;
      case "*":
      case "+":
      case "?":
        if (canRepeat) {
          out += c;
          // A second operator (`a**`) is allowed by POSIX; JS needs it dropped or made lazy/possessive.
          while (ere[i + 1] === "*" || ere[i + 1] === "+" || ere[i + 1] === "?") i++;
        } else {
          out += "\\" + c;
          canRepeat = true;
        }
        break;
      case "(":
        out += "(";
        canRepeat = false;
        break;
      case "|":
        out += "|";
        canRepeat = false;
        break;
      case "^":
        out += "^";
        canRepeat = false;
        break;
      case ")":
      case "$":
      case ".":
        out += c;
        canRepeat = c !== "$";
        break;
      case "/":
        out += "\\/";
        canRepeat = true;
        break;
      default:
        out += c;
        canRepeat = true;
        break;
    }
  }
  return out;
}

/** Translates the bracket expression starting at `start`; returns it and the index of its closing `]`. */
function bracket(ere: string, start: number): [string, number] {
  let i = start + 1;
  let out = "[";
  if (ere[i] === "^") {
    out += "^";
    i++;
  }
  let first = true;
  for (; i < ere.length; i++) {
    const c = ere[i]!;
    if (c === "]" && !first) return [out + "]", i];
    first = false;
    if (c === "[" && (ere[i + 1] === ":" || ere[i + 1] === "=" || ere[i + 1] === ".")) {
      const delim = ere[i + 1]!;
      const close = ere.indexOf(delim + "]", i + 2);
      if (close < 0) throw new SyntaxError(`unterminated [${delim} in bracket expression`);
      const name = ere.slice(i + 2, close);
      if (delim === ":") {
        const cls = POSIX_CLASSES[name];
        if (cls === undefined) throw new SyntaxError(`unknown character class [:${name}:]`);
        out += cls;
      } else {
        out += escapeInClass(name);
      }
      i = close + 1;
      continue;
    }
    out += c === "-" ? "-" : escapeInClass(c);
  }
  throw new SyntaxError("unterminated bracket expression");
}

function escapeInClass(s: string): string {
  return s.replace(/[\\\]\[^]/g, (m) => "\\" + m);
}
