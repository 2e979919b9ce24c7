/**
 * The swarm backend's own failure type. It is a DockerBackendError (the swarm
 * backend talks to a Docker Engine and shares its connection errors), so code
 * that catches engine failures catches both.
 */
import { DockerBackendError } from "../engine/client.js";

/** A failure of the swarm backend itself; `message` is one line that says what to do. */
export class SwarmBackendError extends DockerBackendError {
  constructor(message: string) {
    super(message);
    this.name = "SwarmBackendError";
  }
}
