/**
 * A self-signed certificate for 127.0.0.1 and localhost, made by `openssl` at test time
 * (nothing secret is kept in the repository), or `undefined` (said loudly) without openssl.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificate {
  key: string;
  cert: string;
}

let made: Certificate | undefined;

export function selfSignedCertificate(): Certificate | undefined {
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), 'security-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const run = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (run.status !== 0) {
      console.error(
        `\n!!! NO OPENSSL: ${run.error?.message ?? run.stderr}; the https tests are SKIPPED\n`,
      );
      return undefined;
    }
    made = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    return made;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
