/**
 * Enumerations (WDL 1.3) in analysis: the enums a document sees (every enum
 * of each imported document, `alias Old as New` applied, then its own), each
 * resolved once into an EnumType whose choices carry their values; and the
 * checks of `Enum.Choice` references.
 *
 * Choice values are literals (numbers, strings, Booleans, None, and array,
 * map, pair, object or struct literals of them), converted here to values of
 * the enum's value type: the type written in brackets, else the common type
 * of the values, else (no values at all) `String`, each choice's value then
 * being its name.
 */
import type { Span } from "../diagnostics/span.js";
import type { EnumDef, Expr, MemberAccess } from "../syntax/ast.js";
import { unify } from "../types/coercion.js";
import { T, withOptional, type EnumChoice, type EnumType, type WdlType } from "../types/types.js";
import { coerce } from "../values/coerce.js";
import { ValueError } from "../values/errors.js";
import { NONE, type WdlValue } from "../values/value.js";
import type { DocumentContext } from "./context.js";
import { checkAssignable, inferExpr } from "./expressions.js";
import * as msg from "./messages.js";
import { Scope } from "./scope.js";
import type { ResolvedImport } from "./structs.js";

/** An own enum's type while it is being resolved: declared first (struct members may name it), completed after the structs. */
type PendingEnum = { -readonly [K in keyof EnumType]: EnumType[K] } & { choices: EnumChoice[] };

/**
 * Fills `ctx.enums` with the imported enums and the document's own, before
 * the structs are resolved (a struct member may be an enum); returns the
 * completion, to run after the structs (a choice's value may be a struct literal).
 */
export function declareEnums(ctx: DocumentContext, imports: readonly ResolvedImport[]): () => void {
  const origin = new Map<string, Span>();
  for (const imp of imports) {
    const aliases = new Map<string, { to: string; span: Span }>();
    for (const a of imp.decl.aliases) if (imp.document.enums.has(a.from.name)) aliases.set(a.from.name, { to: a.to.name, span: a.to.span });
    for (const [name, type] of imp.document.enums) {
      const alias = aliases.get(name);
      const visible = alias ? alias.to : name;
      const prev = ctx.enums.get(visible);
      if (prev) {
        if (prev.choices !== type.choices) ctx.report(msg.nameClash(alias?.span ?? imp.decl.span, visible, "imported enum", "another enum", origin.get(visible)));
        continue;
      }
      ctx.enums.set(visible, visible === type.name ? type : { ...type, name: visible });
      origin.set(visible, alias?.span ?? imp.decl.span);
    }
  }
  const own = new Map<string, Span>();
  const pending: [EnumDef, PendingEnum][] = [];
  for (const def of ctx.document.enums) {
    const name = def.name.name;
    const first = own.get(name);
    if (first) {
      ctx.report(msg.duplicateName(def.name.span, "enum", name, first));
      continue;
    }
    own.set(name, def.name.span);
    if (ctx.structs.has(name)) ctx.report(msg.nameClash(def.name.span, name, "enum", "a struct", undefined));
    else if (ctx.enums.has(name)) ctx.report(msg.nameClash(def.name.span, name, "enum", "an imported enum", origin.get(name)));
    const type: PendingEnum = { kind: "Enum", name, valueType: T.Any, choices: [], optional: false };
    ctx.enums.set(name, type);
    pending.push([def, type]);
  }
  return () => {
    for (const [def, type] of pending) completeEnum(ctx, def, type);
  };
}

