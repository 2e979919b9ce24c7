/**
 * Shared state and helpers of the CST→AST conversion: typed access to CST
 * children, spans from tokens, diagnostics collection and version gates.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import type { Span, Position } from "../../diagnostics/span.js";
import { error, warning, type Diagnostic, type RelatedInfo } from "../../diagnostics/diagnostic.js";
import type { WdlVersion } from "../ast.js";

/**
 * Thrown when a required piece of the CST is missing (the parser recovered
 * from an error there, which is already reported). The builder drops the
 * enclosing element and carries on with the next one.
 */
export class Incomplete extends Error {
  constructor() {
    super("incomplete syntax tree");
  }
}

type Children = Record<string, CstElement[] | undefined>;

function isNode(e: CstElement): e is CstNode {
  return (e as CstNode).children !== undefined;
}

const none: readonly never[] = [];

/** The child tokens consumed under `name` (a token type name), in order. */
export function tokensOf(node: CstNode, name: string): readonly IToken[] {
  return ((node.children as Children)[name] as IToken[] | undefined) ?? none;
}

/** The first child token consumed under `name`, if any (tokens inserted by error recovery count as absent). */
export function tokenOf(node: CstNode, name: string): IToken | undefined {
  const t = (node.children as Children)[name]?.[0] as IToken | undefined;
  return t === undefined || t.isInsertedInRecovery ? undefined : t;
}

/** Like tokenOf, but a missing token makes the enclosing element incomplete. */
export function needToken(node: CstNode, name: string): IToken {
  const t = tokenOf(node, name);
  if (t === undefined) throw new Incomplete();
  return t;
}

/** The child nodes of rule `name`, in order. */
export function nodesOf(node: CstNode, name: string): readonly CstNode[] {
  return ((node.children as Children)[name] as CstNode[] | undefined) ?? none;
}

/** The first child node of rule `name`, if any. */
export function nodeOf(node: CstNode, name: string): CstNode | undefined {
  const n = (node.children as Children)[name]?.[0];
  return n !== undefined && isNode(n) ? n : undefined;
}

/** Like nodeOf, but a missing node makes the enclosing element incomplete. */
export function needNode(node: CstNode, name: string): CstNode {
  const n = nodeOf(node, name);
  if (n === undefined) throw new Incomplete();
  return n;
}

/** The first token of a CST node (by offset), for locating it. */
export function firstToken(node: CstNode): IToken | undefined {
  let best: IToken | undefined;
  for (const list of Object.values(node.children as Children)) {
    const e = list?.[0];
    if (e === undefined) continue;
    const t = isNode(e) ? firstToken(e) : e;
    if (t !== undefined && !Number.isNaN(t.startOffset) && (best === undefined || t.startOffset < best.startOffset)) best = t;
  }
  return best;
}

/**
 * Offsets where the lines of `text` start, counting line breaks the way
 * Chevrotain does (`\n`, `\r\n`, a lone `\r`). Tokens carry offsets only
 * (the lexer runs with `positionTracking: "onlyOffset"`, which is much
 * cheaper); lines and columns are computed from this table when a span is built.
 */
export function lineStartsOf(text: string): Int32Array {
  const starts: number[] = [0];
  if (!text.includes("\r")) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
    }
  }
  return Int32Array.from(starts);
}

/** A WDL feature that only some versions have. */
export interface Feature {
  readonly name: string;
  readonly since: WdlVersion;
}

const versionOrder: Readonly<Record<WdlVersion, number>> = { "1.0": 0, "1.1": 1, "1.2": 2 };

/** True when `version` is `since` or newer. */
export function atLeast(version: WdlVersion, since: WdlVersion): boolean {
  return versionOrder[version] >= versionOrder[since];
}

/** State of one document's conversion. */
export class BuildContext {
  readonly diagnostics: Diagnostic[] = [];
  /** The version features are checked against (1.2 until the version line is read). */
  version: WdlVersion = "1.2";
  /** How many hints sections / hints literals enclose the expression being built. */
  hintsDepth = 0;

  /** Where each line starts (see lineStartsOf). */
  private readonly lineStarts: Int32Array;
  /** The index of the line last looked up: spans are mostly built in source order. */
  private lastLine = 0;

  constructor(
    readonly uri: string,
    /** The document text. */
    readonly source: string,
  ) {
    this.lineStarts = lineStartsOf(source);
  }

  /** The line and column (both 1-based) of a character offset. */
  position(offset: number): Position {
    if (Number.isNaN(offset)) return { line: 1, column: 1, offset };
    const starts = this.lineStarts;
    let l = this.lastLine;
    if (!(starts[l]! <= offset && (l + 1 === starts.length || offset < starts[l + 1]!))) {
      if (l + 2 < starts.length && starts[l + 1]! <= offset && offset < starts[l + 2]!) l++;
      else {
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (starts[mid]! <= offset) lo = mid;
          else hi = mid - 1;
        }
        l = lo;
      }
      this.lastLine = l;
    }
    return { line: l + 1, column: offset - starts[l]! + 1, offset };
  }

  /** Where a token starts. */
  startOf(t: IToken): Position {
    return this.position(t.startOffset);
  }

  /** Where a token ends (exclusive): just after its last character, on that character's line. */
  endOf(t: IToken): Position {
    // "onlyOffset" tokens have no endOffset; an empty (inserted) token ends where it starts.
    const last = t.startOffset + Math.max(0, t.image.length - 1);
    const p = this.position(last);
    return { line: p.line, column: p.column + 1, offset: last + 1 };
  }

  /** The span of one token. */
  tokenSpan(t: IToken): Span {
    const start = this.startOf(t);
    const last = t.startOffset + Math.max(0, t.image.length - 1);
    const next = this.lineStarts[this.lastLine + 1];
    // Most tokens end on the line they start on (the one startOf just found): no second search.
    if (!Number.isNaN(last) && (next === undefined || last < next)) {
      return { uri: this.uri, start, end: { line: start.line, column: start.column + (last - t.startOffset) + 1, offset: last + 1 } };
    }
    return { uri: this.uri, start, end: this.endOf(t) };
  }

  /** The span from the start of `a` to the end of `b` (tokens or spans). */
  span(a: IToken | Span, b: IToken | Span | undefined): Span {
    const start = "uri" in a ? a.start : this.startOf(a);
    const endFrom = b === undefined || ("uri" in b ? false : b.isInsertedInRecovery || Number.isNaN(b.startOffset)) ? a : b;
    const end = "uri" in endFrom ? endFrom.end : this.endOf(endFrom);
    return { uri: this.uri, start, end };
  }

  /** Records an error. */
  error(code: string, message: string, span: Span, help?: string, related?: readonly RelatedInfo[]): void {
    const d = error(code, message, span, help);
    this.diagnostics.push(related ? { ...d, related } : d);
  }

  /** Records a warning. */
  warn(code: string, message: string, span: Span, help?: string): void {
    this.diagnostics.push(warning(code, message, span, help));
  }

  /** Reports `feature` when the document's version predates it. */
  gate(feature: Feature, span: Span): void {
    if (!atLeast(this.version, feature.since)) {
      this.error(
        "version-feature",
        `${feature.name} requires WDL ${feature.since} or later, but this document is version ${this.version}`,
        span,
        `change the first line to 'version ${feature.since}', or avoid ${feature.name}`,
      );
    }
  }
}
