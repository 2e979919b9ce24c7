/**
 * Reading a swarm task's status: what state the attempt is in (still on its
 * way, unschedulable, exited with a code, or failed before its command could
 * run) and, for the failures a user can act on (image missing on the node,
 * bind source missing because the run directory is not shared, no suitable
 * node, no GPU runtime), one line that says what happened and what to do.
 * Pure.
 */
import { isNoGpuRuntime } from "../engine/gpus.js";

/** The part of a task object (`GET /tasks`) wdlrun reads. */
export interface RawTask {
  readonly ID?: string;
  readonly ServiceID?: string;
  readonly NodeID?: string;
  readonly CreatedAt?: string;
  readonly DesiredState?: string;
  /** What swarm assigned the task of the generic resources its service reserves. */
  readonly GenericResources?: readonly { readonly NamedResourceSpec?: { readonly Kind?: string; readonly Value?: string } }[] | null;
  readonly Status?: {
    readonly State?: string;
    readonly Message?: string;
    readonly Err?: string;
    readonly Timestamp?: string;
    readonly ContainerStatus?: { readonly ContainerID?: string; readonly ExitCode?: number };
  };
}

/** Task states before the command has ended. */
const ON_ITS_WAY = new Set(["new", "allocated", "pending", "assigned", "accepted", "preparing", "ready", "starting", "running"]);

/** The named resources of the `kinds` swarm assigned `task` (the GPU UUIDs a GPU node advertises), in swarm's order (that of DOCKER_RESOURCE_<KIND>). Pure. */
export function assignedIds(task: RawTask, kinds: ReadonlySet<string>): string[] {
  return (task.GenericResources ?? []).flatMap((g) => (g.NamedResourceSpec?.Kind !== undefined && kinds.has(g.NamedResourceSpec.Kind) && g.NamedResourceSpec.Value ? [g.NamedResourceSpec.Value] : []));
}

/** Where a task stands. */
export type TaskOutcome =
  /** Not finished; `state` is swarm's (pending, preparing, running, ...). */
  | { readonly kind: "waiting"; readonly state: string }
  /** Pending because the scheduler found no node for it; `reason` is swarm's. */
  | { readonly kind: "unschedulable"; readonly reason: string }
  /** The command ran and ended with `exitCode`. */
  | { readonly kind: "exited"; readonly exitCode: number; readonly containerId: string | undefined }
  /** The task ended without its command's exit status (rejected, shut down, orphaned, ...). */
  | { readonly kind: "failed"; readonly state: string; readonly err: string };

/** Where `task` stands. */
export function taskOutcome(task: RawTask): TaskOutcome {
  const st = task.Status ?? {};
  const state = st.State ?? "new";
  const err = (st.Err ?? "").trim();
  if (ON_ITS_WAY.has(state)) {
    if (state === "pending" && /no suitable node/i.test(err)) return { kind: "unschedulable", reason: err };
    return { kind: "waiting", state };
  }
  const code = st.ContainerStatus?.ExitCode;
  const containerId = st.ContainerStatus?.ContainerID || undefined;
  if (state === "complete") return { kind: "exited", exitCode: code ?? 0, containerId };
  if (state === "failed" && typeof code === "number" && code !== 0 && (err === "" || /non-zero exit/.test(err))) {
    return { kind: "exited", exitCode: code, containerId };
  }
  return { kind: "failed", state, err: err || st.Message || "no reason given" };
}

/** Context for explaining a failure. */
export interface FailureContext {
  readonly callId: string;
  /** The node's hostname (or id). */
  readonly node: string;
  /** The image as the user named it. */
  readonly image: string;
}

/** One line for a task that ended without its command's exit status. */
export function explainFailure(outcome: { readonly state: string; readonly err: string }, c: FailureContext): string {
  const err = outcome.err;
  const noImage = /no such image:?\s*(\S+)/i.exec(err);
  if (noImage || /pull access denied|manifest unknown|repository does not exist/i.test(err)) {
    return (
      `cannot start ${c.callId}: image ${c.image} is not in the Docker Engine of swarm node ${c.node} and could not be pulled there (${err}): ` +
      `load it on every node (docker save | docker load) or push it to a registry all nodes can pull from`
    );
  }
  const missing = /bind source path does not exist:\s*(\S+)/.exec(err);
  if (missing) {
    return (
      `cannot start ${c.callId}: ${missing[1]} does not exist on swarm node ${c.node}: the swarm backend bind-mounts the run directory and the inputs, ` +
      `so they must exist at the same path on every node (put output_dir and the inputs on a filesystem shared by all nodes and mounted at the same path)`
    );
  }
  if (isNoGpuRuntime(err)) {
    return (
      `cannot start ${c.callId}: swarm node ${c.node} could not give the container GPUs (${err}): install the NVIDIA Container Toolkit there, ` +
      `make nvidia dockerd's default runtime and set swarm-resource in /etc/nvidia-container-runtime/config.toml (see the swarm backend's README)`
    );
  }
  if (/error creating vxlan interface: file exists/i.test(err)) {
    return (
      `cannot start a rank of ${c.callId} on swarm node ${c.node}: the gang's overlay network could not join it (${err}); ` +
      `this happens when swarm nodes share one kernel (several dockerd on one machine): there give the ranks little enough cpu and memory to share one node`
    );
  }
  switch (outcome.state) {
    case "rejected":
      return `swarm node ${c.node} rejected ${c.callId}: ${err}`;
    case "orphaned":
      return `${c.callId} was lost: swarm node ${c.node} became unavailable while running it (${err})`;
    case "shutdown":
    case "remove":
      return `${c.callId} was stopped by the swarm on node ${c.node} (node drained, or its service removed or updated outside wdlrun): ${err}`;
    default:
      return `${c.callId} failed on swarm node ${c.node} before its command could finish (${outcome.state}): ${err}`;
  }
}

/** One line for a task swarm cannot place although wdlrun's resource pool found room on the node. */
export function explainUnschedulable(reason: string, c: { readonly callId: string; readonly node: string }): string {
  return `swarm found no suitable node for ${c.callId} (pinned to ${c.node}): ${reason}`;
}
