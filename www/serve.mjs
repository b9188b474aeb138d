// A tiny static server for the gorqs demo page: serves the repository root so that the page
// (/www/) and the built package (/pkg/dist/gorqs.mjs, named by the page's import map) share one
// origin. Local use only: it binds 127.0.0.1 and never leaves the root folder.
//
//   node www/serve.mjs              http://127.0.0.1:8080/www/
//   PORT=0 node www/serve.mjs       a random free port
//
// `startServer(port, { root })` is exported for the end-to-end test.

import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO_ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

function send(res, status, text, headers = {}) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(text);
}

/** Maps a URL path to a file under `root`, or null when it would escape the root. */
function fileFor(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes("\0")) return null;
  const file = resolve(join(root, path));
  return file === root || file.startsWith(root + sep) ? file : null;
}

async function handle(root, req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    return send(res, 405, "method not allowed\n", { allow: "GET, HEAD" });
  }
  const url = new URL(req.url, "http://localhost");
  if (url.pathname === "/") return send(res, 302, "see /www/\n", { location: "/www/" });

  let file = fileFor(root, url.pathname);
  if (!file) return send(res, 403, "forbidden\n");
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    // A folder without its trailing slash: redirect so relative URLs in the page resolve.
    if (!url.pathname.endsWith("/")) {
      return send(res, 301, "moved\n", { location: url.pathname + "/" + url.search });
    }
    file = join(file, "index.html");
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return send(res, 404, `not found: ${url.pathname}\n`);

  res.writeHead(200, {
    "content-type": MIME[extname(file).toLowerCase()] ?? "application/octet-stream",
    "content-length": info.size,
    // A demo of a library being rebuilt: never serve a stale build.
    "cache-control": "no-store",
  });
  if (req.method === "HEAD") return res.end();
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
}

/**
 * Starts the server on 127.0.0.1.
 * @param {number} [port=8080] 0 picks a free port.
 * @param {{ root?: string }} [options] folder to serve (default: the repository root).
 * @returns {Promise<{ server: import("node:http").Server, port: number, url: string, close: () => Promise<void> }>}
 *   `url` is the demo page's address.
 */
export function startServer(port = 8080, { root = REPO_ROOT } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    handle(base, req, res).catch((err) => {
      if (!res.headersSent) send(res, 500, `internal error: ${err.message}\n`);
      else res.destroy();
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const actual = server.address().port;
      resolvePromise({
        server,
        port: actual,
        url: `http://127.0.0.1:${actual}/www/`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = process.env.PORT === undefined || process.env.PORT === "" ? 8080 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`gorqs demo: PORT must be an integer from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }
  const { url } = await startServer(port).catch((err) => {
    console.error(`gorqs demo: cannot listen on 127.0.0.1:${port}: ${err.message}`);
    process.exit(1);
  });
  console.log(`gorqs demo: ${url}`);
}
