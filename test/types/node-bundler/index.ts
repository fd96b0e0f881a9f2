// A Node project with moduleResolution "bundler" (no node condition): Node's names resolve.
import { defaultUrlStoragePath, FileUrlStorage, TusClient } from 'resumable-upload';
import { createTusServer } from 'resumable-upload/server';
import { FileUrlStorage as TusFileUrlStorage, Upload } from 'resumable-upload/tus-js-client';

const storage = new FileUrlStorage({ path: defaultUrlStoragePath() });
const client = new TusClient('http://127.0.0.1:1080/files', {
  storeUrl: true,
  urlStorage: storage,
});
export const url: Promise<string> = client.uploadFile({ filePath: 'a.bin' });
export const server = createTusServer({ directory: '/tmp/x' });
export const upload = new Upload(Buffer.from('x'), { urlStorage: new TusFileUrlStorage('u.json') });
