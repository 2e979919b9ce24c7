/**
 * Content digests of files and directories for the call cache. A file is
 * read once, streamed through SHA-256; its digest is remembered by device and
 * inode together with its size and modification time (nanoseconds), in this
 * process and in the cache folder (`digests/`), so an unchanged file is not
 * read again, in this run or the next, and a hard link to it (a cached
 * output linked into a new run) is not read at all. A directory's digest is
 * that of its listing: each entry's name, kind and digest (files:
 * executable bit too; symbolic links: their target), sorted by name.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, type BigIntStats } from "node:fs";
import { lstat, mkdir, readFile, readdir, readlink, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { sha256 } from "./canonical.js";

/** What the digester did (for tests and the benchmark). */
export interface DigestStats {
  /** Bytes read to hash files. */
  bytesRead: number;
  /** Files hashed by reading them. */
  filesHashed: number;
  /** Files whose digest was reused (size, mtime and inode unchanged). */
  filesReused: number;
}

/** A remembered digest: valid while the file's size and mtime are these. */
interface Remembered {
  readonly size: string;
  readonly mtimeNs: string;
  readonly digest: string;
}

/** Reads chunks this large. */
const CHUNK = 1024 * 1024;

/** Digests of files and directories, remembered across runs in `tableDir` (none: only in this process). */
export class ContentDigests {
  readonly stats: DigestStats = { bytesRead: 0, filesHashed: 0, filesReused: 0 };
  private readonly memo = new Map<string, Remembered>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly tableDir?: string) {}

  /** The digest of a file or directory (following a symbolic link at `p` itself). */
  async of(p: string, kind: "File" | "Directory"): Promise<string> {
    const st = await stat(p, { bigint: true });
    if (st.isDirectory()) return this.directory(p);
    if (kind === "Directory") throw new Error(`not a directory: ${p}`);
    return this.file(p, st);
  }

  /** The digest of the regular file `p` (`st`: its stat, when known). */
  async file(p: string, st?: BigIntStats): Promise<string> {
    st ??= await stat(p, { bigint: true });
    const id = `${st.dev}-${st.ino}`;
    const known = this.memo.get(id) ?? (await this.readRemembered(id));
    if (known && known.size === String(st.size) && known.mtimeNs === String(st.mtimeNs)) {
      this.memo.set(id, known);
      this.stats.filesReused++;
      return known.digest;
    }
    let p2 = this.inFlight.get(id);
    if (!p2) {
      const stats = st;
      p2 = this.hash(p).then(async (digest) => {
        const rec = { size: String(stats.size), mtimeNs: String(stats.mtimeNs), digest };
        this.memo.set(id, rec);
        await this.writeRemembered(id, rec);
        return digest;
      });
      this.inFlight.set(id, p2);
      void p2.finally(() => this.inFlight.delete(id)).catch(() => undefined);
    }
    return p2;
  }

  /** The digest of the directory `dir`'s content. */
  async directory(dir: string): Promise<string> {
    const names = (await readdir(dir)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const lines: string[] = [];
    for (const name of names) {
      const p = path.join(dir, name);
      const st = await lstat(p, { bigint: true });
      if (st.isSymbolicLink()) lines.push(`l ${JSON.stringify(name)} ${JSON.stringify(await readlink(p))}`);
      else if (st.isDirectory()) lines.push(`d ${JSON.stringify(name)} ${await this.directory(p)}`);
      else if (st.isFile()) lines.push(`f${(st.mode & 0o111n) !== 0n ? "x" : ""} ${JSON.stringify(name)} ${await this.file(p, st)}`);
      else lines.push(`o ${JSON.stringify(name)}`);
    }
    return `tree:${sha256(lines.join("\n")).slice("sha256:".length)}`;
  }

  /** Streams the file through SHA-256 (reads each byte once). */
  private async hash(p: string): Promise<string> {
    const h = createHash("sha256");
    const stream = createReadStream(p, { highWaterMark: CHUNK });
    for await (const chunk of stream) {
      h.update(chunk as Buffer);
      this.stats.bytesRead += (chunk as Buffer).length;
    }
    this.stats.filesHashed++;
    return `sha256:${h.digest("hex")}`;
  }

  private async readRemembered(id: string): Promise<Remembered | undefined> {
    if (this.tableDir === undefined) return undefined;
    try {
      const rec = JSON.parse(await readFile(path.join(this.tableDir, id), "utf8")) as Partial<Remembered>;
      return typeof rec.size === "string" && typeof rec.mtimeNs === "string" && typeof rec.digest === "string" ? (rec as Remembered) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes the record atomically (a reader sees the old one or the new one); failures only cost a re-read later. */
  private async writeRemembered(id: string, rec: Remembered): Promise<void> {
    if (this.tableDir === undefined) return;
    const file = path.join(this.tableDir, id);
    const tmp = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    try {
      await mkdir(this.tableDir, { recursive: true });
      await writeFile(tmp, JSON.stringify(rec));
      await rename(tmp, file);
    } catch {
      // The cache folder may be read-only or full: the digest stays valid in this process.
    }
  }
}
