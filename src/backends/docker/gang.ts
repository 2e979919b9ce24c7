/**
 * A gang on Docker (wdlrun's `nodes` hint): the attempt runs N containers,
 * one per rank, each with the task's cpu, memory and limits and its share of
 * the GPUs (the resource pool admitted them together). Each rank is one
 * attempt container of ./attempt.ts, placed on a user-defined bridge network
 * of the attempt's own (internal, with no way out, when the config's network
 * is `none`). The network is named as the ranks' containers are
 * (`<name>` and `<name>-rank-K`) and carries the attempt's labels, so
 * close(), the start-of-run sweep and `wdlrun clean` find it too. On it rank
 * K is reachable as `rank-K` (its host name and alias): by the engine's DNS
 * on Docker; on Podman, whose CNI networks have no DNS without a plugin, by
 * hosts entries for addresses wdlrun gives the ranks in the network's subnet.
 *
 * The ranks' variables, files and ending are the engine backends' common
 * ones (../engine/gang.ts). Rank 0's container answers `toHost`; releasing
 * the result removes every rank's container, then the network.
 */
import type { AttemptRequest, AttemptResult } from "../backend.js";
import { DockerBackendError, asBackendError, engineMessage } from "../engine/client.js";
import { attemptLabels } from "../engine/labels.js";
import { rankHost, runRanks } from "../engine/gang.js";
import { withTimeout } from "../engine/stopping.js";
import { abortedResult, containerName, runAttempt, type AttemptContext, type RankPlacement } from "./attempt.js";
import { isOutOfAddressPools } from "./network-slots.js";

/** The most removing a gang's network may take. */
const NETWORK_TIMEOUT_MS = 10_000;

/** Runs the `request.resources.ranks` ranks of `request` in image `image`, as one attempt. */
export async function runGang(ctx: AttemptContext, request: AttemptRequest, image: string, signal: AbortSignal): Promise<AttemptResult> {
  const name = containerName(request);
  const network = await createNetwork(ctx, request, name, request.resources.ranks ?? 1, signal);
  if (network === undefined) return abortedResult(image);
  return runRanks(request, signal, (rankRequest, rank, rankSignal) => runAttempt(ctx, rankRequest, image, rankSignal, placementOf(name, network, rank)), () => removeNetwork(ctx, network.name));
}

/** Where rank `rank` goes: `<name>-rank-K` on the gang's network, known there as `rank-K`. */
function placementOf(name: string, network: GangNetwork, rank: number): RankPlacement {
  const addresses = network.addresses;
  return {
    rank,
    containerName: `${name}-rank-${rank}`,
    network: network.name,
    host: rankHost(rank),
    ...(addresses !== undefined ? { addressing: { address: addresses[rank]!, hosts: addresses.map((a, k) => `${rankHost(k)}:${a}`) } } : {}),
  };
}

/** A gang's network: its name, and the ranks' addresses when wdlrun gives them (Podman). */
interface GangNetwork {
  readonly name: string;
  readonly addresses?: readonly string[];
}

/**
 * Creates the gang's network, labelled as its containers are; internal (no
 * way out) when the config's network is `none`. An engine out of address
 * pools makes it wait for another gang of this backend to give its network
 * back (./network-slots.ts); undefined when `signal` aborts meanwhile. On
 * Podman, also picks the ranks' addresses in the subnet it chose.
 */
async function createNetwork(ctx: AttemptContext, request: AttemptRequest, name: string, ranks: number, signal: AbortSignal): Promise<GangNetwork | undefined> {
  for (let noticed = false; ; noticed = true) {
    ctx.gangNetworks.opened();
    try {
      await ctx.docker.createNetwork({
        Name: name,
        Driver: "bridge",
        CheckDuplicate: true,
        Internal: ctx.hardening.network === "none",
        Labels: attemptLabels(request.runId, request.callId, request.attempt, ctx.session),
      });
      break;
    } catch (e) {
      ctx.gangNetworks.closed();
      const says = engineMessage(e);
      if (!isOutOfAddressPools(says)) throw asBackendError(e, ctx.url, `creating the network for the gang of ${request.callId}`);
      if (ctx.gangNetworks.up === 0) throw new DockerBackendError(outOfPoolsMessage(request.callId, says));
      if (!noticed) ctx.notice(`${request.callId}: the engine has no address pool left for one more network; waiting for one of the ${ctx.gangNetworks.up} gangs running to end`);
      // Some are up (checked just above): false means the run was aborted meanwhile.
      if (!(await ctx.gangNetworks.waitForOne(signal))) return undefined;
    }
  }
  if (ctx.flavour.kind !== "podman") return { name };
  const network = ctx.docker.getNetwork(name);
  const info = (await network.inspect().catch(() => ({}))) as { IPAM?: { Config?: readonly { Subnet?: string; Gateway?: string }[] } };
  const addresses = rankAddresses(info.IPAM?.Config ?? [], ranks);
  if (addresses === undefined) {
    await withTimeout(network.remove(), NETWORK_TIMEOUT_MS, undefined);
    ctx.gangNetworks.closed();
    throw new DockerBackendError(`the network Podman made for the gang of ${request.callId} has no IPv4 subnet with room for ${ranks} ranks`);
  }
  return { name, addresses };
}

/** Why a gang gets no network when none of wdlrun's is up to wait for, and what to do. */
function outOfPoolsMessage(callId: string, says: string): string {
  return (
    `no network for the gang of ${callId}: the engine has no address pool left for one more (engine says: ${says}); ` +
    `remove networks nothing uses (docker network prune) or give the engine more pools (default-address-pools in /etc/docker/daemon.json)`
  );
}

/** `ranks` host addresses in the first IPv4 subnet of `configs`, from its second host address on, never its gateway; undefined when none has room. Pure. */
export function rankAddresses(configs: readonly { readonly Subnet?: string; readonly Gateway?: string }[], ranks: number): string[] | undefined {
  for (const c of configs) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(c.Subnet ?? "");
    if (m === null) continue;
    const bits = Number(m[5]);
    const size = 2 ** (32 - bits);
    const base = Math.floor(m.slice(1, 5).reduce((n, octet) => n * 256 + Number(octet), 0) / size) * size;
    const out: string[] = [];
    // Host addresses are base+1 … base+size-2; base+1 is the usual gateway.
    for (let n = base + 2; n < base + size - 1 && out.length < ranks; n++) {
      const ip = [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
      if (ip !== c.Gateway) out.push(ip);
    }
    if (out.length === ranks) return out;
  }
  return undefined;
}

/** Removes the gang's network (a failure, a container still on it, leaves it for close() and the sweep); bounded in time, never rejects. */
async function removeNetwork(ctx: AttemptContext, network: string): Promise<void> {
  await withTimeout(ctx.docker.getNetwork(network).remove(), NETWORK_TIMEOUT_MS, undefined);
  ctx.gangNetworks.closed();
}
