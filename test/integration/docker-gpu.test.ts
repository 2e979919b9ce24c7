/**
 * GPUs on one Docker Engine, from the CLI (`wdlrun run --backend docker`),
 * against the GPU test engine (scripts/setup-gpu-engine.sh: a dockerd with a
 * stand-in NVIDIA hook, so device requests are carried out and the container
 * gets NVIDIA_VISIBLE_DEVICES, and a stand-in nvidia-smi on wdlrun's PATH
 * listing four GPUs): the ids a task sees are the ones it was given, tasks
 * overlapping in time never share a GPU, and a task asking more than exists
 * is refused before anything runs. The `gpu` hint's model (`"H100"`,
 * `"A100-80GB"`) is matched against the names and memory nvidia-smi reports.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gpuEngine, gpuHookLines, maxOverlap, runWdl, tempDir } from "./kit.js";

const engine = gpuEngine();
const skip = engine.skipReason;

/** The four GPUs of the stand-in's default inventory, by UUID. */
const ALL = [0, 1, 2, 3].map((i) => `GPU-7d1f0e2a-0000-4000-8000-0000000000a${i}`);

/** `wdlrun run --backend docker` against the GPU test engine, with the stand-in nvidia-smi first on PATH. */
function run(wdl: string, args: string[] = [], env: Record<string, string> = {}) {
  return runWdl(wdl, args, {
    backend: "docker",
    host: engine.host,
    // Enough CPUs and memory that only the GPUs limit how many tasks run at once.
    env: { PATH: `${engine.bin}:${process.env.PATH ?? ""}`, WDLRUN_RESOURCES_CPU: "32", WDLRUN_RESOURCES_MEMORY: "64 GiB", ...env },
  });
}

