/**
 * What the swarm looks like from the engine wdlrun talks to: whether that
 * engine is an active swarm manager (with one clear line and the fix when it
 * is not: not in a swarm, a worker, locked, joining), and the nodes with the
 * resources each one advertises (CPUs, memory, generic resources such as
 * GPUs). Parsing is pure; `readNodes` and `readRole` ask the engine.
 */
import type Docker from "dockerode";
import { asBackendError } from "../engine/client.js";
import { withLeader } from "../engine/swarm-leader.js";
import { SwarmBackendError } from "./errors.js";

/** The engine's place in a swarm, from `docker info`. */
export type SwarmRole =
  | { readonly kind: "manager"; readonly nodeId: string; readonly nodes: number }
  | { readonly kind: "worker"; readonly nodeId: string; readonly managers: readonly string[] }
  | { readonly kind: "inactive" }
  | { readonly kind: "pending" }
  | { readonly kind: "locked" }
  | { readonly kind: "error"; readonly message: string };

/** The part of `docker info` this module reads. */
export interface SwarmInfo {
  readonly Swarm?: {
    readonly LocalNodeState?: string;
    readonly ControlAvailable?: boolean;
    readonly NodeID?: string;
    readonly Nodes?: number;
    readonly Error?: string;
    readonly RemoteManagers?: readonly { readonly Addr?: string }[] | null;
  };
}

/** The engine's swarm role from its `docker info`. Pure. */
export function swarmRole(info: SwarmInfo): SwarmRole {
  const s = info.Swarm ?? {};
  switch (s.LocalNodeState ?? "inactive") {
    case "active":
      return s.ControlAvailable === true
        ? { kind: "manager", nodeId: s.NodeID ?? "", nodes: s.Nodes ?? 0 }
        : { kind: "worker", nodeId: s.NodeID ?? "", managers: (s.RemoteManagers ?? []).map((m) => m.Addr ?? "").filter((a) => a !== "") };
    case "pending":
      return { kind: "pending" };
    case "locked":
      return { kind: "locked" };
    case "error":
      return { kind: "error", message: s.Error ?? "unknown error" };
    default:
      return { kind: "inactive" };
  }
}

/** Why wdlrun cannot submit services through this engine (one line with the fix); undefined for a manager. */
export function roleProblem(role: SwarmRole, url: string): string | undefined {
  switch (role.kind) {
    case "manager":
      return undefined;
    case "worker":
      return (
        `the Docker Engine at ${url} is a swarm worker, not a manager: run wdlrun on a manager node ` +
        `(\`docker node ls\` on a manager lists them${role.managers.length > 0 ? `; managers: ${role.managers.join(", ")}` : ""}), ` +
        `or point docker.host / DOCKER_HOST at a manager's engine`
      );
    case "inactive":
      return `the Docker Engine at ${url} is not part of a swarm: create one (\`docker swarm init\`) or join one, or use --backend docker to run tasks as plain containers`;
    case "pending":
      return `the Docker Engine at ${url} is still joining its swarm: wait until \`docker info\` shows "Swarm: active", then run again`;
    case "locked":
      return `the swarm manager at ${url} is locked: unlock it with \`docker swarm unlock\` and run again`;
    case "error":
      return `the Docker Engine at ${url} reports a swarm error (${role.message}): fix the swarm (docker info) or use --backend docker`;
  }
}

/** Reads the engine's swarm role. */
export async function readRole(docker: Docker, url: string): Promise<SwarmRole> {
  try {
    return swarmRole((await docker.info()) as SwarmInfo);
  } catch (e) {
    throw asBackendError(e, url, "reading the engine's swarm state");
  }
}

/** The generic resources of one kind that a node advertises. */
export interface GenericPool {
  /** Named resources (`KIND=ID`), e.g. GPU UUIDs. */
  readonly ids: readonly string[];
  /** How many in all (named ones plus discrete counts `KIND=N`). */
  readonly count: number;
}

