// What every benchmark page needs (bench/browser/page.js and the pages of
// bench/experiments/): the plan from `?plan=<JSON>`, a Blob of random bytes, the JS heap,
// and the result POSTed back. Served as /page-kit.js by bench/lib/browser-site.ts.

export const MiB = 1024 * 1024;
/** The most distinct MiB of random bytes in one Blob (see makeBlob). */
export const DISTINCT_MIB = 128;

export const plan = JSON.parse(new URLSearchParams(location.search).get('plan') ?? '{}');

export function heap() {
  return performance.memory?.usedJSHeapSize ?? Number.NaN;
}

export function forceGc() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A Blob of `mib` MiB of random bytes, made 1 MiB at a time from one reused buffer. At
 * most DISTINCT_MIB of them are distinct; a larger Blob repeats them in order (Chromium
 * keeps 500 MiB of blob data in memory before it must page to the profile's disk, and a
 * 512 MiB Blob made of distinct parts came out unreadable here).
 */
export function makeBlob(mib) {
  const buffer = new Uint8Array(MiB);
  const distinct = [];
  for (let i = 0; i < Math.min(mib, DISTINCT_MIB); i++) {
    for (let at = 0; at < MiB; at += 65_536) {
      crypto.getRandomValues(buffer.subarray(at, at + 65_536));
    }
    distinct.push(new Blob([buffer]));
  }
  const parts = Array.from({ length: mib }, (_, i) => distinct[i % distinct.length]);
  return new Blob(parts, { type: 'application/octet-stream' });
}

/** An error as one line: name, code, message and the cause's name and message. */
export function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const code = typeof error.code === 'string' ? ` [${error.code}]` : '';
  const cause =
    error.cause instanceof Error ? ` <- ${error.cause.name}: ${error.cause.message}` : '';
  return `${error.name}${code}: ${error.message}${cause}`;
}

/** POSTs `result` as the plan's result to the site (/result/<id>). */
export async function report(result) {
  await fetch(`/result/${encodeURIComponent(plan.id)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(result),
  });
}

/** Runs `run` and reports what it returns, or its error. */
export function runAndReport(run) {
  run().then(report, (error) => report({ error: describe(error) }));
}
