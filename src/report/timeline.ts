/**
 * The report's timeline: every attempt as a bar from its start to its end
 * (or to now, while it runs) in a lane. An attempt given GPUs is drawn in
 * the lane of each of its GPUs; on a backend with several machines (swarm)
 * lanes are per node, then per slot within it; otherwise attempts are
 * packed into slots (the fewest lanes in which no two bars overlap), so
 * the lanes show how many attempts ran at once.
 */
import { esc } from "../graph/svg.js";
import type { AttemptRecord } from "./data.js";

const LANE_HEIGHT = 18;
const LABEL_WIDTH = 150;
const WIDTH = 1100;
const AXIS_HEIGHT = 22;

/** One bar. */
interface Bar {
  readonly a: AttemptRecord;
  readonly start: number;
  readonly end: number;
}

/** The timeline as SVG. `now` ends the bars of running attempts (ms since the epoch). */
export function timelineSvg(attempts: readonly AttemptRecord[], runStart: number, now: number): string {
  const bars: Bar[] = attempts.map((a) => {
    const start = Date.parse(a.startedAt);
    const end = a.endedAt !== undefined ? Date.parse(a.endedAt) : now;
    return { a, start, end: Math.max(end, start) };
  });
  if (bars.length === 0) return `<p class="empty">No attempt has started.</p>`;
  const lanes = assignLanes(bars);
  const t0 = Math.min(runStart, ...bars.map((b) => b.start));
  const t1 = Math.max(t0 + 1, ...bars.map((b) => b.end));
  const scale = (WIDTH - LABEL_WIDTH - 10) / (t1 - t0);
  const x = (t: number) => LABEL_WIDTH + (t - t0) * scale;
  const height = AXIS_HEIGHT + lanes.length * LANE_HEIGHT + 4;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" id="timeline" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
  ];
  for (const tick of ticks(t1 - t0)) {
    const tx = r(x(t0 + tick));
    out.push(`<line x1="${tx}" y1="${AXIS_HEIGHT - 4}" x2="${tx}" y2="${height}" stroke="#eee"/><text x="${tx}" y="${AXIS_HEIGHT - 8}" text-anchor="middle" fill="#777">${formatSeconds(tick / 1000)}</text>`);
  }
  lanes.forEach((lane, i) => {
    const y = AXIS_HEIGHT + i * LANE_HEIGHT;
    out.push(`<g class="lane"><text x="4" y="${y + 13}" fill="#444">${esc(lane.name)}</text>`);
    for (const b of lane.bars) {
      const bx = x(b.start);
      const bw = Math.max(1.5, (b.end - b.start) * scale);
      const state = b.a.endedAt === undefined ? "running" : b.a.exitCode === 0 ? "ok" : "failed";
      const secs = (b.end - b.start) / 1000;
      const title = `${b.a.callId} attempt ${b.a.attempt}: ${formatSeconds(secs)}${state === "running" ? ", running" : b.a.exitCode !== undefined ? `, exit ${b.a.exitCode}` : ", did not run"}`;
      const label = bw > 60 ? `<text x="${r(bx + 3)}" y="${y + 12}" fill="#111" clip-path="none">${esc(fit(b.a.callId, bw))}</text>` : "";
      out.push(`<g class="bar bar-${state}"><title>${esc(title)}</title><rect x="${r(bx)}" y="${y + 2}" width="${r(bw)}" height="${LANE_HEIGHT - 4}" rx="2"/>${label}</g>`);
    }
    out.push("</g>");
  });
  out.push("</svg>");
  return out.join("\n");
}

/** A lane: its name and its bars. */
interface Lane {
  readonly name: string;
  readonly bars: Bar[];
}

/** Lanes: one per GPU for attempts with GPUs, then slots (per node when attempts name one). */
function assignLanes(bars: readonly Bar[]): Lane[] {
  const gpuLanes = new Map<string, Lane>();
  const slotGroups = new Map<string, Bar[]>();
  for (const b of bars) {
    const gpus = b.a.requested?.gpuIds ?? [];
    if (gpus.length > 0) {
      for (const g of gpus) {
        const prefix = b.a.used?.node !== undefined ? `${b.a.used.node} ` : "";
        const name = `${prefix}GPU ${g}`;
        let lane = gpuLanes.get(name);
        if (!lane) gpuLanes.set(name, (lane = { name, bars: [] }));
        lane.bars.push(b);
      }
      continue;
    }
    const group = b.a.used?.node ?? "";
    const list = slotGroups.get(group);
    if (list) list.push(b);
    else slotGroups.set(group, [b]);
  }
  const lanes = [...gpuLanes.values()].sort((p, q) => p.name.localeCompare(q.name, undefined, { numeric: true }));
  for (const [group, list] of slotGroups) {
    const slots: { end: number; lane: Lane }[] = [];
    for (const b of [...list].sort((p, q) => p.start - q.start)) {
      let slot = slots.find((s) => s.end <= b.start);
      if (!slot) {
        slot = { end: 0, lane: { name: `${group === "" ? "" : `${group} `}slot ${slots.length + 1}`, bars: [] } };
        slots.push(slot);
      }
      slot.end = b.end;
      slot.lane.bars.push(b);
    }
    lanes.push(...slots.map((s) => s.lane));
  }
  return lanes;
}

/** Tick offsets (ms) for a span: about eight, on round seconds. */
function ticks(spanMs: number): number[] {
  const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 7_200_000];
  const step = steps.find((s) => spanMs / s <= 8) ?? 3_600_000 * Math.ceil(spanMs / 8 / 3_600_000);
  const out: number[] = [];
  for (let t = 0; t <= spanMs; t += step) out.push(t);
  return out;
}

/** `0.4s`, `12s`, `3m05s`, `1h02m`. */
export function formatSeconds(s: number): string {
  if (s < 10) return `${(Math.round(s * 10) / 10).toString()}s`;
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function fit(text: string, width: number): string {
  const n = Math.floor((width - 6) / 6);
  return text.length <= n ? text : `${text.slice(0, Math.max(1, n - 1))}…`;
}

function r(v: number): string {
  return String(Math.round(v * 10) / 10);
}
