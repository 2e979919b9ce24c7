/**
 * What hardens every task container beyond its mounts: no-new-privileges
 * (a setuid binary in the image gains nothing), no MKNOD capability (no
 * device node reaches the run directory), a limit on processes (a fork
 * bomb stops at it), the network (`docker.network`: the engine's default, or
 * none at all) and the user the command runs as (`docker.user`: the image's
 * own, root in the usual images, or the uid:gid of whoever runs wdlrun).
 * Shared by the Docker and swarm backends; pure.
 */
import type Docker from "dockerode";
import type { WdlrunConfig } from "../../config/load.js";
import type { FileOwner } from "./wrapper.js";

/** The hardening of one backend's containers. */
export interface Hardening {
  /** Most processes (threads included) in one container; 0 = no limit. */
  readonly pidsLimit: number;
  /** `default`: the engine's default network; `none`: only a loopback interface. */
  readonly network: "default" | "none";
  /** The uid:gid the command runs as; undefined = the image's own user. */
  readonly user: FileOwner | undefined;
}

/** The hardening a config asks for (`docker.pids_limit`, `docker.network`, `docker.user`). */
export function hardeningFromConfig(config: WdlrunConfig): Hardening {
  return { pidsLimit: config.docker.pidsLimit, network: config.docker.network, user: config.docker.user === "invoking" ? invokingUser() : undefined };
}

/** The default: no-new-privileges and 4096 processes, the engine's network, the image's user. */
export const DEFAULT_HARDENING: Hardening = { pidsLimit: 4096, network: "default", user: undefined };

/** The uid:gid of this process. */
export function invokingUser(): FileOwner {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/**
 * Capabilities every task container drops: MKNOD (a device node made in the
 * work directory would be a real device on the host, readable through the
 * run directory).
 */
export const DROPPED_CAPABILITIES = ["MKNOD"] as const;

/** The HostConfig fields of a container: SecurityOpt no-new-privileges, CapDrop, PidsLimit, NetworkMode. */
export function hardeningHostConfig(h: Hardening): Pick<Docker.HostConfig, "SecurityOpt" | "CapDrop" | "PidsLimit" | "NetworkMode"> {
  return {
    SecurityOpt: ["no-new-privileges"],
    CapDrop: [...DROPPED_CAPABILITIES],
    ...(h.pidsLimit > 0 ? { PidsLimit: h.pidsLimit } : {}),
    ...(h.network === "none" ? { NetworkMode: "none" } : {}),
  };
}
