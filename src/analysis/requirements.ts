/**
 * The reserved keys of a task's `requirements`, `runtime` and `hints`
 * sections and of a workflow's `hints` section (spec "Requirements
 * attributes", "Reserved Task Hints", "Reserved Workflow Hints"): which keys
 * exist, their aliases, and the types their values must have. Unknown
 * `requirements` keys and ill-typed requirements are errors; hints never fail
 * a task, so ill-typed reserved hints are warnings; `runtime` (1.0/1.1) keeps
 * arbitrary keys, warns about typos and ill-typed reserved keys. wdlrun's
 * `nodes` hint is typed as a reserved hint is.
 */
import type { KeyValueSection, WdlVersion } from "../syntax/ast.js";
import { isCoercible } from "../types/coercion.js";
import { arrayOf, mapOf, T, type WdlType } from "../types/types.js";
import * as msg from "./messages.js";
import { inferExpr, type ExprEnv } from "./expressions.js";

/** A reserved key: its canonical name, accepted types and how to describe them. */
export interface ReservedKey {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly accepts: readonly WdlType[];
  readonly describe: string;
  readonly since?: WdlVersion;
}

const key = (name: string, accepts: readonly WdlType[], describe: string, aliases: readonly string[] = [], since?: WdlVersion): ReservedKey => ({
  name,
  aliases,
  accepts,
  describe,
  ...(since ? { since } : {}),
});

/** `requirements` (1.2) keys; `runtime` reserves the same ones. */
export const REQUIREMENT_KEYS: readonly ReservedKey[] = [
  key("container", [T.String, arrayOf(T.String)], "a `String` or `Array[String]`", ["docker"]),
  key("cpu", [T.Int, T.Float], "an `Int` or `Float`"),
  key("memory", [T.Int, T.String], "an `Int` (bytes) or a `String` with a unit"),
  key("gpu", [T.Boolean], "a `Boolean`"),
  key("fpga", [T.Boolean], "a `Boolean`", [], "1.2"),
  key("disks", [T.Int, T.String, arrayOf(T.String)], "an `Int`, a `String` or an `Array[String]`"),
  key("max_retries", [T.Int], "an `Int`", ["maxRetries"]),
  key("return_codes", [T.Int, T.String, arrayOf(T.Int)], 'an `Int`, `"*"` or an `Array[Int]`', ["returnCodes"]),
];

/** Reserved task `hints` keys (1.2). */
export const TASK_HINT_KEYS: readonly ReservedKey[] = [
  key("max_cpu", [T.Int, T.Float], "an `Int` or `Float`", ["maxCpu"]),
  key("max_memory", [T.Int, T.String], "an `Int` or `String`", ["maxMemory"]),
  key("disks", [T.String, mapOf(T.String, T.String)], "a `String` or `Map[String, String]`"),
  key("gpu", [T.Int, T.String], "an `Int` or `String`"),
  key("fpga", [T.Int, T.String], "an `Int` or `String`"),
  key("short_task", [T.Boolean], "a `Boolean`"),
  key("localization_optional", [T.Boolean], "a `Boolean`", ["localizationOptional"]),
  key("inputs", [{ kind: "HintsScoped", scope: "input", optional: false }], "an `input { … }` literal"),
  key("outputs", [{ kind: "HintsScoped", scope: "output", optional: false }], "an `output { … }` literal"),
  // wdlrun's own (other engines ignore it): typed here so that a wrong type is found with its place.
  key("nodes", [T.Int], "an `Int` (wdlrun: the number of ranks of a gang)"),
];

/** Reserved workflow `hints` keys (1.2). */
export const WORKFLOW_HINT_KEYS: readonly ReservedKey[] = [key("allow_nested_inputs", [T.Boolean], "a `Boolean`", ["allowNestedInputs"])];

