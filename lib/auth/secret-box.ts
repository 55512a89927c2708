import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { WhetError } from "../errors";

export interface SecretBox {
  /** AES-256-GCM; `context` (the owner's id) is authenticated, so a sealed value moved to another row does not open. */
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
}

const KEY_BYTES = 32;
const VERSION = "v1";

function badKey(path: string, problem: string): WhetError {
  return new WhetError(
    "secret_key_unsafe",
    `The key file ${path} ${problem}`,
    `Remove it if nothing was stored with it yet (Whetstone makes a new one), or make it a regular file readable only by you: chmod 600 ${path}.`,
  );
}

/** Reads the key, or makes one (mode 0600, created exclusively so two processes cannot both write one). */
function loadKey(path: string): Buffer {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(path, "wx", 0o600);
    const key = randomBytes(KEY_BYTES);
    writeSync(fd, key.toString("hex"));
    closeSync(fd);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const stat = lstatSync(path);
  if (!stat.isFile()) throw badKey(path, "is not a regular file");
  if ((stat.mode & 0o077) !== 0) throw badKey(path, "can be read by other users of this machine");
  if (typeof process.getuid === "function" && stat.uid !== process.getuid()) throw badKey(path, "belongs to another user");
  const text = readFileSync(path, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw badKey(path, "does not hold a 256-bit key");
  return Buffer.from(text, "hex");
}

/** Encryption at rest with a key kept in its own file, outside the database it protects. */
export function openSecretBox(keyPath: string): SecretBox {
  let key: Buffer | undefined;
  const getKey = () => (key ??= loadKey(keyPath));
  return {
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", getKey(), iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
    },
    open(sealed, context) {
      const [version, data] = sealed.split(":");
      const bytes = Buffer.from(data ?? "", "base64");
      if (version !== VERSION || bytes.length < 28) throw unreadable();
      try {
        const decipher = createDecipheriv("aes-256-gcm", getKey(), bytes.subarray(0, 12));
        decipher.setAAD(Buffer.from(context));
        decipher.setAuthTag(bytes.subarray(12, 28));
        return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
      } catch {
        throw unreadable();
      }
    },
  };
}

function unreadable(): WhetError {
  return new WhetError(
    "secret_unreadable",
    "A stored secret cannot be decrypted with this machine's key",
    "The key file was replaced or the database copied from elsewhere: store the secret again (for a Hub token, on the Account page).",
  );
}
