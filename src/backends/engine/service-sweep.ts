/**
 * Sweeping leftover services: removes wdlrun services whose owning process
 * is gone (a crashed or killed run), leaving those of runs still going alone;
 * removing a service makes its node stop and remove the task container. The
 * Docker backend's `sweepContainers` (used by `wdlrun clean` and at the start
 * of every Docker or swarm run) calls it first, so one sweep covers both.
 * An engine that is not a swarm manager has no services to sweep, nor has
 * one without the swarm API at all (Podman answers `GET /services` with 404).
 * A manager whose swarm has no leader yet (just restarted) is waited for
 * (./swarm-leader.ts), never taken for no swarm.
 */
import type Docker from "dockerode";
import { asBackendError, statusOf } from "./client.js";
import { isNotAManager, withLeader } from "./swarm-leader.js";
import { LABEL_CALL, LABEL_COMMON, LABEL_KEEP, LABEL_RUN, ownerState } from "./labels.js";
import type { SweepOptions, SweptContainer } from "./sweep.js";

/** The part of a service object (`GET /services`) the sweep reads. */
interface RawService {
  readonly ID: string;
  readonly Spec?: { readonly Name?: string; readonly Labels?: Record<string, string> };
}

/**
 * Removes leftover wdlrun services; resolves with every wdlrun service it
 * looked at (named `service <name>`), or nothing when the engine is not a
 * swarm manager.
 */
export async function sweepServices(docker: Docker, url: string, options: SweepOptions = {}): Promise<SweptContainer[]> {
  const label = [LABEL_COMMON];
  if (options.runId !== undefined) label.push(`${LABEL_RUN}=${options.runId}`);
  if (options.services === false) return [];
  let list: RawService[];
  try {
    list = await withLeader(url, "listing wdlrun services", async () => (await docker.listServices({ filters: { label } })) as RawService[]);
  } catch (e) {
    // Not a swarm manager (no swarm, or a worker), or no swarm API (Podman): there are no services here to sweep.
    if (isNotAManager(e)) return [];
    throw asBackendError(e, url, "listing wdlrun services");
  }
  return Promise.all(
    list.map(async (s): Promise<SweptContainer> => {
      const labels = s.Spec?.Labels ?? {};
      const state = ownerState(labels);
      const spared = options.spareKept === true && labels[LABEL_KEEP] === "1";
      const doomed = options.all === true || (state.kind === "gone" && !spared);
      let removed = false;
      if (doomed && options.dryRun !== true) {
        try {
          await docker.getService(s.ID).remove();
          removed = true;
        } catch (e) {
          // Another sweeper got there first.
          if (statusOf(e) !== 404) throw asBackendError(e, url, `removing service ${s.Spec?.Name ?? s.ID}`);
        }
      }
      return {
        kind: "service",
        id: s.ID,
        name: `service ${s.Spec?.Name ?? s.ID.slice(0, 12)}`,
        runId: labels[LABEL_RUN] ?? "",
        callId: labels[LABEL_CALL] ?? "",
        state,
        doomed,
        removed,
      };
    }),
  );
}
