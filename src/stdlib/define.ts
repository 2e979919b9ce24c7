/**
 * The shape of a standard-library entry and the helper the chapter modules
 * use to declare one (kept apart from ./registry.ts to avoid an import cycle).
 */
import { versionAtLeast, type Apply, type WdlVersion } from "../syntax/ast.js";
import type { WdlValue } from "../values/value.js";
import type { EvalContext } from "../eval/context.js";
import { ValueError } from "../values/errors.js";

/** One implementation of a standard-library function (all its overloads). */
export interface StdlibFunction {
  readonly name: string;
  /** The first WDL version that has the function. */
  readonly since: WdlVersion;
  readonly minArgs: number;
  readonly maxArgs: number;
  /**
   * Computes the result from the evaluated arguments (already checked for
   * arity). `call` is the call expression, for `ctx.typeOf(call)` when the
   * result's static type is needed (e.g. the item type of an empty result).
   */
  readonly impl: (args: readonly WdlValue[], ctx: EvalContext, call: Apply) => WdlValue;
}

/** Helper for the chapter modules: a function entry. */
export function fn(
  name: string,
  since: WdlVersion,
  arity: number | readonly [number, number],
  impl: StdlibFunction["impl"],
): StdlibFunction {
  const [minArgs, maxArgs] = typeof arity === "number" ? [arity, arity] : arity;
  return { name, since, minArgs, maxArgs, impl };
}



/** Throws ValueError when a variant introduced in `since` is used from an older document. */
export function requireVersion(ctx: { readonly version: WdlVersion }, since: WdlVersion, what: string): void {
  if (!versionAtLeast(ctx.version, since)) {
    throw new ValueError(`${what} requires WDL ${since} or later (this document is WDL ${ctx.version})`, "function-not-in-version");
  }
}
