/**
 * What a loopback fake uses to let tests wait for something it sees (a call, a sent message):
 * the fake calls `notify()` after every change, `until` re-checks then. Nothing polls.
 */
export class Watch {
  private readonly listeners = new Set<() => void>();

  /** `name` and `seen` make a timeout say which fake it was and what it had received. */
  constructor(
    private readonly name: string,
    private readonly seen: () => string,
  ) {}

  add(listener: () => void): void {
    this.listeners.add(listener);
  }

  delete(listener: () => void): void {
    this.listeners.delete(listener);
  }

  notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /**
   * Resolves once `check` holds (checked after every notify); rejects after `ms` with what was
   * seen. `then` runs once the watch is set up, so whatever it triggers cannot be missed.
   */
  until(check: () => boolean, what: string, ms = 5000, then?: () => void): Promise<void> {
    if (check()) {
      then?.();
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`${this.name}: timed out waiting for ${what}; calls: ${this.seen()}`));
      }, ms);
      const listener = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
    then?.();
    return done;
  }
}
