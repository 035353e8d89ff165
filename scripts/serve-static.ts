// A plain static host for the built page, as GitHub Pages and the like serve it: the files of DIR
// under a path PREFIX (e.g. /lab/), types from the file name, a 10-minute cache header, no other
// headers, and 404 for anything outside the prefix — so a URL the build wrote as absolute fails.
// For offline tests, POST /__host/down makes it drop every connection (a host gone away) until
// POST /__host/up.
//   npx tsx scripts/serve-static.ts DIR PREFIX PORT
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

const [dirArg, prefixArg, portArg] = process.argv.slice(2);
if (!dirArg || !prefixArg?.startsWith('/') || !prefixArg.endsWith('/') || !/^\d+$/.test(portArg ?? '')) {
  process.stderr.write('usage: tsx scripts/serve-static.ts DIR /PREFIX/ PORT\n');
  process.exit(2);
}
const root = resolve(dirArg);
const prefix = prefixArg;
let down = false;

const server = createServer(async (request, response) => {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
  if (request.method === 'POST' && (path === '/__host/down' || path === '/__host/up')) {
    down = path === '/__host/down';
    response.writeHead(204).end();
    return;
  }
  if (down) {
    request.socket.destroy();
    return;
  }
  if (path === prefix.slice(0, -1)) {
    response.writeHead(301, { location: prefix }).end();
    return;
  }
  const notFound = () => response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
  if (!path.startsWith(prefix) || (request.method !== 'GET' && request.method !== 'HEAD')) return notFound();
  const file = normalize(join(root, path.slice(prefix.length) || 'index.html'));
  if (!file.startsWith(root)) return notFound();
  try {
    const target = (await stat(file)).isDirectory() ? join(file, 'index.html') : file;
    const body = await readFile(target);
    response.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream', 'content-length': body.length, 'cache-control': 'max-age=600' });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch {
    notFound();
  }
});
server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write(`serving ${root} at http://127.0.0.1:${portArg}${prefix}\n`));
