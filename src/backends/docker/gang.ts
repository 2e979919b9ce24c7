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
 * Every rank runs the same command in the same working directory, with
 * RANK, WORLD_SIZE, LOCAL_RANK (0: one rank per container), NODE_RANK,
 * MASTER_ADDR (`rank-0`), MASTER_PORT and WDLRUN_HOSTFILE (one rank's host
 * name a line) set by wdlrun over the task's own `env`. Rank 0 writes the
 * attempt's stdout and stderr; rank K ≥ 1 writes its own in
 * `attempt-N/rank-K/`.
 *
 * The first rank to fail (a non-zero exit, or the engine refusing it) stops
 * the others. Rank 0's exit is the attempt's, unless another rank failed
 * first (AttemptResult.failedRank). Rank 0's container answers `toHost`;
 * releasing the result removes every rank's container, then the network.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { hostPath, type AttemptRequest, type AttemptResult, type HostPath } from "../backend.js";
import { AttemptLayout, type Mount } from "../layout.js";
import { DockerBackendError, asBackendError, engineMessage } from "../engine/client.js";
import { attemptLabels } from "../engine/labels.js";
import { CONTAINER_HOSTFILE, CONTAINER_STDERR, CONTAINER_STDOUT } from "../engine/layout.js";
import { withTimeout } from "../engine/stopping.js";
import { abortedResult, containerName, runAttempt, type AttemptContext, type RankPlacement } from "./attempt.js";
import { isOutOfAddressPools } from "./network-slots.js";

/** The port rank 0 is told to listen on (PyTorch's default): each gang has a network of its own, so no two gangs meet on it. */
export const MASTER_PORT = 29500;
/** The most removing a gang's network may take. */
const NETWORK_TIMEOUT_MS = 10_000;

/** How one rank ended: its result, or the error its container ended with. */
type RankEnd = { readonly kind: "ran"; readonly result: AttemptResult } | { readonly kind: "broke"; readonly error: unknown };

/** Runs the `request.resources.ranks` ranks of `request` in image `image`, as one attempt. */
export async function runGang(ctx: AttemptContext, request: AttemptRequest, image: string, signal: AbortSignal): Promise<AttemptResult> {
  const ranks = request.resources.ranks ?? 1;
  const name = containerName(request);
  const hostfile = await writeHostfile(request, ranks);
  const network = await createNetwork(ctx, request, name, ranks, signal);
  if (network === undefined) return abortedResult(image);
  // The first rank to fail stops the others; so does the run's own abort.
  const stopAll = new AbortController();
  const rankSignal = AbortSignal.any([signal, stopAll.signal]);
  let firstFailed: number | undefined;
  const runRank = async (rank: number): Promise<RankEnd> => {
    try {
      const result = await runAttempt(ctx, await rankRequest(request, rank, ranks, hostfile), image, rankSignal, placementOf(name, network, rank));
      if (result.exitCode !== 0 && !rankSignal.aborted) {
        firstFailed = rank;
        stopAll.abort();
      }
      return { kind: "ran", result };
    } catch (error) {
      stopAll.abort();
      return { kind: "broke", error };
    }
  };
  const ends = await Promise.all(Array.from({ length: ranks }, (_, rank) => runRank(rank)));
  const release = onceReleaser(ctx, ends, network.name);
  const results: AttemptResult[] = [];
  for (const end of ends) {
    if (end.kind === "broke") {
      await release();
      throw end.error;
    }
    results.push(end.result);
  }
  return gangResult(results, firstFailed, request, release);
}

