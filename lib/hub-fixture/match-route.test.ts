import { describe, expect, it } from "vitest";
import { matchRoute } from "./match-route";

describe("matchRoute", () => {
  it("reads encoded and raw revisions alike", () => {
    expect(matchRoute("GET", "/api/models/acme/tiny/revision/refs%2Fpr%2F1")).toEqual({
      name: "modelInfo",
      repoId: "acme/tiny",
      revision: "refs/pr/1",
    });
    expect(matchRoute("GET", "/api/models/acme/tiny/tree/refs/pr/1/sub/dir")).toEqual({
      name: "tree",
      repoId: "acme/tiny",
      revision: "refs/pr/1",
      path: "sub/dir",
    });
    // Python sends the sub-path as one encoded segment.
    expect(matchRoute("GET", "/api/models/acme/tiny/tree/main/sub%2Fdir")).toMatchObject({ revision: "main", path: "sub/dir" });
    expect(matchRoute("HEAD", "/acme/tiny/resolve/v1.0%2Bfix/sub/w%20x.json")).toEqual({
      name: "resolve",
      repoId: "acme/tiny",
      revision: "v1.0+fix",
      path: "sub/w x.json",
      raw: false,
    });
    expect(matchRoute("GET", "/api/models/acme/tiny")).toMatchObject({ name: "modelInfo", revision: "HEAD" });
    expect(matchRoute("POST", "/api/models/acme/tiny/paths-info/main")).toMatchObject({ name: "pathsInfo" });
  });

  it("answers null for what the fixture does not serve", () => {
    expect(matchRoute("DELETE", "/api/models/acme/tiny")).toBeNull();
    expect(matchRoute("GET", "/api/datasets")).toBeNull();
    expect(matchRoute("GET", "/acme/tiny/resolve/main")).toBeNull();
    expect(() => matchRoute("GET", "/acme/tiny/resolve/main/%E0%A4%A")).toThrow(URIError);
  });

  it("finds the write endpoints, for the methods that write only", () => {
    expect(matchRoute("POST", "/api/repos/create")).toEqual({ name: "createRepo" });
    expect(matchRoute("POST", "/api/models/acme/tiny/preupload/main")).toEqual({ name: "preupload", repoId: "acme/tiny", revision: "main" });
    expect(matchRoute("POST", "/api/models/acme/tiny/commit/refs%2Fheads%2Fdev")).toEqual({ name: "commit", repoId: "acme/tiny", revision: "refs/heads/dev" });
    expect(matchRoute("POST", "/api/models/acme/tiny/branch/dev")).toEqual({ name: "createBranch", repoId: "acme/tiny", branch: "dev" });
    expect(matchRoute("POST", "/acme/tiny.git/info/lfs/objects/batch")).toEqual({ name: "lfsBatch", repoId: "acme/tiny" });
    expect(matchRoute("PUT", `/lfs-storage/acme/tiny/${"a".repeat(64)}`)).toEqual({ name: "lfsUpload", repoId: "acme/tiny", oid: "a".repeat(64) });
    expect(matchRoute("GET", "/api/repos/create")).toBeNull();
    expect(matchRoute("GET", "/api/models/acme/tiny/commit/main")).toBeNull();
    expect(matchRoute("GET", "/acme/tiny.git/info/lfs/objects/batch")).toBeNull();
    // A repo named like the storage prefix still resolves.
    expect(matchRoute("GET", "/lfs-storage/x/resolve/main/a.json")).toMatchObject({ name: "resolve", repoId: "lfs-storage/x" });
  });
});
