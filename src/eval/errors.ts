/**
 * EvalError: the only exception evaluation throws. It carries exactly one
 * located Diagnostic (the span of the offending expression and a message).
 */
import { DiagnosticError, error, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/span.js";
import { ValueError } from "../values/errors.js";

/** A located evaluation failure (index out of range, division by zero, a failed coercion, a bad file read, …). */
export class EvalError extends DiagnosticError {
  /** The one diagnostic this error carries. */
  readonly diagnostic: Diagnostic;

  /**
   * @param fromNone true when a None value caused the failure (see ValueError.fromNone):
   *   a placeholder whose evaluation fails this way is replaced by the empty string
   */
  constructor(
    code: string,
    message: string,
    span: Span | undefined,
    readonly fromNone: boolean = false,
    help?: string,
  ) {
    const d = error(code, message, span, help);
    super([d]);
    this.diagnostic = d;
    this.name = "EvalError";
  }
}

/**
 * Turns anything thrown while evaluating the expression at `span` into an
 * EvalError: an EvalError passes through unchanged (it is already located),
 * a ValueError gets the span, and any other Error becomes an `internal-error`
 * diagnostic at the span (so users never see a bare stack trace).
 */
export function locate(e: unknown, span: Span | undefined): EvalError {
  if (e instanceof EvalError) return e;
  if (e instanceof ValueError) return new EvalError(e.code, e.message, span, e.fromNone);
  if (e instanceof DiagnosticError) {
    const first = e.diagnostics[0];
    return new EvalError(first?.code ?? "eval-error", e.message, first?.span ?? span);
  }
  const message = e instanceof Error ? e.message : String(e);
  return new EvalError("internal-error", `internal error while evaluating: ${message}`, span);
}
