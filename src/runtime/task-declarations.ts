/**
 * A task attempt's declarations (phase 1 of ./task-runner.ts): the value of
 * each input and private declaration, the environment variables its `env`
 * declarations give the command, the evaluation context, and each file they
 * name checked as the backend's layout takes it.
 */
import { realpath, stat } from "node:fs/promises";
import type { CheckedTask } from "../analysis/index.js";
import { hostPath, type HostPath, type InputSpec } from "../backends/backend.js";
import { kindProblem, nodeType } from "../backends/layout.js";
import type { EvalContext, FileIO } from "../eval/context.js";
import type { Declaration } from "../syntax/ast.js";
import { primitiveToString } from "../values/format.js";
import { stringifyJson } from "../values/json-text.js";
import { valueToJson } from "../values/json.js";
import { NONE, type WdlValue } from "../values/value.js";
import { declaredPaths, hasDeclaredPathRules, holdsPaths } from "./declared-paths.js";
import { EnvContext, type Env } from "./env.js";
import { evaluateDecl } from "./eval-bridge.js";

/** The value of one input or private declaration (from 1.3 with its paths the document's, see ./declared-paths.ts). */
export async function declValue(decl: Declaration, isInput: boolean, supplied: ReadonlyMap<string, WdlValue>, ctx: EvalContext, task: CheckedTask): Promise<WdlValue> {
  const type = task.document.declType(decl);
  if (isInput) {
    const given = supplied.get(decl.name.name);
    if (given !== undefined) return given;
  }
  if (decl.expr) {
    const v = evaluateDecl(decl, type, ctx);
    return hasDeclaredPathRules(task.document.version) && holdsPaths(v) ? declaredPaths(v, type, task.document.uri) : v;
  }
  if (type.optional) return NONE;
  throw new Error(`no value was supplied for the required input ${decl.name.name}`);
}

/** Environment variables from `env` declarations: primitives as text, compound values as JSON. */
export function environmentOf(task: CheckedTask, env: Env, io: FileIO): Record<string, string> {
  const out: Record<string, string> = {};
  for (const decl of task.declarationOrder) {
    if (!decl.env) continue;
    const v = env.get(decl.name.name);
    if (v === undefined || v.kind === "None") continue;
    if (v.kind === "File" || v.kind === "Directory") out[decl.name.name] = io.commandPath(v.value, v.kind);
    else out[decl.name.name] = primitiveToString(v) ?? stringifyJson(valueToJson(v));
  }
  return out;
}

/** The context the task's expressions are evaluated in. */
export function evalContext(task: CheckedTask, env: Env, io: FileIO): EvalContext {
  return new EnvContext(task.document, env, io);
}

/**
 * An input as the layout takes it: its symlinks resolved (what is mounted is
 * what was checked) and its node a regular file for a File, a directory for a
 * Directory; else the reason (a socket, a FIFO, a device never reaches a
 * task). A path that does not exist is passed on as it is (the backend says
 * so if the command needs it).
 */
export async function checkedInput(p: HostPath, directory: boolean): Promise<InputSpec | string> {
  let source: string;
  try {
    source = await realpath(p);
  } catch {
    return { host: p, source: p, directory };
  }
  const st = await stat(source);
  const problem = kindProblem(nodeType(st), directory ? "Directory" : "File");
  if (problem === undefined) return { host: p, source: hostPath(source), directory };
  return `${p}${source !== p ? ` (a link to ${source})` : ""} ${problem}: only regular files and directories cross into a task`;
}
