/**
 * GPUs on the three-node test swarm (./kit.ts: node 1 advertises two
 * NVIDIA-GPU, node 2 one, node 3 one NVIDIA-H100: a GPU of model H100), from
 * the CLI: the command sees the GPUs its task got (`task.gpu` and
 * NVIDIA_VISIBLE_DEVICES name the ids swarm assigned, the same as the
 * container's DOCKER_RESOURCE_<KIND>), tasks overlapping in time never share
 * a GPU and at most as many run as there are GPUs, a `gpu` hint naming a
 * model puts the task on the node whose kind names it (and one no node has
 * is refused), and a task asking more GPUs than any node has is refused
 * before anything runs, with what each node has.
 */
import { afterAll, describe, expect, it } from "vitest";
import { connect, sweepContainers } from "../../../src/backends/engine/index.js";
import { LABEL_OWNER_PID, LABEL_RUN } from "../../../src/backends/engine/labels.js";
import { maxOverlap } from "../kit.js";
import { runWdl, swarmEngine, testNodes } from "./kit.js";

const engine = swarmEngine();
const skip = engine.skipReason;
const host = engine.host;

/** Each node's engine URL by swarm node id. */
async function enginesByNodeId(): Promise<Map<string, { n: number; host: string }>> {
  const out = new Map<string, { n: number; host: string }>();
  for (const node of testNodes()) {
    const info = (await connect(node.host).info()) as { Swarm: { NodeID: string } };
    out.set(info.Swarm.NodeID, { n: node.n, host: node.host });
  }
  return out;
}

/** The task of every service of run `runId`: its node, assigned GPUs, and its container's env and times (from its node's engine). */
async function tasksOf(runId: string) {
  const docker = connect(host);
  const engines = await enginesByNodeId();
  const tasks = (await docker.listTasks({ filters: { label: [`${LABEL_RUN}=${runId}`] } })) as {
    NodeID: string;
    GenericResources?: { NamedResourceSpec: { Kind: string; Value: string } }[];
    Status: { ContainerStatus?: { ContainerID?: string } };
  }[];
  return Promise.all(
    tasks.map(async (t) => {
      const node = engines.get(t.NodeID)!;
      const info = await connect(node.host).getContainer(t.Status.ContainerStatus!.ContainerID!).inspect();
      return {
        node: node.n,
        assigned: (t.GenericResources ?? []).map((g) => `${g.NamedResourceSpec.Kind}=${g.NamedResourceSpec.Value}`),
        env: info.Config.Env,
        start: Date.parse(info.State.StartedAt),
        end: Date.parse(info.State.FinishedAt),
      };
    }),
  );
}

async function servicesOf(label: string): Promise<string[]> {
  const list = (await connect(host).listServices({ filters: { label: [label] } })) as { Spec: { Name: string } }[];
  return list.map((s) => s.Spec.Name);
}

const gpuTask = (extra = "") => `version 1.2
task g {
  input { Int i }
  command <<<
    echo "~{i} ~{sep(",", task.gpu)} $NVIDIA_VISIBLE_DEVICES"
    sleep 2
  >>>
  output { String line = read_string(stdout()) }
  requirements { container: "ubuntu:latest" cpu: 0.25 memory: "32 MiB" gpu: true }
  ${extra}
}
`;

