// Runtime file, copied verbatim: the few host services delivery uses (timers,
// clocks), typed here so that the SDK compiles without DOM or Node type
// definitions and runs in browsers, Node and other hosts alike.

/** A pending timer; `keep` says whether it may keep a Node process alive. */
export interface DeliveryTimer {
  keep(alive: boolean): void;
  cancel(): void;
}

interface HostTimerHandle {
  ref?(): void;
  unref?(): void;
}

interface TimerHost {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  performance?: { now(): number };
}

const timerHost = globalThis as unknown as TimerHost;

/** Calls `callback` after `ms`; unless `keepAlive`, the timer never keeps Node running. */
export function startTimer(ms: number, callback: () => void, keepAlive = false): DeliveryTimer {
  const handle = timerHost.setTimeout(callback, Math.max(0, Math.min(ms, 2_147_483_647))) as HostTimerHandle;
  const timer: DeliveryTimer = {
    keep: (alive) => (alive ? handle.ref?.() : handle.unref?.()),
    cancel: () => timerHost.clearTimeout(handle),
  };
  timer.keep(keepAlive);
  return timer;
}

/** Milliseconds on a clock that never goes back (for waits). */
export function monotonicMs(): number {
  return timerHost.performance !== undefined ? timerHost.performance.now() : Date.now();
}
