/** An uploader's life in one place: run it, and close it whatever happens. */
import type { Uploader } from './uploader.js';

/** Runs `work` with `uploader`, and closes the uploader whatever happens. */
export async function runToEnd<T>(uploader: Uploader, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await uploader.close();
  }
}
