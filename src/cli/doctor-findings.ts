/**
 * What `wdlrun doctor` looks at, one finding per fact: the engine (reachable,
 * its version and API version), the swarm (role, and each node's state, CPUs,
 * memory and generic resources), GPUs (nvidia-smi's inventory against
 * `resources.gpus`, and whether the engine carries out GPU device requests),
 * the images a document names (present, or pullable under the pull policy)
 * and the free disk under the output folder. Each problem comes with its fix.
 */
import { statfs } from "node:fs/promises";
import path from "node:path";
import type Docker from "dockerode";
import type { CheckedDocument } from "../analysis/index.js";
import { connect, engineMessage, engineUrl, explainConnection } from "../backends/engine/client.js";
import { detectGpus, gpuDeviceRequest, isNoGpuRuntime, noGpuRuntimeMessage, type InventoryGpu } from "../backends/engine/gpus.js";
import { usableCandidates } from "../backends/engine/images.js";
import { advertisedKinds, nodeLabel, readNodes, roleProblem, swarmRole, type SwarmInfo } from "../backends/swarm/cluster.js";
import { gpuKinds, parseGpuModelEntries, type GpuKinds } from "../backends/swarm/gpu-kinds.js";
import type { WdlrunConfig } from "../config/index.js";
import { nodeFileIO } from "../eval/node-io.js";
import { describeGpu } from "../runtime/gpu-models.js";
import { evaluateExpr } from "../runtime/eval-bridge.js";
import { containerCandidates } from "../runtime/requirements/keys.js";
import { formatBytes } from "../runtime/units.js";

/** One finding: all is well (`ok`), worth knowing (`note`), or a `problem` with its fix. */
export type Finding =
  | { readonly kind: "ok"; readonly topic: string; readonly text: string }
  | { readonly kind: "note"; readonly topic: string; readonly text: string }
  | { readonly kind: "problem"; readonly topic: string; readonly text: string; readonly fix: string };

const ok = (topic: string, text: string): Finding => ({ kind: "ok", topic, text });
const note = (topic: string, text: string): Finding => ({ kind: "note", topic, text });
const problem = (topic: string, text: string, fix: string): Finding => ({ kind: "problem", topic, text, fix });

/** Below this much free disk under the output folder, doctor reports a problem. */
const LOW_DISK_BYTES = 1024 ** 3;
/** The most one engine question may take. */
const ASK_MS = 10_000;

