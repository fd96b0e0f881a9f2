// The page of bench/experiments/browser-transports.ts (issue 20: XHR vs fetch, Blob vs
// bytes, side by side). Served as /page.js by bench/lib/browser-site.ts. It reads its plan
// from `?plan=<JSON>`, makes a Blob of random bytes, uploads it and POSTs one JSON result
// to /result/<id> on its own origin. Nothing drives it: Chromium is started on this URL
// with no DevTools client attached and killed once the result is in.
//
// plan: { id, variant, endpoint, sizeMiB, chunkSize (bytes; null = the whole Blob in one
// request), sampleMs }. Variants:
// - 'xhr-blob', 'xhr-bytes', 'fetch-blob', 'fetch-bytes': a raw tus upload by this page,
//   every request through that API (POST, then PATCHes with Upload-Offset, no checksum),
//   each PATCH body the Blob's slice or its bytes (read one chunk ahead, so the read of
//   chunk n+1 overlaps the send of chunk n, as a client that hashes would do);
// - 'ours': our shipped browser build (/ours.js = dist/index.browser.js),
//   `new TusClient(endpoint, { chunkSize, checksum: false })`.

import { forceGc, heap, makeBlob, plan, runAndReport, sleep } from '/page-kit.js';

/** One request through XMLHttpRequest; counts the upload progress events of a body. */
function sendXhr(method, url, headers, body, counts) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    if (body !== null) {
      xhr.upload.onprogress = () => {
        counts.progressEvents++;
      };
    }
    xhr.onload = () =>
      resolve({ status: xhr.status, header: (name) => xhr.getResponseHeader(name) });
    xhr.onerror = () => reject(new Error(`${method} ${url}: XHR network error`));
    xhr.send(body);
  });
}

/** One request through fetch (which has no upload progress events). */
async function sendFetch(method, url, headers, body) {
  const response = await fetch(url, { method, headers, body });
  await response.arrayBuffer();
  return { status: response.status, header: (name) => response.headers.get(name) };
}

/** The raw tus upload of one variant; resolves with its URL. */
function rawUpload(blob, counts) {
  const [api, bodyKind] = plan.variant.split('-');
  if (!['xhr', 'fetch'].includes(api) || !['blob', 'bytes'].includes(bodyKind)) {
    throw new Error(`unknown variant ${plan.variant}`);
  }
  const send = api === 'xhr' ? sendXhr : sendFetch;
  const chunk = plan.chunkSize ?? blob.size;
  const bodyOf = (start) => {
    const slice = blob.slice(start, Math.min(start + chunk, blob.size));
    if (bodyKind === 'blob') return Promise.resolve(slice);
    return slice.arrayBuffer().then((buffer) => new Uint8Array(buffer));
  };
  return async () => {
    const created = await send(
      'POST',
      plan.endpoint,
      { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(blob.size) },
      null,
      counts,
    );
    const location = created.header('Location');
    if (created.status !== 201 || location === null) {
      throw new Error(`POST: ${created.status}, Location ${location}`);
    }
    const url = new URL(location, plan.endpoint).href;
    let offset = 0;
    let next = bodyOf(0);
    while (offset < blob.size) {
      const end = Math.min(offset + chunk, blob.size);
      const body = await next;
      next = end < blob.size ? bodyOf(end) : undefined;
      counts.bodyRequests++;
      const answer = await send(
        'PATCH',
        url,
        {
          'Tus-Resumable': '1.0.0',
          'Upload-Offset': String(offset),
          'Content-Type': 'application/offset+octet-stream',
        },
        body,
        counts,
      );
      const answered = answer.header('Upload-Offset');
      if (answer.status !== 204 || answered !== String(end)) {
        throw new Error(`PATCH at ${offset}: ${answer.status}, Upload-Offset ${answered}`);
      }
      offset = end;
    }
    return url;
  };
}

/** Our shipped browser build, loaded before the baseline so its code is not in the peak. */
async function oursUpload(blob, counts) {
  const lib = await import('/ours.js');
  const client = new lib.TusClient(plan.endpoint, {
    chunkSize: plan.chunkSize ?? Number.POSITIVE_INFINITY,
    checksum: false,
  });
  return () =>
    client.uploadFile({
      input: blob,
      onProgress: () => {
        counts.progressEvents++;
      },
    });
}

async function run() {
  const blob = makeBlob(plan.sizeMiB);
  const counts = { progressEvents: 0, bodyRequests: 0 };
  const start = plan.variant === 'ours' ? await oursUpload(blob, counts) : rawUpload(blob, counts);
  forceGc();
  await sleep(100);
  forceGc();
  const baseline = heap();
  let peak = baseline;
  const sample = () => {
    peak = Math.max(peak, heap());
  };
  const timer = setInterval(sample, plan.sampleMs ?? 20);
  const started = performance.now();
  let url;
  try {
    url = await start();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  sample();
  return {
    bytes: blob.size,
    ms,
    url,
    heapBaseline: baseline,
    heapPeak: peak,
    progressEvents: counts.progressEvents,
    // ours: counted by the server instead (the bench fills it in)
    bodyRequests: plan.variant === 'ours' ? null : counts.bodyRequests,
    gcExposed: typeof globalThis.gc === 'function',
    preciseMemory: performance.memory !== undefined,
    userAgent: navigator.userAgent,
  };
}

runAndReport(run);
