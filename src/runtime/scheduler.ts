/**
 * The ready-queue scheduler: runs the nodes of one dependency graph (one
 * workflow body, or one scatter element's body) by indegree counting. Every
 * node whose dependencies have completed is dispatched at once, in a stable
 * order (graph order for the initial ones, then in order of readiness), and
 * never level by level. Synchronous nodes complete inside the dispatch loop;
 * asynchronous ones (calls, scatters) complete when their promise settles.
 *
 * Failures: without keep-going, the first failure stops the whole run (the
 * shared RunControl stops every scheduler from dispatching more); with
 * keep-going, only the failed node's dependents are skipped and independent
 * nodes go on. Either way the scheduler settles once nothing is in flight.
 */

/** What a scheduler shares with every other scheduler of the run. */
export interface RunControl {
  /** True once no new node may start (a failure without keep-going, or a cancellation). */
  readonly stopped: boolean;
  /** Whether independent branches go on after a failure. */
  readonly keepGoing: boolean;
  /** Reports a failure; stops the run unless keep-going. */
  fail(error: unknown): void;
}

/** Raised when a scheduler settles without running everything because the run stopped. */
export class StoppedError extends Error {
  constructor() {
    super("the run was stopped before this part could run");
    this.name = "StoppedError";
  }
}

/**
 * Raised by a scheduler when some of its nodes failed (with keep-going, after
 * everything independent ran). `errors` are the node failures, in order.
 */
export class NodesFailedError extends Error {
  constructor(readonly errors: readonly unknown[]) {
    super(errors.map((e) => (e instanceof Error ? e.message : String(e))).join("\n"));
    this.name = "NodesFailedError";
  }
}

/**
 * The shape of one dependency graph, computed once and shared by every run
 * of it (a scatter body is run once per element): nodes by index, each
 * node's dependents, and each node's indegree.
 */
export interface SchedulePlan<N> {
  readonly nodes: readonly N[];
  readonly dependents: readonly (readonly number[])[];
  readonly indegree: Int32Array;
}

/**
 * Builds a plan. `deps(n)` lists the nodes `n` waits for; dependencies not in
 * `nodes` (satisfied elsewhere) and self-references are ignored.
 */
export function buildPlan<N>(nodes: readonly N[], deps: (node: N) => readonly N[]): SchedulePlan<N> {
  const index = new Map<N, number>();
  nodes.forEach((n, i) => index.set(n, i));
  const dependents: number[][] = nodes.map(() => []);
  const indegree = new Int32Array(nodes.length);
  nodes.forEach((n, i) => {
    const seen = new Set<number>();
    for (const d of deps(n)) {
      const j = index.get(d);
      if (j === undefined || j === i || seen.has(j)) continue;
      seen.add(j);
      dependents[j]!.push(i);
      indegree[i]!++;
    }
  });
  return { nodes, dependents, indegree };
}

/** Runs the nodes of one dependency graph (one instance of a plan). */
export class DagScheduler<N> {
  private readonly indegree: Int32Array;
  private readonly skipped: Uint8Array;
  private readonly queue: number[] = [];
  private head = 0;
  private inFlight = 0;
  private settledCount = 0;
  private draining = false;
  private finished = false;
  private readonly errors: unknown[] = [];
  /** Nodes that ended with StoppedError (they did not finish). */
  private stoppedNodes = 0;
  private resolveRun!: () => void;
  private rejectRun!: (e: unknown) => void;

  /**
   * @param plan the graph (see buildPlan)
   * @param runNode runs one node: returns nothing when it finished synchronously, or a promise
   * @param onSettled told when each node completed (true), failed or was skipped (false)
   */
  constructor(
    private readonly plan: SchedulePlan<N>,
    private readonly runNode: (node: N) => void | Promise<void>,
    private readonly control: RunControl,
    private readonly onSettled?: (node: N, ok: boolean) => void,
  ) {
    this.indegree = plan.indegree.slice();
    this.skipped = new Uint8Array(plan.nodes.length);
  }

  /** Runs every node; resolves when all completed, rejects with NodesFailedError or StoppedError. */
  run(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
    });
    for (let i = 0; i < this.indegree.length; i++) if (this.indegree[i] === 0) this.queue.push(i);
    this.drain();
    return done;
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    while (this.head < this.queue.length && !this.control.stopped) {
      const i = this.queue[this.head++]!;
      this.inFlight++;
      let result: void | Promise<void>;
      try {
        result = this.runNode(this.plan.nodes[i]!);
      } catch (e) {
        this.failed(i, e);
        continue;
      }
      if (result) {
        result.then(
          () => this.completed(i),
          (e: unknown) => this.failed(i, e),
        );
      } else this.completed(i);
    }
    if (this.head >= this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    this.draining = false;
    this.maybeFinish();
  }

  private completed(i: number): void {
    this.inFlight--;
    this.settledCount++;
    this.onSettled?.(this.plan.nodes[i]!, true);
    for (const d of this.plan.dependents[i]!) {
      if (this.skipped[d]) continue;
      if (--this.indegree[d]! === 0) this.queue.push(d);
    }
    if (!this.draining) this.drain();
  }

  private failed(i: number, error: unknown): void {
    this.inFlight--;
    this.settledCount++;
    this.onSettled?.(this.plan.nodes[i]!, false);
    if (error instanceof NodesFailedError) this.errors.push(...error.errors);
    else if (error instanceof StoppedError) this.stoppedNodes++;
    else {
      this.errors.push(error);
      this.control.fail(error);
    }
    this.skipDependents(i);
    if (!this.draining) this.drain();
  }

  /** Marks everything downstream of a failed node as settled without running it. */
  private skipDependents(i: number): void {
    const stack = [...this.plan.dependents[i]!];
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (this.skipped[d]) continue;
      this.skipped[d] = 1;
      this.settledCount++;
      this.onSettled?.(this.plan.nodes[d]!, false);
      for (const dd of this.plan.dependents[d]!) stack.push(dd);
    }
  }

  private maybeFinish(): void {
    if (this.finished || this.inFlight > 0 || this.draining) return;
    const total = this.plan.nodes.length;
    const pending = this.head < this.queue.length;
    if (this.settledCount < total && !this.control.stopped && pending) return;
    this.finished = true;
    if (this.errors.length > 0) this.rejectRun(new NodesFailedError(this.errors));
    else if (this.stoppedNodes > 0 || (this.settledCount < total && this.control.stopped)) this.rejectRun(new StoppedError());
    else if (this.settledCount === total) this.resolveRun();
    // Nothing runs, nothing is ready, yet nodes remain: a cycle (analysis refuses those).
    else this.rejectRun(new Error("internal error: the dependency graph has a cycle"));
  }
}
