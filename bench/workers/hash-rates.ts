/**
 * node:crypto digest rates: each algorithm hashes `mib` separate 1 MiB buffers (one
 * digest per buffer, as a client does per chunk). Reports MiB/s per algorithm.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { peakRssMiB, readArgs, runMain } from './worker-io.js';

interface HashArgs {
  algorithms: string[];
  mib: number;
}

runMain(async () => {
  const args = readArgs<HashArgs>();
  const buffer = randomFillSync(Buffer.allocUnsafe(1024 * 1024));
  const rates: Record<string, number> = {};
  for (const algorithm of args.algorithms) {
    // warm-up, then the measured loop
    createHash(algorithm).update(buffer).digest('base64');
    const started = performance.now();
    for (let i = 0; i < args.mib; i++) {
      createHash(algorithm).update(buffer).digest('base64');
    }
    rates[algorithm] = args.mib / ((performance.now() - started) / 1000);
  }
  return { rates, peakRssMiB: peakRssMiB() };
});
