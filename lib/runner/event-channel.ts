/**
 * A one-consumer async queue: the runner pushes a request's events as the
 * bridge sends them, the request's generator reads them in order.
 */
export interface EventChannel<T> extends AsyncIterable<T> {
  push(value: T): void;
  end(): void;
  fail(error: unknown): void;
  readonly closed: boolean;
}

export function createEventChannel<T>(): EventChannel<T> {
  const buffered: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  let failWaiting: ((error: unknown) => void) | null = null;
  let closed = false;
  let error: { value: unknown } | null = null;

  function wake() {
    if (!waiting) return;
    const resolve = waiting;
    const reject = failWaiting;
    if (buffered.length) {
      waiting = failWaiting = null;
      resolve({ value: buffered.shift() as T, done: false });
    } else if (error) {
      waiting = failWaiting = null;
      reject?.(error.value);
    } else if (closed) {
      waiting = failWaiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  return {
    push(value) {
      if (closed) return;
      buffered.push(value);
      wake();
    },
    end() {
      closed = true;
      wake();
    },
    fail(reason) {
      if (closed) return;
      error = { value: reason };
      closed = true;
      wake();
    },
    get closed() {
      return closed;
    },
    [Symbol.asyncIterator]() {
      return {
        next: () =>
          new Promise<IteratorResult<T>>((resolve, reject) => {
            waiting = resolve;
            failWaiting = reject;
            wake();
          }),
        return: async () => {
          closed = true;
          buffered.length = 0;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
