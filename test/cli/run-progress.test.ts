import { describe, expect, it } from "vitest";
import { elapsed, Progress } from "../../src/cli/progress.js";

describe("run progress on stderr", () => {
  it("writes plain timestamped log lines when stderr is not a terminal", () => {
    let text = "";
    const p = new Progress({ write: (t) => void (text += t), isTTY: false });
    p.observe({ kind: "call-queued", callId: "call-a" });
    p.observe({ kind: "attempt-started", callId: "call-a", attempt: 1, dir: "/r/call-a/attempt-1" });
    p.observe({ kind: "attempt-finished", callId: "call-a", attempt: 1, exitCode: 0 });
    p.observe({ kind: "call-succeeded", callId: "call-a" });
    p.stop();
    expect(text).toBe("[00:00] call-a: attempt 1 started\n[00:00] call-a: attempt 1 exited with 0\n[00:00] call-a: done\n");
    expect(text).not.toContain("\r");
  });

  it("keeps one live status line with waiting/running/done/failed counts on a terminal", () => {
    let text = "";
    const p = new Progress({ write: (t) => void (text += t), isTTY: true });
    p.observe({ kind: "call-queued", callId: "call-a" });
    p.observe({ kind: "call-queued", callId: "call-b" });
    p.observe({ kind: "attempt-started", callId: "call-a", attempt: 1, dir: "/d" });
    expect(p.statusLine()).toBe("[00:00] waiting 1 · running 1 · done 0 · failed 0");
    p.observe({ kind: "attempt-finished", callId: "call-a", attempt: 1, exitCode: 1 });
    p.observe({ kind: "call-failed", callId: "call-a", message: "the command exited with code 1" });
    expect(p.statusLine()).toBe("[00:00] waiting 1 · running 0 · done 0 · failed 1");
    p.observe({ kind: "call-stopped", callId: "call-b", started: false });
    expect(p.statusLine()).toBe("[00:00] waiting 0 · running 0 · done 0 · failed 1");
    p.stop();
    // The failure is printed above the status line, which is redrawn in place.
    expect(text).toContain("\r\x1b[Kcall-a: failed: the command exited with code 1\n");
    expect(text).toMatch(/\r\x1b\[K\[00:00\] waiting 0 · running 0 · done 0 · failed 1\n$/);
  });

  it("formats elapsed time", () => {
    expect(elapsed(0)).toBe("00:00");
    expect(elapsed(75_000)).toBe("01:15");
    expect(elapsed(3_725_000)).toBe("1:02:05");
  });
});
