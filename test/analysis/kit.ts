/**
 * Test kit for analysis: check in-memory sources and pick diagnostics.
 */
import { checkSource, type Analysis } from "../../src/analysis/index.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";

/** Checks `text` as /work/test/main.wdl, with other documents given by path relative to it. */
export function check(text: string, files: Record<string, string> = {}): Analysis {
  return checkSource(text, "/work/test/main.wdl", files);
}

/** The error diagnostics of a check. */
export function errorsOf(text: string, files: Record<string, string> = {}): Diagnostic[] {
  return check(text, files).diagnostics.filter((d) => d.severity === "error");
}

/** The warning diagnostics of a check. */
export function warningsOf(text: string, files: Record<string, string> = {}): Diagnostic[] {
  return check(text, files).diagnostics.filter((d) => d.severity === "warning");
}

/** Joins lines into a document (so that line numbers in tests are easy to read). */
export function doc(...lines: string[]): string {
  return lines.join("\n") + "\n";
}

/** `line:col` of a diagnostic, for compact assertions. */
export function at(d: Diagnostic): string {
  return d.span ? `${d.span.start.line}:${d.span.start.column}` : "-";
}

/** One hand-written document and the diagnostic it must produce. */
export interface DiagnosticCase {
  readonly name: string;
  readonly src: string;
  readonly code: string;
  /** `line:column` of the diagnostic's start. */
  readonly at: string;
  /** A substring of the message. */
  readonly message: string;
  /** Other documents it imports, by relative path. */
  readonly files?: Record<string, string>;
}