/** The attempt's result: rank 0's, with the exit of the rank that failed first when that was another. */
function gangResult(results: readonly AttemptResult[], firstFailed: number | undefined, request: AttemptRequest, release: () => Promise<void>): AttemptResult {
  const zero = results[0]!;
  const ranks = results.length;
  const other = firstFailed !== undefined && firstFailed !== 0 ? results[firstFailed]! : undefined;
  return {
    exitCode: other?.exitCode ?? zero.exitCode,
    oomKilled: other?.oomKilled ?? zero.oomKilled,
    ...(zero.image !== undefined ? { image: zero.image } : {}),
    ...(zero.usage !== undefined ? { usage: { ...zero.usage, ranks: `rank 0 of ${ranks}` } } : {}),
    ...(other !== undefined ? { failedRank: { rank: firstFailed!, ranks, stderrFile: rankFiles(request, firstFailed!).stderrFile } } : {}),
    toHost: zero.toHost,
    release,
  };
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

/** Rank `rank`'s host name and network alias. */
function rankHost(rank: number): string {
  return `rank-${rank}`;
}

/** Where rank `rank` writes its stdout and stderr: the attempt's own for rank 0, `rank-K/` beside them for the others. */
function rankFiles(request: AttemptRequest, rank: number): { readonly stdoutFile: HostPath; readonly stderrFile: HostPath } {
  if (rank === 0) return { stdoutFile: request.stdoutFile, stderrFile: request.stderrFile };
  const dir = path.join(request.dir, `rank-${rank}`);
  return { stdoutFile: hostPath(path.join(dir, "stdout")), stderrFile: hostPath(path.join(dir, "stderr")) };
}

/** Writes the gang's hostfile into the attempt directory: `rank-0`, `rank-1`, … one a line. */
async function writeHostfile(request: AttemptRequest, ranks: number): Promise<HostPath> {
  const file = hostPath(path.join(request.dir, "hostfile"));
  await writeFile(file, Array.from({ length: ranks }, (_, rank) => rankHost(rank) + "\n").join(""));
  return file;
}

/** The variables wdlrun sets in every rank. */
function rankEnv(rank: number, ranks: number): Record<string, string> {
  return {
    RANK: String(rank),
    WORLD_SIZE: String(ranks),
    LOCAL_RANK: "0",
    NODE_RANK: String(rank),
    MASTER_ADDR: rankHost(0),
    MASTER_PORT: String(MASTER_PORT),
    WDLRUN_HOSTFILE: CONTAINER_HOSTFILE,
  };
}

/** Rank `rank`'s attempt: its own stdout and stderr, the hostfile, its variables, its share of the GPUs; only rank 0 reports the start. */
async function rankRequest(request: AttemptRequest, rank: number, ranks: number, hostfile: HostPath): Promise<AttemptRequest> {
  const files = rankFiles(request, rank);
  await mkdir(path.dirname(files.stdoutFile), { recursive: true });
  const mounts: Mount[] = request.layout.mounts.map((m) => {
    if (m.container === CONTAINER_STDOUT) return { ...m, host: files.stdoutFile, source: files.stdoutFile };
    if (m.container === CONTAINER_STDERR) return { ...m, host: files.stderrFile, source: files.stderrFile };
    return m;
  });
  mounts.push({ container: CONTAINER_HOSTFILE, host: hostfile, source: hostfile, directory: false, role: "attempt" });
  const gpus = request.resources.gpuIds;
  const share = gpus.length / ranks;
  const { onStart, ...rest } = request;
  return {
    ...rest,
    ...files,
    layout: new AttemptLayout(mounts),
    env: { ...request.env, ...rankEnv(rank, ranks) },
    resources: { ...request.resources, gpuIds: gpus.slice(rank * share, (rank + 1) * share) },
    ...(rank === 0 && onStart !== undefined ? { onStart } : {}),
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

/** Releases every rank's result (removing its container), then removes the network; once, bounded in time, never rejects. */
function onceReleaser(ctx: AttemptContext, ends: readonly RankEnd[], network: string): () => Promise<void> {
  let releasing: Promise<void> | undefined;
  // A failure (a container still on it) leaves it for close() and the sweep.
  const removeNetwork = () => ctx.docker.getNetwork(network).remove();
  return () => {
    releasing ??= (async () => {
      await Promise.all(ends.map((e) => (e.kind === "ran" ? e.result.release().catch(() => undefined) : undefined)));
      await withTimeout(removeNetwork(), NETWORK_TIMEOUT_MS, undefined);
      ctx.gangNetworks.closed();
    })();
    return releasing;
  };
}
