/**
 * Test kit for the swarm integration tests: the three-node test swarm that
 * the global setup starts once (scripts/setup-swarm.sh: three dockerd of its
 * own on 127.0.0.11-13, apart from the Docker tests' engine; node 1, the
 * manager, advertises NVIDIA-GPU=GPU-node1-a and -b, node 2 NVIDIA-GPU=GPU-node2-a,
 * node 3 NVIDIA-H100=GPU-node3-h100; the test images in each), its nodes,
 * stopping and restarting a worker, a throw-away fourth worker, and
 * `wdlrun run` in this process against it.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { inject } from "vitest";
import { dockerHost, root, runWdl as runWdlIn } from "../kit.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The test swarm's manager URL, or "" when it could not be started. */
    swarmHost: string;
    /** Why there is no test swarm (when swarmHost is ""). */
    swarmUnavailable: string;
  }
}

const script = path.join(root, "scripts", "setup-swarm.sh");

/** The test swarm: its manager's URL, or why there is none. */
export interface SwarmEngine {
  readonly host: string;
  readonly skipReason: string;
}

/** The test swarm the global setup started. */
export function swarmEngine(): SwarmEngine {
  const host = inject("swarmHost") ?? "";
  return { host, skipReason: host === "" ? `no test swarm: ${inject("swarmUnavailable") || "unknown reason"}` : "" };
}

/** One node of the test swarm (scripts/setup-swarm.sh nodes). */
export interface TestNode {
  /** 1 (the manager), 2, 3. */
  readonly n: number;
  readonly address: string;
  /** Its own engine's URL. */
  readonly host: string;
  /** `KIND=ID` generic resources it advertises. */
  readonly resources: readonly string[];
}

/** The three nodes of the test swarm. */
export function testNodes(): TestNode[] {
  const run = spawnSync("bash", [script, "nodes"], { cwd: root, encoding: "utf8" });
  return run.stdout
    .trim()
    .split("\n")
    .map((line) => {
      const [n, address, host, ...resources] = line.split(" ");
      return { n: Number(n), address: address!, host: host!, resources };
    });
}

/** Stops node `n`'s dockerd (a worker: 2 or 3), as a node going away. */
export function stopNode(n: 2 | 3): void {
  const run = spawnSync("bash", [script, "node-stop", String(n)], { cwd: root, encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`node ${n} could not be stopped: ${run.stderr}`);
}

/** Starts again whatever node of the test swarm is down, and waits until all three are Ready. */
export function restartNodes(): void {
  const env = { ...process.env, WDLRUN_MAIN_DOCKER_HOST: dockerHost() };
  const run = spawnSync("bash", [script, "start"], { cwd: root, encoding: "utf8", env, timeout: 5 * 60_000 });
  if (run.status !== 0) throw new Error(`the test swarm could not be started again: ${(run.stderr ?? "").trim().split("\n").pop()}`);
}

/** Starts a throw-away fourth dockerd that joins the test swarm (one NVIDIA-GPU, no image); resolves its engine URL. */
export function startWorker(): string {
  const run = spawnSync("bash", [script, "worker-start"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 2 * 60_000 });
  const m = /^WORKER_HOST=(.+)$/.exec(run.stdout?.trim().split("\n").pop() ?? "");
  if (run.status !== 0 || !m) throw new Error(`the worker could not be started: ${(run.stderr ?? "").trim().split("\n").pop()}`);
  return m[1]!;
}

/** Removes the worker from the swarm and discards it. */
export function stopWorker(): void {
  spawnSync("bash", [script, "worker-stop"], { cwd: root, stdio: "ignore", timeout: 60_000 });
}

/** What one in-process `wdlrun run` gave. */
export interface RunResult {
  readonly code: number;
  readonly outputs: Record<string, unknown>;
  readonly runId: string;
  readonly runDir: string;
  readonly stderr: string;
}

/** Runs `wdlrun run` in this process against the engine `host` with extra WDLRUN_* variables. */
export async function runWdl(wdl: string, args: readonly string[], backend: "docker" | "swarm" | "auto", host: string, env: Record<string, string> = {}): Promise<RunResult> {
  const r = await runWdlIn(wdl, [...args], { backend, host, env });
  return { code: r.code, outputs: r.outputs, runId: path.basename(r.runDir), runDir: r.runDir, stderr: r.stderr };
}
