import { describe, expect, it } from "vitest";
import { openAppDatabase } from "../store/app-database";
import { useTempDirs } from "../testing/temp-dir";
import { openUserStore } from "./user-store";

const tempDir = useTempDirs();

describe("user store", () => {
  it("adds accounts, refuses duplicates and bad input with sentences, and never stores the password", async () => {
    const db = openAppDatabase(await tempDir());
    const users = openUserStore(db);
    const ada = await users.add({ name: "ada", role: "admin", password: "first password" });
    expect(ada).toMatchObject({ name: "ada", role: "admin" });
    await expect(users.add({ name: "ADA", role: "member", password: "another password" })).rejects.toMatchObject({ code: "user_exists" });
    await expect(users.add({ name: "bo b", role: "member", password: "another password" })).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/^Use 1 to 64 letters/) });
    await expect(users.add({ name: "bob", role: "member", password: "short" })).rejects.toMatchObject({ message: "Use at least 10 characters for the password", details: { field: "password" } });
    await expect(users.add({ name: "bob", role: "owner" as "admin", password: "long enough pw" })).rejects.toMatchObject({ details: { field: "role" } });
    const stored = db.prepare("SELECT password_hash FROM users WHERE name = 'ada'").get() as { password_hash: string };
    expect(stored.password_hash).not.toContain("first password");

    expect(await users.verify("ada", "first password")).toMatchObject({ id: ada.id });
    expect(await users.verify("Ada", "first password")).toMatchObject({ id: ada.id });
    expect(await users.verify("ada", "wrong password")).toBeNull();
    expect(await users.verify("nobody", "first password")).toBeNull();

    await users.setPassword("ada", "second password");
    expect(await users.verify("ada", "first password")).toBeNull();
    expect(await users.verify("ada", "second password")).not.toBeNull();
  });

  it("keeps at least one admin", async () => {
    const users = openUserStore(openAppDatabase(await tempDir()));
    await users.add({ name: "ada", role: "admin", password: "first password" });
    await users.add({ name: "bob", role: "member", password: "bobs password" });
    expect(() => users.setRole("ada", "member")).toThrow(expect.objectContaining({ code: "last_admin", hint: "Make another account an admin first." }));
    expect(() => users.remove("ada")).toThrow(expect.objectContaining({ code: "last_admin" }));
    users.setRole("bob", "admin");
    expect(users.countAdmins()).toBe(2);
    users.remove("ada");
    expect(users.list().map((u) => [u.name, u.role])).toEqual([["bob", "admin"]]);
    expect(() => users.remove("ada")).toThrow(expect.objectContaining({ code: "user_not_found" }));
  });
});
