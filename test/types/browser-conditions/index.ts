// A browser project that asks for the browser condition: exactly the browser entry's names.
import { TusClient, WebStorageUrlStorage } from 'resumable-upload';
// @ts-expect-error FileUrlStorage is Node's, not the browser entry's.
import { FileUrlStorage } from 'resumable-upload';
import { Upload } from 'resumable-upload/tus-js-client';
// @ts-expect-error tus-js-client's FileUrlStorage is Node-only, as in tus-js-client.
import { FileUrlStorage as TusFileUrlStorage } from 'resumable-upload/tus-js-client';

declare const file: File;
const client = new TusClient('https://tus.example/files', { urlStorage: new WebStorageUrlStorage() });
export const url: Promise<string> = client.uploadFile({ input: file });
export const upload = new Upload(file, { endpoint: 'https://tus.example/files' });
export { FileUrlStorage, TusFileUrlStorage };