/** Resolves `p`, or rejects after `ms` with a timeout error. */
function within<T>(p: Promise<T>, ms = ASK_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Everything doctor checks, in order. `documents`: the checked document and its imports, when one was given. */
export async function findings(config: WdlrunConfig, documents: readonly CheckedDocument[]): Promise<Finding[]> {
  const out: Finding[] = [];
  const engine = config.backend === "local" ? undefined : await engineFindings(config, out);
  // On swarm the GPUs are the nodes' generic resources (listed with the nodes), not this machine's.
  if (config.backend !== "swarm") out.push(...(await gpuFindings(config, engine)));
  if (engine) out.push(...(await imageFindings(config, engine.docker, documents)));
  else if (documents.length > 0) out.push(note("images", "no Docker Engine to check the document's images against (the local backend ignores them)"));
  out.push(await diskFinding(config.outputDir));
  return out;
}

/** An engine that answered. */
interface Engine {
  readonly docker: Docker;
  readonly url: string;
}

/** The engine and the swarm; undefined (with the findings said) when no engine answers. */
async function engineFindings(config: WdlrunConfig, out: Finding[]): Promise<Engine | undefined> {
  let url: string;
  try {
    url = engineUrl(config.docker.host);
  } catch (e) {
    out.push(problem("engine", (e as Error).message.replace(/: use .*$/, ""), "use unix:///path/to/docker.sock or tcp://host:port"));
    return undefined;
  }
  let docker: Docker;
  let version: { Version?: string; ApiVersion?: string };
  try {
    docker = connect(url, config.docker.tls);
    version = (await within(docker.version())) as { Version?: string; ApiVersion?: string };
  } catch (e) {
    const why = explainConnection(e, url) ?? `the Docker Engine at ${url} does not answer: ${engineMessage(e)}`;
    const [text, fix] = splitFix(why);
    if (config.backend === "auto") out.push(note("engine", `${text}; runs use the local backend (tasks' containers are ignored)`));
    else out.push(problem("engine", text, fix));
    return undefined;
  }
  out.push(ok("engine", `Docker Engine ${version.Version ?? "(version unknown)"} (API ${version.ApiVersion ?? "unknown"}) at ${url}`));
  out.push(...(await swarmFindings(config, docker, url)));
  return { docker, url };
}

/** `text: fix` of an explanation (its last ": " before the fix), for one-line findings. */
function splitFix(line: string): [string, string] {
  const i = line.lastIndexOf(": ");
  return i < 0 ? [line, "see the message"] : [line.slice(0, i), line.slice(i + 2)];
}

/** The engine's swarm role and, on a manager, every node. */
async function swarmFindings(config: WdlrunConfig, docker: Docker, url: string): Promise<Finding[]> {
  let info: SwarmInfo;
  try {
    info = (await within(docker.info())) as SwarmInfo;
  } catch (e) {
    return [problem("swarm", `docker info failed: ${engineMessage(e)}`, "check the engine's log")];
  }
  const role = swarmRole(info);
  const wanted = config.backend === "swarm";
  if (role.kind === "inactive") {
    const text = "the engine is not in a swarm";
    return [wanted ? problem("swarm", text, "docker swarm init (or join one), or use --backend docker") : note("swarm", `${text} (only --backend swarm needs one)`)];
  }
  const why = roleProblem(role, url);
  if (why !== undefined) {
    const [text, fix] = splitFix(why);
    return [wanted ? problem("swarm", text, fix) : note("swarm", text)];
  }
  const nodes = await readNodes(docker, url).catch(() => []);
  const out: Finding[] = [ok("swarm", `manager of a swarm of ${nodes.length} node${nodes.length === 1 ? "" : "s"}`)];
  const gpuKind = config.swarm.gpuKind;
  for (const n of nodes) {
    const generic = [...n.generic].map(([kind, pool]) => `${kind}=${pool.count}`).join(" ") || "no generic resources";
    const text = `node ${nodeLabel(n)}: ${n.state}, ${n.availability}, ${n.cpu} CPUs, ${formatBytes(n.memoryBytes)}, ${generic}`;
    if (n.usable) out.push(ok("swarm", text));
    else out.push(problem("swarm", text, n.state !== "ready" ? "start the node's dockerd (or docker node rm it)" : `docker node update --availability active ${n.id.slice(0, 12)}`));
  }
  let kinds: GpuKinds;
  try {
    kinds = gpuKinds(advertisedKinds(nodes), gpuKind, parseGpuModelEntries(config.swarm.gpuModels));
  } catch (e) {
    out.push(problem("swarm", (e as Error).message, "write each entry as KIND=MODEL"));
    return out;
  }
  const modelled = [...kinds].flatMap(([kind, model]) => (model !== undefined && nodes.some((n) => n.generic.has(kind)) ? [`${kind} as ${model.name}`] : []));
  if (modelled.length > 0) out.push(ok("swarm", `GPU models by kind: ${modelled.join(", ")}`));
  if (nodes.length > 0 && !nodes.some((n) => [...kinds.keys()].some((k) => n.generic.has(k))))
    out.push(note("swarm", `no node advertises GPUs as ${gpuKind} (swarm.gpu_kind), NVIDIA-<MODEL> or a swarm.gpu_models kind: tasks that need a GPU are refused on swarm`));
  return out;
}

/**
 * nvidia-smi's inventory against `resources.gpus`, and whether the engine
 * carries out device requests (local: only `resources.gpus` is handed out).
 */
async function gpuFindings(config: WdlrunConfig, engine: Engine | undefined): Promise<Finding[]> {
  const inventory = await detectGpus();
  const configured = config.resources.gpus;
  const out: Finding[] = [];
  if (inventory.length > 0) out.push(ok("gpus", `nvidia-smi lists ${inventory.length}: ${inventory.map((g) => describeGpu(g.id, g)).join(", ")}`));
  if (configured.length > 0) {
    if (inventory.length === 0) out.push(note("gpus", `resources.gpus = [${configured.join(", ")}]; nvidia-smi is not here to check them against (fine when the engine runs on another machine)`));
    const unknown = inventory.length === 0 ? [] : configured.filter((id) => !inventory.some((g: InventoryGpu) => g.id === id || g.index === id));
    for (const id of unknown) out.push(problem("gpus", `resources.gpus names ${id}, which nvidia-smi does not list`, "use the indices or UUIDs nvidia-smi -L prints, or leave resources.gpus empty to use every GPU it lists"));
  }
  if (config.backend === "local" && configured.length === 0) {
    out.push(note("gpus", "resources.gpus is empty: the local backend hands out no GPUs (tasks that need one are refused); list the GPUs there to use them"));
    return out;
  }
  const ids = configured.length > 0 ? [...configured] : inventory.map((g) => g.id);
  if (ids.length === 0) {
    out.push(note("gpus", "no GPUs (nvidia-smi lists none and resources.gpus is empty): tasks that need a GPU are refused"));
    return out;
  }
  // Tried with a GPU nvidia-smi lists when there is one (a wrong configured id is reported above).
  if (engine) out.push(await deviceRequestFinding(engine, ids.find((id) => inventory.some((g) => g.id === id || g.index === id)) ?? ids[0]!));
  return out;
}

/** Starts a throw-away container asking for GPU `id` on an image already there: does the engine attach GPUs? */
async function deviceRequestFinding(engine: Engine, id: string): Promise<Finding> {
  const { docker, url } = engine;
  const images = await within(docker.listImages()).catch(() => []);
  const image = images.flatMap((i) => i.RepoTags ?? []).find((t) => t !== "<none>:<none>");
  if (image === undefined) return note("gpus", "the engine has no image to try a GPU device request with");
  let container: Docker.Container | undefined;
  try {
    container = await within(
      docker.createContainer({ Image: image, Entrypoint: ["/bin/sh", "-c"], Cmd: ["exit 0"], HostConfig: { NetworkMode: "none", DeviceRequests: [gpuDeviceRequest([id])] } }),
    );
    await within(container.start());
    return ok("gpus", `the engine carries out GPU device requests (tried device ${id})`);
  } catch (e) {
    const said = engineMessage(e);
    if (isNoGpuRuntime(said)) {
      const [text, fix] = splitFix(noGpuRuntimeMessage(url, [id], said));
      return problem("gpus", text, fix);
    }
    return problem("gpus", `a container asking for GPU ${id} did not start: ${said}`, "check the NVIDIA Container Toolkit on the engine's host (nvidia-ctk runtime configure --runtime=docker)");
  } finally {
    await container?.remove({ force: true }).catch(() => undefined);
  }
}

/** The image candidates each task of the documents names with a constant `container` (or `docker`), once each. */
export function staticImages(documents: readonly CheckedDocument[], defaultImage: string): string[][] {
  const seen = new Map<string, string[]>();
  for (const doc of documents) {
    const io = nodeFileIO({ baseDir: process.cwd() });
    const ctx = { version: doc.version, lookup: () => undefined, structs: doc.structs, io };
    for (const task of doc.tasks.values()) {
      const entries = [...(task.def.runtime?.entries ?? []), ...(task.def.requirements?.entries ?? [])];
      const entry = entries.filter((e) => e.key.name === "container" || e.key.name === "docker").pop();
      let candidates: string[] = [];
      try {
        if (entry) candidates = containerCandidates(entry.key.name, evaluateExpr(entry.value, ctx));
      } catch {
        continue; // Not constant: known only when the task runs.
      }
      const usable = usableCandidates(candidates, defaultImage);
      if (usable.length > 0) seen.set(usable.join("\n"), usable);
    }
  }
  return [...seen.values()];
}

/** Each list of image candidates: one is present, or the first can be pulled (unless the policy is `never`). */
async function imageFindings(config: WdlrunConfig, docker: Docker, documents: readonly CheckedDocument[]): Promise<Finding[]> {
  if (documents.length === 0) return [];
  const lists = staticImages(documents, config.docker.defaultImage);
  if (lists.length === 0) return [note("images", "the document names no image by a constant")];
  const present = async (name: string) => within(docker.getImage(name).inspect()).then(() => true, () => false);
  const out: Finding[] = [];
  for (const list of lists) {
    const names = list.join(" or ");
    const here = await (async () => {
      for (const name of list) if (await present(name)) return name;
      return undefined;
    })();
    if (here !== undefined) {
      out.push(ok("images", `${here} is present${list.length > 1 ? ` (of ${names})` : ""}`));
      continue;
    }
    if (config.docker.pull === "never") {
      out.push(problem("images", `${names}: not present, and docker.pull = "never"`, `docker pull ${list[0]} (or docker load it), or set docker.pull = "if-not-present"`));
      continue;
    }
    const pullable = await within(docker.getImage(list[0]!).distribution()).then(
      () => undefined,
      (e: unknown) => engineMessage(e),
    );
    if (pullable === undefined) out.push(ok("images", `${list[0]} is not present; the engine can pull it`));
    else out.push(problem("images", `${names}: not present, and ${list[0]} cannot be pulled (${pullable})`, `docker load the image into the engine, or check the image's name and the engine's access to its registry`));
  }
  return out;
}

/** Free disk under the output folder (or the nearest folder above it that exists). */
async function diskFinding(outputDir: string): Promise<Finding> {
  let dir = path.resolve(outputDir);
  for (;;) {
    try {
      const s = await statfs(dir);
      const free = s.bavail * s.bsize;
      const text = `${formatBytes(free)} free under ${dir}${dir !== path.resolve(outputDir) ? ` (where ${outputDir} will be)` : ""}`;
      return free < LOW_DISK_BYTES ? problem("disk", text, "free some space, or set output_dir (--out) to a roomier disk") : ok("disk", text);
    } catch {
      const up = path.dirname(dir);
      if (up === dir) return problem("disk", `cannot read the free space under ${outputDir}`, "check that output_dir is a usable path");
      dir = up;
    }
  }
}
