/** Next runs this once per server process: the place to hook process signals. */
export async function register(): Promise<void> {
  // Node only: the edge runtime has no processes to stop.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { stopOnSignal } = await import("./server/shutdown/stop-on-signal");
  const { getRunnerPool } = await import("./lib/runner/runner-pool");
  stopOnSignal(() => getRunnerPool().stopAll());
}
