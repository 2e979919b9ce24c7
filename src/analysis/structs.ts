/**
 * Struct resolution for one document: structs imported from other documents
 * (with `alias Old as New` applied; same-named structs must have identical
 * definitions), the document's own structs (duplicates, unknown member
 * types, recursive definitions), all entered into the context's struct
 * table so that types can be resolved.
 */
import type { Span } from "../diagnostics/span.js";
import type { Document, StructDef } from "../syntax/ast.js";
import { typesEqual } from "../types/coercion.js";
import type { StructType, WdlType } from "../types/types.js";
import type { DocumentContext } from "./context.js";
import * as msg from "./messages.js";
import type { CheckedDocument } from "./model.js";

/** An import that loaded, with the namespace it is known by. */
export interface ResolvedImport {
  readonly decl: Document["imports"][number];
  readonly namespace: string;
  readonly document: CheckedDocument;
}

/** Fills `ctx.structs` with imported and own structs; returns where each visible struct name comes from. */
export function resolveStructs(ctx: DocumentContext, imports: readonly ResolvedImport[]): Map<string, Span> {
  const origin = new Map<string, Span>();
  // Imported structs first (every struct visible in the imported document, aliases applied).
  for (const imp of imports) {
    const aliases = new Map<string, { to: string; span: Span }>();
    for (const a of imp.decl.aliases) {
      if (!imp.document.structs.has(a.from.name) && !imp.document.enums.has(a.from.name)) ctx.report(msg.unknownAliasSource(a.from.span, a.from.name, imp.namespace));
      aliases.set(a.from.name, { to: a.to.name, span: a.to.span });
    }
    for (const [name, type] of imp.document.structs) {
      const alias = aliases.get(name);
      const visible = alias ? alias.to : name;
      const span = alias ? alias.span : imp.decl.span;
      const t: StructType = visible === type.name ? type : { ...type, name: visible };
      const prev = ctx.structs.get(visible);
      if (prev) {
        if (!sameDefinition(prev, t)) ctx.report(msg.conflictingStruct(span, visible, origin.get(visible)));
        continue;
      }
      ctx.structs.set(visible, t);
      origin.set(visible, span);
    }
  }
  // Own structs: register the names, then resolve member types (members may name later structs).
  const own: { def: StructDef; members: Map<string, WdlType>; type: StructType }[] = [];
  const ownNames = new Map<string, Span>();
  for (const def of ctx.document.structs) {
    const name = def.name.name;
    const first = ownNames.get(name);
    if (first) {
      ctx.report(msg.duplicateName(def.name.span, "struct", name, first));
      continue;
    }
    ownNames.set(name, def.name.span);
    const members = new Map<string, WdlType>();
    const type: StructType = { kind: "Struct", name, members, optional: false };
    own.push({ def, members, type });
  }
  const imported = new Map(ctx.structs);
  for (const o of own) ctx.structs.set(o.def.name.name, o.type);
  for (const o of own) {
    for (const m of o.def.members) {
      if (o.members.has(m.name.name)) {
        ctx.report(msg.duplicateName(m.name.span, "member", m.name.name, undefined));
        continue;
      }
      o.members.set(m.name.name, ctx.declType(m));
    }
  }
  for (const o of own) {
    const name = o.def.name.name;
    const prev = imported.get(name);
    if (prev) {
      if (sameDefinition(prev, o.type)) {
        // An identical redefinition of an imported struct: keep one type object so equality is cheap.
        ctx.structs.set(name, prev);
      } else ctx.report(msg.conflictingStruct(o.def.name.span, name, origin.get(name)));
    }
    origin.set(name, o.def.name.span);
    if (containsStruct(o.type, o.type, new Set())) ctx.report(msg.recursiveStruct(o.def.name.span, name));
  }
  return origin;
}

/** True when two struct types have the same members with equal types (names may differ, as with aliases). */
function sameDefinition(a: StructType, b: StructType): boolean {
  if (a.members === b.members) return true;
  if (a.members.size !== b.members.size) return false;
  for (const [n, t] of a.members) {
    const o = b.members.get(n);
    if (!o || !typesEqualLoose(t, o)) return false;
  }
  return true;
}

function typesEqualLoose(a: WdlType, b: WdlType): boolean {
  if (a.kind === "Struct" && b.kind === "Struct") return a.optional === b.optional && sameDefinition(a, b);
  return typesEqual(a, b);
}

function containsStruct(t: WdlType, target: StructType, seen: Set<ReadonlyMap<string, WdlType>>): boolean {
  switch (t.kind) {
    case "Array":
      return containsStruct(t.item, target, seen);
    case "Map":
      return containsStruct(t.key, target, seen) || containsStruct(t.value, target, seen);
    case "Pair":
      return containsStruct(t.left, target, seen) || containsStruct(t.right, target, seen);
    case "Struct": {
      if (t.members === target.members && seen.size > 0) return true;
      if (seen.has(t.members)) return false;
      seen.add(t.members);
      for (const m of t.members.values()) if (containsStruct(m, target, seen)) return true;
      return false;
    }
    default:
      return false;
  }
}
