/**
 * Renders diagnostics for a terminal: `file:line:col: error: message [code]`,
 * then a code frame (the source line with a caret run under the span), a
 * `help:` line when there is one, and `note:` lines for related locations.
 * Pure: takes the source texts, returns a string.
 */
import { relative, isAbsolute } from "node:path";
import type { Diagnostic } from "./diagnostic.js";
import type { Span } from "./span.js";

/** Rendering options. */
export interface RenderOptions {
  /** Paths are shown relative to this directory when they lie below it (default: process.cwd()). */
  readonly cwd?: string;
  /** Show the code frame (default true). */
  readonly frames?: boolean;
}

/** Shows a URI the way a user typed it: relative to cwd when below it. */
export function displayPath(uri: string, cwd = process.cwd()): string {
  if (!isAbsolute(uri)) return uri;
  const rel = relative(cwd, uri);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : uri;
}

/** `file:line:col` of a span's start. */
export function formatLocation(span: Span, cwd?: string): string {
  return `${displayPath(span.uri, cwd)}:${span.start.line}:${span.start.column}`;
}

/** Renders one diagnostic (no trailing newline). */
export function renderDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string>, options: RenderOptions = {}): string {
  const lines: string[] = [];
  const head = `${d.severity}: ${d.message} [${d.code}]`;
  lines.push(d.span ? `${formatLocation(d.span, options.cwd)}: ${head}` : `wdlrun: ${head}`);
  if (d.span && options.frames !== false) {
    const frame = codeFrame(d.span, sources.get(d.span.uri));
    if (frame) lines.push(frame);
  }
  if (d.help) lines.push(`  help: ${d.help}`);
  for (const r of d.related ?? []) lines.push(`  note: ${formatLocation(r.span, options.cwd)}: ${r.message}`);
  return lines.join("\n");
}

/** Renders a list (already sorted) followed by a one-line summary when there is anything to report. */
export function renderDiagnostics(list: readonly Diagnostic[], sources: ReadonlyMap<string, string>, options: RenderOptions = {}): string {
  if (list.length === 0) return "";
  const parts = list.map((d) => renderDiagnostic(d, sources, options));
  parts.push(summary(list));
  return parts.join("\n\n") + "\n";
}

/** "2 errors, 1 warning". */
export function summary(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === "error").length;
  const warnings = list.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return [errors ? plural(errors, "error") : "", warnings ? plural(warnings, "warning") : ""].filter(Boolean).join(", ");
}

/**
 * The source line of the span's start with a gutter, and a caret line under
 * the span (to the end of that line when the span continues on later lines).
 */
export function codeFrame(span: Span, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const lineStart = span.start.offset - (span.start.column - 1);
  if (lineStart < 0 || lineStart > text.length) return undefined;
  let lineEnd = text.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd).replace(/\r$/, "");
  const from = span.start.column - 1;
  const to = Math.max(from + 1, Math.min(line.length, span.end.offset - lineStart));
  const gutter = String(span.start.line);
  const pad = " ".repeat(gutter.length);
  // Keep tabs in the caret line so the carets line up under tab-indented code.
  const lead = line.slice(0, from).replace(/[^\t]/g, " ");
  return `${pad} |\n${gutter} | ${line}\n${pad} | ${lead}${"^".repeat(to - from)}`;
}
