/**
 * Deterministic random mutations of WDL source text, for fuzzing the front
 * end: delete, duplicate, swap and insert tokens or characters, and truncate.
 * Exported for reuse (e.g. fuzzing parse + check together).
 */

/** A small, fast, seedable PRNG (mulberry32); returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The kinds of mutation applied. */
export type MutationKind =
  | "delete-token"
  | "duplicate-token"
  | "swap-tokens"
  | "insert-token"
  | "delete-char"
  | "duplicate-char"
  | "insert-char"
  | "truncate";

/** One mutated text and how it was made. */
export interface Mutation {
  readonly kind: MutationKind;
  /** Offset in the original text where the change was made. */
  readonly at: number;
  readonly text: string;
}

const kinds: readonly MutationKind[] = [
  "delete-token", "duplicate-token", "swap-tokens", "insert-token",
  "delete-char", "duplicate-char", "insert-char", "truncate",
];

/** Tokens worth inserting: WDL's punctuation, openers/closers, keywords and odd characters. */
const insertable: readonly string[] = [
  "{", "}", "(", ")", "[", "]", "<<<", ">>>", "~{", "${", "\"", "'", "\\", "#", "\n", ",", ":", ".", "=",
  "**", "+", "-", "!", "?", "&&", "||", "==", "<", ">",
  "version", "import", "struct", "task", "workflow", "input", "output", "command", "call", "scatter", "if",
  "then", "else", "in", "as", "alias", "after", "env", "meta", "parameter_meta", "runtime", "requirements",
  "hints", "object", "None", "true", "Int", "String", "Array", "Map", "Pair", "File", "Directory",
  "x", "0x", "9223372036854775808", "1.5e", "\u00e9", "\u0000", "\t",
];

/** Splits text into tokens (words, numbers, whitespace runs, single other characters) with their offsets. */
export function roughTokens(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d*)?|\s+|<<<|>>>|~\{|\$\{|\*\*|&&|\|\||==|!=|<=|>=|[^]/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** Applies one random mutation to `text`. */
export function mutate(text: string, rand: () => number): Mutation {
  const kind = pick(rand, kinds);
  const tokens = roughTokens(text);
  if (text.length === 0 || tokens.length < 2) return { kind: "insert-token", at: 0, text: pick(rand, insertable) + text };
  const ti = Math.floor(rand() * tokens.length);
  const tok = tokens[ti]!;
  const ci = Math.floor(rand() * text.length);
  switch (kind) {
    case "delete-token":
      return { kind, at: tok.start, text: text.slice(0, tok.start) + text.slice(tok.end) };
    case "duplicate-token":
      return { kind, at: tok.start, text: text.slice(0, tok.end) + text.slice(tok.start) };
    case "swap-tokens": {
      const next = tokens[Math.min(ti + 1 + Math.floor(rand() * 3), tokens.length - 1)]!;
      if (next.start <= tok.start) return { kind, at: tok.start, text };
      const a = text.slice(tok.start, tok.end);
      const b = text.slice(next.start, next.end);
      return { kind, at: tok.start, text: text.slice(0, tok.start) + b + text.slice(tok.end, next.start) + a + text.slice(next.end) };
    }
    case "insert-token":
      return { kind, at: tok.start, text: `${text.slice(0, tok.start)}${pick(rand, insertable)} ${text.slice(tok.start)}` };
    case "delete-char":
      return { kind, at: ci, text: text.slice(0, ci) + text.slice(ci + 1) };
    case "duplicate-char":
      return { kind, at: ci, text: text.slice(0, ci + 1) + text.slice(ci) };
    case "insert-char":
      return { kind, at: ci, text: text.slice(0, ci) + pick(rand, insertable)[0] + text.slice(ci) };
    case "truncate":
      return { kind, at: ci, text: text.slice(0, ci) };
  }
}

/**
 * `count` mutated documents drawn from `sources`, deterministic for a given
 * seed. Each case applies 1–3 mutations to one source.
 */
export function* mutations(
  sources: readonly string[],
  count: number,
  seed: number,
): Generator<{ readonly index: number; readonly source: number; readonly mutations: readonly Mutation[]; readonly text: string }> {
  const rand = prng(seed);
  for (let index = 0; index < count; index++) {
    const source = Math.floor(rand() * sources.length);
    let text = sources[source]!;
    const applied: Mutation[] = [];
    const n = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < n; k++) {
      const m = mutate(text, rand);
      applied.push(m);
      text = m.text;
    }
    yield { index, source, mutations: applied, text };
  }
}