function index(keys: readonly ReservedKey[]): Map<string, ReservedKey> {
  const m = new Map<string, ReservedKey>();
  for (const k of keys) {
    m.set(k.name, k);
    for (const a of k.aliases) m.set(a, k);
  }
  return m;
}
const REQUIREMENTS = index(REQUIREMENT_KEYS);
const TASK_HINTS = index(TASK_HINT_KEYS);
const WORKFLOW_HINTS = index(WORKFLOW_HINT_KEYS);

/** Finds the reserved key a section key names (through aliases). */
export function reservedKey(section: "requirements" | "runtime" | "task-hints" | "workflow-hints", name: string): ReservedKey | undefined {
  const table = section === "requirements" || section === "runtime" ? REQUIREMENTS : section === "task-hints" ? TASK_HINTS : WORKFLOW_HINTS;
  return table.get(name);
}

/** Checks a task's requirements/runtime/hints section or a workflow's hints section; expressions are type-checked in `env`. */
export function checkKeyValueSection(section: KeyValueSection, env: ExprEnv, owner: "task" | "workflow"): void {
  const ctx = env.ctx;
  const kind = owner === "workflow" ? "workflow-hints" : section.section === "hints" ? "task-hints" : section.section;
  const seen = new Map<string, string>();
  for (const entry of section.entries) {
    const name = entry.key.name;
    const t = inferExpr(entry.value, env);
    const reserved = reservedKey(kind, name);
    const canonical = reserved?.name ?? name;
    // Exact repeats are syntax diagnostics; a key given again under its alias is ours.
    const prev = seen.get(canonical);
    if (prev !== undefined && prev !== name) ctx.report(msg.duplicateKey(entry.key.span, section.section, `${prev}\` / \`${name}`));
    seen.set(canonical, name);
    if (kind === "workflow-hints" && !isLiteral(entry.value)) ctx.report(msg.workflowHintNotLiteral(entry.value.span));
    if (!reserved || (reserved.since && !ctx.atLeast(reserved.since))) {
      if (kind === "requirements") {
        const all = [...REQUIREMENTS.keys()];
        ctx.report(msg.unknownRequirement(entry.key.span, name, msg.didYouMean(name, all)));
      } else if (kind === "runtime") {
        // Old runtime sections hold any key (hints included); only likely typos of reserved keys are worth a warning.
        if (TASK_HINTS.has(name)) continue;
        const help = msg.didYouMean(name, [...REQUIREMENTS.keys(), ...TASK_HINTS.keys()]);
        if (help) ctx.report({ ...msg.unknownRuntimeKey(entry.key.span, name), help });
      }
      continue;
    }
    if (name !== reserved.name && ctx.atLeast("1.2")) ctx.report(msg.deprecatedAlias(entry.key.span, name, reserved.name));
    if (reserved.accepts.some((a) => isCoercible(t, a))) continue;
    if (kind === "requirements") ctx.report(msg.requirementType(entry.value.span, name, t, reserved.describe));
    else if (kind === "runtime") ctx.report(msg.runtimeType(entry.value.span, name, t, reserved.describe));
    else ctx.report(msg.hintType(entry.value.span, name, t, reserved.describe));
  }
}

function isLiteral(e: KeyValueSection["entries"][number]["value"]): boolean {
  switch (e.kind) {
    case "None":
    case "Boolean":
    case "Int":
    case "Float":
      return true;
    case "String":
      return e.parts.every((p) => p.kind === "Text");
    case "UnaryOp":
      return e.op === "-" && (e.operand.kind === "Int" || e.operand.kind === "Float");
    case "ArrayLiteral":
      return e.items.every(isLiteral);
    case "MapLiteral":
      return e.entries.every((x) => isLiteral(x.key) && isLiteral(x.value));
    case "PairLiteral":
      return isLiteral(e.left) && isLiteral(e.right);
    case "ObjectLiteral":
    case "StructLiteral":
      return e.members.every((m) => isLiteral(m.value));
    case "HintsLiteral":
      return e.entries.every((x) => isLiteral(x.value));
    default:
      return false;
  }
}
