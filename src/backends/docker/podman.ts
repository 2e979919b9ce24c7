/**
 * What the docker backend does differently when the engine is Podman
 * (../engine/flavour.ts tells): GPUs are CDI devices (`nvidia.com/gpu=<id>`),
 * which Podman's Docker-compatible API neither takes as a device nor as a
 * device request (it ignores DeviceRequests, and stats a CDI name in
 * HostConfig.Devices as a path), so an attempt given GPUs is created through
 * Podman's own create endpoint, from the same container definition; the
 * notices a rootless engine calls for. Everything after the create (start,
 * wait, stats, logs, archive, remove) goes through the compatible API as on
 * Docker.
 */
import type Docker from "dockerode";
import type { EngineFlavour } from "../engine/flavour.js";
import type { Hardening } from "../engine/hardening.js";

/** The CDI device names of GPU ids, as the NVIDIA Container Toolkit's spec (`nvidia-ctk cdi generate`) names them. */
export function cdiDeviceNames(ids: readonly string[]): string[] {
  return ids.map((id) => `nvidia.com/gpu=${id}`);
}

/** The one-line notices opening a Podman engine calls for. */
export function podmanNotices(flavour: EngineFlavour, hardening: Hardening | undefined): string[] {
  if (!flavour.rootless || hardening?.user === undefined) return [];
  return [
    `docker.user = "invoking" changes nothing on a rootless engine: the container's root is already you on the host (files the task writes are yours), so commands run as the container's root`,
  ];
}

/** Podman's own API version wdlrun speaks for the create (Podman 4.0 and later serve it). */
const LIBPOD_API = "v4.0.0";

/** The CPU period (µs) a NanoCpus limit is expressed in for Podman's create. */
const CPU_PERIOD = 100_000;

/** Podman's container spec (the fields wdlrun sets) for a Docker container definition plus CDI devices. Pure. */
export function libpodSpec(options: Docker.ContainerCreateOptions, cdiDevices: readonly string[]): Record<string, unknown> {
  const host = options.HostConfig ?? {};
  const env: Record<string, string> = {};
  for (const kv of options.Env ?? []) {
    const eq = kv.indexOf("=");
    env[eq < 0 ? kv : kv.slice(0, eq)] = eq < 0 ? "" : kv.slice(eq + 1);
  }
  const mounts = (host.Mounts ?? []).filter((m) => m.Type === "bind");
  const volumes = (host.Mounts ?? []).filter((m) => m.Type === "volume");
  const limits: Record<string, unknown> = {};
  if (host.Memory !== undefined) limits.memory = { limit: host.Memory, ...(host.MemorySwap !== undefined ? { swap: host.MemorySwap } : {}) };
  if (host.NanoCpus !== undefined) limits.cpu = { period: CPU_PERIOD, quota: Math.max(1000, Math.round((host.NanoCpus / 1e9) * CPU_PERIOD)) };
  if (host.PidsLimit !== undefined && host.PidsLimit !== null) limits.pids = { limit: host.PidsLimit };
  return {
    ...(options.name !== undefined ? { name: options.name } : {}),
    image: options.Image,
    ...(options.Entrypoint !== undefined ? { entrypoint: options.Entrypoint } : {}),
    ...(options.Cmd !== undefined ? { command: options.Cmd } : {}),
    ...(options.WorkingDir !== undefined ? { work_dir: options.WorkingDir } : {}),
    ...(options.User !== undefined ? { user: options.User } : {}),
    env,
    labels: options.Labels ?? {},
    mounts: mounts.map((m) => ({ destination: m.Target, type: "bind", source: m.Source, options: ["rbind", m.ReadOnly ? "ro" : "rw"] })),
    volumes: volumes.map((m) => ({ Name: "", Dest: m.Target, Options: [] })),
    resource_limits: limits,
    ...(host.ShmSize !== undefined ? { shm_size: host.ShmSize } : {}),
    no_new_privileges: (host.SecurityOpt ?? []).includes("no-new-privileges"),
    cap_drop: host.CapDrop ?? [],
    ...(host.NetworkMode === "none" ? { netns: { nsmode: "none" } } : {}),
    ...gangNetworking(options),
    devices: cdiDevices.map((path) => ({ path })),
  };
}

/** A gang rank's place (../docker/gang.ts) in Podman's spec: its network with alias and address, host name, hosts entries; nothing for other containers. */
function gangNetworking(options: Docker.ContainerCreateOptions): Record<string, unknown> {
  const endpoints = Object.entries(options.NetworkingConfig?.EndpointsConfig ?? {});
  if (endpoints.length === 0) return {};
  const networks = Object.fromEntries(
    endpoints.map(([name, e]) => [name, { aliases: e.Aliases ?? [], ...(e.IPAMConfig?.IPv4Address ? { static_ips: [e.IPAMConfig.IPv4Address] } : {}) }]),
  );
  const hosts = options.HostConfig?.ExtraHosts ?? [];
  return {
    netns: { nsmode: "bridge" },
    Networks: networks,
    ...(options.Hostname !== undefined ? { hostname: options.Hostname } : {}),
    ...(hosts.length > 0 ? { hostadd: hosts } : {}),
  };
}

/** Creates the container of `options` with `cdiDevices` through Podman's own create endpoint; rejects as dockerode does (statusCode, json). */
export function createWithCdi(docker: Docker, options: Docker.ContainerCreateOptions, cdiDevices: readonly string[]): Promise<Docker.Container> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/${LIBPOD_API}/libpod/containers/create`,
        method: "POST",
        options: libpodSpec(options, cdiDevices),
        statusCodes: { 200: true, 201: true, 400: "bad parameter", 404: "no such image", 409: "conflict", 500: "server error" },
      },
      (err: unknown, data: unknown) => {
        if (err) return reject(err);
        const id = (data as { Id?: unknown } | null)?.Id;
        if (typeof id !== "string") return reject(new Error("Podman's create answered no container id"));
        resolve(docker.getContainer(id));
      },
    );
  });
}

/** True when a Podman error says it cannot resolve a CDI device (no spec for it). */
export function isUnresolvedCdi(message: string): boolean {
  return /unresolvable CDI devices|CDI device/i.test(message);
}

/** The one-line explanation for a Podman that has no CDI spec for the GPUs asked. */
export function noCdiMessage(url: string, ids: readonly string[], engineSays: string): string {
  return (
    `Podman at ${url} cannot give containers GPUs ${cdiDeviceNames(ids).join(", ")} (engine says: ${engineSays}): ` +
    `generate the NVIDIA CDI spec on the engine's host (sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml; nvidia-ctk cdi list shows the names), ` +
    `or set resources.gpus to ids it lists`
  );
}
