// setTimeout takes at most 2^31-1 ms (about 24.8 days); a longer delay fires at once. Timers here
// wake at most this far ahead and recompute.
export const MAX_TIMER_MS = 2 ** 31 - 1;
