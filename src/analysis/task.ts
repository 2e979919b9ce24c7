/**
 * Checks one task: its declarations (inputs and private declarations see
 * each other in any order, acyclically), the command (sees every input and
 * private declaration, and in 1.2 the hidden `task` variable), outputs
 * (also see each other), the requirements/runtime/hints sections, and
 * warnings for unused inputs and deprecated sections.
 */
import type { Declaration, Identifier, TaskDef } from "../syntax/ast.js";
import { arrayOf, mapOf, T, withOptional, type StructType, type WdlType } from "../types/types.js";
import type { DocumentContext } from "./context.js";
import { checkExpr, checkParts, type ExprEnv, type Place } from "./expressions.js";
import { topoSort } from "./graph.js";
import * as msg from "./messages.js";
import type { CheckedDocument, CheckedTask, InputInfo, OutputInfo } from "./model.js";
import { checkKeyValueSection } from "./requirements.js";
import { Scope, type ScopeEntry } from "./scope.js";
import { TASK_REQUIREMENTS_VARIABLE_TYPE, taskInRequirements, taskVariableType } from "./task-variable.js";

/** The type of the 1.2 hidden `task` variable (spec "Runtime Access to Requirements, Hints, and Metadata"). */
export const TASK_VARIABLE_TYPE: StructType = {
  kind: "Struct",
  name: "task",
  optional: false,
  members: new Map<string, WdlType>([
    ["name", T.String],
    ["id", T.String],
    ["container", withOptional(T.String, true)],
    ["cpu", T.Float],
    ["memory", T.Int],
    ["gpu", arrayOf(T.String)],
    ["fpga", arrayOf(T.String)],
    ["disks", mapOf(T.String, T.Int)],
    ["attempt", T.Int],
    ["end_time", withOptional(T.Int, true)],
    ["return_code", withOptional(T.Int, true)],
    ["meta", T.Object],
    ["parameter_meta", T.Object],
    ["ext", T.Object],
  ]),
};

/** The `task` variable inside `output`, where the command has run: `return_code` is an `Int` (WDL 1.2.1). */
export const TASK_OUTPUT_VARIABLE_TYPE: StructType = {
  ...TASK_VARIABLE_TYPE,
  members: new Map([...TASK_VARIABLE_TYPE.members, ["return_code", T.Int]]),
};

/** Builds the input list of a task or workflow `input` section. */
export function inputInfos(ctx: DocumentContext, decls: readonly Declaration[]): InputInfo[] {
  return decls.map((decl) => {
    const type = ctx.declType(decl);
    const hasDefault = decl.expr !== undefined;
    return { name: decl.name.name, type, decl, hasDefault, required: !hasDefault && !type.optional };
  });
}

/**
 * The parts a CheckedTask and a CheckedWorkflow build alike: kind, name and
 * definition, the input and output lists with their by-name maps, and
 * `document` read lazily (the document is finished after its callables).
 */
export function callableParts<K extends string, D>(
  ctx: DocumentContext,
  kind: K,
  name: string,
  def: D,
  inputs: readonly Declaration[],
  outputs: readonly Declaration[],
  document: () => CheckedDocument,
) {
  const inputList = inputInfos(ctx, inputs);
  const outputList: OutputInfo[] = outputs.map((decl) => ({ name: decl.name.name, type: ctx.declType(decl), decl }));
  return {
    kind,
    name,
    def,
    get document() {
      return document();
    },
    inputs: inputList,
    inputByName: new Map(inputList.map((i) => [i.name, i])),
    outputs: outputList,
    outputByName: new Map(outputList.map((o) => [o.name, o])),
  };
}

