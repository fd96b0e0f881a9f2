/**
 * Making info and data agree: at start for every upload (after a crash, a kill or a power
 * loss), and before a PATCH writes. Never invents bytes:
 * - a data file longer than the recorded offset is cut back to it (bytes never recorded);
 * - a data file shorter than the offset lowers the offset to the data (never zero-padded);
 *   the upload is unfinished again and expires as one;
 * - an info file without its data file, and a final upload whose concatenation did not
 *   finish (or whose data is short), are removed: their bytes are not there to serve;
 * - a data file without an info file (a creation or a removal cut short) and leftover temp
 *   copies of info files are removed.
 */
import { join } from 'node:path';
import { type FileStore, isUploadId } from './file-store.node.js';
import { withExpiry } from './server-context.js';
import type { ResolvedServerOptions } from './server-options.js';
import { isComplete, type StoredUpload } from './upload-record.js';

type Options = Pick<ResolvedServerOptions, 'expireAfterMs' | 'expireCompletedAfterMs'>;

/** What the start found and did. */
export interface RecoveryReport {
  /** Uploads removed (data gone, unfinished final, orphan data file). */
  removed: number;
  /** Uploads whose offset was lowered to the bytes on disk. */
  lowered: number;
  /** Uploads whose unrecorded bytes past the offset were cut off. */
  cut: number;
  /** Info files that could not be read (left in place, answered 404). */
  unreadable: string[];
}

/**
 * Checks `record` against its data file; resolves with the record as it now stands
 * (lowered and saved when the data is short), or `undefined` when the upload was removed.
 * `atStart`: also cut data past the offset (a PATCH's own open does it otherwise).
 */
export async function reconcile(
  store: FileStore,
  options: Options,
  record: StoredUpload,
  atStart = false,
  report?: RecoveryReport,
): Promise<StoredUpload | undefined> {
  const size = await store.dataSize(record.id);
  const final = record.concat?.type === 'final';
  const unfinishedFinal = final && atStart && !isComplete(record);
  if (size === undefined || unfinishedFinal || (final && size < record.offset)) {
    await store.remove(record.id);
    if (report !== undefined) report.removed++;
    return undefined;
  }
  if (size < record.offset) {
    const lowered = withExpiry({ ...record, offset: size }, options, Date.now());
    await store.save(lowered);
    if (report !== undefined) report.lowered++;
    return lowered;
  }
  if (atStart && size > record.offset) {
    await store.cut(record.id, record.offset);
    if (report !== undefined) report.cut++;
  }
  return record;
}

/** Creates the folder and makes every upload in it consistent (see the file's comment). */
export async function recoverStore(store: FileStore, options: Options): Promise<RecoveryReport> {
  const report: RecoveryReport = { removed: 0, lowered: 0, cut: 0, unreadable: [] };
  await store.prepareDirectory();
  const names = new Set(await store.fs.readdir(store.directory));
  for (const name of names) {
    if (name.endsWith('.tmp') && isUploadId(name.slice(0, 32)) && name.includes('.json.')) {
      await store.fs.unlink(join(store.directory, name)).catch(() => {});
    } else if (isUploadId(name) && !names.has(`${name}.json`)) {
      await store.remove(name);
      report.removed++;
    }
  }
  for (const id of await store.ids()) {
    const record = await store.get(id);
    if (record === undefined) {
      report.unreadable.push(id);
      continue;
    }
    await reconcile(store, options, record, true, report);
  }
  return report;
}
