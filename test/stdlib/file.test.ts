import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeFileIO } from "../../src/eval/node-io.js";
import { arrayOf, optionalOf, T } from "../../src/types/types.js";
import { NONE, V, type WdlValue } from "../../src/values/value.js";
import { memoryIO } from "../eval/kit.js";
import { call, callFails, callJson, f, s, strs } from "./kit.js";

describe("basename", () => {
  it("returns the last path component, optionally without a suffix", () => {
    expect(call("basename", [s("/path/to/file.txt")])).toEqual(s("file.txt"));
    expect(call("basename", [s("/path/to/file.txt"), s(".txt")])).toEqual(s("file"));
    expect(call("basename", [s("/path/to/dir")])).toEqual(s("dir"));
    expect(call("basename", [s("/path/to/dir/")])).toEqual(s("dir"));
    expect(call("basename", [V.file("file.txt"), s(".bam")])).toEqual(s("file.txt"));
    expect(call("basename", [V.directory("/a/b")])).toEqual(s("b"));
  });
});

describe("join_paths", () => {
  it("joins a base with one or more relative paths (spec variants)", () => {
    expect(call("join_paths", [V.file("/usr"), strs("bin", "echo")])).toEqual(V.file("/usr/bin/echo"));
    expect(call("join_paths", [s("/usr"), s("bin")])).toEqual(V.file("/usr/bin"));
    expect(call("join_paths", [strs("/usr", "bin", "echo")])).toEqual(V.file("/usr/bin/echo"));
    expect(call("join_paths", [V.directory("/usr"), strs("bin", "echo")])).toEqual(V.file("/usr/bin/echo"));
  });

  it("resolves a relative result against the working directory (the spec returns an absolute path)", () => {
    // The test FileIO resolves relative paths against /work.
    expect(call("join_paths", [V.file("mydir"), s("mydata.txt")])).toEqual(V.file("/work/mydir/mydata.txt"));
    expect(call("join_paths", [V.directory("mydir"), s("mydata.txt")])).toEqual(V.file("/work/mydir/mydata.txt"));
    expect(call("join_paths", [strs("bin", "echo")])).toEqual(V.file("/work/bin/echo"));
  });

  it("refuses absolute later paths and empty arrays", () => {
    expect(callFails("join_paths", [s("/a"), s("/b")]).diagnostic.message).toContain("only the first path may be absolute");
    expect(callFails("join_paths", [V.array([])]).diagnostic.message).toContain("must not be empty");
    expect(callFails("join_paths", [s("a"), s("b")], { version: "1.1" }).diagnostic.code).toBe("function-not-in-version");
  });
});

describe("stdout, stderr", () => {
  it("give the task's output files, and fail outside task outputs", () => {
    const io = memoryIO({}, { stdout: () => "/run/stdout", stderr: () => "/run/stderr" });
    expect(call("stdout", [], { io })).toEqual(V.file("/run/stdout"));
    expect(call("stderr", [], { io })).toEqual(V.file("/run/stderr"));
    expect(callFails("stdout", []).diagnostic.message).toContain("only be used in a task's output section");
  });
});

describe("size (in memory)", () => {
  const io = memoryIO({ "created_file": "this file is 22 bytes\n", "/abs/b": "1234" });

  it("sums files in values, None counting 0, with units (spec example)", () => {
    expect(call("size", [NONE], { io })).toEqual(f(0));
    expect(call("size", [V.file("created_file"), s("B")], { io })).toEqual(f(22));
    expect(call("size", [V.array([V.file("created_file"), NONE]), s("K")], { io })).toEqual(f(0.022));
    const nested: WdlValue = V.map([
      [s("a"), V.pair(V.int(10), V.file("created_file"))],
      [s("b"), V.pair(V.int(50), NONE)],
    ]);
    expect(call("size", [nested], { io })).toEqual(f(22));
    expect(call("size", [s("/abs/b"), s("KiB")], { io })).toEqual(f(4 / 1024));
    expect(call("size", [V.file("/abs/b"), s("gb")], { io })).toEqual(f(4e-9));
  });

  it("treats Strings inside a compound argument as paths when the static type says File (1.1 example)", () => {
    const arg = V.array([s("created_file"), NONE]);
    expect(call("size", [arg, s("K")], { io, argTypes: [arrayOf(optionalOf(T.File))] })).toEqual(f(0.022));
    // Without type information a nested String is not a file.
    expect(call("size", [arg, s("K")], { io })).toEqual(f(0));
  });

  it("fails for a missing file and an unknown unit", () => {
    expect(callFails("size", [V.file("nope")], { io }).diagnostic.message).toContain("no such file");
    expect(callFails("size", [V.file("created_file"), s("parsecs")], { io }).diagnostic.message).toContain("unknown unit");
  });
});

describe("glob and size on disk (nodeFileIO)", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "wdlrun-glob-"));
    fs.writeFileSync(path.join(dir, "a_file_1.txt"), "1");
    fs.writeFileSync(path.join(dir, "a_file_2.txt"), "22");
    fs.writeFileSync(path.join(dir, ".a_hidden"), "x");
    fs.mkdirSync(path.join(dir, "a_dir"));
    fs.writeFileSync(path.join(dir, "a_dir", "a_inner.txt"), "333");
    fs.writeFileSync(path.join(dir, "b[1].txt"), "");
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("matches files only, not directories or hidden files, in order (spec example)", () => {
    const io = nodeFileIO({ baseDir: dir });
    expect(callJson("glob", [s("a_*")], { io })).toEqual(["a_file_1.txt", "a_file_2.txt"]);
    expect(callJson("glob", [s("*/*.txt")], { io })).toEqual(["a_dir/a_inner.txt"]);
    expect(callJson("glob", [s("a_file_[!1].txt")], { io })).toEqual(["a_file_2.txt"]);
    expect(callJson("glob", [s("a_file_?.t[[:alpha:]]t")], { io })).toEqual(["a_file_1.txt", "a_file_2.txt"]);
    expect(callJson("glob", [s(".a*")], { io })).toEqual([".a_hidden"]);
    expect(callJson("glob", [s("b\\[1\\].txt")], { io })).toEqual(["b[1].txt"]);
    expect(callJson("glob", [s("nothing*")], { io })).toEqual([]);
  });

  it("refuses patterns that leave the working directory (absolute, or with ..)", () => {
    const io = nodeFileIO({ baseDir: path.join(dir, "a_dir") });
    for (const pattern of [`${dir}/a_file_1*`, "/etc/host*", "../a_*", "x/../../a_*"])
      expect(callFails("glob", [s(pattern)], { io }).diagnostic.message).toMatch(/^glob: the pattern '.*' leaves the task's working directory; glob patterns are relative to it/);
    expect(callJson("glob", [s("a_*..txt")], { io })).toEqual([]);
  });

  it("sizes a directory as the total of its files", () => {
    const io = nodeFileIO({ baseDir: dir });
    expect(call("size", [V.directory("a_dir")], { io })).toEqual(f(3));
    expect(call("size", [V.directory(dir)], { io })).toEqual(f(1 + 2 + 1 + 3));
  });
});
