import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { chmod, mkdir, readFile, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { WhetError } from "../errors";
import { pathExists } from "../fs/path-exists";

export interface TlsFiles {
  cert: string;
  key: string;
  /** SHA-256 of the certificate, `AB:CD:…`, for teammates to compare with what their browser shows. */
  fingerprint: string;
}

const isIp = (name: string) => /^[\d.]+$/.test(name) || name.includes(":");

/** What the certificate must name: every host name and address teammates will use. */
function subjectAltName(names: readonly string[]): string {
  return [...new Set(names)].map((n) => (isIp(n) ? `IP:${n.replace(/^\[|\]$/g, "")}` : `DNS:${n}`)).join(",");
}

function covers(cert: X509Certificate, names: readonly string[]): boolean {
  const san = cert.subjectAltName ?? "";
  return names.every((n) => san.includes(isIp(n) ? `IP Address:${n.replace(/^\[|\]$/g, "")}` : `DNS:${n}`)) && Date.parse(cert.validTo) > Date.now() + 86_400_000;
}

export async function fingerprintOf(certPath: string): Promise<string> {
  return new X509Certificate(await readFile(certPath)).fingerprint256;
}

/**
 * A self-signed certificate for team mode, made with OpenSSL (node:crypto
 * can make keys but not certificates): an ECDSA P-256 key, valid 825 days,
 * naming every host name and address given. An existing one that still
 * names them all is kept, so teammates' browsers keep trusting it.
 */
export async function ensureSelfSignedCert(options: { cert: string; key: string; names: readonly string[]; openssl?: string }): Promise<TlsFiles> {
  const names = options.names.filter((n) => n && n !== "0.0.0.0" && n !== "::");
  if ((await pathExists(options.cert)) && (await pathExists(options.key))) {
    const existing = new X509Certificate(await readFile(options.cert));
    if (covers(existing, names)) return { cert: options.cert, key: options.key, fingerprint: existing.fingerprint256 };
  }
  await mkdir(dirname(options.cert), { recursive: true, mode: 0o700 });
  const [certTmp, keyTmp] = [`${options.cert}.tmp`, `${options.key}.tmp`];
  try {
    await promisify(execFile)(
      options.openssl ?? "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "825", "-subj", `/CN=${names[0] ?? "whetstone"}`, "-addext", `subjectAltName=${subjectAltName(names)}`, "-keyout", keyTmp, "-out", certTmp],
      { timeout: 30_000 },
    );
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new WhetError(
      "tls_certificate_failed",
      missing ? "OpenSSL is not installed, and Whetstone needs it to make a self-signed certificate" : "OpenSSL could not make a self-signed certificate",
      missing ? "Install it (sudo apt-get install openssl), or pass your own with --tls --cert FILE --key FILE." : "Pass your own certificate with --tls --cert FILE --key FILE.",
    );
  }
  await chmod(keyTmp, 0o600);
  await rename(keyTmp, options.key);
  await rename(certTmp, options.cert);
  return { cert: options.cert, key: options.key, fingerprint: await fingerprintOf(options.cert) };
}
