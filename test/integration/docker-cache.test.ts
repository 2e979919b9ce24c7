/**
 * The call cache through `wdlrun run --backend docker --cache` against a
 * real engine: a second run reuses every call (outputs linked into its own
 * run directory); retagging the task's image to other content (`docker tag`
 * of a different image under the same name) is a miss that reruns in the
 * new image, and `cache explain` names the image; the image is inspected
 * through the engine, not keyed on its name.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { connect, sweepContainers } from "../../src/backends/engine/index.js";
import { cacheExplainCommand } from "../../src/cli/cache.js";
import { runCommand } from "../../src/cli/run.js";
import { dockerHost, dockerSkipReason, tempDir } from "./kit.js";

const skip = dockerSkipReason();

/** A tag only this test file uses. */
const TAG = { repo: "wdlrun-cache-test", tag: `it-${process.pid}` };
const IMAGE = `${TAG.repo}:${TAG.tag}`;

/** Points IMAGE at `source` (what `docker tag SOURCE IMAGE` does). */
async function tagImage(source: string): Promise<void> {
  await connect(dockerHost()).getImage(source).tag(TAG);
}

const WDL = `version 1.1
task release {
  input { Int i  File f }
  command <<<
    . /etc/lsb-release
    echo "$DISTRIB_RELEASE ~{i}" > out.txt
    cat ~{f} >> out.txt
  >>>
  output { File out = "out.txt"  String first = read_lines("out.txt")[0] }
  runtime { docker: "${IMAGE}" }
}
workflow w {
  input { File f }
  scatter (i in range(3)) { call release { input: i = i, f = f } }
  output { Array[String] firsts = release.first  Array[File] outs = release.out }
}
`;

describe.skipIf(skip !== "")(`wdlrun run --backend docker --cache${skip ? ` (${skip})` : ""}`, () => {
  const dir = tempDir("wdlrun-cache-it-");
  const file = path.join(dir, "main.wdl");
  const input = path.join(dir, "f.txt");
  const config = path.join(dir, "wdlrun.toml");
  writeFileSync(file, WDL);
  writeFileSync(input, "from the host\n");
  writeFileSync(config, `[cache]\nenabled = true\ndir = "${path.join(dir, "cache")}"\n`);
  const runs: string[] = [];

  async function run() {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = dockerHost();
    let stdout = "";
    let stderr = "";
    try {
      const code = await runCommand(file, [`w.f=${input}`], { backend: "docker", out: path.join(dir, "runs"), config }, {
        stdout: { write: (t) => void (stdout += t) },
        stderr: { write: (t) => void (stderr += t), isTTY: false },
      });
      const runDir = /run directory: (\S+)/.exec(stderr)?.[1] ?? "";
      runs.push(path.basename(runDir));
      const cached = [...stderr.matchAll(/\] (\S+): cached \(result of /g)].map((m) => m[1]!).sort();
      return { code, stderr, runDir, cached, outputs: stdout ? (JSON.parse(stdout) as Record<string, unknown>) : {} };
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  }

  afterEach(async () => {
    for (const runId of runs.splice(0)) await sweepContainers(connect(dockerHost()), dockerHost(), { runId, all: true });
  });
  afterAll(async () => {
    await connect(dockerHost()).getImage(IMAGE).remove().catch(() => undefined);
  });

  it("reuses every call on a second run, and reruns them all in the new image once the tag names other content", async () => {
    await tagImage("wdlrun/test-ubuntu:focal-v2");
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    expect(first.cached).toEqual([]);
    expect(first.outputs["w.firsts"]).toEqual(["20.04 0", "20.04 1", "20.04 2"]);

    const second = await run();
    expect(second.code, second.stderr).toBe(0);
    expect(second.cached).toEqual(["call-release-0000", "call-release-0001", "call-release-0002"]);
    expect(second.stderr).not.toMatch(/attempt 1 started/);
    expect(second.outputs["w.firsts"]).toEqual(first.outputs["w.firsts"]);
    const outs = second.outputs["w.outs"] as string[];
    expect(outs[1]!.startsWith(second.runDir + "/")).toBe(true);
    expect(readFileSync(outs[1]!, "utf8")).toBe("20.04 1\nfrom the host\n");

    // Same name, other content: every call misses and runs in the image the tag names now.
    await tagImage("wdlrun/test-ubuntu:jammy-v2");
    const retagged = await run();
    expect(retagged.code, retagged.stderr).toBe(0);
    expect(retagged.cached).toEqual([]);
    expect(retagged.outputs["w.firsts"]).toEqual(["22.04 0", "22.04 1", "22.04 2"]);
    const lines: string[] = [];
    expect(await cacheExplainCommand(retagged.runDir, "call-release-0002", { dir: path.join(dir, "cache") }, (l) => lines.push(l))).toBe(0);
    const text = lines.join("\n");
    expect(text).toMatch(/call-release-0002: miss/);
    expect(text).toMatch(new RegExp(`image ${IMAGE.replace(/[.:]/g, "\\$&")} = sha256:[0-9a-f]+ → ${IMAGE.replace(/[.:]/g, "\\$&")} = sha256:[0-9a-f]+`));
    expect(text).not.toMatch(/input|definition/);

    // Back to the first content: the first run's entries serve again.
    await tagImage("wdlrun/test-ubuntu:focal-v2");
    const back = await run();
    expect(back.cached).toHaveLength(3);
    expect(back.outputs["w.firsts"]).toEqual(first.outputs["w.firsts"]);
  });
});
