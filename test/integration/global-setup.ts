/**
 * Vitest global setup: when the selected test files include integration
 * tests, makes sure a Docker Engine answers and the offline test images exist
 * by running scripts/setup-docker.sh (fast when already done), then hands the
 * engine URL to the tests (`inject("dockerHost")`, and DOCKER_HOST).
 *
 * If no engine can be started the Docker tests are skipped with the reason,
 * unless WDLRUN_REQUIRE_DOCKER=1 (CI sets it): then the test run fails.
 *
 * A rootful Podman serving the same API is started next by
 * scripts/setup-podman.sh (fast when already done; the first time it installs
 * Debian's podman and copies the test images, about a minute) and handed to
 * the tests as `inject("podmanHost")` and WDLRUN_PODMAN_HOST; the tests that
 * run on both engines skip their Podman half with the reason when it cannot be
 * started, unless WDLRUN_REQUIRE_PODMAN=1 (CI sets it). WDLRUN_SKIP_PODMAN=1
 * leaves it out. WDLRUN_TEST_ENGINE=podman runs every Docker test on Podman
 * instead (DOCKER_HOST and `inject("dockerHost")` name the Podman socket).
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

/** How starting Podman went. */
type PodmanStart = { readonly kind: "started"; readonly host: string } | { readonly kind: "skipped" | "failed"; readonly why: string };

/**
 * Starts (or finds) the tests' rootful Podman with scripts/setup-podman.sh,
 * its images copied from the Docker Engine at `dockerHost`; fails the test run
 * when it cannot and WDLRUN_REQUIRE_PODMAN=1.
 */
function startPodman(dockerHost: string): PodmanStart {
  if (process.env.WDLRUN_SKIP_PODMAN === "1") return { kind: "skipped", why: "WDLRUN_SKIP_PODMAN=1" };
  const run = spawnSync("bash", [path.join(root, "scripts", "setup-podman.sh")], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WDLRUN_MAIN_DOCKER_HOST: dockerHost },
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 10 * 60_000,
  });
  const m = /^PODMAN_HOST=(.+)$/.exec(run.stdout?.trim().split("\n").pop() ?? "");
  if (run.status === 0 && m) return { kind: "started", host: m[1]! };
  const why = (run.stderr ?? "").trim().split("\n").filter((l) => l.trim() !== "").pop() ?? run.error?.message ?? `exit status ${run.status}`;
  if (process.env.WDLRUN_REQUIRE_PODMAN === "1") throw new Error(`the Podman integration tests need a Podman and none could be started (WDLRUN_REQUIRE_PODMAN=1): ${why}`);
  process.stderr.write(`\nPodman halves of the integration tests are SKIPPED: ${why}. Run \`bash scripts/setup-podman.sh\` as root to enable them.\n\n`);
  return { kind: "failed", why };
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide("dockerHost", "");
  project.provide("dockerUnavailable", "");
  project.provide("podmanHost", "");
  project.provide("podmanUnavailable", "not set up (no integration test selected)");
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
    const podman = startPodman(host);
    if (process.env.WDLRUN_TEST_ENGINE === "podman") {
      if (podman.kind === "failed") throw new Error(`WDLRUN_TEST_ENGINE=podman but no Podman could be started: ${podman.why}`);
      if (podman.kind === "started") {
        process.env.DOCKER_HOST = podman.host;
        project.provide("dockerHost", podman.host);
        return;
      }
    }
    process.env.DOCKER_HOST = host;
    project.provide("dockerHost", host);
    if (podman.kind === "started") {
      process.env.WDLRUN_PODMAN_HOST = podman.host;
      project.provide("podmanHost", podman.host);
      project.provide("podmanUnavailable", "");
    } else {
      project.provide("podmanUnavailable", podman.why);
    }
    return;
  }
  const why = (run.stderr ?? "").trim().split("\n").filter((l) => l.trim() !== "").pop() ?? run.error?.message ?? `exit status ${run.status}`;
  if (process.env.WDLRUN_REQUIRE_DOCKER === "1") {
    throw new Error(`Docker integration tests need an engine and none could be started (WDLRUN_REQUIRE_DOCKER=1): ${why}`);
  }
  process.stderr.write(`\nDocker integration tests are SKIPPED: no Docker Engine could be started (${why}). Run \`npm run setup:docker\` as root to enable them.\n\n`);
  project.provide("dockerUnavailable", why);
}
