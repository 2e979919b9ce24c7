/**
 * On a real Docker Engine, from the CLI: a task output that is a symlink its
 * command made to a localized input or to another call's output comes back
 * under the link's own name (file2.txt), and the returned path opens on the host.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/run.js";
import { dockerHost, dockerSkipReason, tempDir } from "./kit.js";

const skip = dockerSkipReason();

const WDL = `version 1.1
task link_input {
  input { File f }
  command <<< ln -s "~{f}" file2.txt >>>
  output {
    File linked = "file2.txt"
    String text = read_string(linked)
  }
  runtime { docker: "ubuntu:latest" }
}
task link_again {
  input { File g }
  command <<< ln -s "~{g}" link3.txt >>>
  output { File linked = "link3.txt" }
  runtime { docker: "ubuntu:latest" }
}
workflow w {
  input { File f }
  call link_input { input: f = f }
  call link_again { input: g = link_input.linked }
  output {
    File first = link_input.linked
    String first_text = link_input.text
    File second = link_again.linked
  }
}
`;

describe.skipIf(skip !== "")(`symlinked outputs on Docker${skip}`, () => {
  it("returns a symlink to an input or to another call's output under the link's name, readable on the host", async () => {
    const dir = tempDir("wdlrun-link-");
    writeFileSync(path.join(dir, "main.wdl"), WDL);
    writeFileSync(path.join(dir, "file1.txt"), "one\n");
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = dockerHost();
    let stdout = "";
    let stderr = "";
    try {
      const code = await runCommand(path.join(dir, "main.wdl"), [`w.f=${path.join(dir, "file1.txt")}`], { backend: "docker", out: path.join(dir, "runs") }, {
        stdout: { write: (t) => void (stdout += t) },
        stderr: { write: (t) => void (stderr += t), isTTY: false },
      });
      expect(code, stderr).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    const outputs = JSON.parse(stdout) as Record<string, string>;
    expect(outputs["w.first"]).toMatch(/\/call-link_input\/attempt-1\/work\/file2\.txt$/);
    expect(outputs["w.second"]).toMatch(/\/call-link_again\/attempt-1\/work\/link3\.txt$/);
    expect(outputs["w.first_text"]).toBe("one");
    expect(readFileSync(outputs["w.first"]!, "utf8")).toBe("one\n");
    expect(readFileSync(outputs["w.second"]!, "utf8")).toBe("one\n");
  });
});
