/** A bug behind nested comparisons, for the engine's own test: one random input in 80,000 reaches it. */
export function deepBug(d: Buffer): void {
  if (d.length > 3 && d[0]! > 0xf0) {
    if (d[1]! > 0xf0) {
      if (d[2]! > 0xf0) {
        if (d[3]! > 0xf0) throw new TypeError('deep bug');
      }
    }
  }
}
