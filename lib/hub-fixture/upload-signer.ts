import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { UploadSigner } from "./route-context";

/**
 * Signs LFS upload URLs with a key that lives as long as the fixture, the way
 * the Hub hands out presigned storage URLs: the upload itself carries no token,
 * and a URL for one object and size cannot be used for another.
 */
export function createUploadSigner(): UploadSigner {
  const key = randomBytes(32);
  const sign = (repoId: string, oid: string, size: number) =>
    createHmac("sha256", key).update(`${repoId.toLowerCase()}\n${oid}\n${size}`).digest("hex");
  return {
    sign,
    verify(repoId, oid, size, signature) {
      const expected = Buffer.from(sign(repoId, oid, size), "hex");
      const given = Buffer.from(signature, "hex");
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
