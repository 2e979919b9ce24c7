/**
 * What the runtime decides about gangs (wdlrun's `nodes` hint) before any
 * rank runs: whether the backend can run one at all, and with GPUs (swarm
 * cannot: `Backend.gangGpusRefused`). A backend that runs an
 * attempt as one process (local) would run
 * rank 0 alone and silently lose the others, so a gang there is refused with
 * one line naming the hint, before the run starts when the hint is a
 * constant (./preflight.ts), else when the attempt evaluates it
 * (./task-runner.ts). Pure.
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { Backend } from "../backends/backend.js";

/**
 * Why `backend` cannot run an attempt of `nodes` ranks each needing
 * `gpuCount` GPUs, as a phrase that follows a task's name (`asks for a gang
 * of 2 ranks …`); undefined when it can (or `nodes` is 1).
 */
export function gangRefusal(backend: Pick<Backend, "kind" | "gangs" | "gangGpusRefused">, nodes: number, gpuCount = 0): string | undefined {
  if (nodes <= 1) return undefined;
  const gang = `asks for a gang of ${nodes} ranks (hints.nodes = ${nodes})`;
  if (!backend.gangs) return `${gang}, which the ${backend.kind} backend cannot run: ${whyNot(backend.kind)}; run it with --backend docker`;
  if (gpuCount > 0 && backend.gangGpusRefused !== undefined) {
    return `${gang} that need GPUs, which the ${backend.kind} backend cannot run: ${backend.gangGpusRefused}; run it with --backend docker`;
  }
  return undefined;
}

function whyNot(kind: Backend["kind"]): string {
  switch (kind) {
    case "local":
      return "it runs each attempt as one process, and the other ranks would be lost";
    case "swarm":
    case "docker":
      return "this backend does not run gangs";
    default:
      return assertUnreachable(kind);
  }
}
