/**
 * Vitest global setup: when the selected test files include integration
 * tests, makes sure a Docker Engine answers and the offline test images exist
 * by running scripts/setup-docker.sh (fast when already done), then hands the
 * engine URL to the tests (`inject("dockerHost")`, and DOCKER_HOST).
 *
 * If no engine can be started the Docker tests are skipped with the reason,
 * unless WDLRUN_REQUIRE_DOCKER=1 (CI sets it): then the test run fails.
 *
 * When the selection includes the swarm tests (test/integration/swarm/), it
 * also starts the three-node test swarm once (scripts/setup-swarm.sh: three
 * dockerd of its own, the test images loaded into each) for every swarm test
 * file to share (`inject("swarmHost")`, the manager's URL), and stops it when
 * the run ends (unless WDLRUN_KEEP_SWARM=1, which keeps it for the next run).
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

/** The last stdout line of `bash script args…` when it is `NAME=value` and the script succeeded; else why not. */
function runSetup(script: string, args: readonly string[], name: string, env: NodeJS.ProcessEnv = process.env): { value: string } | { why: string } {
  const run = spawnSync("bash", [path.join(root, "scripts", script), ...args], {
    cwd: root,
    encoding: "utf8",
    env,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 15 * 60_000,
  });
  const last = run.stdout?.trim().split("\n").pop() ?? "";
  const m = new RegExp(`^${name}=(.+)$`).exec(last);
  if (run.status === 0 && m) return { value: m[1]! };
  return { why: (run.stderr ?? "").trim().split("\n").filter((l) => l.trim() !== "").pop() ?? run.error?.message ?? `exit status ${run.status}` };
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
  project.provide("swarmHost", started.value);
  if (process.env.WDLRUN_KEEP_SWARM === "1") return undefined;
  return () => {
    spawnSync("bash", [path.join(root, "scripts", "setup-swarm.sh"), "stop"], { cwd: root, stdio: "ignore", timeout: 120_000 });
  };
}

export default async function setup(project: TestProject): Promise<(() => void) | void> {
  project.provide("dockerHost", "");
  project.provide("dockerUnavailable", "");
  project.provide("swarmHost", "");
  project.provide("swarmUnavailable", "no Docker Engine for the test images");
  if (!(await selected(project, path.join("test", "integration")))) return;

  const engine = runSetup("setup-docker.sh", [], "DOCKER_HOST");
  if ("value" in engine) {
    const host = engine.value;
    process.env.DOCKER_HOST = host;
    project.provide("dockerHost", host);
    if (await selected(project, path.join("test", "integration", "swarm"))) return startSwarm(project, host);
    return;
  }
  const why = engine.why;
  if (process.env.WDLRUN_REQUIRE_DOCKER === "1") {
    throw new Error(`Docker integration tests need an engine and none could be started (WDLRUN_REQUIRE_DOCKER=1): ${why}`);
  }
  process.stderr.write(`\nDocker integration tests are SKIPPED: no Docker Engine could be started (${why}). Run \`npm run setup:docker\` as root to enable them.\n\n`);
  project.provide("dockerUnavailable", why);
}
