/**
 * The call cache's key: what changes it (command, input file content, the
 * image id behind a tag, requirements that count) and what does not
 * (comments, layout, command indentation, meta, scheduling-only hints, an
 * input file's path).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource, type CheckedTask } from "../../../src/analysis/index.js";
import { ContentDigests } from "../../../src/runtime/cache/digest.js";
import { callKey, diffKeys, taskDefinitionHash, type KeySource } from "../../../src/runtime/cache/key.js";
import type { TaskAttributes } from "../../../src/runtime/requirements/constraints.js";
import { V, type WdlValue } from "../../../src/values/value.js";

function taskOf(text: string, name = "t"): CheckedTask {
  const a = checkSource(text);
  const errors = a.diagnostics.filter((d) => d.severity === "error");
  expect(errors, JSON.stringify(errors)).toEqual([]);
  return a.root!.tasks.get(name)!;
}

const BASE = `version 1.1
task t {
  input {
    File f
    Int n = 2
  }
  command <<<
    head -n ~{n} ~{f} > out.txt
  >>>
  output { File out = "out.txt" }
  runtime { docker: "ubuntu:latest" }
}
`;

/** The same task with comments, other spacing, another command indentation and a meta section. */
const REFORMATTED = `version 1.1

# a comment that does not count
task t {
  meta { description: "takes the head" }
  input {
    File   f      # the file
    Int n=2
  }
  command <<<
          head -n ~{n} ~{f} > out.txt
  >>>
  output {
    File out = "out.txt"
  }
  runtime {
    docker: "ubuntu:latest"
  }
}
`;

const noAttributes: TaskAttributes = { requirements: new Map(), hints: new Map(), runtime: new Map() };

function source(task: CheckedTask, values: Record<string, WdlValue>, extra: Partial<KeySource> = {}): KeySource {
  return { task, backend: "docker", image: { name: "ubuntu:latest", id: "sha256:aaa" }, attributes: noAttributes, values: new Map(Object.entries(values)), ...extra };
}

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "wdlrun-key-"));
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe("call cache key", () => {
  const input = tempFile("in.txt", "a\nb\nc\n");
  const values = { f: V.file(input), n: V.int(2) };

  it("is the same for a reformatted task (comments, spacing, command indentation, meta)", async () => {
    const digests = new ContentDigests();
    expect(taskDefinitionHash(taskOf(REFORMATTED))).toBe(taskDefinitionHash(taskOf(BASE)));
    const a = await callKey(source(taskOf(BASE), values), digests);
    const b = await callKey(source(taskOf(REFORMATTED), values), digests);
    expect(b.hash).toBe(a.hash);
  });

  it("changes with the command", async () => {
    const digests = new ContentDigests();
    const changed = BASE.replace("head -n", "tail -n");
    const a = await callKey(source(taskOf(BASE), values), digests);
    const b = await callKey(source(taskOf(changed), values), digests);
    expect(b.hash).not.toBe(a.hash);
    expect(diffKeys(a, b).map((d) => d.part)).toEqual(["task"]);
  });

  it("changes with an output or a declaration's type", async () => {
    const digests = new ContentDigests();
    const a = await callKey(source(taskOf(BASE), values), digests);
    const b = await callKey(source(taskOf(BASE.replace('File out = "out.txt"', 'File out = "out.txt"\n  String s = "x"')), values), digests);
    expect(b.hash).not.toBe(a.hash);
  });

  it("changes with an input file's content, not with its path", async () => {
    const digests = new ContentDigests();
    const task = taskOf(BASE);
    const a = await callKey(source(task, values), digests);
    const elsewhere = tempFile("in.txt", "a\nb\nc\n");
    const moved = await callKey(source(task, { ...values, f: V.file(elsewhere) }), digests);
    expect(moved.hash).toBe(a.hash);
    const other = tempFile("in.txt", "a\nb\nX\n");
    const b = await callKey(source(task, { ...values, f: V.file(other) }), digests);
    expect(b.hash).not.toBe(a.hash);
    const diffs = diffKeys(a, b);
    expect(diffs.map((d) => d.part)).toEqual(["input"]);
    expect(diffs[0]!.message).toMatch(/^input f: in\.txt \(sha256:/);
  });

  it("changes with an input value", async () => {
    const digests = new ContentDigests();
    const task = taskOf(BASE);
    const a = await callKey(source(task, values), digests);
    const b = await callKey(source(task, { ...values, n: V.int(3) }), digests);
    expect(diffKeys(a, b).map((d) => d.message)).toEqual(["input n: 2 → 3"]);
  });

  it("changes when the tag names another image (the id counts, not the name)", async () => {
    const digests = new ContentDigests();
    const task = taskOf(BASE);
    const a = await callKey(source(task, values), digests);
    const retagged = await callKey(source(task, values, { image: { name: "ubuntu:latest", id: "sha256:bbb" } }), digests);
    expect(retagged.hash).not.toBe(a.hash);
    expect(diffKeys(a, retagged).map((d) => d.part)).toEqual(["image"]);
    const renamed = await callKey(source(task, values, { image: { name: "ubuntu:24.04", id: "sha256:aaa" } }), digests);
    expect(renamed.hash).toBe(a.hash);
  });

  it("changes with the backend", async () => {
    const digests = new ContentDigests();
    const task = taskOf(BASE);
    const a = await callKey(source(task, values), digests);
    const b = await callKey(source(task, values, { backend: "swarm" }), digests);
    expect(diffKeys(a, b).map((d) => d.part)).toEqual(["backend"]);
  });

  it("counts requirements that can change a result, not scheduling-only ones", async () => {
    const digests = new ContentDigests();
    const task = taskOf(BASE);
    const attrs = (runtime: Record<string, WdlValue>, hints: Record<string, WdlValue> = {}): TaskAttributes => ({
      requirements: new Map(),
      hints: new Map(Object.entries(hints)),
      runtime: new Map(Object.entries(runtime)),
    });
    const a = await callKey(source(task, values, { attributes: attrs({ docker: V.string("ubuntu:latest"), returnCodes: V.int(0) }) }), digests);
    const retries = await callKey(
      source(task, values, { attributes: attrs({ docker: V.string("ubuntu:22.04"), returnCodes: V.int(0), maxRetries: V.int(3) }, { max_memory: V.string("1 GiB") }) }),
      digests,
    );
    expect(retries.hash).toBe(a.hash);
    const codes = await callKey(source(task, values, { attributes: attrs({ returnCodes: V.int(1) }) }), digests);
    expect(diffKeys(a, codes).map((d) => d.message)).toEqual(["requirements/hints changed: return_codes: 0 → 1"]);
    const overridden = await callKey(source(task, values, { attributes: attrs({ returnCodes: V.int(0) }), overrides: attrs({ returnCodes: V.int(1) }) }), digests);
    expect(overridden.hash).toBe(codes.hash);
  });
});
