/**
 * Runs `stop` once when the process is told to end (SIGTERM, SIGINT): the
 * app's runners are its child processes, and a runner still loading a model
 * does not yet notice its parent is gone. Next's own handler closes the
 * server and exits; an open stream can keep that waiting, so after `graceMs`
 * the process exits anyway with the signal's code.
 */
export function stopOnSignal(stop: () => Promise<void>, options: { graceMs?: number } = {}): void {
  const graceMs = options.graceMs ?? 10_000;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const code = signal === "SIGINT" ? 130 : 143;
    setTimeout(() => process.exit(code), graceMs).unref();
    stop().then(
      // Exit here only when nothing else listens (Next's handler exits once its server is closed).
      () => {
        if (process.listenerCount(signal) === 1) process.exit(code);
      },
      () => process.exit(code),
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
