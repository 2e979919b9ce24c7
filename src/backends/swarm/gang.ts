/**
 * A gang on swarm (wdlrun's `nodes` hint): the attempt runs N services, one
 * per rank, each with the task's cpu, memory and GPU request, on the node the
 * resource pool chose for that rank (it places all ranks together). Each rank
 * is one attempt service of ./attempt.ts, attached to an attachable overlay
 * network of the attempt's own, named as the ranks' services are
 * (`<name>` and `<name>-rK`) and labelled as they are, so close(), the
 * start-of-run sweep and `wdlrun clean` find it too. On it rank K is
 * reachable as `rank-K` (its host name and alias), in DNS round-robin
 * endpoint mode (./spec.ts).
 *
 * A gang whose ranks need GPUs is refused by the runtime: swarm rejects a
 * service with generic resources on a network (`GANG_GPUS_REFUSED`).
 *
 * The ranks' variables, files and ending are the engine backends' common
 * ones (../engine/gang.ts). Rank K ≥ 1 has its own stop file (and GPU file)
 * in `attempt-N/rank-K/`, so the first failing rank stops each other one
 * through its own. Rank 0's service answers `toHost`; releasing the result
 * removes every rank's service, then the network (once the agents have let
 * go of it).
 */
import type Docker from "dockerode";
import type { AttemptRequest, AttemptResult } from "../backend.js";
import { asBackendError, statusOf } from "../engine/client.js";
import { rankDir, rankHost, runRanks } from "../engine/gang.js";
import { attemptLabels } from "../engine/labels.js";
import { randomSuffix, runSwarmAttempt, type SwarmAttemptContext } from "./attempt.js";
import { serviceName } from "./spec.js";

/** The most removing a gang's network may take (its ranks' containers going first). */
const NETWORK_TIMEOUT_MS = 15_000;

/** Runs the `request.resources.ranks` ranks of `request` in image `image`, as one attempt. */
export async function runSwarmGang(ctx: SwarmAttemptContext, request: AttemptRequest, image: string, signal: AbortSignal): Promise<AttemptResult> {
  const suffix = randomSuffix();
  const name = serviceName(request.callId, request.attempt, suffix);
  let network: string;
  try {
    network = (await ctx.docker.createNetwork({
      Name: name,
      Driver: "overlay",
      Attachable: true,
      CheckDuplicate: true,
      Labels: attemptLabels(request.runId, request.callId, request.attempt, ctx.session),
    })).id;
  } catch (e) {
    throw asBackendError(e, ctx.url, `creating the overlay network for the gang of ${request.callId}`);
  }
  return runRanks(
    request,
    signal,
    (rankRequest, rank, rankSignal) =>
      // Rank K ≥ 1 keeps its stop and GPU files in its own directory.
      runSwarmAttempt(ctx, rank === 0 ? rankRequest : { ...rankRequest, dir: rankDir(request, rank) }, image, rankSignal, { network, host: rankHost(rank), suffix: `${suffix}-r${rank}` }),
    // With cleanup = false the ranks' services are kept, and the network with them.
    () => (ctx.cleanup ? removeNetwork(ctx.docker, network) : Promise.resolve()),
  );
}

/**
 * Why a gang's ranks cannot have GPUs on swarm (`Backend.gangGpusRefused`;
 * the runtime refuses such a gang): a service asking for generic resources
 * and attached to a network is rejected by swarm itself (`assigned node no
 * longer meets constraints`, seen on Docker 20.10; also docker/cli#1805 with
 * a stack's network), so each rank would be.
 */
export const GANG_GPUS_REFUSED =
  'swarm rejects a service that asks for GPUs (generic resources) and is attached to a network ("assigned node no longer meets constraints"), and the ranks need the gang\'s network';

/**
 * Removes a gang's network, retrying while the nodes' agents still hold it
 * (their task containers going after the services); bounded in time, never
 * rejects: what is left goes with close(), the next run's sweep or `wdlrun
 * clean`.
 */
export async function removeNetwork(docker: Docker, id: string): Promise<void> {
  const deadline = Date.now() + NETWORK_TIMEOUT_MS;
  for (;;) {
    try {
      await docker.getNetwork(id).remove();
      return;
    } catch (e) {
      // Still in use: 400 while the manager still counts a just-removed service on it, 403/409 while a container is attached; 404: gone already.
      const status = statusOf(e) ?? 0;
      if (![400, 403, 409].includes(status) || Date.now() >= deadline) return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
