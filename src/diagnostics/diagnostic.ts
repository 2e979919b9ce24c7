/**
 * Diagnostics as data. Layers collect diagnostics instead of throwing them one
 * by one; the CLI sorts and renders them (see ./render.ts) with a code frame.
 */
import type { Span } from "./span.js";

/** How serious a diagnostic is: errors fail `check` and block a run, warnings do not. */
export type Severity = "error" | "warning";

/** A secondary location that helps explain a diagnostic ("first defined here"). */
export interface RelatedInfo {
  readonly span: Span;
  readonly message: string;
}

/** One finding about a document. `code` is a stable kebab-case identifier such as `unknown-name`. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  /** Where it is; absent only for problems that concern no text (e.g. an unreadable file named in `message`). */
  readonly span?: Span;
  /** A suggested fix, when one is obvious. */
  readonly help?: string;
  readonly related?: readonly RelatedInfo[];
}

/** Builds an error diagnostic. */
export function error(code: string, message: string, span?: Span, help?: string): Diagnostic {
  return { severity: "error", code, message, ...(span ? { span } : {}), ...(help ? { help } : {}) };
}

/** Builds a warning diagnostic. */
export function warning(code: string, message: string, span?: Span, help?: string): Diagnostic {
  return { severity: "warning", code, message, ...(span ? { span } : {}), ...(help ? { help } : {}) };
}

/** True when any diagnostic in the list is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Thrown only to carry located diagnostics across an async boundary (e.g. evaluation errors at run time). */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join("; "));
    this.name = "DiagnosticError";
  }
}

/** Fails at compile time when a `switch` over a `kind` union misses a case. */
export function assertUnreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
