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

/** A span covering both `a` and `b` (which must be in the same document). */
export function joinSpans(a: Span, b: Span): Span {
  const start = a.start.offset <= b.start.offset ? a.start : b.start;
  const end = a.end.offset >= b.end.offset ? a.end : b.end;
  return { uri: a.uri, start, end };
}

/** Orders spans by document, then by start offset. */
export function compareSpans(a: Span, b: Span): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  return a.start.offset - b.start.offset || a.end.offset - b.end.offset;
}
