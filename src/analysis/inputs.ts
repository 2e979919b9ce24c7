/**
 * The inputs a run of a task or workflow accepts, with fully qualified keys
 * (`wf.x`, `wf.call.x`, `wf.sub.call.x`) following the spec's rules on
 * nested inputs: a call input the call does not set may be given at run time
 * when it is required (only possible where analysis allowed leaving it
 * unset) or, for inputs with defaults, when every workflow on the path
 * allows nested inputs. Used by `wdlrun inputs` to print a template.
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { Expr } from "../syntax/ast.js";
import { typeToString, type EnumType, type WdlType } from "../types/types.js";
import type { Callable, InputInfo } from "./model.js";

/** One input key a run accepts. */
export interface InputSlot {
  /** The fully qualified key, e.g. `wf.align.threads`. */
  readonly key: string;
  readonly type: WdlType;
  /** A value must be supplied. */
  readonly required: boolean;
  /** The default expression, when the declaration has one. */
  readonly default: Expr | undefined;
  readonly info: InputInfo;
}

/** Every input key of `target` (named `name` in keys), required ones first, each group in declaration order. */
export function inputSlots(target: Callable, name = target.name): InputSlot[] {
  const out: InputSlot[] = [];
  const slot = (key: string, info: InputInfo): InputSlot => ({ key, type: info.type, required: info.required, default: info.decl.expr, info });
  for (const info of target.inputs) out.push(slot(`${name}.${info.name}`, info));
  if (target.kind === "workflow") collectNested(target, name, target.allowNestedInputs, out, slot);
  return [...out.filter((s) => s.required), ...out.filter((s) => !s.required)];
}

function collectNested(
  wf: Extract<Callable, { kind: "workflow" }>,
  prefix: string,
  allowed: boolean,
  out: InputSlot[],
  slot: (key: string, info: InputInfo) => InputSlot,
): void {
  for (const call of wf.calls) {
    const base = `${prefix}.${call.name}`;
    for (const info of call.unsuppliedInputs) if (info.required || allowed) out.push(slot(`${base}.${info.name}`, info));
    if (call.callee.kind === "workflow") collectNested(call.callee, base, allowed && call.callee.allowNestedInputs, out, slot);
  }
}

/**
 * A JSON template: each key maps to a description of what to put there —
 * `"File"` when required, `"Int? (optional)"`, `"String (default: \"x\")"`;
 * an enum names its choices: `"Color (one of \"Red\", \"Green\")"`.
 * `sourceText` gives the source of a default expression.
 */
export function inputsTemplate(slots: readonly InputSlot[], sourceText: (e: Expr) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of slots) {
    const t = typeToString(s.type) + enumChoicesNote(s.type);
    if (s.required) out[s.key] = t;
    else if (s.default) out[s.key] = `${t} (default: ${sourceText(s.default) ?? "…"})`;
    else out[s.key] = `${t} (optional)`;
  }
  return out;
}

/**
 * For an input that holds enums (1.3), the names each accepts: ` (one of
 * "Red", "Green")` for one enum, at any depth (`Color`, `Array[Color]`,
 * `Map[String, Color]`, a struct member); ` (Color: one of …; Size: one of …)`
 * for several.
 */
function enumChoicesNote(t: WdlType): string {
  const enums = new Map<string, EnumType>();
  collectEnums(t, enums, new Set());
  const choices = (e: EnumType) => `one of ${e.choices.map((c) => JSON.stringify(c.name)).join(", ")}`;
  if (enums.size === 0) return "";
  if (enums.size === 1) return ` (${choices([...enums.values()][0]!)})`;
  return ` (${[...enums.values()].map((e) => `${e.name}: ${choices(e)}`).join("; ")})`;
}

/** Every enum type inside `t`, by name, in order of appearance (structs visited once). */
function collectEnums(t: WdlType, out: Map<string, EnumType>, structs: Set<string>): void {
  switch (t.kind) {
    case "Enum":
      out.set(t.name, t);
      return;
    case "Array":
      return collectEnums(t.item, out, structs);
    case "Map":
      collectEnums(t.key, out, structs);
      return collectEnums(t.value, out, structs);
    case "Pair":
      collectEnums(t.left, out, structs);
      return collectEnums(t.right, out, structs);
    case "Struct":
      if (structs.has(t.name)) return;
      structs.add(t.name);
      for (const m of t.members.values()) collectEnums(m, out, structs);
      return;
    case "Boolean":
    case "Int":
    case "Float":
    case "String":
    case "File":
    case "Directory":
    case "Object":
    case "None":
    case "Any":
    case "HintsScoped":
      return;
    default:
      return assertUnreachable(t);
  }
}
