/**
 * Sweeping leftover networks: the network of a gang (a bridge of
 * ../docker/gang.ts, an overlay of ../swarm/gang.ts) carries its attempt's
 * labels, and goes when its owning process is gone (a crashed or killed run)
 * or with `--all`, as the gang's containers do. The Docker backend's
 * `sweepContainers` calls it last, once the containers (and services) on
 * such a network are removed.
 */
import type Docker from "dockerode";
import { asBackendError, statusOf } from "./client.js";
import { LABEL_CALL, LABEL_COMMON, LABEL_RUN, ownerState } from "./labels.js";
import type { SweepOptions, SweptContainer } from "./sweep.js";

/** Removes leftover wdlrun networks; resolves with every wdlrun network it looked at (named `network <name>`). */
export async function sweepNetworks(docker: Docker, url: string, options: SweepOptions = {}): Promise<SweptContainer[]> {
  const label = [LABEL_COMMON];
  if (options.runId !== undefined) label.push(`${LABEL_RUN}=${options.runId}`);
  let list: Docker.NetworkInspectInfo[];
  try {
    list = await docker.listNetworks({ filters: { label } });
  } catch (e) {
    throw asBackendError(e, url, "listing wdlrun networks");
  }
  return Promise.all(
    list.map(async (n): Promise<SweptContainer> => {
      const labels = n.Labels ?? {};
      const state = ownerState(labels);
      const doomed = options.all === true || state.kind === "gone";
      let removed = false;
      if (doomed && options.dryRun !== true) {
        try {
          await docker.getNetwork(n.Id).remove();
          removed = true;
        } catch (e) {
          // 404: another sweeper got there first; 403/409: a container not swept (of a live run) is still on it; 400: a swarm service still is.
          if (![404, 403, 409, 400].includes(statusOf(e) ?? 0)) throw asBackendError(e, url, `removing network ${n.Name}`);
        }
      }
      return { kind: "network", id: n.Id, name: `network ${n.Name}`, runId: labels[LABEL_RUN] ?? "", callId: labels[LABEL_CALL] ?? "", state, doomed, removed };
    }),
  );
}
