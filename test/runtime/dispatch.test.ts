import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LocalBackend } from "../../src/backends/local/local-backend.js";
import { runDocument } from "../../src/runtime/engine.js";
import { describeEvent, type RunEvent } from "../../src/runtime/events.js";

/** Runs a document with the local backend, recording run events. */
async function run(
  wdl: string,
  inputs: Record<string, unknown> = {},
  keepGoing = false,
  backend = new LocalBackend({ cpu: 8, memoryBytes: 8 * 1024 ** 3, notice: () => undefined }),
  tryWithMax = false,
) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "wdlrun-dispatch-"));
  await writeFile(path.join(dir, "main.wdl"), wdl);
  const events: string[] = [];
  const outcome = await runDocument({
    file: path.join(dir, "main.wdl"),
    inputs: { json: inputs, baseDir: dir, origin: "test" },
    out: path.join(dir, "runs"),
    keepGoing,
    tryWithMax,
    backend,
    observer: (e: RunEvent) => {
      if (e.kind === "notice") events.push(`notice ${e.message}`);
      if (e.kind === "attempt-started") events.push(`start ${e.callId}`);
      if (e.kind === "attempt-finished") events.push(`end ${e.callId}`);
      if (e.kind === "call-stopped") events.push(`stopped ${e.callId} ${e.started ? "after" : "before"} starting`);
      if (e.kind === "run-finished") events.push(describeEvent(e)!.replace(/ after .*/, ""));
    },
  });
  return { outcome, events };
}

const TASKS = `
task sleepy {
  input {
    Float seconds
  }
  command <<<
    sleep ~{seconds}
    echo ~{seconds}
  >>>
  output {
    Float out = read_float(stdout())
  }
  requirements {
    cpu: 1
    memory: "16 MiB"
  }
}
`;

describe("dispatch on readiness", () => {
  it("starts a node inside a scatter without waiting for an outer node it does not need", async () => {
    const { outcome, events } = await run(`version 1.2
${TASKS}
workflow w {
  call sleepy as slow { seconds = 1.5 }
  scatter (i in [1, 2]) {
    call sleepy as quick { seconds = 0.01 }
    call sleepy as needs_slow { seconds = slow.out / 100 }
  }
  output {
    Array[Float] q = quick.out
    Array[Float] n = needs_slow.out
  }
}
`);
    expect(outcome.kind).toBe("succeeded");
    expect(events.indexOf("start call-quick-0000")).toBeLessThan(events.indexOf("end call-slow"));
    expect(events.indexOf("start call-quick-0001")).toBeLessThan(events.indexOf("end call-slow"));
    expect(events.indexOf("start call-needs_slow-0000")).toBeGreaterThan(events.indexOf("end call-slow"));
    if (outcome.kind === "succeeded") expect(outcome.outputs).toEqual({ "w.q": [0.01, 0.01], "w.n": [0.015, 0.015] });
  });

  it("inside a scatter, element i of a call waits only for element i of the call it uses; outside, for the whole array", async () => {
    const { outcome, events } = await run(`version 1.2
${TASKS}
workflow w {
  scatter (s in [1.5, 0.01]) {
    call sleepy as a { seconds = s }
    Float shorter = a.out / 100
    call sleepy as b { seconds = shorter }
  }
  call sleepy as after_all { seconds = length(b.out) / 1000 }
  output {
    Array[Float] bs = b.out
  }
}
`);
    expect(outcome.kind).toBe("succeeded");
    const at = (e: string) => {
      expect(events).toContain(e);
      return events.indexOf(e);
    };
    expect(at("start call-b-0001")).toBeGreaterThan(at("end call-a-0001"));
    expect(at("end call-b-0001")).toBeLessThan(at("end call-a-0000"));
    expect(at("start call-b-0000")).toBeGreaterThan(at("end call-a-0000"));
    expect(at("start call-after_all")).toBeGreaterThan(Math.max(at("end call-b-0000"), at("end call-b-0001")));
    if (outcome.kind === "succeeded") expect(outcome.outputs).toEqual({ "w.bs": [0.015, 0.0001] });
  });

  it("honours `after`: a call waits for the calls it names even without using their outputs", async () => {
    const { outcome, events } = await run(`version 1.2
${TASKS}
workflow w {
  call sleepy as first { seconds = 0.3 }
  call sleepy as second after first { seconds = 0.01 }
  call sleepy as free { seconds = 0.01 }
}
`);
    expect(outcome.kind).toBe("succeeded");
    expect(events.indexOf("start call-second")).toBeGreaterThan(events.indexOf("end call-first"));
    expect(events.indexOf("start call-free")).toBeLessThan(events.indexOf("end call-first"));
  });

  it("waits, inside a nested body, for a value gathered from a sibling scatter", async () => {
    const { outcome } = await run(`version 1.2
${TASKS}
workflow w {
  scatter (s in [0.2, 0.1]) {
    call sleepy as first { seconds = s }
  }
  if (true) {
    scatter (j in [0, 1]) {
      Float got = first.out[j]
    }
  }
  output {
    Array[Float]? got_all = got
  }
}
`);
    expect(outcome.kind === "succeeded" && outcome.outputs).toEqual({ "w.got_all": [0.2, 0.1] });
  });

  it("with keep-going, an inner node whose outer dependency failed is skipped and the run fails", async () => {
    const { outcome, events } = await run(
      `version 1.2
${TASKS}
task boom {
  command <<< exit 1 >>>
  output {
    Int x = 1
  }
}
workflow w {
  call boom
  scatter (i in [1]) {
    call sleepy as free { seconds = 0.01 }
    call sleepy as blocked { seconds = boom.x }
  }
}
`,
      {},
      true,
    );
    expect(outcome.kind).toBe("failed");
    expect(events).toContain("end call-free-0000");
    expect(events.some((e) => e.includes("blocked"))).toBe(false);
  });
});

