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
 * If no engine can be started the Docker tests are skipped with the reason,
 * unless WDLRUN_REQUIRE_DOCKER=1 (CI sets it): then the test run fails.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

async function integrationSelected(project: TestProject): Promise<boolean> {
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const { testFiles } = await project.globTestFiles(filters);
  return testFiles.some((f) => path.relative(root, f).startsWith(path.join("test", "integration") + path.sep));
}

/** The last stdout lines of a setup script, as `KEY=value` pairs. */
function scriptLines(stdout: string | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (stdout ?? "").trim().split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** The last non-empty stderr line of a script run, or why it did not run. */
function whyFailed(run: ReturnType<typeof spawnSync>): string {
  return String(run.stderr ?? "").trim().split("\n").filter((l) => l.trim() !== "").pop() ?? run.error?.message ?? `exit status ${run.status}`;
}

/**
 * Starts (or finds) the GPU test engine; returns its teardown, which stops it
 * when this call started it.
 */
function startGpuEngine(project: TestProject, mainHost: string): (() => void) | undefined {
  const script = path.join(root, "scripts", "setup-gpu-engine.sh");
  const run = spawnSync("bash", [script, "start"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WDLRUN_MAIN_DOCKER_HOST: mainHost },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 5 * 60_000,
  });
  const lines = scriptLines(run.stdout);
  const host = lines.get("DOCKER_HOST");
  const bin = lines.get("GPU_BIN");
  if (run.status === 0 && host && bin) {
    project.provide("gpuEngine", { host, bin, skipReason: "" });
    Object.assign(process.env, { WDLRUN_TEST_GPU_DOCKER_HOST: host, WDLRUN_TEST_GPU_BIN: bin });
    if (lines.get("STARTED") !== "1") return undefined;
    return () => void spawnSync("bash", [script, "stop"], { cwd: root, stdio: "ignore", timeout: 60_000 });
  }
  const why = whyFailed(run);
  if (process.env.WDLRUN_REQUIRE_DOCKER === "1") throw new Error(`the GPU test engine could not be started (WDLRUN_REQUIRE_DOCKER=1): ${why}`);
  process.stderr.write(`\nGPU integration tests are SKIPPED: the GPU test engine could not be started (${why}).\n\n`);
  project.provide("gpuEngine", { host: "", bin: "", skipReason: `no GPU test engine: ${why}` });
  return undefined;
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  project.provide("dockerHost", "");
  project.provide("dockerUnavailable", "");
  project.provide("gpuEngine", { host: "", bin: "", skipReason: "integration tests not selected" });
  if (!(await integrationSelected(project))) return undefined;

  const run = spawnSync("bash", [path.join(root, "scripts", "setup-docker.sh")], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 15 * 60_000,
  });
  const last = run.stdout?.trim().split("\n").pop() ?? "";
  const m = /^DOCKER_HOST=(.+)$/.exec(last);
  if (run.status === 0 && m) {
    const host = m[1]!;
    process.env.DOCKER_HOST = host;
    project.provide("dockerHost", host);
    return startGpuEngine(project, host);
  }
  const why = whyFailed(run);
  if (process.env.WDLRUN_REQUIRE_DOCKER === "1") {
    throw new Error(`Docker integration tests need an engine and none could be started (WDLRUN_REQUIRE_DOCKER=1): ${why}`);
  }
  process.stderr.write(`\nDocker integration tests are SKIPPED: no Docker Engine could be started (${why}). Run \`npm run setup:docker\` as root to enable them.\n\n`);
  project.provide("dockerUnavailable", why);
  project.provide("gpuEngine", { host: "", bin: "", skipReason: `no Docker Engine for the test images: ${why}` });
  return undefined;
}
