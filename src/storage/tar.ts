// A ustar archive of files (the appendonlydir and dump.rdb), so all of a server's files download
// as one file that `tar -x` unpacks into a directory redis-server can start from.

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

export function tarArchive(files: readonly { path: string; bytes: Uint8Array; mtimeMs?: number }[]): Uint8Array {
  const total = files.reduce((sum, f) => sum + BLOCK + Math.ceil(f.bytes.length / BLOCK) * BLOCK, 0) + 2 * BLOCK;
  const out = new Uint8Array(total);
  let at = 0;
  const put = (text: string, offset: number) => {
    for (let i = 0; i < text.length; i++) out[at + offset + i] = text.charCodeAt(i) & 0xff;
  };
  for (const file of files) {
    if (file.path.length > 100) throw new Error(`${file.path}: names over 100 bytes do not fit a tar header`);
    put(file.path, 0);
    put(octal(0o644, 8), 100);
    put(octal(0, 8), 108);
    put(octal(0, 8), 116);
    put(octal(file.bytes.length, 12), 124);
    put(octal(Math.floor((file.mtimeMs ?? 0) / 1000), 12), 136);
    put('        ', 148);
    put('0', 156);
    put('ustar\0', 257);
    put('00', 263);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += out[at + i]!;
    put(octal(sum, 7) + ' ', 148);
    at += BLOCK;
    out.set(file.bytes, at);
    at += Math.ceil(file.bytes.length / BLOCK) * BLOCK;
  }
  return out;
}
