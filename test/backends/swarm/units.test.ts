/**
 * The swarm backend's pure parts: swarm role and node parsing, a node's
 * GPUs, the service spec (with the GPU wrapper's read-back and go-ahead, and a gang rank's network), task status interpretation and failure messages, the log
 * frame demuxer, newest task per service, and image digest choice.
 */
import { SwarmNoLeaderError, isNoLeader, isNotAManager, withLeader } from "../../../src/backends/engine/swarm-leader.js";
import { describe, expect, it } from "vitest";
import { containerPath, hostPath, type AttemptRequest } from "../../../src/backends/backend.js";
import { LABEL_CALL, LABEL_KEEP, LABEL_RUN, LABEL_SESSION } from "../../../src/backends/engine/labels.js";
import { DEFAULT_HARDENING } from "../../../src/backends/engine/hardening.js";
import { dockerLayout } from "../../../src/backends/engine/layout.js";
import { parseNode, roleProblem, swarmRole, type RawNode, type SwarmNode } from "../../../src/backends/swarm/cluster.js";
import { FrameDemuxer } from "../../../src/backends/swarm/logs.js";
import { gpusByKind, serviceName, serviceSpec, type SpecOptions } from "../../../src/backends/swarm/spec.js";
import { explainFailure, taskOutcome } from "../../../src/backends/swarm/status.js";
import { gpuIdsOf, repoDigest } from "../../../src/backends/swarm/swarm-backend.js";
import { newestByService } from "../../../src/backends/swarm/watch.js";

const GiB = 2 ** 30;

function node(id: string, cpu: number, memGiB: number, gpus: string[] = [], extra: Partial<RawNode> = {}): SwarmNode {
  return parseNode({
    ID: id,
    Spec: { Availability: "active" },
    Status: { State: "ready" },
    Description: {
      Hostname: `host-${id}`,
      Resources: { NanoCPUs: cpu * 1e9, MemoryBytes: memGiB * GiB, GenericResources: gpus.map((g) => ({ NamedResourceSpec: { Kind: "NVIDIA-GPU", Value: g } })) },
    },
    ...extra,
  });
}

describe("swarm role", () => {
  it("tells a manager from a worker, an inactive engine and a locked one", () => {
    expect(swarmRole({ Swarm: { LocalNodeState: "active", ControlAvailable: true, NodeID: "n1", Nodes: 3 } })).toEqual({ kind: "manager", nodeId: "n1", nodes: 3 });
    const worker = swarmRole({ Swarm: { LocalNodeState: "active", ControlAvailable: false, NodeID: "n2", RemoteManagers: [{ Addr: "10.0.0.1:2377" }] } });
    expect(worker.kind).toBe("worker");
    expect(roleProblem(worker, "unix:///x.sock")).toMatch(/is a swarm worker, not a manager: run wdlrun on a manager node .*managers: 10\.0\.0\.1:2377/);
    expect(roleProblem(swarmRole({ Swarm: { LocalNodeState: "inactive" } }), "u")).toMatch(/not part of a swarm: create one \(`docker swarm init`\)/);
    expect(roleProblem(swarmRole({}), "u")).toMatch(/not part of a swarm/);
    expect(roleProblem(swarmRole({ Swarm: { LocalNodeState: "locked" } }), "u")).toMatch(/docker swarm unlock/);
    expect(roleProblem(swarmRole({ Swarm: { LocalNodeState: "active", ControlAvailable: true } }), "u")).toBeUndefined();
  });
});

describe("node parsing", () => {
  it("reads cpu, memory and generic resources (named and discrete) and usability", () => {
    const n = parseNode({
      ID: "a",
      Spec: { Availability: "active" },
      Status: { State: "ready" },
      Description: {
        Hostname: "gpu1",
        Resources: {
          NanoCPUs: 8e9,
          MemoryBytes: 16 * GiB,
          GenericResources: [
            { NamedResourceSpec: { Kind: "NVIDIA-GPU", Value: "GPU-b" } },
            { NamedResourceSpec: { Kind: "NVIDIA-GPU", Value: "GPU-a" } },
            { DiscreteResourceSpec: { Kind: "SSD", Value: 2 } },
          ],
        },
      },
    });
    expect(n).toMatchObject({ id: "a", hostname: "gpu1", cpu: 8, memoryBytes: 16 * GiB, usable: true });
    expect(n.generic.get("NVIDIA-GPU")).toEqual({ ids: ["GPU-a", "GPU-b"], count: 2 });
    expect(n.generic.get("SSD")).toEqual({ ids: [], count: 2 });
    expect(parseNode({ ID: "b", Spec: { Availability: "drain" }, Status: { State: "ready" } }).usable).toBe(false);
    expect(parseNode({ ID: "c", Spec: { Availability: "active" }, Status: { State: "down" } }).usable).toBe(false);
  });
});

