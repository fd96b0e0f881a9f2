// A Node ESM project (nodenext): the Node entry's names, the server, the tus-js-client face.
import { FileUrlStorage, TusClient, type TusClientOptions, TusError } from 'resumable-upload';
import { createTusServer } from 'resumable-upload/server';
import {
  DetailedError,
  FileUrlStorage as TusFileUrlStorage,
  Upload,
} from 'resumable-upload/tus-js-client';

const options: TusClientOptions = {
  urlStorage: new FileUrlStorage({ path: 'u.json' }),
  storeUrl: true,
};
const client = new TusClient('http://127.0.0.1:1080/files', options);
export const url: Promise<string> = client.uploadFile({ filePath: 'a.bin' });
export const server = createTusServer({ directory: '/tmp/x' });
export const upload = new Upload(Buffer.from('x'), {
  endpoint: 'http://127.0.0.1:1080/files',
  urlStorage: new TusFileUrlStorage('urls.json'),
  onError: (error) => console.log(error instanceof DetailedError, error.message),
});
export const isError = (e: unknown): boolean => e instanceof TusError;

// What must not type-check here: the browser's names.
type Main = typeof import('resumable-upload');
// @ts-expect-error WebStorageUrlStorage is the browser entry's, not Node's.
export type NoWebStorageUrlStorage = Main['WebStorageUrlStorage'];
// @ts-expect-error IndexedDbUrlStorage is the browser entry's, not Node's.
export type NoIndexedDbUrlStorage = Main['IndexedDbUrlStorage'];
