/**
 * The call cache's disk parts: content digests (streamed once, reused while
 * inode, size and mtime are unchanged, also across processes through the
 * digest table, and for hard links), directory digests, the lossless value
 * encoding, and entries written atomically (the second writer of a key
 * yields to the first).
 */
import { linkSync, mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ContentDigests } from "../../../src/runtime/cache/digest.js";
import { CACHE_FORMAT } from "../../../src/runtime/cache/key.js";
import { CallStore } from "../../../src/runtime/cache/store.js";
import { decodeValue, encodeValue } from "../../../src/runtime/cache/values.js";
import { V, type WdlValue } from "../../../src/values/value.js";

const temp = () => mkdtempSync(path.join(tmpdir(), "wdlrun-store-"));

describe("content digests", () => {
  it("reads a file once, reuses its digest while it is unchanged, and rereads it when it changes", async () => {
    const dir = temp();
    const f = path.join(dir, "a.txt");
    writeFileSync(f, "hello\n");
    const d = new ContentDigests(path.join(dir, "table"));
    const first = await d.file(f);
    expect(first).toBe("sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
    expect(await d.file(f)).toBe(first);
    expect(d.stats).toEqual({ bytesRead: 6, filesHashed: 1, filesReused: 1 });

    // Another process (a fresh digester over the same table) does not read it either; nor a hard link.
    const again = new ContentDigests(path.join(dir, "table"));
    linkSync(f, path.join(dir, "link.txt"));
    expect(await again.file(path.join(dir, "link.txt"))).toBe(first);
    expect(again.stats.bytesRead).toBe(0);

    writeFileSync(f, "hullo\n");
    const t = statSync(f).mtime;
    utimesSync(f, t, new Date(t.getTime() + 5000));
    expect(await again.file(f)).not.toBe(first);
    expect(again.stats.bytesRead).toBe(6);
  });

  it("digests a directory by its names, kinds and contents", async () => {
    const make = (content: string) => {
      const dir = temp();
      mkdirSync(path.join(dir, "d", "sub"), { recursive: true });
      writeFileSync(path.join(dir, "d", "x.txt"), "x");
      writeFileSync(path.join(dir, "d", "sub", "y.txt"), content);
      return path.join(dir, "d");
    };
    const d = new ContentDigests();
    const a = await d.of(make("y"), "Directory");
    expect(await d.of(make("y"), "Directory")).toBe(a);
    expect(await d.of(make("z"), "Directory")).not.toBe(a);
  });
});

describe("value encoding", () => {
  it("round-trips every kind, files through the caller's mapping", async () => {
    const v: WdlValue = V.array([
      V.pair(V.int(2n ** 60n), V.float(1.5)),
      { kind: "Map", entries: [[V.int(1), V.file("/a/x.txt")]] },
      { kind: "Struct", name: "S", members: new Map<string, WdlValue>([["d", V.directory("/a/dir")], ["none", V.none()], ["b", V.bool(true)]]) },
      V.string("s"),
    ]);
    const enc = await encodeValue(v, async (p) => p.toUpperCase());
    const back = decodeValue(JSON.parse(JSON.stringify(enc)), (ref) => String(ref).toLowerCase());
    expect(back).toEqual(v);
  });
});

describe("call store", () => {
  const entry = (key: string) => ({
    format: CACHE_FORMAT,
    key,
    components: { format: CACHE_FORMAT, backend: "local" as const, task: "t", requirements: "r", image: "none", inputs: {} },
    details: { requirements: {}, inputs: {} },
    task: "t",
    call: "w.t",
    callId: "call-t",
    document: "/x.wdl",
    origin: "/runs/r/call-t/attempt-1",
    created: new Date().toISOString(),
    outputs: { out: ["File", 0] },
    stdout: 0,
    stderr: 0,
  });

  it("stores an entry in one step; a second store of the same key keeps the first; remove takes it away", async () => {
    const dir = temp();
    const src = path.join(dir, "out.txt");
    writeFileSync(src, "result");
    const store = new CallStore(path.join(dir, "cache"));
    const files = [{ source: src, rel: "work/out.txt", directory: false, digest: "sha256:x" }];
    const [a, b] = await Promise.all([store.put(entry("k1"), files), store.put(entry("k1"), files)]);
    expect([a, b].filter((x) => x !== undefined)).toHaveLength(1);
    const found = await store.find("k1");
    expect(found?.entry.files).toEqual([{ stored: "files/0/out.txt", rel: "work/out.txt", directory: false, digest: "sha256:x", bytes: 6 }]);
    expect(readFileSync(path.join(found!.dir, "files/0/out.txt"), "utf8")).toBe("result");
    // A hard link: the entry keeps the data when the run's file is deleted.
    expect(statSync(src).nlink).toBe(2);
    expect(await store.find("k2")).toBeUndefined();
    expect((await store.list()).map((e) => e.entry.key)).toEqual(["k1"]);
    await store.remove("k1");
    expect(await store.find("k1")).toBeUndefined();
  });
});
