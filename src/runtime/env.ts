/**
 * Scopes of values at run time: an Env maps names to values and falls back
 * to its parent, so a scatter element's scope sees the workflow's names
 * without copying them.
 */
import type { CheckedDocument } from "../analysis/index.js";
import type { EvalContext, FileIO } from "../eval/context.js";
import type { Expr, WdlVersion } from "../syntax/ast.js";
import type { StructType, WdlType } from "../types/types.js";
import type { WdlValue } from "../values/value.js";

/** A scope of values with an optional parent scope. */
export class Env {
  private readonly vars = new Map<string, WdlValue>();

  constructor(readonly parent?: Env) {}

  /** The value bound to `name` here or in an enclosing scope. */
  get(name: string): WdlValue | undefined {
    for (let e: Env | undefined = this; e; e = e.parent) {
      const v = e.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** The value bound to `name` in this scope only. */
  getLocal(name: string): WdlValue | undefined {
    return this.vars.get(name);
  }

  /** Binds `name` in this scope. */
  set(name: string, value: WdlValue): void {
    this.vars.set(name, value);
  }
}

/**
 * The EvalContext of an Env in a document: names resolve through the Env
 * chain, types through analysis. A class (not a literal with closures) so
 * that making one per evaluation stays cheap in large scatters.
 */
export class EnvContext implements EvalContext {
  readonly version: WdlVersion;
  readonly structs: ReadonlyMap<string, StructType>;

  constructor(
    private readonly doc: CheckedDocument,
    private readonly env: Env,
    readonly io: FileIO,
  ) {
    this.version = doc.version;
    this.structs = doc.structs;
  }

  lookup(name: string): WdlValue | undefined {
    return this.env.get(name);
  }

  typeOf(expr: Expr): WdlType | undefined {
    return this.doc.typeOf(expr);
  }
}
