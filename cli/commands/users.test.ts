import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTokenStore } from "../../lib/auth/token-store";
import { openUserStore } from "../../lib/auth/user-store";
import { openAppDatabase } from "../../lib/store/app-database";
import { runCli } from "../main";

let home: string;
const saved = process.env.WHET_HOME;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "whet-users-"));
  // runCli reads its configuration from the environment once, at the first command.
  process.env.WHET_HOME = home;
});
afterAll(async () => {
  if (saved === undefined) delete process.env.WHET_HOME;
  else process.env.WHET_HOME = saved;
  await rm(home, { recursive: true, force: true });
});

/** `whet ARGS` in this process, with `input` as standard input; the --json envelope parsed. */
async function whet(args: string[], input: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), readLine: async () => input.shift() ?? null });
  const stdout = out.join("");
  return { code, stdout, stderr: err.join(""), json: args.includes("--json") ? (JSON.parse(stdout) as { status: string; data: Record<string, unknown>; error: Record<string, unknown> | null }) : null };
}

describe("whet users, tokens and audit", () => {
  it("manage accounts and tokens on this machine's database, print a token once, and leave an audit trail", async () => {
    const ada = await whet(["users", "add", "ada", "--role", "admin", "--password-stdin", "--json"], ["ada's long password"]);
    expect(ada.json).toMatchObject({ status: "success", data: { user: { name: "ada", role: "admin" } } });
    expect(ada.stdout).not.toContain("long password");

    const bob = await whet(["users", "add", "bob"]);
    expect(bob.code).toBe(0);
    const generated = /Password for bob: (\S+)/.exec(bob.stdout)?.[1] as string;
    expect(generated).toHaveLength(24);
    const db = openAppDatabase(home);
    expect(await openUserStore(db).verify("bob", generated)).toMatchObject({ name: "bob", role: "member" });

    expect((await whet(["users", "add", "bob"])).stderr).toContain("There is already a user named 'bob'");
    expect((await whet(["users", "add", "eve", "--role", "owner"])).code).toBe(2);
    expect((await whet(["users", "role", "bob", "viewer", "--json"])).json).toMatchObject({ data: { user: { role: "viewer" } } });
    expect((await whet(["users", "list", "--json"])).json?.data).toMatchObject({ users: [{ name: "ada", role: "admin", active_tokens: 0 }, { name: "bob", role: "viewer" }] });

    const refused = await whet(["tokens", "create", "laptop", "--user", "bob", "--scopes", "read,write", "--json"]);
    expect(refused.json?.error).toMatchObject({ message: "A viewer cannot give a token the write scope", hint: expect.stringContaining("whet users role bob ROLE") });
    const created = await whet(["tokens", "create", "laptop", "--user", "bob", "--scopes", "read,chat", "--json"]);
    const token = created.json?.data.token as string;
    expect(token).toMatch(/^whet_/);
    expect(openTokenStore(db).verify(token)).toMatchObject({ name: "laptop", userName: "bob", scopes: ["read", "chat"] });
    const listed = await whet(["tokens", "list", "--json"]);
    expect(listed.stdout).not.toContain(token.slice(9));
    const id = (listed.json?.data.tokens as { id: string }[])[0]?.id as string;
    expect((await whet(["tokens", "revoke", id.slice(0, 8)])).stdout).toContain("Revoked 'laptop' of bob");
    expect(openTokenStore(db).verify(token)).toBeNull();

    expect((await whet(["users", "passwd", "bob", "--password-stdin"], ["bob's new password"])).code).toBe(0);
    expect(await openUserStore(db).verify("bob", "bob's new password")).not.toBeNull();
    const lastAdmin = await whet(["users", "remove", "ada", "--json"]);
    expect(lastAdmin.json?.error).toMatchObject({ type: "last_admin", hint: "Make another account an admin first." });
    expect((await whet(["users", "remove", "bob"])).code).toBe(0);
    db.close();

    const audit = await whet(["audit", "--json"]);
    expect((audit.json?.data.entries as { user: string; address: string; action: string; target: string; result: string }[]).reverse().map((e) => [e.user, e.address, e.action, e.target, e.result])).toEqual([
      ["local", "cli", "user.add", "ada (admin)", "ok"],
      ["local", "cli", "user.add", "bob (member)", "ok"],
      ["local", "cli", "user.add", "bob", "failed"],
      ["local", "cli", "user.role", "bob → viewer", "ok"],
      ["local", "cli", "token.create", "laptop (bob: read,chat)", "ok"],
      ["local", "cli", "token.revoke", "laptop (bob)", "ok"],
      ["local", "cli", "user.password", "bob", "ok"],
      ["local", "cli", "user.remove", "ada", "failed"],
      ["local", "cli", "user.remove", "bob", "ok"],
    ]);
    expect((await whet(["audit", "--action", "token", "--json"])).json?.data.entries).toHaveLength(2);
    expect((await whet(["audit", "--since", "yesterday"])).code).toBe(2);
  });

  it("reads --password-stdin from a pipe in the real binary", async () => {
    const result = await execa("node", [join(process.cwd(), "bin", "whet.mjs"), "users", "add", "carol", "--role", "admin", "--password-stdin", "--json"], {
      env: { WHET_HOME: home },
      input: "carol's long password\n",
      reject: false,
    });
    expect(result.exitCode).toBe(0);
    expect(await openUserStore(openAppDatabase(home)).verify("carol", "carol's long password")).toMatchObject({ role: "admin" });
  });
});
