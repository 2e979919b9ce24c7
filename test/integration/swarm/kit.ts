/**
 * Test kit for the swarm integration tests: a single-node swarm on its own
 * dockerd (scripts/setup-swarm.sh: separate socket and data root from the
 * Docker tests' engine, two fake GPUs advertised as generic resources, the
 * test image loaded), and `wdlrun run` in this process against it.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { dockerHost, root, runWdl as runWdlIn } from "../kit.js";

const script = path.join(root, "scripts", "setup-swarm.sh");

/** The swarm test engine: its URL, or why there is none. */
export interface SwarmEngine {
  readonly host: string;
  readonly skipReason: string;
}

/** Starts (or reuses) the swarm test engine. Needs the Docker tests' engine for the image. */
export function startSwarmEngine(): SwarmEngine {
  const main = dockerHost();
  if (main === "") return { host: "", skipReason: "no Docker Engine for the test image" };
  const run = spawnSync("bash", [script, "start"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WDLRUN_MAIN_DOCKER_HOST: main },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 5 * 60_000,
  });
  const m = /^DOCKER_HOST=(.+)$/.exec(run.stdout?.trim().split("\n").pop() ?? "");
  if (run.status === 0 && m) return { host: m[1]!, skipReason: "" };
  const why = (run.stderr ?? "").trim().split("\n").pop() ?? `exit status ${run.status}`;
  if (process.env.WDLRUN_REQUIRE_DOCKER === "1") throw new Error(`the swarm test engine could not be started: ${why}`);
  return { host: "", skipReason: `no swarm test engine: ${why}` };
}

/** Leaves the swarm and stops the swarm test engine's dockerd. */
export function stopSwarmEngine(): void {
  spawnSync("bash", [script, "stop"], { cwd: root, stdio: "ignore", timeout: 60_000 });
}

/** Starts a worker dockerd that joins the swarm test engine (one fake GPU, no image); resolves its engine URL. */
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
