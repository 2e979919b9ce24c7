/**
 * Pre-flight check of resource requests: before anything runs, every task the
 * target can call is checked against the backend's capacity using the
 * requirement values that are constant (literals, or overrides from the
 * inputs JSON). A task that asks for more than the backend can ever give is
 * reported at once instead of after hours of other work. When the target is
 * a task, its inputs are all known up front, so values computed from them
 * (and from its private declarations) are checked too. Other values that
 * depend on inputs are checked later, when the attempt asks the resource pool.
 * A gang (`nodes` hint) is checked whole, and refused on a backend that
 * cannot run one (./gangs.ts).
 */
import type { Callable, CheckedTask } from "../analysis/index.js";
import type { Backend } from "../backends/backend.js";
import type { EvalContext } from "../eval/context.js";
import { nodeFileIO } from "../eval/node-io.js";
import type { Declaration, KeyValueSection } from "../syntax/ast.js";
import { coerce } from "../values/coerce.js";
import { NONE, type WdlValue } from "../values/value.js";
import { evaluateDecl, evaluateExpr } from "./eval-bridge.js";
import { gangRefusal } from "./gangs.js";
import { emptyInputTree, type InputTree } from "./inputs.js";
import { resolveConstraints } from "./requirements/constraints.js";
import { taskRequest, type ResourcePool } from "./resource-pool.js";

/** The keys a pre-flight check evaluates. */
const CHECKED_KEYS = new Set(["cpu", "memory", "gpu", "nodes"]);

/**
 * Problems (one line each) with requests the pool would refuse: calls named
 * `wf.call` (or the task's name for a task run). Empty when all is well.
 */
export function preflight(target: Callable, tree: InputTree, pool: ResourcePool, backend: Pick<Backend, "kind" | "gangs">): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const visit = (callable: Callable, t: InputTree, name: string): void => {
    if (callable.kind === "task") {
      const problem = checkTask(callable, t, pool, backend, callable === target);
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

function checkTask(task: CheckedTask, overrides: InputTree, pool: ResourcePool, backend: Pick<Backend, "kind" | "gangs">, inputsKnown: boolean): string | undefined {
  const doc = task.document;
  // Nothing is written before the run starts: a write_* in a declaration leaves its value unknown.
  const io = nodeFileIO({ baseDir: process.cwd() });
  const readOnly = Object.assign(Object.create(io) as typeof io, {
    writeFile: (): string => {
      throw new Error("not written before the run");
    },
  });
  const ctx: EvalContext = { version: doc.version, lookup: () => undefined, structs: doc.structs, io: readOnly };
  if (inputsKnown) ctx.lookup = knownValues(task, overrides.values, ctx);
  let constraints;
  try {
    constraints = resolveConstraints(
      { requirements: constants(task.def.requirements, ctx), hints: constants(task.def.hints, ctx), runtime: constants(task.def.runtime, ctx) },
      { requirements: overrides.requirements, hints: overrides.hints, runtime: overrides.runtime },
    );
  } catch {
    return undefined; // An unusable value is reported when the task runs, with its location.
  }
  const refusal = gangRefusal(backend, constraints.nodes, constraints.gpuCount);
  if (refusal !== undefined) return refusal;
  const admission = pool.admit(taskRequest(constraints, pool.capacity));
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

/**
 * Looks up the task's inputs (given, else their defaults) and private
 * declarations, evaluating each once on demand; a name whose value cannot be
 * had this early (a failing expression, a cycle) is unknown (undefined).
 */
function knownValues(task: CheckedTask, given: ReadonlyMap<string, WdlValue>, ctx: EvalContext): (name: string) => WdlValue | undefined {
  const decls = new Map<string, Declaration>();
  for (const d of [...(task.def.inputs?.declarations ?? []), ...task.def.privateDeclarations]) decls.set(d.name.name, d);
  const known = new Map<string, WdlValue | null>(); // null: unknown, or being evaluated
  return (name) => {
    const cached = known.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const decl = decls.get(name);
    if (!decl) return undefined;
    known.set(name, null);
    let value: WdlValue | undefined;
    try {
      const type = task.document.declType(decl);
      const g = given.get(name);
      if (g !== undefined) value = coerce(g, type);
      else if (decl.expr) value = evaluateDecl(decl, type, ctx);
      else if (type.optional) value = NONE;
    } catch {
      value = undefined;
    }
    known.set(name, value ?? null);
    return value;
  };
}
