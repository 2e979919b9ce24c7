import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkSource, inputSlots, type Callable } from "../../src/analysis/index.js";
import { buildInputTree, InputsError, parseInputsText, parseKeyValueArgs, plainInputs } from "../../src/runtime/inputs.js";
import { V } from "../../src/values/value.js";

const DOC = `version 1.2
task t {
  input {
    String s
    Int n = 1
    File? f
  }
  command <<< echo ~{s} >>>
}
workflow wf {
  input {
    Int x
    Array[File] files = []
  }
  call t { s = "fixed" }
  call t as t2 { s = "also" }
  hints {
    allow_nested_inputs: true
  }
}
`;

function target(doc = DOC): Callable {
  const a = checkSource(doc, "/inline/wf.wdl");
  expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return a.root!.workflow!;
}

const src = (json: Record<string, unknown>, baseDir = "/base") => ({ json, baseDir, origin: "inputs.json" });

function problems(f: () => unknown): readonly string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof InputsError) return e.problems;
    throw e;
  }
  return [];
}

describe("key=value inputs", () => {
  it("parses values as JSON when they parse, else as strings, and adds the target prefix", () => {
    expect(plainInputs(parseKeyValueArgs(["x=3", "wf.s=hello", "arr=[1, 2]", 'q="quoted"', "b=true", "e="], "wf"))).toEqual({
      "wf.x": 3n,
      "wf.s": "hello",
      "wf.arr": [1n, 2n],
      "wf.q": "quoted",
      "wf.b": true,
      "wf.e": "",
    });
    expect(() => parseKeyValueArgs(["novalue"], "wf")).toThrow(/not an input of the form key=value/);
  });
  it("keeps the text as written for String inputs (sample=007 stays \"007\")", () => {
    const doc = `version 1.2
task t {
  input {
    String s
    Int n
  }
  command <<< >>>
}
`;
    const t = checkSource(doc, "/inline/t.wdl").root!.tasks.get("t")!;
    const tree = buildInputTree(t, "t", [{ json: parseKeyValueArgs(["s=007", "n=7"], "t"), baseDir: "/", origin: "cli" }]);
    expect(tree.values.get("s")).toEqual(V.string("007"));
    expect(tree.values.get("n")).toEqual(V.int(7));
  });

  it("refuses an inputs file that is not a JSON object", () => {
    expect(() => parseInputsText("[1]", "in.json")).toThrow(/in\.json: the inputs must be a JSON object/);
    expect(() => parseInputsText("{", "in.json")).toThrow(/in\.json: invalid JSON/);
  });
});

const INNER = `version 1.2
task t {
  input {
    Int n = 1
  }
  command <<< >>>
}
workflow inner {
  call t
  hints {
    allow_nested_inputs: INNER
  }
}
`;
const OUTER = `version 1.2
import "inner.wdl"
workflow outer {
  call inner.inner
  hints {
    allow_nested_inputs: OUTER
  }
}
`;

describe("nested inputs through a sub-workflow", () => {
  const outer = (o: boolean, i: boolean) => {
    const a = checkSource(OUTER.replace("OUTER", String(o)), "/inline/outer.wdl", { "/inline/inner.wdl": INNER.replace("INNER", String(i)) });
    expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    return a.root!.workflow!;
  };
  it("are taken when every workflow on the path allows them, else ignored naming the workflow that does not", () => {
    const json = src({ "outer.inner.t.n": 5n });
    const both = buildInputTree(outer(true, true), "outer", [json]);
    expect(both.calls.get("inner")!.calls.get("t")!.values.get("n")).toEqual(V.int(5));
    for (const [o, i, who] of [
      [true, false, "workflow inner"],
      [false, true, "a workflow that calls inner"],
    ] as const) {
      const warnings: string[] = [];
      const tree = buildInputTree(outer(o, i), "outer", [json], { warn: (m) => warnings.push(m) });
      expect(tree.calls.get("inner")?.calls.get("t")?.values.has("n") ?? false).toBe(false);
      expect(warnings).toEqual([expect.stringContaining(`ignoring input "outer.inner.t.n": ${who} does not allow nested inputs`)]);
    }
  });
});

