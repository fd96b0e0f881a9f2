/** What every creation shares (a plain upload, a partial, a final): storing it, its hook, its size cap. */
import type { ServerContext } from './server-context.js';
import { refuse, type StoredUpload, TusServerRequestError } from './upload-record.js';

/** Stores a new upload and runs `onUploadCreate`; a refusal there removes it again. */
export async function storeNewUpload(context: ServerContext, upload: StoredUpload): Promise<void> {
  await context.store.create(upload);
  try {
    await context.options.onUploadCreate?.({ ...upload });
  } catch (error) {
    await context.store.remove(upload.id);
    if (error instanceof TusServerRequestError) throw error;
    throw new TusServerRequestError(
      500,
      'the server refused to create this upload',
      {},
      { cause: error },
    );
  }
}

/** 413 when `length` is past `maxSize`. */
export function checkMaxSize(context: ServerContext, length: number | undefined): void {
  const { maxSize } = context.options;
  if (length !== undefined && length > maxSize) {
    refuse(413, `Upload-Length ${length} is more than this server's Tus-Max-Size ${maxSize}`);
  }
}
