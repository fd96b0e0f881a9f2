// A Node CommonJS project (node16): the require condition's types (.d.cts).
import { FileUrlStorage, TusClient } from 'resumable-upload';
import { createTusServer } from 'resumable-upload/server';
import { Upload } from 'resumable-upload/tus-js-client';

const client = new TusClient('http://127.0.0.1:1080/files', { urlStorage: new FileUrlStorage() });
export const url: Promise<string> = client.uploadFile({ filePath: 'a.bin' });
export const server = createTusServer({ directory: '/tmp/x' });
export const upload = new Upload(Buffer.from('x'), { endpoint: 'http://127.0.0.1:1080/files' });

// What must not type-check here: the browser's names.
type Main = typeof import('resumable-upload');
// @ts-expect-error FileFingerprint is the browser entry's, not Node's.
export type NoFileFingerprint = Main['FileFingerprint'];
