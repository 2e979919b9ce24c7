/**
 * What every engine backend's gang (wdlrun's `nodes` hint) does the same,
 * whatever runs a rank (a container on Docker or Podman, ../docker/gang.ts;
 * a service on swarm, ../swarm/gang.ts): the hostfile, each rank's request
 * (its stdout/stderr, its variables, its share of the GPUs), running the
 * ranks together with the first failing one stopping the others, and the
 * attempt's result (rank 0's, or the exit of the rank that failed first).
 *
 * Every rank runs the same command in the same working directory, with
 * RANK, WORLD_SIZE, LOCAL_RANK (0: one rank per container), NODE_RANK,
 * MASTER_ADDR (`rank-0`), MASTER_PORT and WDLRUN_HOSTFILE (one rank's host
 * name a line) set by wdlrun over the task's own `env`. Rank 0 writes the
 * attempt's stdout and stderr; rank K ≥ 1 writes its own in
 * `attempt-N/rank-K/`. On the gang's network rank K is reachable as
 * `rank-K`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { hostPath, type AttemptRequest, type AttemptResult, type HostPath } from "../backend.js";
import { AttemptLayout, type Mount } from "../layout.js";
import { CONTAINER_HOSTFILE, CONTAINER_STDERR, CONTAINER_STDOUT } from "./layout.js";

/** The port rank 0 is told to listen on (PyTorch's default): each gang has a network of its own, so no two gangs meet on it. */
export const MASTER_PORT = 29500;

/** Runs one rank's request as one container (or service); resolves with how it ended. */
export type RankRunner = (request: AttemptRequest, rank: number, signal: AbortSignal) => Promise<AttemptResult>;

/** How one rank ended: its result, or the error its container ended with. */
type RankEnd = { readonly kind: "ran"; readonly result: AttemptResult } | { readonly kind: "broke"; readonly error: unknown };

/**
 * Runs the `request.resources.ranks` ranks of `request` with `runRank`, all
 * at once, on a network already made; the first rank to fail (a non-zero
 * exit, or an error) stops the others. Releasing the result releases every
 * rank's, then calls `removeNetwork` (once; it must never reject). A rank's
 * error is thrown once every rank has been released and the network removed.
 */
export async function runRanks(request: AttemptRequest, signal: AbortSignal, runRank: RankRunner, removeNetwork: () => Promise<void>): Promise<AttemptResult> {
  const ranks = request.resources.ranks ?? 1;
  const hostfile = await writeHostfile(request, ranks);
  // The first rank to fail stops the others; so does the run's own abort.
  const stopAll = new AbortController();
  const rankSignal = AbortSignal.any([signal, stopAll.signal]);
  let firstFailed: number | undefined;
  const one = async (rank: number): Promise<RankEnd> => {
    try {
      const result = await runRank(await rankRequest(request, rank, ranks, hostfile), rank, rankSignal);
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
  const ends = await Promise.all(Array.from({ length: ranks }, (_, rank) => one(rank)));
  const release = onceReleaser(ends, removeNetwork);
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

/** Rank `rank`'s host name and network alias. */
export function rankHost(rank: number): string {
  return `rank-${rank}`;
}

/** The directory of rank K ≥ 1's own files (`attempt-N/rank-K`). */
export function rankDir(request: Pick<AttemptRequest, "dir">, rank: number): HostPath {
  return hostPath(path.join(request.dir, `rank-${rank}`));
}

/** Where rank `rank` writes its stdout and stderr: the attempt's own for rank 0, `rank-K/` beside them for the others. */
function rankFiles(request: AttemptRequest, rank: number): { readonly stdoutFile: HostPath; readonly stderrFile: HostPath } {
  if (rank === 0) return { stdoutFile: request.stdoutFile, stderrFile: request.stderrFile };
  const dir = rankDir(request, rank);
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

/** Rank `rank`'s attempt: its own stdout and stderr, the hostfile, its variables, its share of the GPUs, its node (when the pool placed ranks node by node); only rank 0 reports the start. */
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
  const rankNodes = request.resources.rankNodes;
  return {
    ...rest,
    ...files,
    layout: new AttemptLayout(mounts),
    env: { ...request.env, ...rankEnv(rank, ranks) },
    resources: { ...rest.resources, gpuIds: gpus.slice(rank * share, (rank + 1) * share), ...(rankNodes !== undefined ? { node: rankNodes[rank]! } : {}) },
    ...(rank === 0 && onStart !== undefined ? { onStart } : {}),
  };
}

/** Releases every rank's result (removing its container), then removes the network; once, never rejects. */
function onceReleaser(ends: readonly RankEnd[], removeNetwork: () => Promise<void>): () => Promise<void> {
  let releasing: Promise<void> | undefined;
  return () => {
    releasing ??= (async () => {
      await Promise.all(ends.map((e) => (e.kind === "ran" ? e.result.release().catch(() => undefined) : undefined)));
      await removeNetwork();
    })();
    return releasing;
  };
}
