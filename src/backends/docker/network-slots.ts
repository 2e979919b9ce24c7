/**
 * The gangs' networks of one Docker backend, counted: an engine has only so
 * many address pools for user-defined networks (about 30 with Docker's
 * defaults), so more gangs at once than that (cheap ranks on a big machine)
 * would find no address for their network. A gang that finds none waits here
 * until one of this backend's own gangs gives its network back; when this
 * backend has none up, nothing of wdlrun's would ever free one, and the gang
 * fails at once with what to do (./gang.ts).
 */

/**
 * The message of an engine out of address pools for a new network: Docker's
 * wording (seen on Docker 20.10); the Podman wording is a guess not seen yet
 * (Podman's default pools hold 255 networks, and making them takes minutes).
 */
export function isOutOfAddressPools(message: string): boolean {
  return /could not find an available, non-overlapping IPv4 address pool|could not find free subnet/i.test(message);
}

/** How many of this backend's gangs' networks are up, and the gangs waiting for one of them to go. */
export class NetworkSlots {
  private live = 0;
  private waiters: (() => void)[] = [];

  /** How many are up now. */
  get up(): number {
    return this.live;
  }

  /**
   * A gang's network is being created: counted from the request on, so that
   * a gang told there is no pool left sees the networks others are making.
   */
  opened(): void {
    this.live++;
  }

  /** A gang's network went (or its removal was tried, or its creation failed): wakes every gang waiting for one. */
  closed(): void {
    this.live = Math.max(0, this.live - 1);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /**
   * Waits until one of this backend's networks goes; resolves false at once
   * when none is up (waiting would be forever), and when `signal` aborts.
   */
  waitForOne(signal: AbortSignal): Promise<boolean> {
    if (this.live === 0 || signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      };
      const wake = () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(wake);
    });
  }
}
