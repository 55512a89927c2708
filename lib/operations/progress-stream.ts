import { createEventChannel } from "../runner/event-channel";

/**
 * Turns a function that reports progress through a callback into the
 * generator an operation definition returns: each reported snapshot is
 * yielded in order, and the function's value is the generator's result.
 */
export async function* progressStream<Progress, Result>(
  start: (report: (progress: Progress) => void) => Promise<Result>,
): AsyncGenerator<Progress, Result> {
  const channel = createEventChannel<Progress>();
  const finished = start((progress) => channel.push(progress)).finally(() => channel.end());
  // The channel only ends; a failure surfaces from `finished` below, after every snapshot it reported.
  finished.catch(() => undefined);
  for await (const progress of channel) yield progress;
  return await finished;
}
