/**
 * A Docker Engine reached over TCP with TLS, from the CLI: a dockerd of the
 * test's own started with `--tlsverify` and certificates the test makes
 * (openssl), listening on 127.0.0.1. With DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH a workflow runs on it; without them, or with a CA that
 * did not sign the engine's certificate, wdlrun says what to do.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificatesSkipReason, makeCertificates, type Certificates } from "./helpers/certificates.js";
import { ThrowawayEngine } from "./helpers/throwaway-engine.js";
import { dockerHost, dockerSkipReason, runWdl, tempDir } from "./kit.js";

const skip = dockerSkipReason() || certificatesSkipReason();

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const WDL = `version 1.2
task hello {
  command <<< echo "over TLS" >>>
  requirements { container: "ubuntu:latest" }
  output { String said = read_string(stdout()) }
}
`;

describe.skipIf(skip !== "")(`a Docker Engine with TLS${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let engine: ThrowawayEngine | undefined;
  let certs: Certificates;
  let url = "";

  beforeAll(async () => {
    certs = makeCertificates(tempDir("wdlrun-tls-"));
    const port = await freePort();
    url = `tcp://127.0.0.1:${port}`;
    engine = ThrowawayEngine.start(dockerHost(), [
      "--tlsverify",
      "--tlscacert", certs.server.ca,
      "--tlscert", certs.server.cert,
      "--tlskey", certs.server.key,
      "-H", url,
    ]);
  }, 240_000);

  afterAll(async () => {
    await engine?.discard();
  }, 60_000);

  it("runs a workflow with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH", async () => {
    const r = await runWdl(WDL, [], { backend: "docker", host: url, env: { DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certs.client } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs["hello.said"]).toBe("over TLS");
    expect(r.stderr).toContain(`at ${url}`);
  });

  it("runs a workflow with docker.tls_verify and docker.cert_path from the config", async () => {
    const r = await runWdl(WDL, [], { backend: "docker", host: url, env: { WDLRUN_DOCKER_TLS_VERIFY: "true", WDLRUN_DOCKER_CERT_PATH: certs.client, DOCKER_CERT_PATH: certs.strangerCa } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs["hello.said"]).toBe("over TLS");
  });

  it("says the engine speaks TLS when DOCKER_TLS_VERIFY is not set", async () => {
    const r = await runWdl(WDL, [], { backend: "docker", host: url, env: { DOCKER_CERT_PATH: certs.client } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the Docker Engine at ${url} speaks TLS: set DOCKER_TLS_VERIFY=1 (or docker.tls_verify = true) and DOCKER_CERT_PATH (or docker.cert_path)`);
  });

  it("says what to check when the CA did not sign the engine's certificate", async () => {
    const r = await runWdl(WDL, [], { backend: "docker", host: url, env: { DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certs.strangerCa } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`TLS with the Docker Engine at ${url.replace(/[.]/g, "\\.")} failed \\(.+\\): check that DOCKER_CERT_PATH \\(or docker\\.cert_path\\) holds the ca\\.pem`));
  });

  it("names a missing certificate file", async () => {
    const r = await runWdl(WDL, [], { backend: "docker", host: url, env: { DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: tempDir("wdlrun-nocerts-") } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TLS is asked for \(docker\.tls_verify or DOCKER_TLS_VERIFY\) but \S+\/ca\.pem cannot be read \(ENOENT\)/);
  });
});