/** One swarm node as wdlrun sees it. */
export interface SwarmNode {
  readonly id: string;
  readonly hostname: string;
  /** `ready`, `down`, `unknown`, `disconnected`. */
  readonly state: string;
  /** `active`, `pause`, `drain`. */
  readonly availability: string;
  /** Ready and active: the node can take new tasks. */
  readonly usable: boolean;
  readonly cpu: number;
  readonly memoryBytes: number;
  /** Generic resources by kind. */
  readonly generic: ReadonlyMap<string, GenericPool>;
}

/** The part of a node object (`GET /nodes`) this module reads. */
export interface RawNode {
  readonly ID?: string;
  readonly Spec?: { readonly Availability?: string };
  readonly Status?: { readonly State?: string };
  readonly Description?: {
    readonly Hostname?: string;
    readonly Resources?: {
      readonly NanoCPUs?: number;
      readonly MemoryBytes?: number;
      readonly GenericResources?:
        | readonly {
            readonly NamedResourceSpec?: { readonly Kind?: string; readonly Value?: string };
            readonly DiscreteResourceSpec?: { readonly Kind?: string; readonly Value?: number };
          }[]
        | null;
    };
  };
}

/** A node object as wdlrun sees it. Pure. */
export function parseNode(raw: RawNode): SwarmNode {
  const res = raw.Description?.Resources ?? {};
  const named = new Map<string, string[]>();
  const discrete = new Map<string, number>();
  for (const g of res.GenericResources ?? []) {
    if (g.NamedResourceSpec?.Kind) {
      const list = named.get(g.NamedResourceSpec.Kind) ?? [];
      list.push(g.NamedResourceSpec.Value ?? "");
      named.set(g.NamedResourceSpec.Kind, list);
    } else if (g.DiscreteResourceSpec?.Kind) {
      const k = g.DiscreteResourceSpec.Kind;
      discrete.set(k, (discrete.get(k) ?? 0) + Math.max(0, g.DiscreteResourceSpec.Value ?? 0));
    }
  }
  const generic = new Map<string, GenericPool>();
  for (const kind of new Set([...named.keys(), ...discrete.keys()])) {
    const ids = (named.get(kind) ?? []).sort();
    generic.set(kind, { ids, count: ids.length + (discrete.get(kind) ?? 0) });
  }
  const state = raw.Status?.State ?? "unknown";
  const availability = raw.Spec?.Availability ?? "active";
  return {
    id: raw.ID ?? "",
    hostname: raw.Description?.Hostname ?? raw.ID ?? "",
    state,
    availability,
    usable: state === "ready" && availability === "active",
    cpu: (res.NanoCPUs ?? 0) / 1e9,
    memoryBytes: res.MemoryBytes ?? 0,
    generic,
  };
}

/** Every node of the swarm (usable or not), sorted by hostname. */
export async function readNodes(docker: Docker, url: string): Promise<SwarmNode[]> {
  let raw: RawNode[];
  try {
    raw = await withLeader(url, "listing the swarm's nodes", async () => (await docker.listNodes()) as RawNode[]);
  } catch (e) {
    throw asBackendError(e, url, "listing the swarm's nodes");
  }
  return raw.map(parseNode).sort((a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id));
}

/** A node as messages name it: host name and short id (host names need not be unique). */
export function nodeLabel(n: SwarmNode): string {
  return `${n.hostname} (${n.id.slice(0, 12)})`;
}

/** The generic-resource kinds any node advertises (for messages). */
export function advertisedKinds(nodes: readonly SwarmNode[]): string[] {
  return [...new Set(nodes.flatMap((n) => [...n.generic.keys()]))].sort();
}

/** Throws a SwarmBackendError when no node can take tasks at all. */
export function requireUsableNode(nodes: readonly SwarmNode[], url: string): void {
  if (nodes.some((n) => n.usable)) return;
  const seen = nodes.map((n) => `${n.hostname} (${n.state}, ${n.availability})`).join(", ");
  throw new SwarmBackendError(
    `no node of the swarm managed at ${url} can take tasks${seen ? `: ${seen}` : ""}: bring a node up or set it active (\`docker node update --availability active NODE\`)`,
  );
}
