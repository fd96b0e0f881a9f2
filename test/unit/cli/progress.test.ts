import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BarProgress, barLine } from '../../../src/cli/progress/bar-progress.js';
import { fitColumns, LiveArea } from '../../../src/cli/progress/live-area.js';
import {
  chooseProgressMode,
  createProgressReporter,
  type TextSink,
} from '../../../src/cli/progress/progress.js';
import {
  plainLine,
  progressFields,
  SPEED_WINDOW_MS,
  SpeedMeter,
} from '../../../src/cli/progress/progress-fields.js';
import { TusNetworkError, type UploadStats } from '../../../src/index.node.js';

function stats(partial: Partial<UploadStats>): UploadStats {
  return {
    bytesUploaded: 0,
    bytesSent: partial.bytesUploaded ?? 0,
    protocol: 'tus-v1',
    chunkSize: 1024 * 1024,
    retry: undefined,
    totalBytes: 64 * 1024 * 1024,
    startOffset: 0,
    chunksCompleted: 0,
    retries: 0,
    bytesResent: 0,
    elapsedMs: 0,
    bytesPerSecond: 0,
    etaMs: undefined,
    checksumAlgorithm: undefined,
    uploadUrl: undefined,
    ...partial,
  };
}

function sink(isTTY: boolean, columns = 120): TextSink & { text: () => string } {
  let text = '';
  return { write: (t: string) => (text += t), isTTY, columns, rows: 24, text: () => text };
}

describe('cli progress', () => {
  it('picks a bar on a terminal, plain lines elsewhere, nothing when quiet', () => {
    assert.equal(chooseProgressMode(sink(true), false), 'bar');
    assert.equal(chooseProgressMode(sink(false), false), 'plain');
    assert.equal(chooseProgressMode(sink(true), true), 'none');
  });

  it('a plain line shows bytes, percent, speed, ETA and retries', () => {
    const line = plainLine(
      'big.bin',
      progressFields(
        stats({ bytesUploaded: 16 * 1024 * 1024, retries: 2 }),
        undefined,
        5 * 1024 * 1024,
      ),
    );
    assert.equal(line, 'big.bin  16.0 MiB / 64.0 MiB  25%  5.0 MiB/s  ETA 10s  retries 2');
  });

  it('while a retry waits: the reason, attempt n of m, when; ETA unknown', () => {
    const error = new TusNetworkError('connect ECONNREFUSED 127.0.0.1:9', {
      method: 'POST',
      url: 'http://127.0.0.1:9/files/',
    });
    const now = 1_000_000;
    const fields = progressFields(
      stats({
        bytesUploaded: 1024,
        retry: { attempt: 2, maxRetries: 5, delayMs: 4000, at: now + 4000, error },
      }),
      undefined,
      1000,
      now,
    );
    assert.equal(fields.eta, 'unknown');
    assert.match(fields.state, /^retry 2 of 5 in 4s: connect ECONNREFUSED/);
  });

  it('the speed decays to 0 while nothing moves (scripted clock)', () => {
    let now = 0;
    const meter = new SpeedMeter(() => now);
    meter.sample(0);
    for (let i = 1; i <= 10; i++) {
      now = i * 1000;
      meter.sample(i * 1_000_000);
    }
    assert.equal(Math.round(meter.bytesPerSecond()), 1_000_000, '1 MB/s while moving');
    now += SPEED_WINDOW_MS / 2;
    const half = meter.bytesPerSecond();
    assert.ok(half > 0 && half < 1_000_000, `falling: ${half}`);
    now += SPEED_WINDOW_MS;
    assert.equal(meter.bytesPerSecond(), 0, 'nothing moved for a whole window');
    const eta = progressFields(
      stats({ bytesUploaded: 10_000_000 }),
      undefined,
      meter.bytesPerSecond(),
    );
    assert.equal(eta.eta, 'unknown');
  });

  it('plain mode prints the upload URL once, and what was sent when the file ends', () => {
    const out = sink(false);
    const reporter = createProgressReporter('plain', out, sink(false), { intervalMs: 60_000 });
    const file = reporter.start('a.bin', 100);
    file.update(stats({ bytesUploaded: 50, totalBytes: 100, uploadUrl: 'http://h/files/1' }));
    file.update(stats({ bytesUploaded: 100, totalBytes: 100, uploadUrl: 'http://h/files/1' }));
    file.finish({ url: 'http://h/files/1', bytesSent: 60 });
    reporter.stop();
    const lines = out.text().trim().split('\n');
    assert.equal(lines[0], 'a.bin: uploading 100 B');
    assert.equal(lines.filter((l) => l.includes('upload URL http://h/files/1')).length, 1);
    assert.match(lines.at(-1) ?? '', /^a\.bin: done: sent 60 B of 100 B in 0s$/);
  });

  it('a bar line fits its row; a long name is cut from the left', () => {
    const line = barLine(
      'a/very/long/path/to/the/file.bin',
      0.5,
      progressFields(stats({ bytesUploaded: 32 * 1024 * 1024 }), undefined, 0),
    );
    assert.ok(line.startsWith('…'), line);
    assert.match(line, /50% 32\.0 MiB\/64\.0 MiB/);
    assert.equal(fitColumns('abcdef', 4), 'abc…');
    assert.equal(fitColumns('日本語です', 5), '日本…');
  });

  it('the area: lines above it are written whole, the area is cleared before and drawn after', () => {
    const out = sink(true, 20);
    const area = new LiveArea(out);
    area.draw(['bar one', 'bar two']);
    area.writeAbove('x'.repeat(50));
    const text = out.text();
    const above = text.indexOf('x'.repeat(50));
    assert.ok(above > 0, 'the long line is whole');
    assert.ok(text.slice(0, above).includes('\r\x1b[1A\x1b[J'), 'two rows cleared first');
    assert.ok(text.slice(above).includes('bar one\nbar two'), 'redrawn after');
    area.stop();
    assert.ok(out.text().endsWith('\x1b[?25h'), 'the cursor is shown again');
  });

  it('bar mode: a batch line, results above the bars on the same terminal', () => {
    const err = sink(true);
    const out = sink(true);
    const reporter = new BarProgress(err, out, 2);
    const file = reporter.start('big.bin', 64 * 1024 * 1024);
    file.update(stats({ bytesUploaded: 32 * 1024 * 1024, uploadUrl: 'http://h/files/2' }));
    reporter.result('http://h/files/2  big.bin');
    file.finish({ url: 'http://h/files/2', bytesSent: 64 * 1024 * 1024 });
    reporter.stop();
    assert.match(err.text(), /big\.bin: upload URL http:\/\/h\/files\/2\n/);
    assert.match(err.text(), /batch: 0\/2 files done/);
    assert.match(err.text(), /big\.bin: done: sent 64\.0 MiB in/);
    assert.equal(out.text(), 'http://h/files/2  big.bin\n');
  });

  it('none mode writes only log and result lines, and no log lines when silent', () => {
    const err = sink(false);
    const out = sink(false);
    const reporter = createProgressReporter('none', err, out);
    const file = reporter.start('x', 10);
    file.update(stats({ bytesUploaded: 10, totalBytes: 10 }));
    file.finish({ url: 'u', bytesSent: 10 });
    reporter.log('error: something');
    reporter.result('u  x');
    assert.equal(err.text(), 'error: something\n');
    assert.equal(out.text(), 'u  x\n');
    const quiet = sink(false);
    createProgressReporter('none', quiet, out, { silent: true }).log('x');
    assert.equal(quiet.text(), '');
  });
});
