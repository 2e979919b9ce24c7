/**
 * Pre-flight check of resource requests: before anything runs, every task the
 * target can call is checked against the backend's capacity using the
 * requirement values that are constant (literals, or overrides from the
 * inputs JSON). A task that asks for more than the backend can ever give is
 * reported at once instead of after hours of other work. Values that depend
 * on inputs are checked later, when the attempt asks the resource pool.
 */
import type { Callable, CheckedTask } from "../analysis/index.js";
import type { EvalContext } from "../eval/context.js";
import { nodeFileIO } from "../eval/node-io.js";
import type { KeyValueSection } from "../syntax/ast.js";
import type { WdlValue } from "../values/value.js";
import { evaluateExpr } from "./eval-bridge.js";
import { emptyInputTree, type InputTree } from "./inputs.js";
import { resolveConstraints } from "./requirements/constraints.js";
import type { ResourcePool } from "./resource-pool.js";

/** The keys a pre-flight check evaluates. */
const CHECKED_KEYS = new Set(["cpu", "memory", "gpu"]);

/**
 * Problems (one line each) with requests the pool would refuse: calls named
 * `wf.call` (or the task's name for a task run). Empty when all is well.
 */
export function preflight(target: Callable, tree: InputTree, pool: ResourcePool): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const visit = (callable: Callable, t: InputTree, name: string): void => {
    if (callable.kind === "task") {
      const problem = checkTask(callable, t, pool);
      if (problem !== undefined && !seen.has(`${callable.name}\0${problem}`)) {
        seen.add(`${callable.name}\0${problem}`);
        problems.push(`${name} (task ${callable.name}) ${problem}`);
      }
      return;
    }
    for (const call of callable.calls) visit(call.callee, t.calls.get(call.name) ?? emptyInputTree(), `${name}.${call.name}`);
  };
  visit(target, tree, target.name);
  return problems;
}

function checkTask(task: CheckedTask, overrides: InputTree, pool: ResourcePool): string | undefined {
  const doc = task.document;
  const ctx: EvalContext = { version: doc.version, lookup: () => undefined, structs: doc.structs, io: nodeFileIO({ baseDir: process.cwd() }) };
  let constraints;
  try {
    constraints = resolveConstraints(
      { requirements: constants(task.def.requirements, ctx), hints: constants(task.def.hints, ctx), runtime: constants(task.def.runtime, ctx) },
      { requirements: overrides.requirements, hints: overrides.hints, runtime: overrides.runtime },
    );
  } catch {
    return undefined; // An unusable value is reported when the task runs, with its location.
  }
  const cap = pool.capacity;
  const admission = pool.admit({
    cpu: constraints.cpuDefaulted ? Math.min(constraints.cpu, cap.cpu) : constraints.cpu,
    memoryBytes: constraints.memoryDefaulted ? Math.min(constraints.memoryBytes, cap.memoryBytes) : constraints.memoryBytes,
    gpuCount: constraints.gpuCount,
  });
  return admission.kind === "refused" ? admission.reason : undefined;
}

/** The entries of a section whose value is constant (evaluates without any name), for the checked keys. */
function constants(section: KeyValueSection | undefined, ctx: EvalContext): Map<string, WdlValue> {
  const out = new Map<string, WdlValue>();
  for (const e of section?.entries ?? []) {
    if (!CHECKED_KEYS.has(e.key.name)) continue;
    try {
      out.set(e.key.name, evaluateExpr(e.value, ctx));
    } catch {
      // Depends on inputs: checked when the task runs.
    }
  }
  return out;
}
