/**
 * Real certificates for the security tests, the fleet test and the balancer benchmark, made with
 * openssl in a temporary folder: a CA, server certificates for 127.0.0.1, client certificates. A
 * missing openssl fails the test (it is a dependency of .ci/run like any other tool).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pem {
  cert: string;
  key: string;
}

export interface CertFactory {
  dir: string;
  /** A self-signed CA. */
  ca(name: string): Pem;
  /** A certificate for `cn` signed by `ca`, with the given subjectAltName (e.g. `IP:127.0.0.1`). */
  issue(ca: Pem, cn: string, san: string): Pem;
  read(p: string): Buffer;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function certFactory(): CertFactory {
  const dir = mkdtempSync(join(tmpdir(), 'tp-certs-'));
  let n = 0;
  const keyArgs = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  return {
    dir,
    ca(name) {
      const base = join(dir, `ca-${++n}`);
      openssl(
        [
          'req',
          '-x509',
          ...keyArgs,
          '-keyout',
          `${base}.key`,
          '-out',
          `${base}.pem`,
          '-days',
          '2',
          '-subj',
          `/CN=${name}`,
        ],
        dir,
      );
      return { cert: `${base}.pem`, key: `${base}.key` };
    },
    issue(ca, cn, san) {
      const base = join(dir, `leaf-${++n}`);
      writeFileSync(`${base}.ext`, `subjectAltName=${san}\n`);
      openssl(['req', ...keyArgs, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${cn}`], dir);
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${base}.csr`,
          '-CA',
          ca.cert,
          '-CAkey',
          ca.key,
          '-CAcreateserial',
          '-out',
          `${base}.pem`,
          '-days',
          '2',
          '-extfile',
          `${base}.ext`,
        ],
        dir,
      );
      return { cert: `${base}.pem`, key: `${base}.key` };
    },
    read: (p) => readFileSync(p),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
