/**
 * Sweeping leftovers: removes wdlrun containers (and gangs' networks) whose
 * owning process is gone (a crashed or killed run), leaving those of runs
 * still going (on this host or any other) alone. Used by `wdlrun clean` and
 * at the start of every Docker-backed run.
 */
import type Docker from "dockerode";
import { LABEL_CALL, LABEL_COMMON, LABEL_KEEP, LABEL_RUN, LABEL_SWARM_SERVICE, ownerState, type OwnerState } from "./labels.js";
import { asBackendError, statusOf } from "./client.js";
import { sweepNetworks } from "./network-sweep.js";
import { sweepServices } from "./service-sweep.js";
import { reclaimFiles } from "./reclaim.js";

/** One container (or swarm service, or gang network) the sweep looked at. */
export interface SweptContainer {
  /** What it is: a plain container, a swarm service (whose task container goes with it), or a gang's network. */
  readonly kind: "container" | "service" | "network";
  readonly id: string;
  /** The container's name, `service <name>` or `network <name>`. */
  readonly name: string;
  readonly runId: string;
  readonly callId: string;
  readonly state: OwnerState;
  /** True when it is a leftover to remove (also in a dry run). */
  readonly doomed: boolean;
  /** True when it was removed. */
  readonly removed: boolean;
}

/** What to sweep. */
export interface SweepOptions {
  /** Remove every wdlrun container, even those whose owner may still run. */
  readonly all?: boolean;
  /** Only look at containers of this run. */
  readonly runId?: string;
  /** Leave containers kept by `cleanup = false` alone (the start-of-run sweep). */
  readonly spareKept?: boolean;
  /** Report what would be removed without removing it. */
  readonly dryRun?: boolean;
  /** false: leave swarm services alone (their swarm has no leader to ask). */
  readonly services?: boolean;
}

/**
 * Removes leftover wdlrun containers (their files handed back to the user
 * first: ./reclaim.ts), and first wdlrun swarm services when
 * the engine is a swarm manager (see ./service-sweep.ts); resolves with every
 * one it looked at. The task container of a service it looked at is part of
 * that service: it goes with it (removed at once rather than left to the
 * node's agent) and is not listed on its own. Gangs' networks go last
 * (../engine/network-sweep.ts), once the containers on them are removed.
 */
export async function sweepContainers(docker: Docker, url: string, options: SweepOptions = {}): Promise<SweptContainer[]> {
  const services = await sweepServices(docker, url, options);
  const serviceById = new Map(services.map((s) => [s.id, s]));
  const label = [LABEL_COMMON];
  if (options.runId !== undefined) label.push(`${LABEL_RUN}=${options.runId}`);
  let list: Docker.ContainerInfo[];
  try {
    list = await docker.listContainers({ all: true, filters: { label } });
  } catch (e) {
    throw asBackendError(e, url, "listing wdlrun containers");
  }
  const containers = await Promise.all(
    list.map(async (c): Promise<SweptContainer> => {
      const labels = c.Labels ?? {};
      const state = ownerState(labels);
      const spared = options.spareKept === true && labels[LABEL_KEEP] === "1";
      const service = serviceById.get(labels[LABEL_SWARM_SERVICE] ?? "");
      const doomed = service !== undefined ? service.doomed : options.all === true || (state.kind === "gone" && !spared);
      let removed = false;
      if (doomed && options.dryRun !== true) {
        if (service === undefined) await reclaimFiles(docker, c);
        try {
          await docker.getContainer(c.Id).remove({ force: true, v: true });
          removed = true;
        } catch (e) {
          // Another sweeper got there first.
          if (statusOf(e) !== 404 && statusOf(e) !== 409) throw asBackendError(e, url, `removing container ${c.Id.slice(0, 12)}`);
        }
      }
      return {
        kind: "container",
        id: c.Id,
        name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ""),
        runId: labels[LABEL_RUN] ?? "",
        callId: labels[LABEL_CALL] ?? "",
        state,
        doomed,
        removed,
      };
    }),
  );
  const ofServices = new Set(list.filter((c) => serviceById.has(c.Labels?.[LABEL_SWARM_SERVICE] ?? "")).map((c) => c.Id));
  const networks = await sweepNetworks(docker, url, options);
  return [...services, ...containers.filter((c) => !ofServices.has(c.id)), ...networks];
}

/**
 * How many of each kind `items` holds, for a summary: `2 service(s) and 1
 * container(s)`, `3 container(s) and 1 network(s)`; `0 container(s)` when empty.
 */
export function countSwept(items: readonly SweptContainer[]): string {
  const count = (kind: SweptContainer["kind"]) => items.filter((i) => i.kind === kind).length;
  const parts = (["service", "container", "network"] as const).filter((k) => count(k) > 0).map((k) => `${count(k)} ${k}(s)`);
  if (parts.length === 0) return "0 container(s)";
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]!}`;
}
