/**
 * A swarm manager that has just started (or lost quorum) answers the swarm
 * API with 503 "the swarm does not have a leader" until a leader is elected,
 * the same status it gives for "not a swarm manager": told apart here by the
 * engine's message, and waited out for a bounded time, so that a sweep right
 * after a manager's restart does not take the swarm for no swarm.
 */
import { DockerBackendError, engineMessage, statusOf } from "./client.js";

/** How long a swarm API call waits for a leader before it gives up (leader election after a restart takes seconds). */
export const LEADER_WAIT_MS = 20_000;

/** The swarm has no leader: its API cannot be used now. */
export class SwarmNoLeaderError extends DockerBackendError {
  constructor(message: string) {
    super(message);
    this.name = "SwarmNoLeaderError";
  }
}

/** Whether the engine's answer means "no swarm here" (no swarm, a worker, or no swarm API at all), not "no leader yet". */
export function isNotAManager(e: unknown): boolean {
  const status = statusOf(e);
  return status === 404 || (status === 503 && /not a swarm manager|not part of a swarm/i.test(engineMessage(e)));
}

/** Whether the engine's answer is a manager's "no leader" (503 for any other reason than not being a manager). */
export function isNoLeader(e: unknown): boolean {
  return statusOf(e) === 503 && !isNotAManager(e);
}

/**
 * Runs `call`, and again every half second while the swarm has no leader, for
 * at most `waitMs`; then fails with a SwarmNoLeaderError naming `what` and
 * what the engine said. Other failures are rethrown as they are.
 */
export async function withLeader<T>(url: string, what: string, call: () => Promise<T>, waitMs = LEADER_WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await call();
    } catch (e) {
      if (!isNoLeader(e)) throw e;
      if (Date.now() >= deadline) {
        throw new SwarmNoLeaderError(
          `${what}: the swarm of the engine at ${url} has had no leader for ${Math.round(waitMs / 1000)} s (engine says: ${engineMessage(e)}); ` +
            `more than half of its managers must be online (docker node ls)`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
