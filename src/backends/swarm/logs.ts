/**
 * Collecting a finished task's stdout and stderr through the service logs
 * API into the attempt's `stdout` and `stderr` files. The API answers with
 * Docker's multiplexed stream (frames of an 8-byte header — stream type, three
 * zero bytes, big-endian length — then the payload); `FrameDemuxer` splits it
 * exactly, whatever the chunk boundaries, so a partial last line or a long
 * line split by the log driver comes back byte for byte. A log-read failure,
 * which the engine reports as a stdout frame "Error grabbing logs: ...", is
 * raised as an error instead of being written into stdout.
 */
import { open, type FileHandle } from "node:fs/promises";
import type Docker from "dockerode";
import type { HostPath } from "../backend.js";
import { asBackendError } from "../engine/client.js";
import { SwarmBackendError } from "./errors.js";

/** One piece of a frame's payload. */
export interface FramePiece {
  /** 1 = stdout, 2 = stderr (0 = stdin, 3 = system error, as the engine defines them). */
  readonly stream: number;
  readonly data: Buffer;
  /** True for the first piece of a frame. */
  readonly first: boolean;
  /** The whole frame's payload length. */
  readonly frameLength: number;
}

/** Splits a multiplexed stream into payload pieces; feed it chunks as they come. */
export class FrameDemuxer {
  private readonly header = Buffer.alloc(8);
  private headerFill = 0;
  private stream = 0;
  private frameLength = 0;
  private remaining = 0;

  /** The payload pieces in `chunk` (pieces of a frame split across chunks come out as they arrive). */
  push(chunk: Buffer): FramePiece[] {
    const out: FramePiece[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(8 - this.headerFill, chunk.length - at);
        chunk.copy(this.header, this.headerFill, at, at + take);
        this.headerFill += take;
        at += take;
        if (this.headerFill < 8) break;
        this.headerFill = 0;
        this.stream = this.header.readUInt8(0);
        this.frameLength = this.header.readUInt32BE(4);
        this.remaining = this.frameLength;
        if (this.remaining === 0) continue;
        const n = Math.min(this.remaining, chunk.length - at);
        out.push({ stream: this.stream, data: chunk.subarray(at, at + n), first: true, frameLength: this.frameLength });
        this.remaining -= n;
        at += n;
      } else {
        const n = Math.min(this.remaining, chunk.length - at);
        out.push({ stream: this.stream, data: chunk.subarray(at, at + n), first: false, frameLength: this.frameLength });
        this.remaining -= n;
        at += n;
      }
    }
    return out;
  }

  /** True when the stream ended between frames (not inside a header or a payload). */
  get atBoundary(): boolean {
    return this.headerFill === 0 && this.remaining === 0;
  }
}

const LOG_ERROR_PREFIX = "Error grabbing logs: ";

/** Options of `collectServiceLogs`. */
export interface CollectOptions {
  /** Give up when no data arrives for this long (default 60 s). */
  readonly idleMs?: number;
}

/**
 * Writes the logs of service `serviceId` into `stdoutFile` and `stderrFile`
 * (replacing their contents). Call it once the task has ended.
 */
export async function collectServiceLogs(
  docker: Docker,
  url: string,
  serviceId: string,
  files: { readonly stdoutFile: HostPath; readonly stderrFile: HostPath },
  options: CollectOptions = {},
): Promise<void> {
  const stream = await openLogStream(docker, url, serviceId);
  const idleMs = options.idleMs ?? 60_000;
  const [out, err] = await Promise.all([open(files.stdoutFile, "w"), open(files.stderrFile, "w")]);
  let idle: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => stream.destroy(new SwarmBackendError(`the service logs of ${serviceId} stopped arriving (nothing for ${idleMs / 1000} s)`)), idleMs);
  };
  try {
    const demux = new FrameDemuxer();
    arm();
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      arm();
      for (const piece of demux.push(chunk)) await write(piece, out, err);
    }
    if (!demux.atBoundary) throw new SwarmBackendError(`the service logs of ${serviceId} ended in the middle of a frame (truncated)`);
  } catch (e) {
    if (e instanceof SwarmBackendError) throw e;
    throw asBackendError(e, url, `reading the logs of service ${serviceId}`);
  } finally {
    clearTimeout(idle);
    stream.destroy();
    await Promise.all([out.close(), err.close()]);
  }
}

async function write(piece: FramePiece, out: FileHandle, err: FileHandle): Promise<void> {
  switch (piece.stream) {
    case 1:
      if (piece.first && piece.data.length === piece.frameLength && piece.data.subarray(0, LOG_ERROR_PREFIX.length).toString() === LOG_ERROR_PREFIX) {
        const why = piece.data.subarray(LOG_ERROR_PREFIX.length).toString().trim();
        throw new SwarmBackendError(
          `cannot read the task's output through the service logs API (${why}): the node's logging driver must support reading (json-file or local)`,
        );
      }
      await out.write(piece.data);
      return;
    case 2:
      await err.write(piece.data);
      return;
    default:
      // stdin (0) never carries output; system errors (3) are reported by the engine as failures.
      if (piece.stream === 3) throw new SwarmBackendError(`the engine reported an error while streaming the task's logs: ${piece.data.toString().trim()}`);
  }
}

function openLogStream(docker: Docker, url: string, serviceId: string): Promise<NodeJS.ReadableStream & { destroy(e?: Error): void }> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/services/${serviceId}/logs?`,
        method: "GET",
        options: { stdout: true, stderr: true, follow: false, timestamps: false, details: false },
        isStream: true,
        statusCodes: { 200: true, 404: "no such service", 500: "server error", 503: "node is not part of a swarm" },
      },
      (e: unknown, s: unknown) => (e ? reject(asBackendError(e, url, `reading the logs of service ${serviceId}`)) : resolve(s as NodeJS.ReadableStream & { destroy(e?: Error): void })),
    );
  });
}
