// The artifact server process: serves one directory read-only (GET and HEAD) on 127.0.0.1 and appends one JSON
// line per answered request to a log. Started detached by server.ts:
//   node --import <tsx loader> serve.ts --root DIR --port N --log FILE
import { appendFileSync, createReadStream, statSync, type Stats } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { ArtifactRequest } from '../types.ts';

/** The only address the server binds. */
const HOST = '127.0.0.1';

/** Content types by extension; everything else is a binary download. */
const TEXT_TYPES: Record<string, string> = {
  '.sha256': 'text/plain; charset=utf-8',
  '.sha256sum': 'text/plain; charset=utf-8',
  '.service': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.asc': 'application/pgp-keys',
  '.fingerprint': 'text/plain; charset=utf-8',
};

const { values } = parseArgs({
  options: { root: { type: 'string' }, port: { type: 'string' }, log: { type: 'string' } },
  strict: true,
});
const root = resolve(values.root ?? '');
const port = Number(values.port);
const logFile = values.log ?? '';
if (!values.root || !Number.isInteger(port) || port <= 0 || logFile === '') {
  process.stderr.write('usage: serve.ts --root DIR --port N --log FILE\n');
  process.exit(2);
}

const server = createServer((req, res) => {
  const method = req.method ?? '';
  const path = req.url ?? '';
  let bodyBytes = 0;
  res.on('close', () => {
    const entry: ArtifactRequest = {
      time: new Date().toISOString(),
      method,
      path,
      status: res.statusCode,
      bytes: res.writableFinished ? bodyBytes : 0,
    };
    appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
  });
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return reply(res, 405, 'method not allowed\n', method);
  }
  const file = fileFor(req);
  const stats = file === undefined ? undefined : statOrUndefined(file);
  if (file === undefined || stats === undefined || !stats.isFile()) return reply(res, 404, 'not found\n', method);
  res.writeHead(200, {
    'Content-Length': stats.size,
    'Content-Type': TEXT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Last-Modified': stats.mtime.toUTCString(),
  });
  if (method === 'HEAD') return res.end();
  bodyBytes = stats.size;
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
});

server.on('error', (e) => {
  process.stderr.write(`artifact server: ${e.message}\n`);
  process.exit(1);
});
server.listen(port, HOST, () => process.stdout.write(`artifact server pid ${process.pid} serving ${root} on http://${HOST}:${port}\n`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}

// The file under root a request names, or undefined for anything outside root or undecodable.
function fileFor(req: IncomingMessage): string | undefined {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', `http://${HOST}`).pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0')) return undefined;
  const file = resolve(root, `.${pathname}`);
  return file.startsWith(root + sep) ? file : undefined;
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function reply(res: ServerResponse, status: number, text: string, method: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(method === 'HEAD' ? undefined : text);
}
