// A small reader for uncompressed tar archives: the `docker save` / docker-archive wrapper and
// the image layers inside it. Handles ustar, PAX extended headers (path, linkpath, size, uid,
// gid) and GNU long names; that is what Go's archive/tar (Docker, containers/image) writes.

export type TarType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarEntry {
  name: string;
  type: TarType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  data: Buffer;
}

const TYPES: Record<string, TarType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

function str(buf: Buffer, off: number, len: number): string {
  const slice = buf.subarray(off, off + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul === -1 ? len : nul).toString('utf8');
}

function num(buf: Buffer, off: number, len: number): number {
  const first = buf[off] ?? 0;
  if (first & 0x80) {
    // GNU base-256 encoding for large values.
    let v = 0;
    for (let i = 1; i < len; i++) v = v * 256 + (buf[off + i] ?? 0);
    return v;
  }
  const s = str(buf, off, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp === -1) break;
    const len = parseInt(data.subarray(pos, sp).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(sp + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq !== -1) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

export function parseTar(buf: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let pos = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  while (pos + 512 <= buf.length) {
    const header = buf.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) break;
    const typeflag = String.fromCharCode(header[156] ?? 0);
    let size = num(header, 124, 12);
    if (pax['size'] !== undefined) size = parseInt(pax['size'], 10);
    const dataStart = pos + 512;
    const data = buf.subarray(dataStart, dataStart + size);
    pos = dataStart + Math.ceil(size / 512) * 512;

    if (typeflag === 'x') {
      pax = { ...pax, ...parsePax(data) };
      continue;
    }
    if (typeflag === 'g') continue;
    if (typeflag === 'L') {
      longName = str(data, 0, data.length);
      continue;
    }
    if (typeflag === 'K') {
      longLink = str(data, 0, data.length);
      continue;
    }

    const magic = str(header, 257, 6);
    const prefix = magic.startsWith('ustar') ? str(header, 345, 155) : '';
    let name = str(header, 0, 100);
    if (prefix !== '') name = `${prefix}/${name}`;
    name = pax['path'] ?? longName ?? name;
    const linkname = pax['linkpath'] ?? longLink ?? str(header, 157, 100);
    const type = TYPES[typeflag];
    if (type !== undefined) {
      entries.push({
        name,
        type,
        mode: num(header, 100, 8) & 0o7777,
        uid: pax['uid'] !== undefined ? parseInt(pax['uid'], 10) : num(header, 108, 8),
        gid: pax['gid'] !== undefined ? parseInt(pax['gid'], 10) : num(header, 116, 8),
        size,
        linkname,
        devmajor: num(header, 329, 8),
        devminor: num(header, 337, 8),
        data,
      });
    }
    pax = {};
    longName = undefined;
    longLink = undefined;
  }
  return entries;
}
