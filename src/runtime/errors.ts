/**
 * Run-time failures as data: CallFailedError names the call, the attempt,
 * the exit code and the last lines of stderr, so that the CLI can print one
 * clear message and write `error.json`. Also formats located evaluation
 * errors as `file:line:column: message`.
 */
import { DiagnosticError } from "../diagnostics/diagnostic.js";
import type { Span } from "../diagnostics/span.js";

/** Why a call failed, as written to `error.json`. */
export interface CallFailure {
  /** The call's readable id (`call-align-0007`). */
  readonly callId: string;
  /** The call as the workflow names it (`wf.align`), or the task for a task run. */
  readonly call: string;
  /** The task or workflow called. */
  readonly callee: string;
  /** What went wrong, one line. */
  readonly reason: string;
  readonly attempt?: number;
  readonly exitCode?: number;
  /** The last lines of the failing attempt's stderr. */
  readonly stderrTail?: readonly string[];
  /** The failing attempt's directory. */
  readonly attemptDir?: string;
}

/** A failure of workflow-level evaluation (not of a call), as written to `error.json`. */
export interface EvaluationFailure {
  /** What was being evaluated: `wf.x` (a declaration), `wf: scatter over i`, `wf: if condition`. */
  readonly node: string;
  /** What went wrong, one line (located when the error carries a position). */
  readonly reason: string;
  /** Where: the failing expression when known, else the statement. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** An error's message without its location (for records that carry the location apart). */
export function errorMessage(e: unknown): string {
  if (e instanceof DiagnosticError) return e.diagnostics.map((d) => d.message).join("; ");
  return e instanceof Error ? e.message : String(e);
}

/** The position an evaluation error carries (its first located diagnostic), if any. */
export function errorSpan(e: unknown): Span | undefined {
  return e instanceof DiagnosticError ? e.diagnostics.find((d) => d.span)?.span : undefined;
}

/** A call failed (its command, its inputs, its requirements or its outputs). */
export class CallFailedError extends Error {
  constructor(readonly failure: CallFailure) {
    super(formatCallFailure(failure));
    this.name = "CallFailedError";
  }
}

/** The message shown to the user for a failed call. */
export function formatCallFailure(f: CallFailure): string {
  let s = `call ${f.call} (${f.callId}) failed: ${f.reason}`;
  if (f.attemptDir) s += `\n  attempt directory: ${f.attemptDir}`;
  if (f.stderrTail && f.stderrTail.length > 0) s += `\n  last lines of stderr:\n${f.stderrTail.map((l) => `    ${l}`).join("\n")}`;
  return s;
}

/** An evaluation or value error as one line, located (`file:line:col: message`) when it carries a span. */
export function describeError(e: unknown): string {
  if (e instanceof DiagnosticError) {
    return e.diagnostics
      .map((d) => (d.span ? `${d.span.uri}:${d.span.start.line}:${d.span.start.column}: ${d.message}` : d.message))
      .join("; ");
  }
  return e instanceof Error ? e.message : String(e);
}
