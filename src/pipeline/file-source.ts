/**
 * Reading an unpacked archive in the cache without loading it: a ByteSource
 * for the tar reader (sequential reads through a 1 MiB window, small results
 * copied so no window stays alive), and FileBody ranges that stream a large
 * file's bytes straight from the archive when a layer is written.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../tree/tar-read.js';
import type { FileBody } from '../tree/types.js';

const WINDOW = 1 << 20;

function readFully(fd: number, buf: Buffer, position: number): void {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) throw new Error(`internal: short read at ${position + got}`);
    got += n;
  }
}

/** A ByteSource over a file; close() when done. */
export function fileSource(path: string, size: number): ByteSource & { close(): void } {
  const fd = openSync(path, 'r');
  let window = Buffer.alloc(0);
  let start = 0;
  return {
    size,
    read(offset, length) {
      if (offset >= start && offset + length <= start + window.length) {
        return Buffer.from(window.subarray(offset - start, offset - start + length));
      }
      if (length > WINDOW / 2) {
        const out = Buffer.allocUnsafe(length);
        readFully(fd, out, offset);
        return out;
      }
      start = offset;
      window = Buffer.allocUnsafe(Math.min(WINDOW, size - offset));
      readFully(fd, window, offset);
      return Buffer.from(window.subarray(0, length));
    },
    close: () => closeSync(fd),
  };
}

/** The bytes [offset, offset + size) of a file, as a tree body. `id` names those bytes (archive digest + offset). */
export function rangeBody(path: string, id: string, offset: number, size: number): FileBody {
  return {
    size,
    id,
    open: () => createReadStream(path, { start: offset, end: offset + size - 1, highWaterMark: WINDOW }),
    read() {
      const fd = openSync(path, 'r');
      try {
        const out = Buffer.allocUnsafe(size);
        readFully(fd, out, offset);
        return out;
      } finally {
        closeSync(fd);
      }
    },
  };
}
