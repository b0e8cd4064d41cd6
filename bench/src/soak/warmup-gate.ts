// When a soak's warm-up ends: once its minimum time has passed and every call slot has ended
// its first call, so the agent holds K calls at every stage of a conversation rather than K
// fresh ones; forced at a latest time so that part of the run is always measured.

/** Ends the warm-up once, when its conditions hold or when forced. */
export class WarmupGate {
  private readonly cycledSlots = new Set<number>();
  private minimumPassed = false;
  private ended = false;
  private forced = false;

  /** `onEnd` runs once, with whether the warm-up was forced before every slot cycled. */
  constructor(
    private readonly slots: number,
    private readonly onEnd: (forced: boolean) => void,
  ) {}

  /** True once the warm-up has ended. */
  get hasEnded(): boolean {
    return this.ended;
  }

  /** True when the warm-up ended at its latest time, not every slot having ended a call. */
  get wasForced(): boolean {
    return this.forced;
  }

  /** A slot's call ended. */
  callEnded(slot: number): void {
    this.cycledSlots.add(slot);
    this.check();
  }

  /** The minimum warm-up time has passed. */
  minimumReached(): void {
    this.minimumPassed = true;
    this.check();
  }

  /** The latest warm-up time has come: end now if not ended yet. */
  force(): void {
    if (this.ended) return;

    this.forced = this.cycledSlots.size < this.slots;
    this.end();
  }

  private check(): void {
    if (this.minimumPassed && this.cycledSlots.size >= this.slots) this.end();
  }

  private end(): void {
    if (this.ended) return;

    this.ended = true;
    this.onEnd(this.forced);
  }
}
