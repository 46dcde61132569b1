// Lets other events run (a cancel click, an IPC message) between chunks of a long computation: Node's
// setImmediate, or a zero-delay timer in a browser page (the web scorer), which has no setImmediate.
// The one place pure code may touch timers (test/architecture.test.ts): it never changes a number.
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}