describe("buildInputTree", () => {
  it("reads workflow inputs, nested call inputs and requirement overrides", () => {
    const tree = buildInputTree(
      target(),
      "wf",
      [src({ "wf.x": 5n, "wf.t.n": 3n, "wf.t2.requirements.memory": "1 GiB", "wf.t2.hints.max_cpu": 2n })],
      { checkFilesExist: false },
    );
    expect(tree.values.get("x")).toEqual(V.int(5));
    expect(tree.calls.get("t")!.values.get("n")).toEqual(V.int(3));
    expect(tree.calls.get("t2")!.requirements.get("memory")).toEqual(V.string("1 GiB"));
    expect(tree.calls.get("t2")!.hints.get("max_cpu")).toEqual(V.int(2));
  });
  it("checks requirement and hint overrides: unknown requirement keys (with the nearest), ill-typed or unusable values", () => {
    const warnings: string[] = [];
    const p = problems(() =>
      buildInputTree(
        target(),
        "wf",
        [
          src({
            "wf.x": 1n,
            "wf.t.requirements.memroy": "1 GiB",
            "wf.t2.requirements.cpu": "four",
            "wf.t2.requirements.memory": "lots",
            "wf.t2.hints.max_cpu": true,
            "wf.t2.runtime.docker": 3n,
          }),
        ],
        { checkFilesExist: false, warn: (m) => warnings.push(m) },
      ),
    );
    expect(p).toEqual([
      'unknown requirement "memroy" in input "wf.t.requirements.memroy": did you mean `memory`? (requirements are container, cpu, memory, gpu, fpga, disks, max_retries, return_codes)',
      'input "wf.t2.requirements.cpu": requirements.cpu must be an `Int` or `Float`, but the inputs give String "four"',
      'input "wf.t2.requirements.memory": requirements.memory: "lots" is not a size such as "2 GiB" or "512 MB"',
      'input "wf.t2.hints.max_cpu": hints.max_cpu must be an `Int` or `Float`, but the inputs give Boolean true',
      'input "wf.t2.runtime.docker": runtime.container must be a `String` or `Array[String]`, but the inputs give Int 3',
    ]);
    expect(warnings).toEqual([]);
  });
  it("keeps any hint or runtime key, noting one that looks like a typo of a reserved key", () => {
    const warnings: string[] = [];
    const tree = buildInputTree(
      target(),
      "wf",
      [src({ "wf.x": 1n, "wf.t.hints.max_cpus": 2n, "wf.t.hints.acme_queue": "fast", "wf.t.runtime.preemptible": 3n, "wf.t.runtime.maxRetries": 2n })],
      { checkFilesExist: false, warn: (m) => warnings.push(m) },
    );
    expect(tree.calls.get("t")!.hints.get("acme_queue")).toEqual(V.string("fast"));
    expect(tree.calls.get("t")!.runtime.get("preemptible")).toEqual(V.int(3));
    expect(warnings).toEqual(['input "wf.t.hints.max_cpus": "max_cpus" is not a key wdlrun reads (did you mean `max_cpu`?); it is kept as given']);
  });
  it("resolves relative File paths against the source's directory; later sources win", () => {
    const tree = buildInputTree(target(), "wf", [src({ "wf.x": 1n, "wf.files": ["a.txt", "/abs/b.txt"] }, "/data"), src({ "wf.x": 2n }, "/cwd")], {
      checkFilesExist: false,
    });
    expect(tree.values.get("files")).toMatchObject({ items: [V.file("/data/a.txt"), V.file("/abs/b.txt")] });
    expect(tree.values.get("x")).toEqual(V.int(2));
  });
  it("names the key and the expected type of every problem, all at once", () => {
    const p = problems(() =>
      buildInputTree(target(), "wf", [src({ "wf.x": "five", "wf.y": 1n, "x": 1n, "wf.t.s": "no", "wf.t.zzz": 1n })], { checkFilesExist: false }),
    );
    expect(p).toContainEqual(expect.stringMatching(/wf\.x.*Int/));
    expect(p).toContainEqual(expect.stringMatching(/unknown input "wf\.y": workflow wf has inputs x, files/));
    expect(p).toContainEqual(expect.stringMatching(/unknown input "x": .*did you mean "wf\.x"/));
    expect(p).toContainEqual(expect.stringMatching(/"wf\.t\.s" cannot be set: the call t already sets s/));
    expect(p).toContainEqual(expect.stringMatching(/unknown input "wf\.t\.zzz"/));
  });
  it("reports missing required inputs with their types", () => {
    expect(problems(() => buildInputTree(target(), "wf", [], { checkFilesExist: false }))).toEqual(['missing required input "wf.x" (Int)']);
  });
  it("reports files that do not exist", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "wdlrun-inputs-"));
    await writeFile(path.join(dir, "here.txt"), "x");
    const p = problems(() => buildInputTree(target(), "wf", [src({ "wf.x": 1n, "wf.files": ["here.txt", "gone.txt"] }, dir)]));
    expect(p).toEqual([expect.stringMatching(/input "wf\.files\[1\]": file not found: .*gone\.txt \(gone\.txt in inputs\.json\)/)]);
  });
  it("reports a refused required input once, not again as missing", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "wdlrun-inputs-"));
    const doc = `version 1.2
task t {
  input {
    File reads
  }
  command <<< >>>
}
workflow wf {
  input {
    File reads
    Int x
  }
  call t
  hints {
    allow_nested_inputs: true
  }
}
`;
    const p = problems(() => buildInputTree(target(doc), "wf", [src({ "wf.reads": "nope.txt", "wf.x": "five", "wf.t.reads": "gone.txt" }, dir)]));
    expect(p).toEqual([
      expect.stringMatching(/^input "wf\.reads": file not found: .*nope\.txt \(nope\.txt in inputs\.json\)$/),
      expect.stringMatching(/wf\.x.*Int/),
      expect.stringMatching(/^input "wf\.t\.reads": file not found: .*gone\.txt/),
    ]);
  });
  it("ignores nested optional inputs, with a warning, when the workflow does not allow them", () => {
    const doc = DOC.replace("allow_nested_inputs: true", "allow_nested_inputs: false");
    const warnings: string[] = [];
    const tree = buildInputTree(target(doc), "wf", [src({ "wf.x": 1n, "wf.t.n": 3n })], { checkFilesExist: false, warn: (m) => warnings.push(m) });
    expect(tree.calls.get("t")?.values.has("n") ?? false).toBe(false);
    expect(warnings).toEqual([
      'ignoring input "wf.t.n": workflow wf does not allow nested inputs (each workflow on the path needs the hint allow_nested_inputs: true)',
    ]);
  });
});

