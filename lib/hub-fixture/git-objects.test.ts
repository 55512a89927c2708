import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../testing/temp-dir";
import { digestFile, gitBlobOid, gitCommitOid, gitTreeOid } from "./git-objects";

const tempDir = useTempDirs();

// Expected values are what git 2.39 prints (`git hash-object`, `git mktree`, `git commit`).
describe("git object ids", () => {
  it("hashes blobs as git does", () => {
    expect(gitBlobOid("")).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    expect(gitBlobOid("hello\n")).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    expect(gitBlobOid(new Uint8Array(Buffer.from("hello\n")))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  it("hashes a file's blob and sha256 in one pass", async () => {
    const file = join(await tempDir(), "hello.txt");
    await writeFile(file, "hello\n");
    expect(await digestFile(file, 6)).toEqual({
      size: 6,
      blobOid: "ce013625030ba8dba906f756967f9e9ca394464a",
      sha256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
    });
    await expect(digestFile(file, 7)).rejects.toThrow(/changed size/);
  });

  it("hashes trees with git's ordering, where a folder sorts as if it ended in '/'", () => {
    expect(gitTreeOid([])).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    const folder = gitTreeOid([{ name: "x", kind: "file", oid: gitBlobOid("1") }]);
    const entries = [
      { name: "a", kind: "directory" as const, oid: folder },
      { name: "a-b", kind: "file" as const, oid: gitBlobOid("2") },
      { name: "a.txt", kind: "file" as const, oid: gitBlobOid("hello\n") },
    ];
    expect(gitTreeOid(entries)).toBe("e18c9cf4413fcd87deefa9bf0342779b3fc44edb");
    expect(gitTreeOid([...entries].reverse())).toBe("e18c9cf4413fcd87deefa9bf0342779b3fc44edb");
  });

  it("hashes commits with the fixture's fixed author", () => {
    const date = new Date("2025-01-01T00:00:00Z");
    const first = gitCommitOid({ tree: "e18c9cf4413fcd87deefa9bf0342779b3fc44edb", parent: null, date, message: "Initial commit" });
    expect(first).toBe("ad91ab93c6c8765d6a09e73b5c807af0f6d27394");
  });
});
