/**
 * Shared state and helpers of the CST→AST conversion: typed access to CST
 * children, spans from tokens, diagnostics collection and version gates.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import { LineTable, OffsetSpan, type Span, type Position } from "../../diagnostics/span.js";
import { error, lenient, warning, type Diagnostic, type Leniency, type RelatedInfo } from "../../diagnostics/diagnostic.js";
import type { WdlVersion } from "../ast.js";
import type { CstChildren } from "../parser-expressions.js";

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

/** What one key of a CST node's children holds: one element, several, or nothing. */
type Child = CstChildren[string];

function isNode(e: CstElement): e is CstNode {
  return (e as CstNode).children !== undefined;
}

const none: readonly never[] = [];

/** The elements under one key of a CST node's children, in order (see CstChildren). */
export function childList(child: Child): readonly CstElement[] {
  return child === undefined ? none : Array.isArray(child) ? child : [child];
}

function firstChild(child: Child): CstElement | undefined {
  return Array.isArray(child) ? child[0] : child;
}

/** The child tokens consumed under `name` (a token type name), in order. */
export function tokensOf(node: CstNode, name: string): readonly IToken[] {
  return childList((node.children as CstChildren)[name]) as readonly IToken[];
}

/** The first child token consumed under `name`, if any (tokens inserted by error recovery count as absent). */
export function tokenOf(node: CstNode, name: string): IToken | undefined {
  const t = firstChild((node.children as CstChildren)[name]) as IToken | undefined;
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
  return childList((node.children as CstChildren)[name]) as readonly CstNode[];
}

/** The first child node of rule `name`, if any. */
export function nodeOf(node: CstNode, name: string): CstNode | undefined {
  const n = firstChild((node.children as CstChildren)[name]);
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
  for (const child of Object.values(node.children as CstChildren)) {
    const e = firstChild(child);
    if (e === undefined) continue;
    const t = isNode(e) ? firstToken(e) : e;
    if (t !== undefined && !Number.isNaN(t.startOffset) && (best === undefined || t.startOffset < best.startOffset)) best = t;
  }
  return best;
}

/** Where a token ends (exclusive); an empty (inserted) token is given one character. */
function tokenEnd(t: IToken): number {
  return t.startOffset + Math.max(1, t.image.length);
}

/** A WDL feature that only some versions have. */
export interface Feature {
  readonly name: string;
  readonly since: WdlVersion;
}

const versionOrder: Readonly<Record<WdlVersion, number>> = { "1.0": 0, "1.1": 1, "1.2": 2, "1.3": 3 };

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

  /** Where each line starts: spans are offsets into it. */
  readonly lines: LineTable;

  constructor(
    readonly uri: string,
    /** The document text. */
    readonly source: string,
  ) {
    this.lines = new LineTable(uri, source);
  }

  /** The line and column (both 1-based) of a character offset. */
  position(offset: number): Position {
    return this.lines.position(offset);
  }

  /** The span of one token. */
  tokenSpan(t: IToken): Span {
    return new OffsetSpan(this.lines, t.startOffset, tokenEnd(t));
  }

  /** The span from the start of `a` to the end of `b` (tokens or spans). */
  span(a: IToken | Span, b: IToken | Span | undefined): Span {
    const endFrom = b === undefined || ("uri" in b ? false : b.isInsertedInRecovery || Number.isNaN(b.startOffset)) ? a : b;
    const from = "uri" in a ? this.ownOffsets(a)?.startOffset : a.startOffset;
    const to = "uri" in endFrom ? this.ownOffsets(endFrom)?.endOffset : tokenEnd(endFrom);
    if (from !== undefined && to !== undefined) return new OffsetSpan(this.lines, from, to);
    // A span made elsewhere (not over this document's line table): positions, not offsets.
    const start = "uri" in a ? a.start : this.position(a.startOffset);
    const end = "uri" in endFrom ? endFrom.end : this.lines.endPosition(tokenEnd(endFrom));
    return { uri: this.uri, start, end };
  }

  /** `s` as offsets into this document's line table, when it is one. */
  private ownOffsets(s: Span): OffsetSpan | undefined {
    return s instanceof OffsetSpan && s.lines === this.lines ? s : undefined;
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

  /** Records a leniency warning (an error under `--strict`): see syntax/leniencies.ts. */
  lenient(code: string, message: string, span: Span, leniency: Leniency): void {
    this.diagnostics.push(lenient(code, message, span, leniency));
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