describe("resource-bounded concurrency", () => {
  it("never runs more attempts than the CPUs allow, and gives each GPU id to one attempt at a time", async () => {
    const backend = new LocalBackend({ cpu: 2, memoryBytes: 8 * 1024 ** 3, gpuIds: ["gpu-a", "gpu-b"], notice: () => undefined });
    const { outcome, events } = await run(
      `version 1.2
task use_gpu {
  command <<<
    echo "$CUDA_VISIBLE_DEVICES"
    sleep 0.2
  >>>
  output {
    String env_id = read_string(stdout())
    Array[String] task_ids = task.gpu
  }
  requirements {
    gpu: true
    cpu: 1
    memory: "16 MiB"
  }
}
workflow w {
  scatter (i in range(6)) {
    call use_gpu
  }
  output {
    Array[String] ids = use_gpu.env_id
    Array[Array[String]] task_ids = use_gpu.task_ids
  }
}
`,
      {},
      false,
      backend,
    );
    expect(outcome.kind).toBe("succeeded");
    let running = 0;
    let peak = 0;
    for (const e of events) {
      if (e.startsWith("start ")) peak = Math.max(peak, ++running);
      if (e.startsWith("end ")) running--;
    }
    expect(peak).toBe(2);
    if (outcome.kind !== "succeeded") return;
    const ids = outcome.outputs["w.ids"] as string[];
    expect(new Set(ids)).toEqual(new Set(["gpu-a", "gpu-b"]));
    expect((outcome.outputs["w.task_ids"] as string[][]).map((t) => t[0])).toEqual(ids);
  });

  it("after a failure, calls still waiting for resources are stopped before they start", async () => {
    const backend = new LocalBackend({ cpu: 1, memoryBytes: 8 * 1024 ** 3, notice: () => undefined });
    const { outcome, events } = await run(
      `version 1.2
task boom {
  command <<<
    sleep 0.2
    exit 1
  >>>
  requirements {
    cpu: 1
    memory: "16 MiB"
  }
}
workflow w {
  scatter (i in range(3)) {
    call boom
  }
}
`,
      {},
      false,
      backend,
    );
    expect(outcome.kind).toBe("failed");
    expect(events.filter((e) => e.startsWith("start "))).toHaveLength(1);
    expect(events.filter((e) => e.startsWith("stopped "))).toEqual([
      expect.stringMatching(/^stopped call-boom-000\d before starting$/),
      expect.stringMatching(/^stopped call-boom-000\d before starting$/),
    ]);
    expect(events[events.length - 1]).toBe("run failed");
  });

  it("clamps a request above the capacity when try_with_max is set, with a notice", async () => {
    const backend = new LocalBackend({ cpu: 1, memoryBytes: 1024 ** 3, notice: () => undefined });
    const wdl = `version 1.2
task big {
  command <<< echo ok >>>
  output {
    Float cpu = task.cpu
    Int memory = task.memory
  }
  requirements {
    cpu: 4
    memory: "64 GiB"
  }
}
`;
    const refused = await run(wdl, {}, false, backend);
    expect(refused.outcome.kind).toBe("unsatisfiable");
    const clamped = await run(wdl, {}, false, new LocalBackend({ cpu: 1, memoryBytes: 1024 ** 3, notice: () => undefined }), true);
    expect(clamped.outcome.kind === "succeeded" && clamped.outcome.outputs).toEqual({ "big.cpu": 1, "big.memory": 1024 ** 3 });
    expect(clamped.events).toContainEqual(expect.stringMatching(/notice call-big: resources clamped/));
  });
});