describe("required inputs a WDL 1.0 call leaves unset", () => {
  // Analysis in this branch still reports the unset input (accepting it is the front end's part);
  // the inputs side asks for it by its nested key whatever the workflow's allow_nested_inputs says.
  const DOC10 = `version 1.0
task t {
  input {
    String name
    Int n = 1
  }
  command { echo \${name} }
}
workflow wf {
  call t
}
`;
  const wf10 = () => checkSource(DOC10, "/inline/wf10.wdl").root!.workflow!;

  it("takes the value from wf.call.x and lists the key among the inputs", () => {
    const tree = buildInputTree(wf10(), "wf", [src({ "wf.t.name": "x" })], { checkFilesExist: false });
    expect(tree.calls.get("t")!.values.get("name")).toEqual(V.string("x"));
    // 1.0 lets the inputs set any input a call leaves unset: the optional `n` is listed too.
    expect(inputSlots(wf10()).map((s) => [s.key, s.required])).toEqual([["wf.t.name", true], ["wf.t.n", false]]);
  });

  it("reports it missing by its nested key", () => {
    expect(problems(() => buildInputTree(wf10(), "wf", [], { checkFilesExist: false }))).toEqual([
      'missing required input "wf.t.name" (String): the call does not set it',
    ]);
  });
});

describe("enum inputs (1.3)", () => {
  const ENUM_DOC = `version 1.3
enum Color { Red, Green, Blue }
workflow wf {
  input {
    Color color
    Array[Color] more = []
  }
}
`;
  it("takes a choice by its name, in an array too", () => {
    const tree = buildInputTree(target(ENUM_DOC), "wf", [src({ "wf.color": "Green", "wf.more": ["Red", "Blue"] })], { checkFilesExist: false });
    expect(tree.values.get("color")).toMatchObject({ kind: "Enum", choice: "Green" });
    expect(tree.values.get("more")).toMatchObject({ items: [{ kind: "Enum", choice: "Red" }, { kind: "Enum", choice: "Blue" }] });
  });
  it("names the key and the allowed choices of an unknown one, suggesting the nearest", () => {
    const given = (color: string) => problems(() => buildInputTree(target(ENUM_DOC), "wf", [src({ "wf.color": color })], { checkFilesExist: false }));
    expect(given("Gren")).toEqual(['wf.color: "Gren" is not a choice of enum Color; allowed: Red, Green, Blue (did you mean Green?)']);
    expect(given("blue")).toEqual(['wf.color: "blue" is not a choice of enum Color; allowed: Red, Green, Blue (did you mean Blue?)']);
    expect(given("Purple")).toEqual(['wf.color: "Purple" is not a choice of enum Color; allowed: Red, Green, Blue']);
    expect(problems(() => buildInputTree(target(ENUM_DOC), "wf", [src({ "wf.color": "Red", "wf.more": ["Red", "Blu"] })], { checkFilesExist: false }))).toEqual([
      'wf.more[1]: "Blu" is not a choice of enum Color; allowed: Red, Green, Blue (did you mean Blue?)',
    ]);
  });
});
