/**
 * What the dynamic loader reads from an ELF file: the program interpreter
 * (PT_INTERP) and the dynamic section's DT_NEEDED, DT_RPATH and DT_RUNPATH
 * strings. ELF32 and ELF64, little and big endian. Anything that is not ELF,
 * or whose headers point outside the file, gives undefined (a truncated or
 * odd file is simply not followed). Pure.
 */

export interface ElfDeps {
  /** PT_INTERP, e.g. "/lib64/ld-linux-x86-64.so.2"; absent in static programs and libraries. */
  interp?: string;
  /** DT_NEEDED sonames in order. */
  needed: string[];
  /** DT_RPATH entries (colon-separated in the file). */
  rpath: string[];
  /** DT_RUNPATH entries. */
  runpath: string[];
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

/** Whether `bytes` start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 16 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

function cString(bytes: Uint8Array, at: number, end = bytes.length): string | undefined {
  if (at < 0 || at >= end) return undefined;
  let i = at;
  while (i < end && bytes[i] !== 0) i++;
  return i < end ? Buffer.from(bytes.buffer, bytes.byteOffset + at, i - at).toString('latin1') : undefined;
}

export function readElfDeps(bytes: Uint8Array): ElfDeps | undefined {
  if (!isElf(bytes)) return undefined;
  const is64 = bytes[4] === 2;
  const le = bytes[5] === 1;
  if ((bytes[4] !== 1 && !is64) || (bytes[5] !== 1 && bytes[5] !== 2)) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => v.getUint16(o, le);
  const u32 = (o: number) => v.getUint32(o, le);
  const word = (o: number) => (is64 ? Number(v.getBigUint64(o, le)) : u32(o));
  try {
    const phoff = word(is64 ? 32 : 28);
    const phentsize = u16(is64 ? 54 : 42);
    const phnum = u16(is64 ? 56 : 44);
    const loads: Array<{ vaddr: number; offset: number; filesz: number }> = [];
    let dynamic: { offset: number; size: number } | undefined;
    let interp: string | undefined;
    for (let i = 0; i < phnum; i++) {
      const h = phoff + i * phentsize;
      const type = u32(h);
      const offset = word(h + (is64 ? 8 : 4));
      const vaddr = word(h + (is64 ? 16 : 8));
      const filesz = word(h + (is64 ? 32 : 16));
      if (type === PT_LOAD) loads.push({ vaddr, offset, filesz });
      else if (type === PT_DYNAMIC) dynamic = { offset, size: filesz };
      else if (type === PT_INTERP) interp = cString(bytes, offset, Math.min(bytes.length, offset + filesz));
    }
    const out: ElfDeps = { ...(interp !== undefined ? { interp } : {}), needed: [], rpath: [], runpath: [] };
    if (!dynamic) return out;
    const entries: Array<[number, number]> = [];
    const size = is64 ? 16 : 8;
    let strtab: number | undefined;
    let strsz = Infinity;
    for (let at = dynamic.offset; at + size <= Math.min(bytes.length, dynamic.offset + dynamic.size); at += size) {
      const tag = word(at);
      const val = word(at + size / 2);
      if (tag === DT_NULL) break;
      if (tag === DT_STRTAB) strtab = val;
      else if (tag === DT_STRSZ) strsz = val;
      else if (tag === DT_NEEDED || tag === DT_RPATH || tag === DT_RUNPATH) entries.push([tag, val]);
    }
    if (strtab === undefined) return out;
    // DT_STRTAB is a virtual address: map it to a file offset through the PT_LOAD segments.
    const seg = loads.find((l) => strtab >= l.vaddr && strtab < l.vaddr + l.filesz);
    const base = seg ? strtab - seg.vaddr + seg.offset : strtab;
    const end = Math.min(bytes.length, base + strsz);
    for (const [tag, val] of entries) {
      const s = cString(bytes, base + val, end);
      if (s === undefined) continue;
      if (tag === DT_NEEDED) out.needed.push(s);
      else (tag === DT_RPATH ? out.rpath : out.runpath).push(...s.split(':').filter((p) => p !== ''));
    }
    return out;
  } catch {
    return undefined; // a header pointing past the end (RangeError): not an ELF the loader would run
  }
}
