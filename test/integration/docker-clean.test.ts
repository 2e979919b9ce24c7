/**
 * `wdlrun clean` and the start-of-run sweep against a real engine: leftovers
 * of dead owners go, containers of live runs stay, containers kept by
 * `cleanup = false` survive the next run's start but not `wdlrun clean`.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerBackend } from "../../src/backends/docker/index.js";
import { LABEL_KEEP, LABEL_RUN, attemptLabels, currentOwner, type Owner } from "../../src/backends/engine/labels.js";
import { cleanCommand } from "../../src/cli/clean.js";
import { dockerHost, dockerSkipReason } from "./kit.js";

const skip = dockerSkipReason();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe.skipIf(skip !== "")(`wdlrun clean${skip ? ` (${skip})` : ""}`, () => {
  let backend: DockerBackend;
  const runId = `it-clean-${process.pid}-${Date.now()}`;
  const dead: Owner = { ...currentOwner(), pid: 2 ** 22 + 23, start: "1" };

  beforeAll(async () => {
    backend = await DockerBackend.open({ host: dockerHost(), sweep: false });
  });
  afterAll(async () => {
    const list = await backend.docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } });
    await Promise.all(list.map((c) => backend.docker.getContainer(c.Id).remove({ force: true })));
  });

  const make = (owner: Owner, call: string, extra: Record<string, string> = {}) =>
    backend.docker.createContainer({
      name: `wdlrun-it-${call}-${process.pid}`,
      Image: "ubuntu:latest",
      Cmd: ["true"],
      Labels: { ...attemptLabels(runId, call, 1, "clean-test", owner), ...extra },
    });
  const names = async () =>
    (await backend.docker.listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runId}`] } })).map((c) => c.Labels[`org.wdlrun.call`]).sort();

  it("removes leftovers of dead runs only, sparing kept ones at a run's start", async () => {
    await make(dead, "call-crashed");
    await make(dead, "call-kept", { [LABEL_KEEP]: "1" });
    await make(currentOwner(), "call-live");

    // A run starting now sweeps the crashed run's container but spares the kept one.
    const notices: string[] = [];
    const starting = await DockerBackend.open({ host: dockerHost(), notice: (l) => notices.push(l) });
    await starting.close();
    expect(await names()).toEqual(["call-kept", "call-live"]);
    expect(notices.some((n) => /^removed \d+ container\(s\) left by earlier wdlrun runs/.test(n))).toBe(true);

    const dry: string[] = [];
    expect(await cleanCommand({ run: runId, dryRun: true, host: dockerHost() }, (l) => dry.push(l))).toBe(0);
    expect(dry).toEqual([
      `would remove wdlrun-it-call-kept-${process.pid} (run ${runId}, call-kept): its owner (pid ${dead.pid}) has exited`,
      `kept wdlrun-it-call-live-${process.pid} (run ${runId}, call-live): its run is still going`,
      `would remove 1 container(s), kept 1 container(s) (engine ${dockerHost()})`,
    ]);
    expect(await names()).toEqual(["call-kept", "call-live"]);

    const real: string[] = [];
    expect(await cleanCommand({ run: runId, host: dockerHost() }, (l) => real.push(l))).toBe(0);
    expect(real.at(-1)).toBe(`removed 1 container(s), kept 1 container(s) (engine ${dockerHost()})`);
    expect(await names()).toEqual(["call-live"]);
  });

  it("removes everything with --all, through the real CLI", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "src/cli/main.ts"), "clean", "--all", "--run", runId, "--host", dockerHost()], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stderr).toContain(`removed 1 container(s), kept 0`);
    expect(r.status).toBe(0);
  });

  it("fails with one line when no engine answers", async () => {
    const lines: string[] = [];
    expect(await cleanCommand({ host: "unix:///tmp/wdlrun-no-engine.sock" }, (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^wdlrun: no Docker Engine answers at unix:\/\/\/tmp\/wdlrun-no-engine.sock: start one/)]);
  });
});
