/**
 * Child process for ownership tests: drops root to the uid/gid (and
 * supplementary groups) given as JSON in argv[2], then runs one attempt with
 * the Docker backend's defaults and prints a JSON report on stdout.
 */
import { DockerBackend } from "../../../src/backends/docker/index.js";
import { makeRequest } from "../kit.js";

interface Args {
  uid: number;
  gid: number;
  groups: number[];
  host: string;
  root: string;
  runId: string;
  command: string;
}

const args = JSON.parse(process.argv[2]!) as Args;
process.setgroups!(args.groups);
process.setgid!(args.gid);
process.setuid!(args.uid);
try {
  const backend = await DockerBackend.open({ host: args.host, sweep: false });
  const req = makeRequest(backend, { root: args.root, runId: args.runId, command: args.command });
  const r = await backend.execute(req, new AbortController().signal);
  await r.release();
  await backend.close();
  process.stdout.write(JSON.stringify({ ok: true, exitCode: r.exitCode, workDir: req.workDir }) + "\n");
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: (e as Error).message }) + "\n");
}
