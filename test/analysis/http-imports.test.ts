/**
 * http(s) imports against a real HTTP server on 127.0.0.1: a failing import
 * names the URL and the reason (HTTP status, connection refused, timeout),
 * each URL is fetched once however many documents import it, and a failure
 * is not retried for every importer; `wdlrun check` says the same.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeFile } from "../../src/analysis/index.js";
import { httpImportReader } from "../../src/analysis/http-import.js";
import { runCheck } from "../../src/cli/check.js";

const LIB = `version 1.1
task hello {
  command <<< echo hi >>>
}
`;

let server: http.Server;
let base = "";
let refused = "";
const hits = new Map<string, number>();
const held: http.ServerResponse[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    if (req.url!.startsWith("/lib")) res.end(LIB);
    else if (req.url!.startsWith("/moved")) res.writeHead(302, { location: "/lib-moved.wdl" }).end();
    else if (req.url!.startsWith("/loop")) res.writeHead(301, { location: "/loop.wdl" }).end();
    else if (req.url!.startsWith("/slow")) held.push(res); // never answers
    else {
      res.statusCode = 404;
      res.end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port nothing listens on: bound, then closed.
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  refused = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((r) => probe.close(() => r()));
});

afterAll(async () => {
  for (const r of held) r.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

function docs(imports: readonly string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wdlrun-http-"));
  const imp = (urls: readonly string[]) => ["version 1.1", ...urls.map((u, i) => `import "${u}" as ns${i}`), ""].join("\n");
  writeFileSync(path.join(dir, "a.wdl"), imp(imports));
  writeFileSync(path.join(dir, "b.wdl"), imp(imports));
  writeFileSync(path.join(dir, "main.wdl"), ["version 1.1", 'import "a.wdl" as a', 'import "b.wdl" as b', ...imports.map((u, i) => `import "${u}" as m${i}`), ""].join("\n"));
  return path.join(dir, "main.wdl");
}

function reader(timeoutMs: number) {
  const http = httpImportReader({ timeoutMs });
  return (uri: string) => (/^https?:\/\//.test(uri) ? http(uri) : readFile(uri, "utf8"));
}

describe("http(s) imports", () => {
  it("fetches each URL once, however many documents import it", async () => {
    const url = `${base}/lib-once.wdl`;
    const a = await analyzeFile(docs([url]), { readFile: reader(5000) });
    expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(hits.get("/lib-once.wdl")).toBe(1);
  });

  it("follows redirects, and names a redirect loop", async () => {
    const a = await analyzeFile(docs([`${base}/moved.wdl`]), { readFile: reader(5000) });
    expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(hits.get("/lib-moved.wdl")).toBe(1);
    const loop = `${base}/loop.wdl`;
    const b = await analyzeFile(docs([loop]), { readFile: reader(5000) });
    expect(b.diagnostics.map((d) => d.message)).toContain(`cannot read imported document \`${loop}\`: more than 5 redirects`);
  });

  it("names the URL and the reason of a failure (404, refused, timeout), fetching a failing URL once", async () => {
    const missing = `${base}/missing.wdl`;
    const down = `${refused}/lib.wdl`;
    const slow = `${base}/slow.wdl`;
    const started = Date.now();
    const a = await analyzeFile(docs([missing, down, slow]), { readFile: reader(300) });
    expect(Date.now() - started).toBeLessThan(4000);
    const messages = [...new Set(a.diagnostics.map((d) => d.message))];
    expect(messages).toEqual(
      expect.arrayContaining([
        `cannot read imported document \`${missing}\`: the server answered HTTP 404 Not Found`,
        `cannot read imported document \`${down}\`: the connection to ${new URL(refused).host} was refused`,
        `cannot read imported document \`${slow}\`: no answer within 0.3 s (timed out; WDLRUN_IMPORT_TIMEOUT sets the limit in seconds)`,
      ]),
    );
    expect(hits.get("/missing.wdl")).toBe(1);
    expect(hits.get("/slow.wdl")).toBe(1);
  });

  it("wdlrun check fetches a URL once across the files it checks, with WDLRUN_IMPORT_TIMEOUT as the limit", async () => {
    const slow = `${base}/slow-check.wdl`;
    const one = docs([slow, `${base}/lib-check.wdl`]);
    const two = docs([slow, `${base}/lib-check.wdl`]);
    let stderr = "";
    const saved = process.env.WDLRUN_IMPORT_TIMEOUT;
    process.env.WDLRUN_IMPORT_TIMEOUT = "0.3";
    try {
      const code = await runCheck([one, two], {}, { stdout: () => undefined, stderr: (s) => void (stderr += s) });
      expect(code).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.WDLRUN_IMPORT_TIMEOUT;
      else process.env.WDLRUN_IMPORT_TIMEOUT = saved;
    }
    expect(stderr).toContain(`cannot read imported document \`${slow}\`: no answer within 0.3 s`);
    expect(hits.get("/slow-check.wdl")).toBe(1);
    expect(hits.get("/lib-check.wdl")).toBe(1);
  });
});
