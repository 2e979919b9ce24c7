/**
 * Source positions and spans. Every AST node carries a Span so that any
 * diagnostic, at any layer, can point at the text it is about.
 */

/** A point in a source text. `line` and `column` are 1-based; `offset` is a 0-based UTF-16 index. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** A half-open range [start, end) in the document identified by `uri` (an absolute path or URL). */
export interface Span {
  readonly uri: string;
  readonly start: Position;
  readonly end: Position;
}

/**
 * Where the lines of one document start, counting line breaks the way the
 * lexer does (`\n`, `\r\n`, a lone `\r`), for turning offsets into lines and
 * columns. Shared by every OffsetSpan of the document.
 */
export class LineTable {
  private readonly starts: Int32Array;
  /** The index of the line last looked up: positions are mostly asked for in source order. */
  private lastLine = 0;

  constructor(
    /** The document's uri (every span of it names it). */
    readonly uri: string,
    text: string,
  ) {
    const starts: number[] = [0];
    if (!text.includes("\r")) {
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
      }
    }
    this.starts = Int32Array.from(starts);
  }

  /** The 0-based index of the line holding `offset`. */
  lineIndex(offset: number): number {
    const starts = this.starts;
    const l = this.lastLine;
    if (starts[l]! <= offset && (l + 1 === starts.length || offset < starts[l + 1]!)) return l;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.lastLine = lo;
    return lo;
  }

  /** The line and column (both 1-based) of a character offset (NaN, for text that is not there: line 1, column 1). */
  position(offset: number): Position {
    if (Number.isNaN(offset)) return { line: 1, column: 1, offset };
    const l = this.lineIndex(offset);
    return { line: l + 1, column: offset - this.starts[l]! + 1, offset };
  }

  /** The position just after the character before `end`: on that character's line, even when it is a line break. */
  endPosition(end: number): Position {
    const p = this.position(end - 1);
    return { line: p.line, column: p.column + 1, offset: end };
  }
}

/**
 * A Span kept as two offsets into its document's LineTable: lines and
 * columns are computed when asked for. The parser makes hundreds of thousands
 * of spans for a large document and reads almost none of their positions, so
 * one small object each (instead of a span and two positions) saves much of
 * the AST's memory and of the garbage collector's copying.
 */
export class OffsetSpan implements Span {
  constructor(
    readonly lines: LineTable,
    /** Offset of the first character. */
    readonly startOffset: number,
    /** Offset just after the last character (greater than startOffset). */
    readonly endOffset: number,
  ) {}

  get uri(): string {
    return this.lines.uri;
  }

  get start(): Position {
    return this.lines.position(this.startOffset);
  }

  get end(): Position {
    return this.lines.endPosition(this.endOffset);
  }

  /** The plain form (JSON output of diagnostics). */
  toJSON(): { uri: string; start: Position; end: Position } {
    return { uri: this.uri, start: this.start, end: this.end };
  }
}

/** A span covering both `a` and `b` (which must be in the same document). */
export function joinSpans(a: Span, b: Span): Span {
  if (a instanceof OffsetSpan && b instanceof OffsetSpan && a.lines === b.lines) {
    return new OffsetSpan(a.lines, Math.min(a.startOffset, b.startOffset), Math.max(a.endOffset, b.endOffset));
  }
  const start = a.start.offset <= b.start.offset ? a.start : b.start;
  const end = a.end.offset >= b.end.offset ? a.end : b.end;
  return { uri: a.uri, start, end };
}

/** Orders spans by document, then by start offset. */
export function compareSpans(a: Span, b: Span): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  return a.start.offset - b.start.offset || a.end.offset - b.end.offset;
}
