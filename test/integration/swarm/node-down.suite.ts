/**
 * A node going away mid-run, on the three-node test swarm (./kit.ts): the
 * dockerd of worker node 3 is stopped while an attempt runs there; the
 * attempt fails with "node … went down", is retried on another node under
 * max_retries, the run succeeds, and no service of it is left. Node 3 is
 * started again afterwards (it rejoins) so that other tests find all three.
 */
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "../../../src/backends/engine/index.js";
import { LABEL_OWNER_PID } from "../../../src/backends/engine/labels.js";
import { spawnRun, tempDir, writeHostFile } from "../kit.js";
import { restartNodes, stopNode, swarmEngine, testNodes } from "./kit.js";

const engine = swarmEngine();
const skip = engine.skipReason;
const host = engine.host;

describe.skipIf(skip !== "")(`a swarm node going away${skip ? ` (${skip})` : ""}`, () => {
  afterAll(() => {
    restartNodes();
  }, 180_000);

  it("fails the attempts on a worker whose dockerd stops with 'went down', retries them elsewhere under max_retries, and leaves no service", async () => {
    const node3 = testNodes().find((n) => n.n === 3)!;
    const info = (await connect(node3.host).info()) as { Swarm: { NodeID: string }; NCPU: number };
    const node3Id = info.Swarm.NodeID;
    // Each task takes a whole node (all three are this machine): the first goes to the manager's own
    // node, the second to node 3 (no NVIDIA-GPU to spare), the third to node 2.
    const dir = tempDir("wdlrun-swarm-down-");
    const file = writeHostFile(
      path.join(dir, "main.wdl"),
      `version 1.2
task t {
  input { Int i }
  command <<<
    echo "~{i} attempt ~{task.attempt}"
    sleep 10
  >>>
  output { String line = read_string(stdout()) }
  requirements { container: "ubuntu:latest" cpu: ${info.NCPU} memory: "32 MiB" max_retries: 1 }
}
workflow w {
  scatter (i in range(3)) { call t { input: i = i } }
  output { Array[String] lines = t.line }
}
`,
    );
    const child = spawnRun(file, "swarm", path.join(dir, "runs"), { DOCKER_HOST: host });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const docker = connect(host);
    // Wait until an attempt runs on node 3, then stop its dockerd.
    const t0 = Date.now();
    for (;;) {
      const tasks = (await docker.listTasks({ filters: { label: [`${LABEL_OWNER_PID}=${child.pid}`] } })) as { NodeID: string; Status: { State: string } }[];
      if (tasks.some((t) => t.NodeID === node3Id && t.Status.State === "running")) break;
      if (Date.now() - t0 > 60_000) throw new Error(`no attempt ran on node 3: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    stopNode(3);
    const code = await exited;
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/call-t-000\d: swarm node \S+ \([0-9a-z]{12}\) went down \(node state down: its engine stopped answering the manager\) while the attempt was on it/);
    expect(stderr).toContain(node3Id.slice(0, 12));
    // The lost one ran again elsewhere (task.attempt counts from 0); the others ran once.
    const outputs = JSON.parse(stdout) as { "w.lines": string[] };
    const lines = outputs["w.lines"];
    expect(lines.filter((l) => l.endsWith("attempt 1"))).toHaveLength(1);
    expect(lines.filter((l) => l.endsWith("attempt 0"))).toHaveLength(2);
    // No service of the run is left, on the manager's side (node 3's own engine is down).
    expect(await docker.listServices({ filters: { label: [`${LABEL_OWNER_PID}=${child.pid}`] } })).toEqual([]);
  }, 150_000);
});
