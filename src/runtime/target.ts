/**
 * Choosing what a run executes: the document's workflow, or one of its
 * tasks (`--task NAME`, implied when the document has exactly one task and
 * no workflow). Problems are returned as one clear message.
 */
import type { Callable, CheckedDocument } from "../analysis/index.js";

/** The target of a run, or why there is none. */
export type TargetChoice = { readonly kind: "ok"; readonly target: Callable } | { readonly kind: "error"; readonly message: string };

/** Picks the workflow, the named task, or the only task. */
export function chooseTarget(doc: CheckedDocument, taskName?: string): TargetChoice {
  const tasks = [...doc.tasks.keys()];
  if (taskName !== undefined) {
    const t = doc.tasks.get(taskName);
    if (t) return { kind: "ok", target: t };
    return {
      kind: "error",
      message: `${doc.uri} has no task named ${JSON.stringify(taskName)}${tasks.length > 0 ? ` (tasks: ${tasks.join(", ")})` : " (it defines no tasks)"}`,
    };
  }
  if (doc.workflow) return { kind: "ok", target: doc.workflow };
  if (tasks.length === 1) return { kind: "ok", target: doc.tasks.get(tasks[0]!)! };
  if (tasks.length === 0) return { kind: "error", message: `${doc.uri} defines no workflow and no task: nothing to run` };
  return { kind: "error", message: `${doc.uri} has no workflow and several tasks; choose one with --task NAME (tasks: ${tasks.join(", ")})` };
}
