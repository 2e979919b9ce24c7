/**
 * Vitest global setup: when the selected test files include integration
 * tests, makes sure a Docker Engine answers and the offline test images exist
 * by running scripts/setup-docker.sh (fast when already done), then hands the
 * engine URL to the tests (`inject("dockerHost")`, and DOCKER_HOST).
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

export default async function setup(project: TestProject): Promise<void> {
  project.provide("dockerHost", "");
  project.provide("dockerUnavailable", "");
  if (!(await integrationSelected(project))) return;

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
    return;
  }
  const why = (run.stderr ?? "").trim().split("\n").filter((l) => l.trim() !== "").pop() ?? run.error?.message ?? `exit status ${run.status}`;
  if (process.env.WDLRUN_REQUIRE_DOCKER === "1") {
    throw new Error(`Docker integration tests need an engine and none could be started (WDLRUN_REQUIRE_DOCKER=1): ${why}`);
  }
  process.stderr.write(`\nDocker integration tests are SKIPPED: no Docker Engine could be started (${why}). Run \`npm run setup:docker\` as root to enable them.\n\n`);
  project.provide("dockerUnavailable", why);
}
