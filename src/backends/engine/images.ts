/**
 * Choosing and fetching a task's image: the first usable candidate (the
 * default image when the task names none; `docker://` stripped, other
 * protocols skipped) under the pull policy, with pull progress shown and one
 * clear line when nothing can be had. Each decision is made once per list of
 * candidates and reused by every attempt (a scatter of 1,000 tasks checks its
 * image once).
 */
import type Docker from "dockerode";
import type { PullPolicy } from "../../config/load.js";
import { DockerBackendError, engineMessage, explainConnection, statusOf } from "./client.js";

/** How images are chosen. */
export interface ImageOptions {
  readonly pull: PullPolicy;
  readonly defaultImage: string;
  /** Receives pull progress lines (throttled). */
  readonly progress?: (line: string) => void;
}

/** The candidates wdlrun can use, in order: `docker://` stripped, other protocols and `*` dropped. */
export function usableCandidates(candidates: readonly string[], defaultImage: string): string[] {
  const out: string[] = [];
  for (const raw of candidates) {
    const c = raw.trim();
    if (c === "" || c === "*") continue;
    const proto = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(c);
    if (!proto) out.push(c);
    else if (proto[1]!.toLowerCase() === "docker") out.push(c.slice(proto[0].length));
  }
  return out.length > 0 ? out : candidates.some((c) => c.trim() !== "" && c.trim() !== "*") ? [] : [defaultImage];
}

/** Picks (and pulls when the policy says so) the image for a list of candidates. */
export class ImageResolver {
  private readonly decided = new Map<string, Promise<string>>();
  private readonly ids = new Map<string, Promise<string>>();
  private readonly present = new Map<string, Promise<boolean>>();

  constructor(
    private readonly docker: Docker,
    private readonly url: string,
    private readonly options: ImageOptions,
  ) {}

  /** The image to run; rejects with a one-line DockerBackendError naming the images and the fix. */
  resolve(candidates: readonly string[]): Promise<string> {
    const key = candidates.join("\n");
    let p = this.decided.get(key);
    if (!p) {
      p = this.choose(candidates);
      this.decided.set(key, p);
      // A failure is not remembered: the user may load the image and retry.
      p.catch(() => this.decided.delete(key));
    }
    return p;
  }

  /**
   * The image `resolve` chooses, with the engine's id for it (inspected once
   * per image name; a failure is not remembered).
   */
  async identity(candidates: readonly string[]): Promise<{ name: string; id: string }> {
    const name = await this.resolve(candidates);
    let p = this.ids.get(name);
    if (!p) {
      p = this.docker
        .getImage(name)
        .inspect()
        .then(
          (info: { Id: string }) => info.Id,
          (e: unknown) => {
            const why = explainConnection(e, this.url);
            throw new DockerBackendError(why ?? `inspecting image ${name}: ${engineMessage(e)}`);
          },
        );
      this.ids.set(name, p);
      p.catch(() => this.ids.delete(name));
    }
    return { name, id: await p };
  }

  private async choose(candidates: readonly string[]): Promise<string> {
    const usable = usableCandidates(candidates, this.options.defaultImage);
    if (usable.length === 0) {
      throw new DockerBackendError(`none of the images ${candidates.map((c) => JSON.stringify(c)).join(", ")} uses a protocol wdlrun supports (docker://)`);
    }
    const named = usable.join(", ");
    const policy = this.options.pull;
    if (policy !== "always") {
      for (const image of usable) if (await this.isPresent(image)) return image;
      if (policy === "never") {
        throw new DockerBackendError(
          `image ${named} not found in the Docker Engine and docker.pull is "never": load or build it first (docker load / docker build / docker pull), or set docker.pull = "if-not-present"`,
        );
      }
    }
    const failures: string[] = [];
    for (const image of usable) {
      try {
        await this.pull(image);
        this.present.set(image, Promise.resolve(true));
        return image;
      } catch (e) {
        const why = explainConnection(e, this.url);
        if (why) throw new DockerBackendError(why);
        failures.push(`${image}: ${firstLine(engineMessage(e))}`);
      }
    }
    throw new DockerBackendError(
      `cannot pull image ${named} (${failures.join("; ")}): check the name and tag, your network and registry login (docker login), or load the image into the engine and set docker.pull = "never"`,
    );
  }

  private isPresent(image: string): Promise<boolean> {
    let p = this.present.get(image);
    if (!p) {
      p = this.docker
        .getImage(image)
        .inspect()
        .then(
          () => true,
          (e: unknown) => {
            if (statusOf(e) === 404) return false;
            const why = explainConnection(e, this.url);
            throw new DockerBackendError(why ?? `checking image ${image}: ${engineMessage(e)}`);
          },
        );
      this.present.set(image, p);
      p.then(
        (yes) => yes || this.present.delete(image),
        () => this.present.delete(image),
      );
    }
    return p;
  }

  private async pull(image: string): Promise<void> {
    const say = this.options.progress;
    say?.(`pulling image ${image}`);
    const stream = await this.docker.pull(image);
    let last = 0;
    // An engine may answer 200 and report the failure in the stream (Podman does, for any pull error).
    let failed: string | undefined;
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : failed !== undefined ? reject(new Error(failed)) : resolve()),
        (event: { status?: string; progress?: string; id?: string; error?: string; errorDetail?: { message?: string } }) => {
          const error = event.errorDetail?.message ?? event.error;
          if (typeof error === "string" && error !== "") failed ??= error;
          const now = Date.now();
          if (!say || now - last < 1000 || !event.status) return;
          last = now;
          say(`pulling image ${image}: ${event.status}${event.id ? ` ${event.id}` : ""}${event.progress ? ` ${event.progress}` : ""}`);
        },
      );
    });
    say?.(`pulled image ${image}`);
  }
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.trim();
}
