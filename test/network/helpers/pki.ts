/**
 * A private certificate authority made by `openssl` at test time (nothing secret is kept in
 * the repository): a CA, a server certificate it signed for 127.0.0.1 and localhost, a
 * client certificate it signed (mutual TLS), and a second CA that signed nothing here. Made
 * once per process; `undefined` (said loudly) without openssl.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pki {
  /** The private CA's certificate (PEM). */
  ca: string;
  /** Another CA's certificate: trusting only it trusts none of the certificates below. */
  otherCa: string;
  server: { key: string; cert: string };
  client: { key: string; cert: string };
}

let made: Pki | undefined;

export function privatePki(): Pki | undefined {
  if (made !== undefined) return made;
  const dir = mkdtempSync(join(tmpdir(), 'network-pki-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => {
    const run = spawnSync('openssl', args, { encoding: 'utf8', timeout: 30_000 });
    if (run.status !== 0) throw new Error(run.error?.message ?? run.stderr);
  };
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string) =>
    openssl(
      'req',
      '-x509',
      ...newKey,
      '-keyout',
      at(`${name}.key`),
      '-out',
      at(`${name}.crt`),
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    );
  const signed = (name: string, extensions: string) => {
    openssl(
      'req',
      ...newKey,
      '-keyout',
      at(`${name}.key`),
      '-out',
      at(`${name}.csr`),
      '-subj',
      `/CN=${name}`,
    );
    writeFileSync(at(`${name}.ext`), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      at('test-ca.crt'),
      '-CAkey',
      at('test-ca.key'),
      '-CAcreateserial',
      '-out',
      at(`${name}.crt`),
      '-days',
      '1',
      '-extfile',
      at(`${name}.ext`),
    );
    return {
      key: readFileSync(at(`${name}.key`), 'utf8'),
      cert: readFileSync(at(`${name}.crt`), 'utf8'),
    };
  };
  try {
    ca('test-ca');
    ca('other-ca');
    made = {
      ca: readFileSync(at('test-ca.crt'), 'utf8'),
      otherCa: readFileSync(at('other-ca.crt'), 'utf8'),
      server: signed(
        '127.0.0.1',
        'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
      ),
      client: signed('upload-client', 'extendedKeyUsage=clientAuth\n'),
    };
    return made;
  } catch (error) {
    console.error(`\n!!! NO OPENSSL (${(error as Error).message}): the TLS tests are SKIPPED\n`);
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