describe("node GPUs", () => {
  it("are the ids a node advertises as the configured kind, then KIND#n for a count without ids", () => {
    expect(gpuIdsOf(node("a", 2, 4, ["GPU-b", "GPU-a"]), "NVIDIA-GPU")).toEqual(["GPU-a", "GPU-b"]);
    expect(gpuIdsOf(node("a", 2, 4, ["GPU-a"]), "NVIDIA-H100")).toEqual([]);
    const counted = parseNode({
      ID: "c",
      Status: { State: "ready" },
      Description: { Resources: { NanoCPUs: 1e9, MemoryBytes: GiB, GenericResources: [{ NamedResourceSpec: { Kind: "gpu", Value: "u1" } }, { DiscreteResourceSpec: { Kind: "gpu", Value: 2 } }] } },
    });
    expect(gpuIdsOf(counted, "gpu")).toEqual(["u1", "gpu#2", "gpu#3"]);
  });
});

function request(over: Partial<AttemptRequest["resources"]> = {}, env: Record<string, string> = {}): AttemptRequest {
  return {
    runId: "run-1",
    callId: "call-align-0007",
    attempt: 2,
    dir: hostPath("/runs/r/call-align-0007/attempt-2"),
    workDir: hostPath("/runs/r/call-align-0007/attempt-2/work"),
    commandFile: hostPath("/runs/r/call-align-0007/attempt-2/command"),
    stdoutFile: hostPath("/runs/r/call-align-0007/attempt-2/stdout"),
    stderrFile: hostPath("/runs/r/call-align-0007/attempt-2/stderr"),
    layout: dockerLayout(
      {
        dir: hostPath("/runs/r/call-align-0007/attempt-2"),
        workDir: hostPath("/runs/r/call-align-0007/attempt-2/work"),
        commandFile: hostPath("/runs/r/call-align-0007/attempt-2/command"),
        stdoutFile: hostPath("/runs/r/call-align-0007/attempt-2/stdout"),
        stderrFile: hostPath("/runs/r/call-align-0007/attempt-2/stderr"),
      },
      [{ host: hostPath("/data/x.bam"), source: hostPath("/data/x.bam"), directory: false }],
    ),
    env,
    containers: ["ubuntu:latest"],
    resources: { cpu: 2, memoryBytes: 4 * GiB, gpuIds: [], fpga: 0, disks: [{ mountPoint: containerPath("/"), sizeBytes: GiB }, { mountPoint: containerPath("/scratch"), sizeBytes: GiB }], ...over },
  };
}

const OPTS: SpecOptions = {
  image: "sha256:abc",
  nodeId: "node-1",
  gpus: [],
  shell: "bash",
  owner: { uid: 1000, gid: 1000 },
  hardening: DEFAULT_HARDENING,
  cleanup: true,
  session: "s1",
  stopGraceSeconds: 2,
  suffix: "xyz123",
};

