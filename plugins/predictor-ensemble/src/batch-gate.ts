// Holds a batch's prune calls until every live trial of the batch has reached this plugin's prune
// tap (or was settled by an earlier tap), then decides for all of them at once: ranking a batch
// needs all of its candidates. Core runs the fast level of a batch's proposals concurrently and
// calls `trialStart` for each of them synchronously before any of them awaits, so the count of
// trialStart calls is the batch's size before the first prune call arrives (trials already final
// on resume skip trialStart and are not waited for).
export class BatchGate<T, R> {
  private readonly batches = new Map<
    number,
    { started: Set<number>; settled: Set<number>; arrived: Map<number, { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> }
  >();

  constructor(private readonly decide: (items: Map<number, T>) => Map<number, R>) {}

  private batch(batch: number) {
    let entry = this.batches.get(batch);
    if (!entry) this.batches.set(batch, (entry = { started: new Set(), settled: new Set(), arrived: new Map() }));
    return entry;
  }

  start(batch: number, seq: number): void {
    this.batch(batch).started.add(seq);
  }

  /** A trial of the batch became final without reaching the gate (an earlier prune tap dropped it). */
  settle(batch: number, seq: number): void {
    const entry = this.batches.get(batch);
    if (!entry || entry.arrived.has(seq)) return;
    entry.settled.add(seq);
    this.release(batch);
  }

  arrive(batch: number, seq: number, item: T): Promise<R> {
    const entry = this.batch(batch);
    entry.started.add(seq);
    const answer = new Promise<R>((resolve, reject) => entry.arrived.set(seq, { item, resolve, reject }));
    this.release(batch);
    return answer;
  }

  private release(batch: number): void {
    const entry = this.batches.get(batch)!;
    if (entry.arrived.size + entry.settled.size < entry.started.size) return;
    if (entry.arrived.size === 0) return void this.batches.delete(batch);
    this.batches.delete(batch);
    try {
      const results = this.decide(new Map([...entry.arrived].map(([seq, a]) => [seq, a.item])));
      for (const [seq, a] of entry.arrived) a.resolve(results.get(seq) as R);
    } catch (error) {
      for (const a of entry.arrived.values()) a.reject(error);
    }
  }
}