/** Completes the type of one enum definition: its value type and each choice's value (diagnostics for what does not fit). */
function completeEnum(ctx: DocumentContext, def: EnumDef, type: PendingEnum): void {
  const name = def.name.name;
  if (def.choices.length === 0) ctx.report(msg.enumWithoutChoices(def.name.span, name));
  const env = { ctx, scope: new Scope(), place: "workflow" as const };
  const seen = new Map<string, Span>();
  const valueTypes = def.choices.map((c) => (c.value ? inferExpr(c.value, env) : T.String));
  let valueType: WdlType;
  if (def.valueType) valueType = ctx.resolveType(def.valueType, true);
  else {
    valueType = unify(valueTypes) ?? T.Any;
    if (valueType.kind === "Any" && def.choices.length > 0) {
      const i = valueTypes.findIndex((_t, k) => k > 0 && unify(valueTypes.slice(0, k + 1)) === undefined);
      const at = def.choices[Math.max(i, 0)]!;
      ctx.report(msg.enumValuesDisagree(at.value?.span ?? at.name.span, name, valueTypes[0]!, valueTypes[Math.max(i, 0)]!));
    }
  }
  type.valueType = valueType;
  const choices = type.choices;
  def.choices.forEach((c, i) => {
    const first = seen.get(c.name.name);
    if (first) {
      ctx.report(msg.duplicateName(c.name.span, "enum choice", c.name.name, first));
      return;
    }
    seen.set(c.name.name, c.name.span);
    const raw = c.value ? literalValue(c.value) : { kind: "String" as const, value: c.name.name };
    if (raw === undefined) {
      ctx.report(msg.enumValueNotLiteral(c.value!.span, name));
      choices.push({ name: c.name.name, value: NONE });
      return;
    }
    if (c.value && def.valueType && !checkAssignable(ctx, c.value, valueTypes[i]!, valueType)) {
      choices.push({ name: c.name.name, value: raw });
      return;
    }
    choices.push({ name: c.name.name, value: coerceChoice(raw, valueType) });
  });
}

/** A choice's literal value as a value of the enum's type (its type was checked already; a literal that still does not fit is kept as it is). */
function coerceChoice(raw: WdlValue, type: WdlType): WdlValue {
  if (type.kind === "Any") return raw;
  try {
    return coerce(raw, type);
  } catch (e) {
    if (e instanceof ValueError) return raw;
    throw e;
  }
}

/** The value of a literal expression, or undefined when `e` is not one. */
function literalValue(e: Expr): WdlValue | undefined {
  switch (e.kind) {
    case "None":
      return NONE;
    case "Boolean":
      return { kind: "Boolean", value: e.value };
    case "Int":
      return { kind: "Int", value: e.value };
    case "Float":
      return { kind: "Float", value: e.value };
    case "String": {
      let text = "";
      for (const p of e.parts) {
        if (p.kind !== "Text") return undefined;
        text += p.text;
      }
      return { kind: "String", value: text };
    }
    case "UnaryOp": {
      const v = literalValue(e.operand);
      if (e.op === "-" && v?.kind === "Int") return { kind: "Int", value: -v.value };
      if (e.op === "-" && v?.kind === "Float") return { kind: "Float", value: -v.value };
      return e.op === "+" && (v?.kind === "Int" || v?.kind === "Float") ? v : undefined;
    }
    case "ArrayLiteral": {
      const items = e.items.map(literalValue);
      return items.every((x) => x !== undefined) ? { kind: "Array", items: items as WdlValue[] } : undefined;
    }
    case "MapLiteral": {
      const entries: [WdlValue, WdlValue][] = [];
      for (const en of e.entries) {
        const k = literalValue(en.key);
        const v = literalValue(en.value);
        if (k === undefined || v === undefined) return undefined;
        entries.push([k, v]);
      }
      return { kind: "Map", entries };
    }
    case "PairLiteral": {
      const left = literalValue(e.left);
      const right = literalValue(e.right);
      return left && right ? { kind: "Pair", left, right } : undefined;
    }
    case "ObjectLiteral":
    case "StructLiteral": {
      const members = new Map<string, WdlValue>();
      for (const m of e.members) {
        const v = literalValue(m.value);
        if (v === undefined) return undefined;
        members.set(m.name.name, v);
      }
      return e.kind === "StructLiteral" ? { kind: "Struct", name: e.typeName.name, members } : { kind: "Object", members };
    }
    default:
      return undefined;
  }
}

/**
 * The type of `Enum.Choice` when the target names an enum (and no value of
 * that name is in scope); undefined when it does not name one.
 */
export function enumChoiceType(e: MemberAccess, ctx: DocumentContext): WdlType | undefined {
  if (e.target.kind !== "NameRef") return undefined;
  const type = ctx.enums.get(e.target.name);
  if (!type) return undefined;
  if (!type.choices.some((c) => c.name === e.member.name)) {
    ctx.report(msg.unknownEnumChoice(e.member.span, type.name, e.member.name, type.choices.map((c) => c.name)));
    return T.Any;
  }
  return withOptional(type, false);
}
