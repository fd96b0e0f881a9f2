/**
 * The link check: sends `bytes` random bytes over one TCP connection to `port` (the WAN
 * emulator in front of tcp-sink.ts), as fast as the socket takes them, half-closes, and
 * waits for the sink's byte count. `ms` runs from the connection's start to that answer:
 * one round trip of handshake, the bytes' time on the link, and one more round trip (the
 * last byte's way there, the answer's way back).
 */
import { randomFillSync } from 'node:crypto';
import { connect } from 'node:net';
import { readArgs, runMain } from './worker-io.js';

interface ProbeArgs {
  port: number;
  bytes: number;
}

function probe(port: number, bytes: number): Promise<{ ms: number; received: number }> {
  const block = randomFillSync(Buffer.allocUnsafe(1024 * 1024));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true, noDelay: true });
    let sent = 0;
    let answer = '';
    const write = (): void => {
      while (sent < bytes) {
        const piece = block.subarray(0, Math.min(block.length, bytes - sent));
        sent += piece.length;
        if (!socket.write(piece)) return;
      }
      socket.end();
    };
    socket.on('drain', write);
    socket.once('connect', write);
    socket.on('data', (data: Buffer) => {
      answer += data.toString('utf8');
    });
    socket.on('end', () => {
      const ms = performance.now() - started;
      socket.end();
      resolve({ ms, received: Number(answer.trim()) });
    });
    socket.on('error', reject);
  });
}

runMain(async () => {
  const args = readArgs<ProbeArgs>();
  const { ms, received } = await probe(args.port, args.bytes);
  if (received !== args.bytes) throw new Error(`the sink got ${received} of ${args.bytes} bytes`);
  return { bytes: args.bytes, ms, peakRssMiB: 0 };
});
