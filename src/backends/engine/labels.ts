/**
 * Labels on everything wdlrun creates in an engine (containers, services),
 * and the owner identity they carry so leftovers of crashed runs can be told
 * from containers of runs still going: host name, boot id, pid and the
 * process's start time. An owner is gone when it ran on this host and either
 * this host has rebooted since or no process with that pid and start time
 * exists; owners on other hosts are never judged gone.
 */
import { readFileSync } from "node:fs";
import os from "node:os";

/** Present (value "1") on everything wdlrun creates. */
export const LABEL_COMMON = "org.wdlrun";
export const LABEL_RUN = "org.wdlrun.run";
export const LABEL_CALL = "org.wdlrun.call";
export const LABEL_ATTEMPT = "org.wdlrun.attempt";
export const LABEL_OWNER_HOST = "org.wdlrun.owner.host";
export const LABEL_OWNER_BOOT = "org.wdlrun.owner.boot";
export const LABEL_OWNER_PID = "org.wdlrun.owner.pid";
export const LABEL_OWNER_START = "org.wdlrun.owner.start";
/** On each container of a gang: its rank (0 …); the gang's network carries the attempt's labels. */
export const LABEL_RANK = "org.wdlrun.rank";
/** On containers kept by `cleanup = false`: the start-of-run sweep spares them, `wdlrun clean` does not. */
export const LABEL_KEEP = "org.wdlrun.keep";
/** A per-backend-instance token: `close()` removes exactly what this instance created. */
export const LABEL_SESSION = "org.wdlrun.session";
/** On a container whose files go back to a user: `uid:gid` (the sweep hands them back when wdlrun could not). */
export const LABEL_HAND_BACK = "org.wdlrun.hand-back";
/** Put by the engine (not wdlrun) on a swarm task's container: the id of its service. */
export const LABEL_SWARM_SERVICE = "com.docker.swarm.service.id";

/** Identifies the wdlrun process that owns a container. */
export interface Owner {
  readonly host: string;
  readonly boot: string;
  readonly pid: number;
  /** Start time of the process in clock ticks since boot (field 22 of /proc/PID/stat); "" when unknown. */
  readonly start: string;
}

function readBootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}

/** The start time of process `pid` (from /proc), or undefined when there is no such process. */
export function processStart(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19] ?? "";
}

let self: Owner | undefined;
/** This process as an owner. */
export function currentOwner(): Owner {
  self ??= { host: os.hostname(), boot: readBootId(), pid: process.pid, start: processStart(process.pid) ?? "" };
  return self;
}

/** The labels for an attempt's container. */
export function attemptLabels(runId: string, callId: string, attempt: number, session: string, owner: Owner = currentOwner()): Record<string, string> {
  return {
    [LABEL_COMMON]: "1",
    [LABEL_RUN]: runId,
    [LABEL_CALL]: callId,
    [LABEL_ATTEMPT]: String(attempt),
    [LABEL_SESSION]: session,
    [LABEL_OWNER_HOST]: owner.host,
    [LABEL_OWNER_BOOT]: owner.boot,
    [LABEL_OWNER_PID]: String(owner.pid),
    [LABEL_OWNER_START]: owner.start,
  };
}

/** The hand-back label for `owner`; none when the files stay as written. */
export function handBackLabel(owner: { readonly uid: number; readonly gid: number } | undefined): Record<string, string> {
  return owner === undefined ? {} : { [LABEL_HAND_BACK]: `${owner.uid}:${owner.gid}` };
}

/** The owner a container's hand-back label names; undefined when it has none (or a malformed one). */
export function handBackOwner(labels: Readonly<Record<string, string>>): { readonly uid: number; readonly gid: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(labels[LABEL_HAND_BACK] ?? "");
  return m ? { uid: Number(m[1]), gid: Number(m[2]) } : undefined;
}

/** Why a labelled object is (or is not) a leftover. */
export type OwnerState =
  | { readonly kind: "alive" }
  | { readonly kind: "gone"; readonly why: string }
  | { readonly kind: "unknown"; readonly why: string };

/**
 * Judges the owner recorded in `labels` against this host. `startOf` looks a
 * pid's start time up (injectable for tests).
 */
export function ownerState(
  labels: Readonly<Record<string, string>>,
  here: Owner = currentOwner(),
  startOf: (pid: number) => string | undefined = processStart,
): OwnerState {
  const host = labels[LABEL_OWNER_HOST];
  const pid = Number(labels[LABEL_OWNER_PID]);
  if (host === undefined || !Number.isInteger(pid) || pid <= 0) return { kind: "unknown", why: "no owner labels" };
  if (host !== here.host) return { kind: "unknown", why: `owned by a process on host ${host}` };
  const boot = labels[LABEL_OWNER_BOOT] ?? "";
  if (boot !== "" && here.boot !== "" && boot !== here.boot) return { kind: "gone", why: "its owner ran before this host last booted" };
  const start = startOf(pid);
  if (start === undefined) return { kind: "gone", why: `its owner (pid ${pid}) has exited` };
  const recorded = labels[LABEL_OWNER_START] ?? "";
  if (recorded !== "" && start !== "" && start !== recorded) return { kind: "gone", why: `its owner (pid ${pid}) has exited (pid reused)` };
  return { kind: "alive" };
}
