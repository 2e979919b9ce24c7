/**
 * Vitest global setup: when the selected test files include integration
 * tests, makes sure a Docker Engine answers and the offline test images exist
 * by running scripts/setup-docker.sh (fast when already done), then hands the
 * engine URL to the tests (`inject("dockerHost")`, and DOCKER_HOST). Next to
 * it, the GPU test engine (scripts/setup-gpu-engine.sh: its own dockerd with
 * stand-ins for the NVIDIA hook and nvidia-smi) is handed over as
 * `inject("gpuEngine")` (and WDLRUN_TEST_GPU_DOCKER_HOST, WDLRUN_TEST_GPU_BIN),
 * and stopped at teardown when this setup started it.
 *
 * When the selection includes the swarm tests (test/integration/swarm/), it
 * also starts the three-node test swarm once (scripts/setup-swarm.sh: three
 * dockerd of its own, the test images loaded into each) for every swarm test
 * file to share (`inject("swarmHost")`, the manager's URL), and stops it when
 * the run ends (unless WDLRUN_KEEP_SWARM=1, which keeps it for the next run).
 *
 * A rootful Podman serving the same API is started next by
 * scripts/setup-podman.sh (fast when already done; the first time it installs
 * Debian's podman and copies the test images, about a minute) and handed to
 * the tests as `inject("podmanHost")` and WDLRUN_PODMAN_HOST; the tests that
 * run on both engines skip their Podman half with the reason when it cannot be
 * started, unless WDLRUN_REQUIRE_PODMAN=1 (CI sets it). WDLRUN_SKIP_PODMAN=1
 * leaves it out. WDLRUN_TEST_ENGINE=podman runs every Docker test on Podman
 * instead (DOCKER_HOST and `inject("dockerHost")` name the Podman socket).
 *
 * If no engine can be started the Docker tests are skipped with the reason,
 * unless WDLRUN_REQUIRE_DOCKER=1 (CI sets it): then the test run fails.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Whether the selected test files include any under `folder`. */
async function selected(project: TestProject, folder: string): Promise<boolean> {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const { testFiles } = await project.globTestFiles(filters);
  return testFiles.some((f) => path.relative(root, f).startsWith(folder + path.sep));
}

/** What a setup script printed last (`KEY=value` lines) when it succeeded; else why it failed. */
type SetupOutcome = { readonly lines: ReadonlyMap<string, string> } | { readonly why: string };

/** Runs `bash scripts/<script> args…`; succeeds when it exits 0 and printed `required=…`. */
function runSetup(script: string, args: readonly string[], required: string, env: NodeJS.ProcessEnv = process.env): SetupOutcome {
  const run = spawnSync("bash", [path.join(root, "scripts", script), ...args], {
    cwd: root,
    encoding: "utf8",
    env,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 15 * 60_000,
  });
  const lines = new Map<string, string>();
  for (const line of (run.stdout ?? "").trim().split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) lines.set(m[1]!, m[2]!);
  }
  if (run.status === 0 && (lines.get(required) ?? "") !== "") return { lines };
  return { why: (run.stderr ?? "").trim().split("\n").filter((l) => l.trim() !== "").pop() ?? run.error?.message ?? `exit status ${run.status}` };
}

/** Stops what `script` started, at teardown. */
function stopper(script: string, timeoutMs: number): () => void {
  return () => void spawnSync("bash", [path.join(root, "scripts", script), "stop"], { cwd: root, stdio: "ignore", timeout: timeoutMs });
}

/** Starts (or finds) the GPU test engine; returns its teardown when this call started it. */
function startGpuEngine(project: TestProject, mainHost: string): (() => void) | undefined {
  const started = runSetup("setup-gpu-engine.sh", ["start"], "DOCKER_HOST", { ...process.env, WDLRUN_MAIN_DOCKER_HOST: mainHost });
  if ("lines" in started && started.lines.get("GPU_BIN")) {
    const host = started.lines.get("DOCKER_HOST")!;
    const bin = started.lines.get("GPU_BIN")!;
    project.provide("gpuEngine", { host, bin, skipReason: "" });
    Object.assign(process.env, { WDLRUN_TEST_GPU_DOCKER_HOST: host, WDLRUN_TEST_GPU_BIN: bin });
    return started.lines.get("STARTED") === "1" ? stopper("setup-gpu-engine.sh", 60_000) : undefined;
  }
  const why = "why" in started ? started.why : "the script printed no GPU_BIN";
  if (process.env.WDLRUN_REQUIRE_DOCKER === "1") throw new Error(`the GPU test engine could not be started (WDLRUN_REQUIRE_DOCKER=1): ${why}`);
  process.stderr.write(`\nGPU integration tests are SKIPPED: the GPU test engine could not be started (${why}).\n\n`);
  project.provide("gpuEngine", { host: "", bin: "", skipReason: `no GPU test engine: ${why}` });
  return undefined;
}

