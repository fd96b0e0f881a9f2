// The page of browser-hash-rates.ts: how fast a page reads a Blob and hashes bytes, each on
// its own (no upload). Reads: `blob.slice().arrayBuffer()` and a BYOB reader into one
// reused buffer, in 1 and 4 MiB pieces. Hashes, of bytes already in memory: Web Crypto's
// one-shot SHA-1, and the two incremental SHA-1s the browser build can use (@noble/hashes
// in JavaScript, hash-wasm in WebAssembly), both from /ours.js (served by the probe).
// Reports [label, MiB/s] rows.

import { MiB, makeBlob, plan, runAndReport } from '/page-kit.js';

async function readByob(blob, target) {
  const reader = blob.stream().getReader({ mode: 'byob' });
  let buffer = target.buffer;
  let filled = 0;
  while (filled < blob.size) {
    const { done, value } = await reader.read(new Uint8Array(buffer, filled, blob.size - filled));
    if (value !== undefined) {
      buffer = value.buffer;
      filled += value.byteLength;
    }
    if (done) break;
  }
  await reader.cancel().catch(() => {});
  return new Uint8Array(buffer);
}

async function rate(label, work) {
  const started = performance.now();
  await work();
  return [label, plan.mib / ((performance.now() - started) / 1000)];
}

async function run() {
  const blob = makeBlob(plan.mib);
  const { nobleSha1, createSHA1 } = await import('/ours.js');
  const wasm = await createSHA1();
  const rows = [];
  for (const mib of [1, 4]) {
    const piece = mib * MiB;
    const pieces = blob.size / piece;
    rows.push(
      await rate(`Blob read, arrayBuffer(), ${mib} MiB pieces`, async () => {
        for (let at = 0; at < blob.size; at += piece)
          await blob.slice(at, at + piece).arrayBuffer();
      }),
    );
    let buffer = new Uint8Array(piece);
    rows.push(
      await rate(`Blob read, BYOB reader, ${mib} MiB pieces`, async () => {
        for (let at = 0; at < blob.size; at += piece) {
          buffer = await readByob(blob.slice(at, at + piece), buffer);
        }
      }),
    );
    const data = new Uint8Array(piece);
    crypto.getRandomValues(data.subarray(0, 65_536));
    rows.push(
      await rate(`SHA-1, Web Crypto one-shot, ${mib} MiB`, async () => {
        for (let i = 0; i < pieces; i++) await crypto.subtle.digest('SHA-1', data);
      }),
    );
    rows.push(
      await rate(`SHA-1, @noble/hashes (JavaScript), ${mib} MiB updates`, () => {
        const hash = nobleSha1.create();
        for (let i = 0; i < pieces; i++) hash.update(data);
        hash.digest();
      }),
    );
    rows.push(
      await rate(`SHA-1, hash-wasm (WebAssembly), ${mib} MiB updates`, () => {
        wasm.init();
        for (let i = 0; i < pieces; i++) wasm.update(data);
        wasm.digest('binary');
      }),
    );
  }
  return { rows, userAgent: navigator.userAgent };
}

runAndReport(run);
