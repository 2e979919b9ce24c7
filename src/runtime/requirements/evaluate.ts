/**
 * One attempt's requirements: the task's `requirements`, `hints` and
 * `runtime` sections evaluated in the attempt's scope (from 1.3 with `task`
 * bound: task.attempt, task.max_retries, task.previous), merged with the
 * inputs' overrides into constraints, and the record of them each attempt
 * directory keeps (`requirements.json`).
 */
import type { CheckedTask } from "../../analysis/index.js";
import { taskInRequirements } from "../../analysis/task-variable.js";
import type { EvalContext } from "../../eval/context.js";
import type { KeyValueSection } from "../../syntax/ast.js";
import type { WdlValue } from "../../values/value.js";
import type { Env } from "../env.js";
import { describeError } from "../errors.js";
import { evaluateExpr } from "../eval-bridge.js";
import type { InputTree } from "../inputs.js";
import { requirementsTaskVariable, type PreviousAttempt } from "../task-variable.js";
import { resolveConstraints, type TaskAttributes, type TaskConstraints } from "./constraints.js";
import { RequirementError } from "./read-value.js";

/** What an attempt's requirements came to. */
export interface AttemptRequirements {
  /** The sections as evaluated (the call cache keys on them). */
  readonly attributes: TaskAttributes;
  /** The overrides from the inputs JSON, when the call has any. */
  readonly overrides: TaskAttributes | undefined;
  /** The attributes with the overrides applied, read into constraints. */
  readonly constraints: TaskConstraints;
}

/** Which attempt of which call is evaluated. */
export interface AttemptFacts {
  readonly callId: string;
  /** 1-based. */
  readonly attempt: number;
  /** The previous attempt's evaluated requirements (1.3 `task.previous`); undefined on the first attempt. */
  readonly previous: PreviousAttempt | undefined;
}

/**
 * Evaluates `task`'s sections in `ctx` (whose names live in `env`, where
 * `task` is bound from 1.3). Throws RequirementError for a requirement or
 * runtime attribute that fails to evaluate; a hint that fails is left out.
 */
export function evaluateRequirements(task: CheckedTask, ctx: EvalContext, env: Env, callOverrides: InputTree | undefined, facts: AttemptFacts): AttemptRequirements {
  const overrides = callOverrides ? { requirements: callOverrides.requirements, hints: callOverrides.hints, runtime: callOverrides.runtime } : undefined;
  if (taskInRequirements(task.document.version)) {
    const bindTask = (maxRetries: number) =>
      env.set(
        "task",
        requirementsTaskVariable({
          name: task.name,
          id: facts.callId,
          attempt: facts.attempt,
          meta: task.def.meta,
          parameterMeta: task.def.parameterMeta,
          retry: { maxRetries, previous: facts.previous },
        }),
      );
    bindTask(0);
    bindTask(maxRetriesOf(task, ctx, overrides));
  }
  const attributes = evaluateAttributes(task, ctx, true);
  return { attributes, overrides, constraints: resolveConstraints(attributes, overrides) };
}

/**
 * `task.max_retries` for the sections of a 1.3 task: the sections are read
 * once with `task.max_retries` at 0 and attributes that fail left out, and
 * the max_retries found is the one the attempt then sees (a `max_retries`
 * that depends on `task.max_retries` sees 0).
 */
function maxRetriesOf(task: CheckedTask, ctx: EvalContext, overrides: TaskAttributes | undefined): number {
  try {
    return resolveConstraints(evaluateAttributes(task, ctx, false), overrides).maxRetries;
  } catch {
    return 0;
  }
}

/** The task's requirements, hints and runtime attributes as evaluated (`strict`: an attribute that fails to evaluate throws, else it is left out; hints never throw). */
function evaluateAttributes(task: CheckedTask, ctx: EvalContext, strict: boolean): TaskAttributes {
  return {
    requirements: evaluateSection(task.def.requirements, ctx, strict),
    hints: evaluateSection(task.def.hints, ctx, false),
    runtime: evaluateSection(task.def.runtime, ctx, strict),
  };
}

function evaluateSection(section: KeyValueSection | undefined, ctx: EvalContext, strict: boolean): Map<string, WdlValue> {
  const out = new Map<string, WdlValue>();
  for (const entry of section?.entries ?? []) {
    try {
      out.set(entry.key.name, evaluateExpr(entry.value, ctx));
    } catch (e) {
      if (strict) throw new RequirementError(entry.key.name, describeError(e));
    }
  }
  return out;
}

/** What `attempt-N/requirements.json` records: the attempt's evaluated requirements. */
export function requirementsRecord(c: TaskConstraints): Record<string, unknown> {
  return {
    container: c.containers[0] ?? null,
    cpu: c.cpu,
    memory: c.memoryBytes,
    gpu: c.gpuCount,
    ...(c.gpuModel !== undefined ? { gpu_model: c.gpuModel.text } : {}),
    disks: c.disks.map((d) => ({ mount_point: d.mountPoint, size: d.sizeBytes })),
    max_retries: c.maxRetries,
    return_codes: c.returnCodes.kind === "any" ? "*" : c.returnCodes.codes,
    ...(c.maxCpu !== undefined ? { max_cpu: c.maxCpu } : {}),
    ...(c.maxMemoryBytes !== undefined ? { max_memory: c.maxMemoryBytes } : {}),
    ...(c.shmSizeBytes !== undefined ? { shm_size: c.shmSizeBytes } : {}),
    ...(c.nodes > 1 ? { nodes: c.nodes } : {}),
  };
}
