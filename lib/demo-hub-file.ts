import { readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/**
 * Where the running app's demo hub can be found (`npm start -- --demo`): its
 * port changes at each start, so the demo hub writes its URL here when it
 * starts and removes the file when it stops; the CLI uses it when no
 * HF_ENDPOINT is set.
 */
export const demoHubFile = (dataDir: string) => join(dataDir, "demo-hub.json");

// The demo hub listens on loopback only: a file naming any other host is not ours, and no token goes there.
const LOOPBACK_URL = /^http:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d{1,5}$/;
const fileSchema = z.object({ url: z.string().max(100).regex(LOOPBACK_URL), token: z.string().max(200), pid: z.number().int().positive() });
export type DemoHub = z.infer<typeof fileSchema>;

export async function writeDemoHubFile(dataDir: string, hub: DemoHub): Promise<void> {
  await writeFile(demoHubFile(dataDir), `${JSON.stringify(hub)}\n`, { mode: 0o600 });
}

export async function removeDemoHubFile(dataDir: string): Promise<void> {
  await rm(demoHubFile(dataDir), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The demo hub the file names, while the process that wrote it runs (a killed one leaves the file behind); else null. */
export function readDemoHubFile(dataDir: string): DemoHub | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(demoHubFile(dataDir), "utf8"));
  } catch {
    return null;
  }
  const parsed = fileSchema.safeParse(raw);
  return parsed.success && alive(parsed.data.pid) ? parsed.data : null;
}
