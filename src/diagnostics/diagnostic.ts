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
  /**
   * Set on a leniency warning: the document relies on something the spec
   * forbids but other engines accept. `--strict` turns
   * these warnings, and only these, into errors (see `applyStrict`).
   */
  readonly leniency?: Leniency;
}

/** What a leniency warning says: the rule it bends, where the spec states it, and how to write it portably. */
export interface Leniency {
  /** The spec's rule, in a few words ("unknown escape sequences are an error"). */
  readonly rule: string;
  /** The spec section that states it ("Strings"). */
  readonly section: string;
  /** The portable spelling ("write a backslash as '\\\\'"). */
  readonly portable: string;
}

/** Builds an error diagnostic. */
export function error(code: string, message: string, span?: Span, help?: string): Diagnostic {
  return { severity: "error", code, message, ...(span ? { span } : {}), ...(help ? { help } : {}) };
}

/** Builds a warning diagnostic. */
export function warning(code: string, message: string, span?: Span, help?: string): Diagnostic {
  return { severity: "warning", code, message, ...(span ? { span } : {}), ...(help ? { help } : {}) };
}

/**
 * Builds a leniency warning: `message` says what was accepted and how; the
 * rendered text names the rule and its spec section, and the help gives the
 * portable spelling.
 */
export function lenient(code: string, message: string, span: Span | undefined, leniency: Leniency): Diagnostic {
  const d = warning(code, `${message}; the spec does not allow this (${leniency.rule}; spec section "${leniency.section}"), other engines accept it`, span, `portable: ${leniency.portable}`);
  return { ...d, leniency };
}

/** The diagnostics with every leniency warning turned into an error (`--strict`). */
export function applyStrict(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => (d.leniency && d.severity === "warning" ? { ...d, severity: "error" } : d));
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
