// A browser project that asks for the browser condition: exactly the browser entry's names.
import { IndexedDbUrlStorage, TusClient, WebStorageUrlStorage } from 'resumable-upload';
import { Upload } from 'resumable-upload/tus-js-client';

declare const file: File;
const client = new TusClient('https://tus.example/files', {
  urlStorage: new WebStorageUrlStorage(),
});
export const url: Promise<string> = client.uploadFile({ input: file });
// Workers: upload URLs in IndexedDB (the default there).
export const inWorker = new TusClient('https://tus.example/files', {
  storeUrl: true,
  urlStorage: new IndexedDbUrlStorage({ databaseName: 'uploads' }),
});
export const upload = new Upload(file, { endpoint: 'https://tus.example/files' });

// What must not type-check here: the other platform's names.
type Main = typeof import('resumable-upload');
type Face = typeof import('resumable-upload/tus-js-client');
// @ts-expect-error FileUrlStorage is Node's, not the browser entry's.
export type NoFileUrlStorage = Main['FileUrlStorage'];
// @ts-expect-error tus-js-client's FileUrlStorage is Node-only, as in tus-js-client.
export type NoTusFileUrlStorage = Face['FileUrlStorage'];
