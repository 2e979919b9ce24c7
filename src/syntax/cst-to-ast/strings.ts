/**
 * String literal text: escape decoding (section "Strings") and the whitespace
 * normalization of 1.2 multi-line strings (section "Multi-line Strings").
 * Pure functions over raw text; the AST builder calls them and turns their
 * problems into located diagnostics.
 */

/** A problem found while decoding, at `index` (a UTF-16 index into the raw text). */
export interface EscapeProblem {
  readonly index: number;
  readonly length: number;
  readonly message: string;
  readonly help?: string;
  /** An unknown escape such as `\.`: kept as its two characters, reported as a leniency warning rather than an error. */
  readonly unknown?: true;
}

const simpleEscapes: Readonly<Record<string, string>> = {
  "\\": "\\",
  n: "\n",
  t: "\t",
  "'": "'",
  '"': '"',
  "~": "~",
  $: "$",
};

function isHex(c: string): boolean {
  return (c >= "0" && c <= "9") || (c >= "a" && c <= "f") || (c >= "A" && c <= "F");
}

function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "7";
}

/**
 * Resolves the escape sequences of a string literal's raw text: `\\ \n \t \' \" \~ \$`,
 * octal `\NNN`, hex `\xNN`, unicode `\uNNNN` and `\UNNNNNNNN`. In multi-line
 * strings `\>` is also accepted (so `\>>>` can be written). Unknown escapes
 * (`\.`) are kept as written and reported as `unknown` problems, which the
 * builder turns into leniency warnings (what regular-expression users mean).
 */
export function decodeEscapes(raw: string, multiLine: boolean): { text: string; problems: EscapeProblem[] } {
  if (!raw.includes("\\")) return { text: raw, problems: [] };
  const problems: EscapeProblem[] = [];
  let out = "";
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next === undefined) {
      problems.push({ index: i, length: 1, message: "a string may not end with a single backslash", help: "write '\\\\' for a backslash" });
      out += "\\";
      i++;
      continue;
    }
    const simple = simpleEscapes[next];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (multiLine && next === ">") {
      out += ">";
      i += 2;
    } else if (isOctal(next) && isOctal(raw[i + 2]) && isOctal(raw[i + 3])) {
      out += String.fromCharCode(parseInt(raw.slice(i + 1, i + 4), 8));
      i += 4;
    } else if (next === "x" || next === "u" || next === "U") {
      const digits = next === "x" ? 2 : next === "u" ? 4 : 8;
      const hex = raw.slice(i + 2, i + 2 + digits);
      if (hex.length === digits && [...hex].every(isHex)) {
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) {
          problems.push({ index: i, length: 2 + digits, message: `'\\${next}${hex}' is not a valid unicode code point` });
          out += raw.slice(i, i + 2 + digits);
        } else {
          out += String.fromCodePoint(code);
        }
        i += 2 + digits;
      } else {
        problems.push({
          index: i,
          length: 2,
          message: `the escape '\\${next}' must be followed by ${digits} hexadecimal digits`,
        });
        out += `\\${next}`;
        i += 2;
      }
    } else {
      problems.push({
        index: i,
        length: 2,
        message: `unknown escape sequence '\\${next}' is kept as the two characters '\\${next}'`,
        unknown: true,
      });
      out += `\\${next}`;
      i += 2;
    }
  }
  return { text: out, problems };
}

/** A piece of a multi-line string: raw text, or an opaque placeholder of type P. */
export type MultiLinePart<P> = { readonly text: string } | { readonly placeholder: P };

function isWs(c: string | undefined): boolean {
  return c === " " || c === "\t";
}

/** Step 1: removes line continuations (an odd number of backslashes before a newline) and the whitespace after them. */
export function removeLineContinuations(raw: string): string {
  if (!raw.includes("\\")) return raw;
  let out = "";
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const next = raw[i + 1];
    const newlineLength = next === "\n" ? 1 : next === "\r" && raw[i + 2] === "\n" ? 2 : 0;
    if (newlineLength > 0) {
      i += 1 + newlineLength;
      while (isWs(raw[i])) i++;
    } else {
      out += c + (next ?? "");
      i += 2;
    }
  }
  return out;
}

type Segment<P> = string | { readonly placeholder: P };

/**
 * Applies the multi-line string rules 1–5 to raw parts (before escape
 * decoding): line continuations, the whitespace after `<<<` and before `>>>`,
 * and the common leading whitespace of non-blank lines. Placeholders count as
 * non-whitespace content. Returns the normalized raw parts (empty texts dropped).
 */
export function normalizeMultiLine<P>(parts: readonly MultiLinePart<P>[]): MultiLinePart<P>[] {
  const texts: MultiLinePart<P>[] = parts.map((p) => ("text" in p ? { text: removeLineContinuations(p.text).replace(/\r\n/g, "\n") } : p));
  // Step 2: whitespace after the opening <<<, up to and including a newline.
  const first = texts[0];
  if (first && "text" in first) {
    let k = 0;
    while (isWs(first.text[k])) k++;
    if (first.text[k] === "\n") k++;
    texts[0] = { text: first.text.slice(k) };
  }
  // Step 3: whitespace before the closing >>>, up to and including a newline.
  const lastIndex = texts.length - 1;
  const last = texts[lastIndex];
  if (last && "text" in last) {
    let k = last.text.length;
    while (isWs(last.text[k - 1])) k--;
    if (last.text[k - 1] === "\n") k--;
    texts[lastIndex] = { text: last.text.slice(0, k) };
  }
  // Steps 4–5: split into lines and strip the common leading whitespace.
  const lines: Segment<P>[][] = [[]];
  for (const p of texts) {
    if ("text" in p) {
      const pieces = p.text.split("\n");
      pieces.forEach((piece, n) => {
        if (n > 0) lines.push([]);
        const line = lines[lines.length - 1]!;
        const prev = line[line.length - 1];
        if (typeof prev === "string") line[line.length - 1] = prev + piece;
        else if (piece !== "") line.push(piece);
      });
    } else {
      lines[lines.length - 1]!.push(p);
    }
  }
  let common = Infinity;
  for (const line of lines) {
    const head = line[0];
    const lead = typeof head === "string" ? leadingWs(head) : 0;
    const blank = line.length === 0 || (line.length === 1 && typeof head === "string" && lead === head.length);
    if (!blank) common = Math.min(common, lead);
  }
  if (common === Infinity) common = 0;
  const out: MultiLinePart<P>[] = [];
  let text = "";
  lines.forEach((line, n) => {
    if (n > 0) text += "\n";
    line.forEach((seg, k) => {
      if (typeof seg === "string") {
        text += k === 0 ? seg.slice(Math.min(common, leadingWs(seg))) : seg;
      } else {
        if (text !== "") out.push({ text });
        text = "";
        out.push(seg);
      }
    });
  });
  if (text !== "") out.push({ text });
  return out;
}

function leadingWs(s: string): number {
  let k = 0;
  while (isWs(s[k])) k++;
  return k;
}
