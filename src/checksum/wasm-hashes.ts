/**
 * Incremental SHA-1 in WebAssembly, from hash-wasm (MIT, no dependencies; bundled into the
 * browser build): 4–5× the pure-JavaScript hash of incremental-hashes.ts in Chromium
 * (300–415 against 72–78 MiB/s on the bench machine, bench/experiments/browser-hash-rates.ts),
 * the hash that bounded a page's checksummed uploads (docs/benchmarks.md, "What sha1 costs
 * a page"). Platform-free.
 *
 * hash-wasm makes its hashers asynchronously (the module is compiled once), while the
 * chunk pipeline asks for hashes synchronously: `loadWasmSha1()` is awaited once, before
 * an upload plans its chunks, and every hash after that shares the one hasher, each
 * keeping its own saved state while another one runs. Where WebAssembly cannot run (a
 * page whose Content-Security-Policy forbids it), `loadWasmSha1()` answers `undefined`
 * and the JavaScript hash is used.
 */
import { createSHA1, type IHasher } from 'hash-wasm';
import type { IncrementalBytesHash } from './incremental-hashes.js';

/** A source of independent incremental SHA-1 hashes over one WebAssembly hasher. */
export interface WasmSha1 {
  create(): IncrementalBytesHash;
}

let loading: Promise<WasmSha1 | undefined> | undefined;
let loaded: WasmSha1 | undefined;

/** The WebAssembly SHA-1 once `loadWasmSha1()` has made it, else `undefined`. */
export function wasmSha1(): WasmSha1 | undefined {
  return loaded;
}

/** Makes the WebAssembly SHA-1 (once); `undefined` where WebAssembly cannot run. */
export function loadWasmSha1(): Promise<WasmSha1 | undefined> {
  loading ??= createSHA1().then(
    (hasher) => {
      loaded = shared(hasher);
      return loaded;
    },
    () => undefined,
  );
  return loading;
}

/**
 * Hashes multiplexed over one hasher: the one that ran last owns the hasher; another
 * saves the owner's state (a few hundred bytes), loads its own, and runs.
 */
function shared(hasher: IHasher): WasmSha1 {
  const initial = hasher.init().save();
  let owner: Slot | undefined;
  interface Slot {
    state: Uint8Array;
  }
  const own = (slot: Slot) => {
    if (owner === slot) return;
    if (owner !== undefined) owner.state = hasher.save();
    hasher.load(slot.state);
    owner = slot;
  };
  const wrap = (slot: Slot): IncrementalBytesHash => ({
    update(data) {
      own(slot);
      hasher.update(data);
    },
    digest() {
      own(slot);
      const digest = hasher.digest('binary');
      // The hasher is finished: its state is nobody's now.
      owner = undefined;
      return digest;
    },
    clone() {
      const state = owner === slot ? hasher.save() : slot.state;
      return wrap({ state });
    },
  });
  return { create: () => wrap({ state: initial }) };
}