/** Starts the three-node test swarm (its images from the engine at `mainHost`); returns its teardown. */
function startSwarm(project: TestProject, mainHost: string): (() => void) | undefined {
  const started = runSetup("setup-swarm.sh", ["start"], "DOCKER_HOST", { ...process.env, WDLRUN_MAIN_DOCKER_HOST: mainHost });
  if ("why" in started) {
    if (process.env.WDLRUN_REQUIRE_DOCKER === "1") throw new Error(`the swarm tests need the test swarm and it could not be started: ${started.why}`);
    process.stderr.write(`\nSwarm integration tests are SKIPPED: the test swarm could not be started (${started.why}).\n\n`);
    project.provide("swarmUnavailable", started.why);
    return undefined;
  }
  project.provide("swarmHost", started.lines.get("DOCKER_HOST")!);
  return process.env.WDLRUN_KEEP_SWARM === "1" ? undefined : stopper("setup-swarm.sh", 120_000);
}

/** Starts (or finds) the tests' rootful Podman, its images copied from the engine at `mainHost`; its URL, or why there is none. */
function startPodman(mainHost: string): { readonly host: string } | { readonly why: string } {
  if (process.env.WDLRUN_SKIP_PODMAN === "1") return { why: "WDLRUN_SKIP_PODMAN=1" };
  const started = runSetup("setup-podman.sh", [], "PODMAN_HOST", { ...process.env, WDLRUN_MAIN_DOCKER_HOST: mainHost });
  if ("lines" in started) return { host: started.lines.get("PODMAN_HOST")! };
  if (process.env.WDLRUN_REQUIRE_PODMAN === "1" || process.env.WDLRUN_TEST_ENGINE === "podman") {
    throw new Error(`the Podman integration tests need a Podman and none could be started: ${started.why}`);
  }
  process.stderr.write(`\nPodman halves of the integration tests are SKIPPED: ${started.why}. Run \`bash scripts/setup-podman.sh\` as root to enable them.\n\n`);
  return started;
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  project.provide("dockerHost", "");
  project.provide("dockerUnavailable", "");
  project.provide("gpuEngine", { host: "", bin: "", skipReason: "integration tests not selected" });
  project.provide("swarmHost", "");
  project.provide("swarmUnavailable", "no Docker Engine for the test images");
  project.provide("podmanHost", "");
  project.provide("podmanUnavailable", "not set up (no integration test selected)");
  if (!(await selected(project, path.join("test", "integration")))) return undefined;

  const engine = runSetup("setup-docker.sh", [], "DOCKER_HOST");
  if ("lines" in engine) {
    const host = engine.lines.get("DOCKER_HOST")!;
    const podman = startPodman(host);
    if ("host" in podman && process.env.WDLRUN_TEST_ENGINE !== "podman") {
      process.env.WDLRUN_PODMAN_HOST = podman.host;
      project.provide("podmanHost", podman.host);
      project.provide("podmanUnavailable", "");
    } else if ("why" in podman) {
      project.provide("podmanUnavailable", podman.why);
    }
    const tested = "host" in podman && process.env.WDLRUN_TEST_ENGINE === "podman" ? podman.host : host;
    process.env.DOCKER_HOST = tested;
    project.provide("dockerHost", tested);
    const teardowns = [startGpuEngine(project, host)];
    if (await selected(project, path.join("test", "integration", "swarm"))) teardowns.push(startSwarm(project, host));
    return () => {
      for (const t of teardowns) t?.();
    };
  }
  const why = engine.why;
  if (process.env.WDLRUN_REQUIRE_DOCKER === "1") {
    throw new Error(`Docker integration tests need an engine and none could be started (WDLRUN_REQUIRE_DOCKER=1): ${why}`);
  }
  process.stderr.write(`\nDocker integration tests are SKIPPED: no Docker Engine could be started (${why}). Run \`npm run setup:docker\` as root to enable them.\n\n`);
  project.provide("dockerUnavailable", why);
  project.provide("gpuEngine", { host: "", bin: "", skipReason: `no Docker Engine for the test images: ${why}` });
  return undefined;
}