describe("service spec", () => {
  it("is a one-replica, restart-none service pinned to the node, with mounts, env, labels and reservations", () => {
    const s = serviceSpec(request({}, { A: "1" }), OPTS);
    expect(s.Name).toBe("wdlrun-call-align-0007-a2-xyz123");
    expect(s.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(s.TaskTemplate.RestartPolicy).toEqual({ Condition: "none", MaxAttempts: 0 });
    expect(s.TaskTemplate.Placement.Constraints).toEqual(["node.id==node-1"]);
    const c = s.TaskTemplate.ContainerSpec;
    expect(c.Image).toBe("sha256:abc");
    expect(c.Dir).toBe("/mnt/wdlrun/work");
    expect(c.Env).toEqual(["A=1"]);
    expect(c.Mounts).toEqual([
      { Type: "bind", Source: "/runs/r/call-align-0007/attempt-2/work", Target: "/mnt/wdlrun/work", ReadOnly: false },
      { Type: "bind", Source: "/runs/r/call-align-0007/attempt-2/command", Target: "/mnt/wdlrun/command", ReadOnly: true },
      { Type: "bind", Source: "/data/x.bam", Target: "/mnt/wdlrun/inputs/0/x.bam", ReadOnly: true },
      { Type: "bind", Source: "/runs/r/call-align-0007/attempt-2/stop", Target: "/mnt/wdlrun/stop", ReadOnly: true },
      { Type: "volume", Source: "", Target: "/scratch" },
    ]);
    expect(c.User).toBeUndefined();
    expect(c.CapabilityDrop).toEqual(["CAP_MKNOD"]);
    // The command's output stays on the container's stdout/stderr (collected through the logs API).
    expect(c.Args[0]).toContain("bash /mnt/wdlrun/command </dev/null &");
    expect(c.Args[0]).not.toContain("/mnt/wdlrun/stdout");
    expect(c.Args[0]).toContain("chown -R 1000:1000 '/mnt/wdlrun/work'");
    expect(c.StopGracePeriod).toBe(2e9);
    for (const labels of [s.Labels, c.Labels]) {
      expect(labels).toMatchObject({ [LABEL_RUN]: "run-1", [LABEL_CALL]: "call-align-0007", [LABEL_SESSION]: "s1" });
      expect(labels[LABEL_KEEP]).toBeUndefined();
    }
    expect(s.TaskTemplate.Resources).toEqual({ Reservations: { NanoCPUs: 2e9, MemoryBytes: 4 * GiB }, Limits: { Pids: 4096 } });
    expect(s.TaskTemplate.LogDriver.Name).toBe("json-file");
  });

  it("attaches a gang's rank to the gang's network with its host name as alias, in DNS round-robin mode; other attempts get neither", () => {
    const s = serviceSpec(request({}), { ...OPTS, suffix: "xyz123-r1", rank: { network: "net-1", host: "rank-1" } });
    expect(s.Name).toBe("wdlrun-call-align-0007-a2-xyz123-r1");
    expect(s.TaskTemplate.ContainerSpec.Hostname).toBe("rank-1");
    expect(s.TaskTemplate.Networks).toEqual([{ Target: "net-1", Aliases: ["rank-1"] }]);
    expect(s.EndpointSpec).toEqual({ Mode: "dnsrr" });
    const plain = serviceSpec(request({}), OPTS);
    expect([plain.TaskTemplate.ContainerSpec.Hostname, plain.TaskTemplate.Networks, plain.EndpointSpec]).toEqual([undefined, undefined, undefined]);
  });

  it("requests GPUs as generic resources, max_* as limits (reservations capped by them), and marks kept services", () => {
    const s = serviceSpec(request({ maxCpu: 1, maxMemoryBytes: 2 * GiB }), { ...OPTS, gpus: [{ kind: "NVIDIA-GPU", count: 2 }], cleanup: false });
    expect(s.TaskTemplate.Resources).toEqual({
      Reservations: { NanoCPUs: 1e9, MemoryBytes: 2 * GiB, GenericResources: [{ DiscreteResourceSpec: { Kind: "NVIDIA-GPU", Value: 2 } }] },
      Limits: { NanoCPUs: 1e9, MemoryBytes: 2 * GiB, Pids: 4096 },
    });
    expect(s.Labels[LABEL_KEEP]).toBe("1");
    // The GPU task waits for wdlrun's go-ahead, a file of its attempt directory, after reading its ids from swarm's variable.
    expect(s.TaskTemplate.ContainerSpec.Mounts).toContainEqual({ Type: "bind", Source: "/runs/r/call-align-0007/attempt-2/gpus", Target: "/mnt/wdlrun/gpus", ReadOnly: true });
    const script = s.TaskTemplate.ContainerSpec.Args[0]!;
    expect(script).toContain(`sed -n -e 's/^DOCKER_RESOURCE_NVIDIA-GPU=//p' | tr`);
    expect(script).toContain(`while [ ! -s '/mnt/wdlrun/gpus' ]; do`);
    expect(script.indexOf("export NVIDIA_VISIBLE_DEVICES")).toBeLessThan(script.indexOf("bash /mnt/wdlrun/command"));
    // GPUs of two kinds: so many of each, and the ids of both read back.
    const two = serviceSpec(request(), { ...OPTS, gpus: gpusByKind(["a", "h", "b"], (id) => (id === "h" ? "NVIDIA-H100" : "NVIDIA-GPU")) });
    expect(two.TaskTemplate.Resources.Reservations.GenericResources).toEqual([
      { DiscreteResourceSpec: { Kind: "NVIDIA-GPU", Value: 2 } },
      { DiscreteResourceSpec: { Kind: "NVIDIA-H100", Value: 1 } },
    ]);
    expect(two.TaskTemplate.ContainerSpec.Args[0]).toContain(`sed -n -e 's/^DOCKER_RESOURCE_NVIDIA-GPU=//p' -e 's/^DOCKER_RESOURCE_NVIDIA-H100=//p' | tr`);
    // Without GPUs: neither.
    const plain = serviceSpec(request(), OPTS);
    expect(plain.TaskTemplate.ContainerSpec.Args[0]).not.toContain("NVIDIA_VISIBLE_DEVICES");
    expect(plain.TaskTemplate.ContainerSpec.Mounts.some((m) => m.Target === "/mnt/wdlrun/gpus")).toBe(false);
  });

  it("mounts a tmpfs of the shm_size hint's size at /dev/shm", () => {
    const s = serviceSpec(request({ shmSizeBytes: 8 * GiB }), OPTS);
    expect(s.TaskTemplate.ContainerSpec.Mounts).toContainEqual({ Type: "tmpfs", Source: "", Target: "/dev/shm", TmpfsOptions: { SizeBytes: 8 * GiB } });
    expect(serviceSpec(request({}), OPTS).TaskTemplate.ContainerSpec.Mounts.some((m) => m.Target === "/dev/shm")).toBe(false);
  });

  it("makes names DNS-safe and at most 63 characters", () => {
    expect(serviceName("call-Sub.Wf_x--0001", 1, "abc123")).toBe("wdlrun-call-sub-wf-x-0001-a1-abc123");
    const long = serviceName(`call-${"very-long-name-".repeat(10)}0001`, 12, "abc123");
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^wdlrun-[a-z0-9-]*[a-z0-9]-a12-abc123$/);
  });
});

