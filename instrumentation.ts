/** Next runs this once when the server process starts; the work is Node-only (see server/start-services.ts). */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./server/start-services");
}
