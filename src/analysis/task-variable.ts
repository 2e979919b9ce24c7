/**
 * The WDL 1.3 additions to the hidden `task` variable: `task.max_retries`
 * and `task.previous` (the previous attempt's evaluated requirements, every
 * field optional, all None on the first attempt), and `task` inside the
 * requirements, hints and runtime sections, where it has what is known
 * before the requirements are evaluated (name, id, attempt, max_retries,
 * previous, meta, parameter_meta, ext) but not the resources being decided.
 */
import { arrayOf, mapOf, T, withOptional, type StructType, type WdlType } from "../types/types.js";
import type { WdlVersion } from "../syntax/ast.js";
import { versionAtLeast } from "../syntax/ast.js";

/** The type of `task.previous`: the previous attempt's requirements, each None when unknown (the first attempt). */
export const TASK_PREVIOUS_TYPE: StructType = {
  kind: "Struct",
  name: "task.previous",
  optional: false,
  members: new Map<string, WdlType>([
    ["container", withOptional(T.String, true)],
    ["cpu", withOptional(T.Float, true)],
    ["memory", withOptional(T.Int, true)],
    ["gpu", withOptional(arrayOf(T.String), true)],
    ["fpga", withOptional(arrayOf(T.String), true)],
    ["disks", withOptional(mapOf(T.String, T.Int), true)],
    ["max_retries", withOptional(T.Int, true)],
    ["return_code", withOptional(T.Int, true)],
  ]),
};

/** The members 1.3 adds to the `task` variable of the command and outputs. */
const ADDED_IN_1_3: readonly [string, WdlType][] = [
  ["max_retries", T.Int],
  ["previous", TASK_PREVIOUS_TYPE],
];

/** The `task` variable's type in the command or the outputs of a `version` document (`base`: that place's 1.2 type). */
export function taskVariableType(base: StructType, version: WdlVersion): StructType {
  if (!taskHasRetryFacts(version)) return base;
  let extended = withRetryFacts.get(base);
  if (extended === undefined) withRetryFacts.set(base, (extended = { ...base, members: new Map([...base.members, ...ADDED_IN_1_3]) }));
  return extended;
}
/** The 1.3 type of each base type (the command's and the outputs'), made once. */
const withRetryFacts = new WeakMap<StructType, StructType>();

/** The `task` variable's type inside requirements, hints and runtime (1.3). */
export const TASK_REQUIREMENTS_VARIABLE_TYPE: StructType = {
  kind: "Struct",
  name: "task",
  optional: false,
  members: new Map<string, WdlType>([
    ["name", T.String],
    ["id", T.String],
    ["attempt", T.Int],
    ["max_retries", T.Int],
    ["previous", TASK_PREVIOUS_TYPE],
    ["meta", T.Object],
    ["parameter_meta", T.Object],
    ["ext", T.Object],
  ]),
};

/** From 1.3, `task` has `max_retries` and `previous`. */
export function taskHasRetryFacts(version: WdlVersion): boolean {
  return versionAtLeast(version, "1.3");
}

/** From 1.3, `task` is in scope in the requirements, hints and runtime sections. */
export function taskInRequirements(version: WdlVersion): boolean {
  return versionAtLeast(version, "1.3");
}
