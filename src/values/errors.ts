/**
 * The unlocated error of the values layer. Coercion, JSON conversion and the
 * standard library throw a ValueError with a plain message; whoever knows the
 * source location (the evaluator, the runtime) turns it into a located
 * diagnostic (see src/eval/errors.ts `EvalError`).
 */

/** A value-level failure: a coercion that does not apply, malformed JSON input, a bad argument. */
export class ValueError extends Error {
  /**
   * @param message what went wrong, phrased for the user (no stack, no internals)
   * @param code a stable kebab-case diagnostic code, e.g. `coercion-failed`
   * @param fromNone true when the failure is caused by a None value where a value
   *   was needed; inside a placeholder such a failure yields the empty string
   */
  constructor(
    message: string,
    readonly code: string = "value-error",
    readonly fromNone: boolean = false,
  ) {
    super(message);
    this.name = "ValueError";
  }
}
