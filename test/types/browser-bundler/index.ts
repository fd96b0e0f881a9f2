// A browser project with moduleResolution "bundler", no @types/node, libraries checked.
import { FileFingerprint, TusClient, WebStorageUrlStorage } from 'resumable-upload';
import { DetailedError, defaultOptions, isSupported, Upload } from 'resumable-upload/tus-js-client';

const client = new TusClient('https://tus.example/files', {
  storeUrl: true,
  urlStorage: new WebStorageUrlStorage(),
  fingerprinter: new FileFingerprint(),
});
declare const file: File;
export const url: Promise<string> = client.uploadFile({
  input: file,
  metadata: { filename: file.name },
});
export const upload = new Upload(file, {
  ...defaultOptions,
  endpoint: 'https://tus.example/files',
  checksum: 'sha256',
  onBeforeRequest: (req) => {
    req.setHeader('Authorization', 'Bearer t');
  },
  onError: (error) => {
    if (error instanceof DetailedError) console.log(error.originalResponse?.getStatus());
  },
});
export const supported: boolean = isSupported;
