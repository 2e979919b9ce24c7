/**
 * The public API of expression evaluation — what the runtime calls.
 *
 * - `evaluate(expr, ctx)` evaluates any expression; `evaluateAs(expr, type, ctx)`
 *   also coerces the result to a declared type. Both are synchronous and pure
 *   apart from the file hooks in `ctx.io`, and throw only `EvalError` (a
 *   DiagnosticError carrying one located Diagnostic).
 * - `EvalContext` is what the runtime provides per scope: `version`, `lookup`
 *   (declarations, scatter variables, and each call bound as an Object value
 *   whose members are its outputs), `structs`, optional `typeOf` from
 *   analysis, and `io` (FileIO; `nodeFileIO(options)` is the node:fs default).
 * - `renderCommand(section, ctx)` renders a task command (common indentation
 *   stripped, placeholders substituted, File/Directory values shown through
 *   `ctx.io.commandPath`). Tip: bind File inputs to the paths the command
 *   sees in the scope used for the command, so that `sep(...)`,
 *   `write_lines(...)` and friends see them too; `commandPath` must return
 *   unknown paths unchanged.
 * - Values: `coerce` (runtime coercion), `valueFromJson`/`valueToJson`
 *   (inputs/outputs JSON), `parseJsonText`/`stringifyJson` (exact 64-bit
 *   integers), `valuesEqual`/`compareValues`, `primitiveToString`/`formatFloat`.
 *
 * Errors from the values layer are `ValueError` (unlocated); `locate(e, span)`
 * turns anything thrown into an EvalError at a span.
 */
export type { EvalContext, FileIO } from "./context.js";
export { EvalError, locate } from "./errors.js";
export { evaluate, evaluateAs } from "./evaluate.js";
export { interpolateString, evaluatePlaceholder } from "./interpolate.js";
export { renderCommand, dedentCommand, mixedIndentationWarning } from "./command.js";
export { nodeFileIO, type NodeFileIOOptions } from "./node-io.js";
export { globFiles } from "./glob.js";

export { ValueError } from "../values/errors.js";
export { coerce } from "../values/coerce.js";
export { valueFromJson, valueFromJsonUntyped, valueToJson, type ToJsonOptions } from "../values/json.js";
export { parseJsonText, stringifyJson, type JsonValue } from "../values/json-text.js";
export { valuesEqual, compareValues } from "../values/compare.js";
export { primitiveToString, formatFloat, describeValue, runtimeTypeOf } from "../values/format.js";
export { STDLIB, lookupFunction, type StdlibFunction } from "../stdlib/registry.js";
