/**
 * Runs once when the server process starts: the services are made now, not
 * at the first request, so downloads interrupted by a restart resume on
 * their own; on SIGTERM and SIGINT they are closed (resumable jobs are queued
 * for the next start, runners stopped) before the process exits.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getServices } = await import("./server/services");
  const services = getServices();
  const stop = () => {
    void services.close().finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
