import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/**
 * What the PEM files hold, read and checked at startup: the authorities that sign the brokers' certificates (else
 * the system's), and a client certificate with its key.
 */
export interface KafkaTls {
  ca?: string[] | undefined;
  cert?: string | undefined;
  key?: string | undefined;
}

/** The KAFKA_SSL_* files, read and checked now, before anything starts; or why one cannot be used. */
export function readTlsFiles(files: {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}): KafkaTls | { problem: string } {
  try {
    const { caFile, certFile, keyFile } = files;
    const ca = caFile === undefined ? undefined : authorities(caFile);
    const cert = certFile === undefined ? undefined : pemText('KAFKA_SSL_CERT_FILE', certFile);
    const key = keyFile === undefined ? undefined : pemText('KAFKA_SSL_KEY_FILE', keyFile);
    if (cert !== undefined && key !== undefined)
      checkPair(cert, key, `KAFKA_SSL_CERT_FILE ${certFile} and KAFKA_SSL_KEY_FILE ${keyFile}`);
    return { ca, cert, key };
  } catch (error) {
    if (error instanceof Unusable) return { problem: error.message };
    throw error;
  }
}

class Unusable extends Error {}

function checkPair(cert: string, key: string, files: string): void {
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const reason = (error as Error).message;
    throw new Unusable(
      `${files} cannot be used together (${reason})${
        /decrypt|passphrase|bad password/i.test(reason)
          ? ': the key is encrypted; give it unencrypted (openssl pkey -in <key> -out <key>.pem), readable by the service alone'
          : ": the key must be the certificate's, both as PEM"
      }`,
    );
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function authorities(file: string): string[] {
  const certificates = pemText('KAFKA_SSL_CA_FILE', file).match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) throw new Unusable(`KAFKA_SSL_CA_FILE ${file} holds no PEM certificate`);
  for (const certificate of certificates) {
    try {
      new X509Certificate(certificate);
    } catch (error) {
      throw new Unusable(
        `KAFKA_SSL_CA_FILE ${file} holds a certificate that cannot be read (${(error as Error).message})`,
      );
    }
  }
  return certificates;
}

function pemText(setting: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Unusable(`${setting} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}
