/**
 * Aborting a run on the three-node test swarm (./kit.ts) whose tasks run on
 * every node (each task needs all of a node's CPUs: one on the manager, one on
 * each worker): Ctrl-C twice reaches each task through its stop file (the
 * engine wdlrun talks to reaches only the manager's containers), what each
 * command printed is kept, its files are handed back to the ordinary user who
 * ran wdlrun even when the command ignores SIGTERM, and no service or
 * container is left on any node.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, lstatSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { connect } from "../../../src/backends/engine/index.js";
import { LABEL_OWNER_PID } from "../../../src/backends/engine/labels.js";
import { tempDir } from "../kit.js";
import { swarmEngine, testNodes } from "./kit.js";

const engine = swarmEngine();
const host = engine.host;
const isRoot = process.getuid?.() === 0;
const skip = engine.skipReason || (isRoot ? "" : "these tests start wdlrun as another user, which needs root");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const asUser = path.join(root, "test", "integration", "helpers", "as-user-cli.ts");

/** The uid/gid the run drops to (nobody), with the manager socket's group. */
const NOBODY = 65534;

/** Starts wdlrun as nobody on a scatter of three one-node tasks running `command`; resolves once every task has touched `ready`. */
async function startSpread(command: string) {
  const dir = tempDir("wdlrun-swarm-abort-");
  chmodSync(dir, 0o777);
  const file = path.join(dir, "main.wdl");
  writeFileSync(
    file,
    `version 1.1
task long { input { Int i } command <<< ${command} >>> runtime { docker: "ubuntu:latest" cpu: ${cpus().length} memory: "32 MiB" } }
workflow w { scatter (i in range(3)) { call long { input: i = i } } }
`,
  );
  const group = statSync(host.slice("unix://".length)).gid;
  const ids = JSON.stringify({ uid: NOBODY, gid: NOBODY, groups: [group] });
  const child = spawn(process.execPath, ["--import", "tsx", asUser, ids, "run", file, "--backend", "swarm", "--out", path.join(dir, "runs")], {
    cwd: root,
    env: { ...process.env, DOCKER_HOST: host, HOME: dir },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  const attemptFile = (i: number, name: string) => path.join(dir, "runs", "latest", `call-long-000${i}`, "attempt-1", name);
  const t0 = Date.now();
  while (![0, 1, 2].every((i) => existsSync(attemptFile(i, "work/ready")))) {
    if (child.exitCode !== null || Date.now() - t0 > 90_000) throw new Error(`the tasks never started: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, exited, attemptFile, label: `${LABEL_OWNER_PID}=${child.pid}`, stderr: () => stderr };
}

describe.skipIf(skip !== "")(`aborting a run spread over the swarm's nodes${skip ? ` (${skip})` : ""}`, () => {
  it("keeps what each task printed, hands back the files of commands that ignore SIGTERM, and leaves nothing on any node", async () => {
    const run = await startSpread(`trap '' TERM; echo started ~{i}; echo warming >&2; mkdir -p a/b; echo x > a/b/f; touch ready; sleep 300`);
    const docker = connect(host);
    const tasks = (await docker.listTasks({ filters: { label: [run.label] } })) as { NodeID: string }[];
    expect(new Set(tasks.map((t) => t.NodeID)).size).toBe(3);
    run.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill("SIGINT");
    expect(await run.exited, run.stderr()).toBe(130);
    expect(await docker.listServices({ filters: { label: [run.label] } })).toEqual([]);
    for (const i of [0, 1, 2]) {
      expect(readFileSync(run.attemptFile(i, "stdout"), "utf8")).toBe(`started ${i}\n`);
      expect(readFileSync(run.attemptFile(i, "stderr"), "utf8")).toMatch(/^warming\n/);
      for (const f of ["a", "a/b", "a/b/f", "ready"]) expect([i, f, lstatSync(run.attemptFile(i, `work/${f}`)).uid]).toEqual([i, f, NOBODY]);
    }
    // The agents remove the stopped containers shortly after their services go.
    for (const node of testNodes()) {
      const left = async () => connect(node.host).listContainers({ all: true, filters: { label: [run.label] } });
      const t0 = Date.now();
      while ((await left()).length > 0 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 250));
      expect(await left(), `node ${node.n}`).toEqual([]);
    }
  }, 150_000);
});
