/**
 * The runtime's side of placing attempts on a backend with nodes (what the
 * swarm backend relies on), with the local backend underneath: each attempt
 * carries the node the pool chose; the GPU ids a backend reports at start
 * (`onStart`) are the ones the command's `task.gpu` and the outputs see, and
 * the attempt is reported started then; an attempt whose node was lost
 * (NodeLostError) is retried on another node under max_retries, and nothing
 * more goes to the lost node.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NodeLostError, type AttemptRequest, type AttemptResult, type Capacity } from "../../src/backends/backend.js";
import { LocalBackend } from "../../src/backends/local/local-backend.js";
import { runDocument } from "../../src/runtime/engine.js";
import type { RunEvent } from "../../src/runtime/events.js";

const GiB = 1024 ** 3;

/** Two nodes, "n1" (the engine's own, one GPU) and "n2" (one GPU). */
const NODES: Capacity = {
  cpu: 4,
  memoryBytes: 4 * GiB,
  gpuIds: ["slot-a", "slot-b"],
  nodes: [
    { id: "n1", name: "one", cpu: 2, memoryBytes: 2 * GiB, gpuIds: ["slot-a"], local: true },
    { id: "n2", name: "two", cpu: 2, memoryBytes: 2 * GiB, gpuIds: ["slot-b"] },
  ],
};

/** The local backend behind a capacity with nodes; `before` runs first in every execute. */
class NodeBackend extends LocalBackend {
  readonly seen: { node: string | undefined; gpuIds: readonly string[] }[] = [];
  constructor(private readonly before: (request: AttemptRequest) => Promise<void>) {
    super({ notice: () => undefined });
  }
  override capacity(): Promise<Capacity> {
    return Promise.resolve(NODES);
  }
  override async execute(request: AttemptRequest, signal: AbortSignal): Promise<AttemptResult> {
    this.seen.push({ node: request.resources.node, gpuIds: request.resources.gpuIds });
    await this.before(request);
    return super.execute(request, signal);
  }
}

async function run(wdl: string, backend: LocalBackend, events: RunEvent[] = []) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "wdlrun-placement-"));
  await writeFile(path.join(dir, "main.wdl"), wdl);
  const outcome = await runDocument({
    file: path.join(dir, "main.wdl"),
    inputs: { json: {}, baseDir: dir, origin: "test" },
    out: path.join(dir, "runs"),
    backend,
    observer: (e) => events.push(e),
  });
  return { outcome, events };
}

const GPU_TASK = `version 1.2
task g {
  command <<<
    echo "~{sep(",", task.gpu)}"
  >>>
  output {
    String seen = read_string(stdout())
    Array[String] after = task.gpu
  }
  requirements { cpu: 1 memory: "16 MiB" gpu: true max_retries: 1 }
}
`;

describe("placing attempts on nodes", () => {
  it("renders the command again with the GPU ids the backend reports at start, and reports the attempt started only then", async () => {
    let startedBefore = true;
    const events: RunEvent[] = [];
    const backend = new NodeBackend(async (request) => {
      startedBefore = events.some((e) => e.kind === "attempt-started");
      await request.onStart!({ gpuIds: ["GPU-real-7"] });
    });
    const { outcome } = await run(`${GPU_TASK}\nworkflow w { call g output { String seen = g.seen  Array[String] after = g.after } }\n`, backend, events);
    expect(outcome.kind, JSON.stringify(outcome)).toBe("succeeded");
    expect(startedBefore).toBe(false);
    expect(backend.seen).toEqual([{ node: "n1", gpuIds: ["slot-a"] }]);
    if (outcome.kind !== "succeeded") return;
    expect(outcome.outputs).toMatchObject({ "w.seen": "GPU-real-7", "w.after": ["GPU-real-7"] });
    const started = events.find((e) => e.kind === "attempt-started");
    expect(started).toMatchObject({ resources: { gpuIds: ["GPU-real-7"], node: "n1" } });
  });

  it("retries an attempt whose node was lost on another node, and places nothing more on the lost one", async () => {
    const backend = new NodeBackend(async (request) => {
      if (request.resources.node === "n1") throw new NodeLostError("n1", `${request.callId}: swarm node one (n1) went down while the attempt was on it`);
    });
    const { outcome, events } = await run(
      `${GPU_TASK}
workflow w {
  call g as first
  call g as second
  output { String a = first.seen  String b = second.seen }
}
`,
      backend,
    );
    expect(outcome.kind, JSON.stringify(outcome)).toBe("succeeded");
    // One call went to n1 (the engine's own, preferred) and was lost there; its retry went to n2 although n1
    // had room again, after the other call (on n2 from the start) was done.
    expect(backend.seen.filter((s) => s.node === "n1")).toEqual([{ node: "n1", gpuIds: ["slot-a"] }]);
    expect(backend.seen.filter((s) => s.node === "n2")).toEqual([
      { node: "n2", gpuIds: ["slot-b"] },
      { node: "n2", gpuIds: ["slot-b"] },
    ]);
    const finished = events.filter((e) => e.kind === "attempt-finished");
    expect(finished.filter((e) => e.exitCode === undefined)).toHaveLength(1);
  });

  it("fails the call when its retries are used up by lost nodes, saying the node went down", async () => {
    const backend = new NodeBackend(async (request) => {
      throw new NodeLostError(request.resources.node!, `${request.callId}: swarm node ${request.resources.node} went down while the attempt was on it`);
    });
    const { outcome } = await run(`${GPU_TASK}\nworkflow w { call g }\n`, backend);
    expect(outcome.kind).toBe("failed");
    expect(JSON.stringify(outcome)).toMatch(/swarm node n2 went down while the attempt was on it \(attempt 2\)/);
    expect(backend.seen.map((s) => s.node)).toEqual(["n1", "n2"]);
  });
});