describe("task status", () => {
  it("tells waiting, unschedulable, exited and failed tasks apart", () => {
    expect(taskOutcome({ Status: { State: "running" } })).toEqual({ kind: "waiting", state: "running" });
    expect(taskOutcome({ Status: { State: "pending", Err: "no suitable node (insufficient resources on 1 node)" } })).toEqual({
      kind: "unschedulable",
      reason: "no suitable node (insufficient resources on 1 node)",
    });
    expect(taskOutcome({ Status: { State: "complete", ContainerStatus: { ContainerID: "c1", ExitCode: 0 } } })).toEqual({ kind: "exited", exitCode: 0, containerId: "c1" });
    expect(taskOutcome({ Status: { State: "failed", Err: "task: non-zero exit (3)", ContainerStatus: { ContainerID: "c2", ExitCode: 3 } } })).toEqual({
      kind: "exited",
      exitCode: 3,
      containerId: "c2",
    });
    expect(taskOutcome({ Status: { State: "rejected", Err: "No such image: x:1" } })).toEqual({ kind: "failed", state: "rejected", err: "No such image: x:1" });
    expect(taskOutcome({ Status: { State: "failed", Err: "starting container failed: boom", ContainerStatus: { ExitCode: 128 } } }).kind).toBe("failed");
  });

  it("explains the failures a user can act on", () => {
    const c = { callId: "call-a", node: "node7", image: "x:1" };
    expect(explainFailure({ state: "rejected", err: "No such image: x:1" }, c)).toMatch(/image x:1 is not in the Docker Engine of swarm node node7 .*load it on every node/);
    expect(explainFailure({ state: "rejected", err: 'invalid mount config for type "bind": bind source path does not exist: /runs/r/work' }, c)).toMatch(
      /\/runs\/r\/work does not exist on swarm node node7: .*same path on every node/,
    );
    expect(explainFailure({ state: "rejected", err: "could not select device driver \"\" with capabilities: [[gpu]]" }, c)).toMatch(/swarm-resource in \/etc\/nvidia-container-runtime\/config.toml/);
    expect(explainFailure({ state: "orphaned", err: "node down" }, c)).toMatch(/became unavailable/);
    const vxlan = 'network sandbox join failed: subnet sandbox join failed for "10.0.1.0/24": error creating vxlan interface: file exists';
    expect(explainFailure({ state: "rejected", err: vxlan }, c)).toMatch(/^cannot start a rank of call-a on swarm node node7: the gang's overlay network could not join it \(.*\); this happens when swarm nodes share one kernel/);
  });
});

describe("log frames", () => {
  /** A multiplexed stream of (stream, text) frames. */
  function frames(...parts: [number, string][]): Buffer {
    return Buffer.concat(
      parts.map(([s, t]) => {
        const payload = Buffer.from(t);
        const h = Buffer.alloc(8);
        h.writeUInt8(s, 0);
        h.writeUInt32BE(payload.length, 4);
        return Buffer.concat([h, payload]);
      }),
    );
  }

  it("splits stdout and stderr exactly whatever the chunk boundaries", () => {
    const all = frames([1, "hello\n"], [2, "err"], [1, ""], [1, "x".repeat(1000)], [2, "\n"], [1, "tail"]);
    for (const size of [1, 3, 7, 8, 9, 64, all.length]) {
      const d = new FrameDemuxer();
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      for (let i = 0; i < all.length; i += size) for (const p of d.push(all.subarray(i, i + size))) (p.stream === 1 ? out : err).push(Buffer.from(p.data));
      expect(Buffer.concat(out).toString()).toBe(`hello\n${"x".repeat(1000)}tail`);
      expect(Buffer.concat(err).toString()).toBe("err\n");
      expect(d.atBoundary).toBe(true);
    }
  });

  it("marks the first piece of each frame and notices a truncated stream", () => {
    const d = new FrameDemuxer();
    const all = frames([1, "Error grabbing logs: boom\n"]);
    const pieces = [...d.push(all.subarray(0, 12)), ...d.push(all.subarray(12))];
    expect(pieces.map((p) => [p.first, p.frameLength])).toEqual([
      [true, 26],
      [false, 26],
    ]);
    const t = new FrameDemuxer();
    t.push(all.subarray(0, 5));
    expect(t.atBoundary).toBe(false);
  });
});

describe("helpers", () => {
  it("picks the newest task of each service", () => {
    const m = newestByService([
      { ServiceID: "s1", ID: "old", CreatedAt: "2026-01-01T00:00:00.1Z" },
      { ServiceID: "s1", ID: "new", CreatedAt: "2026-01-01T00:00:01.1Z" },
      { ServiceID: "s2", ID: "only", CreatedAt: "2026-01-01T00:00:00.1Z" },
      { ID: "orphan" },
    ]);
    expect([...m].map(([s, t]) => [s, t.ID])).toEqual([
      ["s1", "new"],
      ["s2", "only"],
    ]);
  });

  it("finds the registry digest of an image name", () => {
    const digests = ["ubuntu@sha256:aaa", "quay.io/ubuntu@sha256:bbb"];
    expect(repoDigest("ubuntu:latest", digests)).toBe("ubuntu@sha256:aaa");
    expect(repoDigest("docker.io/library/ubuntu:22.04", digests)).toBe("ubuntu@sha256:aaa");
    expect(repoDigest("quay.io/ubuntu:focal", digests)).toBe("quay.io/ubuntu@sha256:bbb");
    expect(repoDigest("localhost:5000/tool", ["localhost:5000/tool@sha256:ccc"])).toBe("localhost:5000/tool@sha256:ccc");
    expect(repoDigest("debian:bookworm", digests)).toBeUndefined();
  });
});

describe("a swarm without a leader", () => {
  const answer = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode, json: { message } });
  const noLeader = answer(503, "rpc error: code = Unknown desc = The swarm does not have a leader. It's possible that too few managers are online.");
  const worker = answer(503, "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state.");

  it("is told apart from no swarm by the engine's message", () => {
    expect(isNoLeader(noLeader)).toBe(true);
    expect(isNotAManager(noLeader)).toBe(false);
    expect(isNotAManager(worker)).toBe(true);
    expect(isNoLeader(worker)).toBe(false);
    expect(isNotAManager(answer(404, "page not found"))).toBe(true);
  });

  it("is waited for, then named with what the engine said", async () => {
    let calls = 0;
    expect(await withLeader("unix:///s", "listing", async () => (++calls < 3 ? Promise.reject(noLeader) : "ok"), 5_000)).toBe("ok");
    const err = await withLeader("unix:///s", "listing wdlrun services", () => Promise.reject(noLeader), 600).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwarmNoLeaderError);
    expect((err as Error).message).toMatch(/^listing wdlrun services: the swarm of the engine at unix:\/\/\/s has had no leader for 1 s \(engine says: rpc error.*\); more than half of its managers must be online/);
    await expect(withLeader("unix:///s", "listing", () => Promise.reject(worker), 5_000)).rejects.toBe(worker);
  });
});
