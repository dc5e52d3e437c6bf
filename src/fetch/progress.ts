/** Progress events for long work; the CLI renders them on a TTY, tests and CI ignore them. */
export interface Progress {
  /** A new phase with a known amount of work (items, bytes). */
  phase(name: string, total: number, bytes?: number): void;
  /** Bytes arrived (downloads). */
  bytes(n: number): void;
  /** One item of the current phase finished. */
  done(label: string): void;
  end(): void;
}

export const silentProgress: Progress = { phase() {}, bytes() {}, done() {}, end() {} };

function human(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A one-line progress display redrawn in place on a TTY stream. */
export function ttyProgress(stream: NodeJS.WriteStream): Progress {
  let name = '';
  let total = 0;
  let count = 0;
  let totalBytes = 0;
  let got = 0;
  let last = 0;
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 80) return;
    last = now;
    const bytes = totalBytes ? ` ${human(got)}/${human(totalBytes)}` : '';
    stream.write(`\r\x1b[K${name} ${count}/${total}${bytes}`);
  };
  return {
    phase(n, t, b = 0) {
      name = n;
      total = t;
      totalBytes = b;
      count = 0;
      got = 0;
      draw(true);
    },
    bytes(n) {
      got += n;
      draw();
    },
    done() {
      count++;
      draw(count === total);
    },
    end() {
      stream.write('\r\x1b[K');
    },
  };
}

export { human as humanBytes };
