/**
 * Test files for the benchmark, in one temp dir under os.tmpdir(). Files are sparse
 * (created with truncate): instant to make, no disk space, read back as zeros. Each is
 * read through once when made, so that the page cache holds it before the first
 * measured run (else the first run pays for filling the cache and the others don't):
 * the figures measure the client and the network, not the disk.
 */
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiB } from './stats.js';

export class BenchFiles {
  readonly root: string;
  private readonly made = new Map<number, string>();
  private readonly madeRandom = new Map<number, string>();

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'resumable-upload-bench-'));
  }

  /** A sparse file of `mib` MiB, made once. */
  async file(mib: number): Promise<string> {
    const existing = this.made.get(mib);
    if (existing !== undefined) return existing;
    const path = join(this.root, `data-${mib}mib.bin`);
    await writeFile(path, '');
    await truncate(path, mib * MiB);
    await readThrough(path);
    this.made.set(mib, path);
    return path;
  }

  /**
   * A file of `mib` MiB of random bytes, made once (for links where the bytes should
   * look like a real file's: nothing on the way can compress or skip them).
   */
  async randomFile(mib: number): Promise<string> {
    const existing = this.madeRandom.get(mib);
    if (existing !== undefined) return existing;
    const path = join(this.root, `random-${mib}mib.bin`);
    const file = await open(path, 'w');
    try {
      const block = Buffer.allocUnsafe(MiB);
      for (let i = 0; i < mib; i++) await file.write(randomFillSync(block));
    } finally {
      await file.close();
    }
    await readThrough(path);
    this.madeRandom.set(mib, path);
    return path;
  }

  /** An empty directory for a server's uploads. */
  dir(name: string): string {
    const path = join(this.root, name);
    mkdirSync(path, { recursive: true });
    return path;
  }

  /** Removes everything inside `dir` (a server's finished uploads), keeping `dir`. */
  empty(dir: string): void {
    for (const entry of readdirSync(dir))
      rmSync(join(dir, entry), { recursive: true, force: true });
  }

  /** Removes the whole temp dir. Safe to call twice. */
  removeAll(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Reads a file once from start to end (warms the page cache). */
async function readThrough(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(4 * MiB);
    let position = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
    }
  } finally {
    await file.close();
  }
}
