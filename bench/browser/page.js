// The browser bench's page (see bench/lib/sections-browser.ts). It reads its plan from
// `?plan=<JSON>`, makes a Blob of random bytes in the page, uploads it with our client
// (/ours.js, the built dist/index.browser.js) or tus-js-client (/tus.js, its browser
// build), samples the JS heap during the upload, and POSTs one JSON result to
// /result/<id> on its own origin. Nothing drives it: the bench starts Chromium on this
// URL with no DevTools client attached and kills it once the result is in.
//
// plan: { id, client: 'ours' | 'tusjs', endpoint, sizeMiB, chunkSize (bytes; null for
// the client's default), checksum (ours only; absent for the default), sampleMs }

import { forceGc, heap, makeBlob, plan, runAndReport, sleep } from '/page-kit.js';

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

async function uploadOurs(blob, onProgress) {
  const lib = await import('/ours.js');
  const options = {};
  if (plan.chunkSize !== null && plan.chunkSize !== undefined) options.chunkSize = plan.chunkSize;
  if (plan.checksum !== undefined) options.checksum = plan.checksum;
  const client = new lib.TusClient(plan.endpoint, options);
  return async () => {
    let stats;
    const url = await client.uploadFile({
      input: blob,
      onProgress: (s) => {
        stats = s;
        onProgress();
      },
    });
    return { url, checksumAlgorithm: stats?.checksumAlgorithm ?? null };
  };
}

async function uploadTusJs(blob, onProgress) {
  await loadScript('/tus.js');
  const { Upload } = globalThis.tus;
  return () =>
    new Promise((resolve, reject) => {
      const options = {
        endpoint: plan.endpoint,
        onProgress,
        onError: reject,
        onSuccess: () => resolve({ url: upload.url, checksumAlgorithm: null }),
      };
      if (plan.chunkSize !== null && plan.chunkSize !== undefined) {
        options.chunkSize = plan.chunkSize;
      }
      const upload = new Upload(blob, options);
      upload.start();
    });
}

async function run() {
  const blob = makeBlob(plan.sizeMiB);
  let progressEvents = 0;
  const onProgress = () => {
    progressEvents++;
  };
  // Load the client first, so its code is part of the baseline, not of the peak.
  const start =
    plan.client === 'ours'
      ? await uploadOurs(blob, onProgress)
      : await uploadTusJs(blob, onProgress);
  forceGc();
  await sleep(100);
  forceGc();
  const baseline = heap();
  let peak = baseline;
  let samples = 0;
  const sample = () => {
    peak = Math.max(peak, heap());
    samples++;
  };
  const timer = setInterval(sample, plan.sampleMs ?? 20);
  const started = performance.now();
  let outcome;
  try {
    outcome = await start();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  sample();
  return {
    bytes: blob.size,
    ms,
    url: outcome.url,
    checksumAlgorithm: outcome.checksumAlgorithm,
    heapBaseline: baseline,
    heapPeak: peak,
    heapSamples: samples,
    progressEvents,
    gcExposed: typeof globalThis.gc === 'function',
    preciseMemory: performance.memory !== undefined,
    userAgent: navigator.userAgent,
  };
}

runAndReport(run);