describe.skipIf(skip !== "")(`GPUs on the three-node swarm${skip ? ` (${skip})` : ""}`, () => {
  afterAll(async () => {
    for (const node of testNodes()) await sweepContainers(connect(node.host), node.host, { all: true }).catch(() => undefined);
  });

  it("runs 5 one-GPU tasks at most 4 at a time (3 NVIDIA-GPU and the H100), never two on one GPU, each command seeing its GPU in task.gpu and NVIDIA_VISIBLE_DEVICES", async () => {
    const wdl = `${gpuTask()}
workflow w {
  scatter (i in range(5)) { call g { input: i = i } }
  output { Array[String] lines = g.line }
}
`;
    const r = await runWdl(wdl, [], "swarm", host, { WDLRUN_CLEANUP: "false" });
    try {
      expect(r.code, r.stderr).toBe(0);
      const lines = r.outputs["w.lines"] as string[];
      expect(lines).toHaveLength(5);
      const tasks = await tasksOf(r.runId);
      expect(tasks).toHaveLength(5);
      expect(maxOverlap(tasks)).toBe(4);
      for (const [i, line] of lines.entries()) {
        const [n, taskGpu, visible] = line.split(" ");
        expect(n).toBe(String(i));
        // What the command saw is what the swarm gave its container.
        expect(taskGpu).toBe(visible);
        expect(taskGpu).toMatch(/^GPU-node([12]-[ab]|3-h100)$/);
      }
      const ids = new Set(lines.map((l) => l.split(" ")[1]!));
      for (const t of tasks) {
        expect(t.assigned).toHaveLength(1);
        const [kind, id] = t.assigned[0]!.split("=") as [string, string];
        expect(ids).toContain(id);
        expect(t.env).toContain(`DOCKER_RESOURCE_${kind}=${id}`);
        expect(id.startsWith(`GPU-node${t.node}-`)).toBe(true);
      }
      for (const a of tasks)
        for (const b of tasks) if (a !== b && a.start < b.end && b.start < a.end) expect(a.assigned).not.toEqual(b.assigned);
    } finally {
      await sweepContainers(connect(host), host, { runId: r.runId, all: true });
    }
  }, 90_000);

  it("gives a two-GPU task both GPUs of the one node that has two, in task.gpu and NVIDIA_VISIBLE_DEVICES alike", async () => {
    const r = await runWdl(`${gpuTask("hints { gpu: 2 }")}\nworkflow w { call g { input: i = 7 } output { String line = g.line } }\n`, [], "swarm", host);
    expect(r.code, r.stderr).toBe(0);
    const [, taskGpu, visible] = (r.outputs["w.line"] as string).split(" ");
    expect(taskGpu).toBe(visible);
    expect(taskGpu!.split(",").sort()).toEqual(["GPU-node1-a", "GPU-node1-b"]);
    expect(await servicesOf(`${LABEL_RUN}=${r.runId}`)).toEqual([]);
  }, 60_000);

  it("puts a task on the one node that advertises its GPU kind (swarm.gpu_kind = NVIDIA-H100: node 3)", async () => {
    const r = await runWdl(`${gpuTask()}\nworkflow w { call g { input: i = 1 } output { String line = g.line } }\n`, [], "swarm", host, {
      WDLRUN_SWARM_GPU_KIND: "NVIDIA-H100",
      WDLRUN_CLEANUP: "false",
    });
    try {
      expect(r.code, r.stderr).toBe(0);
      expect(r.outputs["w.line"]).toBe("1 GPU-node3-h100 GPU-node3-h100");
      const [t] = await tasksOf(r.runId);
      expect(t!.node).toBe(3);
      expect(t!.env).toContain("DOCKER_RESOURCE_NVIDIA-H100=GPU-node3-h100");
    } finally {
      await sweepContainers(connect(host), host, { runId: r.runId, all: true });
    }
  }, 60_000);

  it("puts a task whose gpu hint names H100 on node 3 (kind NVIDIA-H100), and refuses an A100 before anything runs, listing each node's GPUs", async () => {
    const r = await runWdl(`${gpuTask('hints { gpu: "H100" }')}\nworkflow w { call g { input: i = 1 } output { String line = g.line } }\n`, [], "swarm", host, {
      WDLRUN_CLEANUP: "false",
    });
    try {
      expect(r.code, r.stderr).toBe(0);
      expect(r.outputs["w.line"]).toBe("1 GPU-node3-h100 GPU-node3-h100");
      const [t] = await tasksOf(r.runId);
      expect(t!.node).toBe(3);
    } finally {
      await sweepContainers(connect(host), host, { runId: r.runId, all: true });
    }
    const refused = await runWdl(`${gpuTask('hints { gpu: "A100" }')}\nworkflow w { call g { input: i = 1 } }\n`, [], "swarm", host);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(/needs 1 GPU "A100" on one node, and no node has that many: .*1 GPU \(H100\), \d+ CPUs/);
    expect(refused.stderr).toContain("nothing was run");
  }, 60_000);

  it("refuses before anything runs a task that needs more GPUs than any node has, listing what each node has", async () => {
    const wdl = `version 1.2
task first {
  command <<< echo should not run >>>
  requirements { container: "ubuntu:latest" cpu: 0.25 memory: "32 MiB" }
}
task greedy {
  input { String x }
  command <<< echo should not run >>>
  requirements { container: "ubuntu:latest" cpu: 0.25 memory: "32 MiB" gpu: true }
  hints { gpu: 3 }
}
workflow w {
  call first
  call greedy { input: x = "x" }
}
`;
    const r = await runWdl(wdl, [], "swarm", host, { WDLRUN_CLEANUP: "false" });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/w\.greedy \(task greedy\) needs 3 GPUs on one node, and no node has that many: /);
    // Every node, with its GPUs of the configured kind.
    expect(r.stderr).toMatch(/\([0-9a-z]{12}\): 2 GPUs \(NVIDIA-GPU\), \d+ CPUs, [\d.]+ GiB/);
    expect(r.stderr).toMatch(/\([0-9a-z]{12}\): 1 GPU \(NVIDIA-GPU\), \d+ CPUs/);
    expect(r.stderr).toMatch(/\([0-9a-z]{12}\): 1 GPU \(H100\), \d+ CPUs/);
    expect(r.stderr).toContain("nothing was run");
    // With cleanup = false any service it had created would still be there.
    expect(await servicesOf(`${LABEL_OWNER_PID}=${process.pid}`)).toEqual([]);
  }, 60_000);
});
