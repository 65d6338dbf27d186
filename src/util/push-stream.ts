/**
 * Turns a callback-style producer into an async iterable. The producer runs when
 * iteration starts; its rejection surfaces from the iterator, after any chunks already pushed.
 */
export function pushStream<T>(produce: (push: (value: T) => void) => Promise<void>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const buffered: T[] = [];
      let finished = false;
      let failure: { error: unknown } | undefined;
      let wake: (() => void) | undefined;
      const notify = () => {
        wake?.();
        wake = undefined;
      };
      produce((value) => {
        buffered.push(value);
        notify();
      }).then(
        () => {
          finished = true;
          notify();
        },
        (error: unknown) => {
          failure = { error };
          finished = true;
          notify();
        },
      );
      return {
        async next(): Promise<IteratorResult<T>> {
          while (buffered.length === 0 && !finished) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
          if (buffered.length > 0) return { value: buffered.shift() as T, done: false };
          if (failure) throw failure.error;
          return { value: undefined, done: true };
        },
      };
    },
  };
}