/** Checks a task and builds its CheckedTask. */
export function checkTask(ctx: DocumentContext, task: TaskDef, document: () => CheckedDocument): CheckedTask {
  const inputs = task.inputs?.declarations ?? [];
  const privates = task.privateDeclarations;
  const outputs = task.outputs?.declarations ?? [];
  const names = new Map<string, Identifier>();
  const claim = (id: Identifier, what: string): boolean => {
    const first = names.get(id.name);
    if (first) {
      ctx.report(msg.duplicateName(id.span, what, id.name, first.span));
      return false;
    }
    names.set(id.name, id);
    return true;
  };

  // The task scope: inputs and private declarations.
  const scope = new Scope();
  for (const d of [...inputs, ...privates]) {
    if (!claim(d.name, "declaration")) continue;
    if (ctx.structs.has(d.name.name)) ctx.report(msg.shadowing(d.name.span, d.name.name, "a struct type"));
    scope.define({ name: d.name.name, type: ctx.declType(d), binding: { kind: "declaration", decl: d }, span: d.name.span, node: d });
  }
  const used = new Set<Declaration>();
  const deps = new Map<Declaration, Declaration[]>();
  const hintTargets = { input: new Set(inputs.map((d) => d.name.name)), output: new Set(outputs.map((d) => d.name.name)) };
  const envFor = (place: Place, s: Scope, owner?: Declaration): ExprEnv => ({
    ctx,
    scope: s,
    place,
    onReference: (entry: ScopeEntry) => {
      const target = entry.node;
      if (!target || target.kind !== "Declaration") return;
      used.add(target);
      if (owner) deps.get(owner)!.push(target);
    },
    hintTargets,
  });

  for (const d of [...inputs, ...privates]) {
    deps.set(d, []);
    if (d.expr) checkExpr(d.expr, envFor("task-declaration", scope, d), ctx.declType(d));
  }
  const declSort = topoSort([...inputs, ...privates], (d) => deps.get(d) ?? []);
  if (declSort.cycle) reportCycle(ctx, declSort.cycle);

  // Command: every input and private declaration, plus `task` (1.2).
  const withTask = new Scope(scope);
  if (ctx.atLeast("1.2")) withTask.define({ name: "task", type: taskVariableType(TASK_VARIABLE_TYPE, ctx.version), binding: { kind: "task-variable" }, span: task.name.span });
  // A missing command section is a syntax diagnostic.
  if (task.command) checkParts(task.command.parts, envFor("task-command", withTask));

  // Outputs: a nested scope that also sees the other outputs.
  const outScope = new Scope(withTask);
  if (ctx.atLeast("1.2")) outScope.define({ name: "task", type: taskVariableType(TASK_OUTPUT_VARIABLE_TYPE, ctx.version), binding: { kind: "task-variable" }, span: task.name.span });
  for (const d of outputs) {
    if (!claim(d.name, "output")) continue;
    outScope.define({ name: d.name.name, type: ctx.declType(d), binding: { kind: "declaration", decl: d }, span: d.name.span, node: d });
  }
  for (const d of outputs) {
    deps.set(d, []);
    if (d.expr) checkExpr(d.expr, envFor("task-output", outScope, d), ctx.declType(d));
  }
  const outSort = topoSort(outputs, (d) => deps.get(d) ?? []);
  if (outSort.cycle) reportCycle(ctx, outSort.cycle);

  // Sections.
  if (task.runtime && ctx.atLeast("1.2")) ctx.report(msg.deprecatedRuntime(task.runtime.span));
  const sectionScope = taskInRequirements(ctx.version) ? new Scope(scope) : scope;
  if (sectionScope !== scope) sectionScope.define({ name: "task", type: TASK_REQUIREMENTS_VARIABLE_TYPE, binding: { kind: "task-variable" }, span: task.name.span });
  if (task.requirements) checkKeyValueSection(task.requirements, envFor("task-requirements", sectionScope), "task");
  if (task.runtime) checkKeyValueSection(task.runtime, envFor("task-runtime", sectionScope), "task");
  if (task.hints) checkKeyValueSection(task.hints, envFor("task-hints", sectionScope), "task");
  if (task.parameterMeta) {
    for (const e of task.parameterMeta.entries) {
      if (!names.has(e.key.name)) ctx.report(msg.metaKeyUnknownParam(e.key.span, e.key.name));
    }
  }
  // `env` inputs reach the command through the environment (`$NAME`), which analysis does not see.
  for (const d of inputs) if (!used.has(d) && !d.env) ctx.report(msg.unusedInput(d.name.span, d.name.name));
  for (const d of privates) if (!used.has(d) && !d.env) ctx.report(msg.unusedDeclaration(d.name.span, d.name.name));

  return Object.assign(callableParts(ctx, "task", task.name.name, task, inputs, outputs, document), {
    declarationOrder: declSort.order,
    outputOrder: outSort.order,
    declarationDependencies: deps,
  });
}

function reportCycle(ctx: DocumentContext, cycle: readonly Declaration[]): void {
  const first = cycle[0]!;
  if (cycle.length === 1) ctx.report(msg.selfReference(first.name.span, first.name.name));
  else ctx.report(msg.dependencyCycle(first.name.span, [...cycle, first].map((d) => d.name.name)));
}
