/**
 * A process freeze as the process itself sees it afterwards: the wall clock jumped. Moving
 * `Date.now` forward moves every clock this process reads at once (Lambda context deadlines,
 * Powertools Idempotency's in-progress and record expiries, fauxqs visibility), so a 25 s freeze
 * can be tested without waiting 25 s. Timers keep real time, which a freeze would stretch anyway.
 */
const realNow = Date.now.bind(Date);
let offsetMs = 0;

/** Jumps the clock forward by `ms`, as a freeze of that length would. */
export function freezeFor(ms: number): void {
    offsetMs += ms;
    Date.now = () => realNow() + offsetMs;
}

/** Puts the real clock back (call it after each test that froze). */
export function thawClock(): void {
    offsetMs = 0;
    Date.now = realNow;
}
