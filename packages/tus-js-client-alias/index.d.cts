export * from 'resumable-upload/tus-js-client';
