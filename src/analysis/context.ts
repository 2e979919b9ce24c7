/**
 * Per-document analysis state: the diagnostics sink, the side tables that
 * become a CheckedDocument's lookups (expression types, name bindings,
 * declaration types, checked calls), and type resolution against the
 * document's visible structs.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { CallStatement, Declaration, Document, Expr, NameRef, PrimitiveTypeName, TypeExpr, WdlVersion } from "../syntax/ast.js";
import { arrayOf, isPrimitive, mapOf, pairOf, T, withOptional, type EnumType, type StructType, type WdlType } from "../types/types.js";
import { versionAtLeast } from "../syntax/ast.js";
import { DeferredMap } from "./deferred-map.js";
import * as msg from "./messages.js";
import type { CheckedCall, CheckedDocument } from "./model.js";
import type { ScopeEntry } from "./scope.js";

/** `Boolean?` … `Directory?`, shared: most declarations have a primitive type, and many are optional. */
const OPTIONAL = {
  Boolean: withOptional(T.Boolean, true),
  Int: withOptional(T.Int, true),
  Float: withOptional(T.Float, true),
  String: withOptional(T.String, true),
  File: withOptional(T.File, true),
  Directory: withOptional(T.Directory, true),
};

/**
 * The (shared) type of a primitive type name. A switch rather than `T[name]`: the names come from the
 * source text, and indexing an object with such a string makes V8 look it up in its string table each time.
 */
function primitiveType(name: PrimitiveTypeName, optional: boolean): WdlType {
  switch (name) {
    case "Boolean":
      return optional ? OPTIONAL.Boolean : T.Boolean;
    case "Int":
      return optional ? OPTIONAL.Int : T.Int;
    case "Float":
      return optional ? OPTIONAL.Float : T.Float;
    case "String":
      return optional ? OPTIONAL.String : T.String;
    case "File":
      return optional ? OPTIONAL.File : T.File;
    case "Directory":
      return optional ? OPTIONAL.Directory : T.Directory;
  }
}

/** Mutable analysis state of one document. */
export class DocumentContext {
  readonly version: WdlVersion;
  /** The inferred type of every expression except literals and names (see CheckedDocument.typeOf in document.ts). */
  readonly types = new DeferredMap<Expr, WdlType>();
  /** Every bare name that resolved → the scope entry it resolved to: its binding, and its type there. */
  readonly names = new DeferredMap<NameRef, ScopeEntry>();
  readonly declTypes = new Map<Declaration, WdlType>();
  /** The checked call of every call statement (read by the runtime, not while checking). */
  readonly calls = new DeferredMap<CallStatement, CheckedCall>();
  /** Visible structs (own and imported, aliases applied). */
  readonly structs = new Map<string, StructType>();
  /** Visible enums (1.3; own and imported, aliases applied). */
  readonly enums = new Map<string, EnumType>();
  /** Import namespace → checked document. */
  readonly namespaces = new Map<string, CheckedDocument>();

  constructor(
    readonly document: Document,
    readonly diagnostics: Diagnostic[],
  ) {
    this.version = document.version;
  }

  private readonly arrays = new Map<WdlType, WdlType>();
  private readonly optionals = new Map<WdlType, WdlType>();
  private readonly wrappedMaps = new Map<ReadonlyMap<string, WdlType>, { array?: ReadonlyMap<string, WdlType>; optional?: ReadonlyMap<string, WdlType> }>();

  /**
   * `Array[t]` (or `t?`), shared per `t`: a workflow exports every name of a
   * scatter/if body to each enclosing scope, so the same wrappings recur.
   */
  wrap(t: WdlType, how: "array" | "optional"): WdlType {
    if (how === "optional" && t.optional) return t;
    const cache = how === "array" ? this.arrays : this.optionals;
    let w = cache.get(t);
    if (!w) {
      w = how === "array" ? arrayOf(t) : withOptional(t, true);
      cache.set(t, w);
    }
    return w;
  }

  /** Every value of a name → type map wrapped (see `wrap`), shared per map. */
  wrapAll(types: ReadonlyMap<string, WdlType>, how: "array" | "optional"): ReadonlyMap<string, WdlType> {
    let entry = this.wrappedMaps.get(types);
    if (!entry) this.wrappedMaps.set(types, (entry = {}));
    let w = entry[how];
    if (!w) {
      const m = new Map<string, WdlType>();
      for (const [k, t] of types) m.set(k, this.wrap(t, how));
      entry[how] = w = m;
    }
    return w;
  }

  private readonly calleeTypes = new Map<object, { inputs: ReadonlyMap<string, WdlType>; outputs: ReadonlyMap<string, WdlType> }>();

  /** A callee's input and output types by name, shared by all calls to it. */
  typesOf(callee: { inputs: readonly { name: string; type: WdlType }[]; outputs: readonly { name: string; type: WdlType }[] }): {
    inputs: ReadonlyMap<string, WdlType>;
    outputs: ReadonlyMap<string, WdlType>;
  } {
    let t = this.calleeTypes.get(callee);
    if (!t) {
      t = { inputs: new Map(callee.inputs.map((i) => [i.name, i.type])), outputs: new Map(callee.outputs.map((o) => [o.name, o.type])) };
      this.calleeTypes.set(callee, t);
    }
    return t;
  }

  /** Records a diagnostic. */
  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  /** True when this document's version is at least `v`. */
  atLeast(v: WdlVersion): boolean {
    return versionAtLeast(this.version, v);
  }

  /** Resolves a written type; reports unknown struct names (once per occurrence) when `report` is set. */
  resolveType(te: TypeExpr, report = false): WdlType {
    switch (te.kind) {
      case "PrimitiveType":
        return primitiveType(te.name, te.optional);
      case "ArrayType":
        return arrayOf(this.resolveType(te.item, report), te.nonEmpty, te.optional);
      case "MapType": {
        const key = this.resolveType(te.key, report);
        if (report && key.kind !== "Any" && !isPrimitive(key)) this.report(msg.mapKeyType(te.key.span, key));
        return mapOf(key, this.resolveType(te.value, report), te.optional);
      }
      case "PairType":
        return pairOf(this.resolveType(te.left, report), this.resolveType(te.right, report), te.optional);
      case "ObjectType":
        if (report && this.atLeast("1.1")) this.report(msg.deprecatedObject(te.span));
        return withOptional(T.Object, te.optional);
      case "NamedType": {
        const s = this.structs.get(te.name.name) ?? this.enums.get(te.name.name);
        if (s) return withOptional(s, te.optional);
        if (report) this.report(msg.unknownType(te.name.span, te.name.name, msg.didYouMean(te.name.name, [...this.structs.keys(), ...this.enums.keys()])));
        return withOptional(T.Any, te.optional);
      }
    }
  }

  /** The type of a declaration: resolved once, with diagnostics for unknown types, and cached. */
  declType(decl: Declaration): WdlType {
    let t = this.declTypes.get(decl);
    if (!t) {
      t = this.resolveType(decl.type, true);
      this.declTypes.set(decl, t);
    }
    return t;
  }

  /** Records the type of an expression and returns it. */
  setType(e: Expr, t: WdlType): WdlType {
    this.types.set(e, t);
    return t;
  }
}
