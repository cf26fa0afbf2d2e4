/** Engine calls by operation, for the benchmark and a test that counts them; production never reads it. */
export class CallCounter {
  private readonly calls: Record<string, number> = {};

  /** Pass as the Docker engine's onCall. */
  readonly record = (op: string): void => {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
  };

  counts(): Record<string, number> {
    return { ...this.calls };
  }
}
