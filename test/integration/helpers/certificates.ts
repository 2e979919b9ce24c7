/**
 * Certificates for a Docker Engine that verifies its clients (`dockerd
 * --tlsverify`), made with openssl for a test: a CA, a server certificate for
 * 127.0.0.1 signed by it, and a client certificate signed by it, laid out as
 * DOCKER_CERT_PATH expects (`ca.pem`, `cert.pem`, `key.pem`), plus a client
 * folder whose `ca.pem` is another CA's (to see verification fail).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Why certificates cannot be made here ("" when they can): openssl is missing. */
export function certificatesSkipReason(): string {
  const r = spawnSync("openssl", ["version"], { encoding: "utf8" });
  return r.status === 0 ? "" : "openssl is not installed (scripts/setup-docker.sh installs it)";
}

/** Where the certificates of `makeCertificates` are. */
export interface Certificates {
  /** For dockerd: `--tlscacert`, `--tlscert`, `--tlskey`. */
  readonly server: { readonly ca: string; readonly cert: string; readonly key: string };
  /** A DOCKER_CERT_PATH folder the engine accepts. */
  readonly client: string;
  /** A DOCKER_CERT_PATH folder whose ca.pem did not sign the engine's certificate. */
  readonly strangerCa: string;
}

const openssl = (dir: string, args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });

/** A CA (`<name>-ca.pem`, `<name>-ca-key.pem`) in `dir`. */
function makeCa(dir: string, name: string): void {
  openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", `/CN=wdlrun test ${name} CA`, "-keyout", `${name}-ca-key.pem`, "-out", `${name}-ca.pem`]);
}

/** A key and a certificate signed by CA `ca`, with the extensions in `ext`. */
function makeSigned(dir: string, ca: string, name: string, subject: string, ext: string): void {
  writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", subject, "-keyout", `${name}-key.pem`, "-out", `${name}.csr`]);
  openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}-ca.pem`, "-CAkey", `${ca}-ca-key.pem`, "-CAcreateserial", "-days", "2",
    "-extfile", `${name}.ext`, "-out", `${name}-cert.pem`]);
}

/** Makes the certificates in `dir`. */
export function makeCertificates(dir: string): Certificates {
  makeCa(dir, "engine");
  makeCa(dir, "stranger");
  makeSigned(dir, "engine", "server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  makeSigned(dir, "engine", "client", "/CN=wdlrun test client", "extendedKeyUsage=clientAuth\n");
  const client = path.join(dir, "client");
  const stranger = path.join(dir, "stranger");
  for (const [folder, ca] of [[client, "engine"], [stranger, "stranger"]] as const) {
    mkdirSync(folder);
    copyFileSync(path.join(dir, `${ca}-ca.pem`), path.join(folder, "ca.pem"));
    copyFileSync(path.join(dir, "client-cert.pem"), path.join(folder, "cert.pem"));
    copyFileSync(path.join(dir, "client-key.pem"), path.join(folder, "key.pem"));
  }
  return {
    server: { ca: path.join(dir, "engine-ca.pem"), cert: path.join(dir, "server-cert.pem"), key: path.join(dir, "server-key.pem") },
    client,
    strangerCa: stranger,
  };
}