describe.skipIf(skip !== "")(`GPUs on one Docker Engine${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("gives the command exactly its devices: NVIDIA_VISIBLE_DEVICES inside is task.gpu, and the device request reached the runtime", async () => {
    const hooked = (line: string) => gpuHookLines(engine).filter((l) => l === line).length;
    const before = new Map(ALL.flatMap((a) => ALL.map((b) => `NVIDIA_VISIBLE_DEVICES=${a},${b}`)).map((l) => [l, hooked(l)]));
    const r = await run(`version 1.2
task two {
  command <<<
    echo "$NVIDIA_VISIBLE_DEVICES" > seen
    echo "~{sep(",", task.gpu)}" > given
  >>>
  requirements { container: "ubuntu:latest" gpu: true }
  hints { gpu: 2 }
  output { String seen = read_string("seen") String given = read_string("given") Array[String] ids = task.gpu }
}
`);
    expect(r.code, r.stderr).toBe(0);
    const ids = r.outputs["two.ids"] as string[];
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(ALL).toContain(id);
    expect(new Set(ids).size).toBe(2);
    expect(r.outputs["two.seen"]).toBe(ids.join(","));
    expect(r.outputs["two.given"]).toBe(ids.join(","));
    // The stand-in hook runs only for a container with a device request, and logs what it asked for.
    const line = `NVIDIA_VISIBLE_DEVICES=${ids.join(",")}`;
    expect(hooked(line)).toBeGreaterThan(before.get(line) ?? 0);
  });

  it("never lets tasks overlapping in time share a GPU, and runs at most as many as there are GPUs", async () => {
    const r = await run(`version 1.2
task one {
  input { Int i }
  command <<<
    start=$(date +%s.%N)
    sleep 2
    echo "$start $(date +%s.%N) $NVIDIA_VISIBLE_DEVICES ~{sep(",", task.gpu)}" > span
  >>>
  requirements { container: "ubuntu:latest" gpu: true }
  output { String span = read_string("span") }
}
workflow w {
  scatter (i in range(9)) { call one { input: i = i } }
  output { Array[String] spans = one.span }
}
`);
    expect(r.code, r.stderr).toBe(0);
    const spans = (r.outputs["w.spans"] as string[]).map((line) => {
      const [start, end, seen, given] = line.split(" ");
      return { start: Number(start), end: Number(end), seen: seen!, given: given! };
    });
    expect(spans).toHaveLength(9);
    for (const s of spans) {
      expect(ALL).toContain(s.seen);
      expect(s.given).toBe(s.seen);
    }
    for (let a = 0; a < spans.length; a++)
      for (let b = a + 1; b < spans.length; b++) {
        const [p, q] = [spans[a]!, spans[b]!];
        if (p.start < q.end && q.start < p.end) expect(p.seen, `tasks ${a} and ${b} overlap in time`).not.toBe(q.seen);
      }
    const most = maxOverlap(spans);
    expect(most).toBeLessThanOrEqual(4);
    expect(most).toBeGreaterThanOrEqual(2); // they did run side by side
  });

  it("refuses a task asking more GPUs than exist before anything runs, saying what exists", async () => {
    const r = await run(`version 1.2
task greedy {
  command <<< echo ran >>>
  requirements { container: "ubuntu:latest" gpu: true }
  hints { gpu: 5 }
}
`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing was run/);
    expect(r.stderr).toMatch(/needs 5 GPUs but the backend has 4/);
    for (const id of ALL) expect(r.stderr).toContain(id);
    expect(r.runDir).toBe("");
  });

  it("detects no GPUs when nvidia-smi lists none, and says so", async () => {
    const empty = path.join(tempDir("wdlrun-gpus-"), "none.csv");
    writeFileSync(empty, "");
    const r = await run(
      `version 1.2
task one {
  command <<< echo ran >>>
  requirements { container: "ubuntu:latest" gpu: true }
}
`,
      [],
      { WDLRUN_FAKE_GPUS_FILE: empty },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs 1 GPU but the backend has none/);
  });

  it("gives a task naming a model only GPUs of that model, memory included", async () => {
    const r = await run(`version 1.2
task pick {
  input { String model }
  command <<< echo "$NVIDIA_VISIBLE_DEVICES" > seen >>>
  requirements { container: "ubuntu:latest" gpu: true }
  hints { gpu: model }
  output { String seen = read_string("seen") Array[String] ids = task.gpu }
}
workflow w {
  scatter (m in ["H100", "H100", "H100", "A100-80GB", "A100-40GB", "a100"]) { call pick { input: model = m } }
  output { Array[String] seen = pick.seen }
}
`);
    expect(r.code, r.stderr).toBe(0);
    const [h1, h2, h3, a80, a40, any100] = r.outputs["w.seen"] as string[];
    for (const h of [h1, h2, h3]) expect([ALL[0], ALL[1]]).toContain(h);
    expect(a80).toBe(ALL[2]);
    // 40 GB asks at least 40 GB: the 80 GB A100 is one too.
    expect([ALL[2], ALL[3]]).toContain(a40);
    expect([ALL[2], ALL[3]]).toContain(any100);
  });

  it("refuses a model that is not there before anything runs, listing the GPUs with their names", async () => {
    const r = await run(`version 1.2
task old {
  command <<< echo ran >>>
  requirements { container: "ubuntu:latest" gpu: true }
  hints { gpu: "V100" }
}
`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing was run/);
    expect(r.stderr).toMatch(/needs 1 GPU "V100" but the backend has none of that model; its 4 GPUs: GPU-\S+ \(NVIDIA H100 80GB HBM3, 79\.6 GiB\)/);
    expect(r.stderr).toContain(`${ALL[3]} (NVIDIA A100-SXM4-40GB, 40 GiB)`);
    expect(r.runDir).toBe("");
  });

  it("gives each rank of a gang its own GPUs: distinct devices per rank, task.gpu every rank's in rank order", async () => {
    const r = await run(`version 1.2
task gang {
  command <<<
    echo "$NVIDIA_VISIBLE_DEVICES" > "seen-$RANK"
    echo "~{sep(",", task.gpu)}" > "given-$RANK"
  >>>
  requirements { container: "ubuntu:latest" gpu: true }
  hints { gpu: 2 nodes: 2 }
  output { String seen0 = read_string("seen-0") String seen1 = read_string("seen-1") String given = read_string("given-1") }
}
`);
    expect(r.code, r.stderr).toBe(0);
    const [seen0, seen1] = [r.outputs["gang.seen0"] as string, r.outputs["gang.seen1"] as string].map((s) => s.split(","));
    expect(seen0).toHaveLength(2);
    expect(seen1).toHaveLength(2);
    expect(new Set([...seen0!, ...seen1!]).size).toBe(4);
    for (const id of [...seen0!, ...seen1!]) expect(ALL).toContain(id);
    expect(r.outputs["gang.given"]).toBe([...seen0!, ...seen1!].join(","));
  });

  it("refuses a gang whose ranks together ask more GPUs than exist, before anything runs", async () => {
    const r = await run(`version 1.2
task gang {
  command <<< echo ran >>>
  requirements { container: "ubuntu:latest" gpu: true }
  hints { gpu: 2 nodes: 3 }
}
`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing was run/);
    expect(r.stderr).toMatch(/gang \(task gang\) runs 3 ranks \(hints\.nodes\), on one machine, and all together needs 6 GPUs but the backend has 4/);
    expect(r.runDir).toBe("");
  });
});
