#!/usr/bin/env node
// Runs a test page in headless browsers and reports its results.
//
//   node scripts/browser-test.mjs [--browser=chromium,firefox] [--page=/tests/js/browser.html]
//                                 [--root=DIR] [--timeout=120] [--verbose]
//
// Serves DIR (default: the repository root) over HTTP on 127.0.0.1 (a free port), opens the
// page in headless Chromium (playwright-core, /usr/bin/chromium) and/or headless Firefox
// (geckodriver's W3C WebDriver HTTP API, /usr/bin/firefox-esr), and waits for the page to set
//
//   window.__gorqsResults = { done: true, results: [{ name, ok, error, ms, notes }] }
//
// Prints every failing test with its error and every console error of the page (a console
// error counts as a failure), then `browser NAME: N passed, N failed` per browser and the
// totals as `N passed, N failed`. Exits 1 on any failure, timeout or launch error, 2 on bad usage.
//
// Environment: CHROMIUM_BIN, FIREFOX_BIN, GECKODRIVER override the binaries' paths.
// No browser is ever downloaded.

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/** Serves `root` read-only on 127.0.0.1 at a free port. Resolves to { url, port, close, missing }. */
export async function startServer(root, { log = () => {} } = {}) {
  const rootAbs = path.resolve(root);
  const missing = [];
  const server = http.createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const { pathname } = new URL(req.url, 'http://127.0.0.1');
      let rel;
      try {
        rel = decodeURIComponent(pathname);
      } catch {
        res.writeHead(400).end('bad path');
        return;
      }
      let file = path.join(rootAbs, path.normalize(rel));
      if (file !== rootAbs && !file.startsWith(rootAbs + path.sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      let st = await fsp.stat(file).catch(() => null);
      if (st && st.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { Location: pathname + '/' }).end();
          return;
        }
        file = path.join(file, 'index.html');
        st = await fsp.stat(file).catch(() => null);
      }
      if (!st || !st.isFile()) {
        if (pathname === '/favicon.ico') {
          res.writeHead(204).end();
          return;
        }
        missing.push(pathname);
        log(`http 404 ${pathname}`);
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
        return;
      }
      const type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': st.size,
        'Cache-Control': 'no-store',
      });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    missing,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Loads playwright-core from the normal resolution path, or else from tools/node_modules. */
export async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch {
    const req = createRequire(path.join(REPO_ROOT, 'tools', 'package.json'));
    try {
      return req('playwright-core');
    } catch {
      throw new Error(
        'playwright-core not found: run `bash scripts/setup.sh` (installs it into tools/node_modules)',
      );
    }
  }
}

/** Launches headless Chromium with a fresh temporary profile. Resolves to { context, close }. */
export async function launchChromium() {
  const { chromium } = await loadPlaywright();
  const executablePath = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`chromium not found at ${executablePath} (apt-get install chromium)`);
  }
  const userDataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'gorqs-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
  } catch (e) {
    await fsp.rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      await fsp.rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function findGeckodriver() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean);
  dirs.push(path.join(os.homedir(), '.cargo', 'bin'));
  for (const d of dirs) {
    const p = path.join(d, 'geckodriver');
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {}
  }
  return null;
}

/** Normalises what a page reported into { done, results: [{name, ok, error, ms}] } or null. */
function normalise(raw) {
  if (!raw || typeof raw !== 'object') return null;
  const results = Array.isArray(raw.results) ? raw.results : [];
  return {
    done: raw.done === true,
    results: results.map((r, i) => ({
      name: r && r.name != null ? String(r.name) : `#${i + 1}`,
      ok: !!(r && r.ok === true),
      error: r && r.error != null ? String(r.error) : '',
      ms: r && typeof r.ms === 'number' ? r.ms : undefined,
      notes: r && Array.isArray(r.notes) ? r.notes.map(String) : [],
    })),
  };
}

async function runChromium(pageUrl, timeoutMs) {
  const consoleErrors = [];
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        const loc = msg.location();
        const where = loc && loc.url ? ` (${loc.url}:${loc.lineNumber + 1})` : '';
        consoleErrors.push(`console.error: ${msg.text()}${where}`);
      }
    });
    page.on('pageerror', (err) => {
      consoleErrors.push(`uncaught: ${err.stack || err.message || err}`);
    });
    page.on('crash', () => consoleErrors.push('page crashed'));
    const deadline = Date.now() + timeoutMs;
    await page.goto(pageUrl, { waitUntil: 'load', timeout: timeoutMs });
    let report = null;
    while (Date.now() < deadline) {
      // A page stuck in a loop never answers: bound each read by the time left.
      const raw = await Promise.race([
        page.evaluate(() => window.__gorqsResults ?? null),
        sleep(Math.max(0, deadline - Date.now())).then(() => undefined),
      ]);
      if (raw === undefined) break;
      report = normalise(raw);
      if (report && report.done) break;
      await sleep(100);
    }
    return { report, consoleErrors, timedOut: !(report && report.done) };
  } finally {
    await browser.close();
  }
}

/**
 * A minimal WebSocket client (RFC 6455, text messages only) for WebDriver BiDi: Node 20 has no
 * global WebSocket without a flag. Calls onMessage(string) for each message.
 */
function connectWebSocket(wsUrl, onMessage) {
  return new Promise((resolve, reject) => {
    const u = new URL(wsUrl);
    const key = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256))).toString('base64');
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key },
    });
    req.on('error', reject);
    req.on('response', (res) => reject(new Error(`websocket upgrade refused: HTTP ${res.statusCode}`)));
    req.on('upgrade', (res, socket, head) => {
      let buf = head && head.length ? Buffer.from(head) : Buffer.alloc(0);
      let parts = [];
      const send = (opcode, payload) => {
        const mask = Buffer.from([1, 2, 3, 4].map(() => Math.floor(Math.random() * 256)));
        const len = payload.length;
        const hdr =
          len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len])
          : len < 65536 ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255])
          : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
        const body = Buffer.alloc(len);
        for (let i = 0; i < len; i++) body[i] = payload[i] ^ mask[i & 3];
        socket.write(Buffer.concat([hdr, mask, body]));
      };
      socket.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          if (buf.length < 2) return;
          const fin = buf[0] & 0x80;
          const opcode = buf[0] & 0x0f;
          const masked = buf[1] & 0x80;
          let len = buf[1] & 0x7f;
          let off = 2;
          if (len === 126) {
            if (buf.length < 4) return;
            len = buf.readUInt16BE(2);
            off = 4;
          } else if (len === 127) {
            if (buf.length < 10) return;
            len = Number(buf.readBigUInt64BE(2));
            off = 10;
          }
          const maskKey = masked ? buf.subarray(off, off + 4) : null;
          if (masked) off += 4;
          if (buf.length < off + len) return;
          let payload = Buffer.from(buf.subarray(off, off + len));
          buf = buf.subarray(off + len);
          if (maskKey) for (let i = 0; i < payload.length; i++) payload[i] ^= maskKey[i & 3];
          if (opcode === 0x9) send(0xa, payload); // ping -> pong
          else if (opcode === 0x8) socket.end();
          else if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
            parts.push(payload);
            if (fin) {
              const msg = Buffer.concat(parts).toString('utf8');
              parts = [];
              try {
                onMessage(msg);
              } catch {}
            }
          }
        }
      });
      socket.on('error', () => {});
      resolve({
        send: (text) => send(0x1, Buffer.from(text, 'utf8')),
        close: () => {
          try {
            send(0x8, Buffer.alloc(0));
          } catch {}
          socket.destroy();
        },
      });
    });
    req.end();
  });
}

/** A WebDriver BiDi connection: command(method, params) -> Promise<result>; events to onEvent. */
async function connectBidi(wsUrl, onEvent) {
  let nextId = 1;
  const waiting = new Map();
  const ws = await connectWebSocket(wsUrl, (text) => {
    const msg = JSON.parse(text);
    if (msg.type === 'event') onEvent(msg);
    else if (waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.type === 'error') reject(new Error(`bidi: ${msg.error}: ${msg.message}`));
      else resolve(msg.result);
    }
  });
  return {
    command(method, params = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => ws.close(),
  };
}

class WebDriver {
  constructor(base) {
    this.base = base;
    this.session = null;
  }
  async cmd(method, urlPath, body, timeoutMs = 60_000) {
    const res = await fetch(this.base + urlPath, {
      method,
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
      headers: body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`webdriver ${method} ${urlPath}: HTTP ${res.status}: ${text.slice(0, 500)}`);
    }
    if (!res.ok || (json.value && json.value.error)) {
      const v = json.value || {};
      throw new Error(`webdriver ${method} ${urlPath}: ${v.error || res.status}: ${v.message || text}`);
    }
    return json.value;
  }
  async newSession(capabilities) {
    const v = await this.cmd('POST', '/session', { capabilities });
    this.session = v.sessionId;
    return v;
  }
  s(p) {
    return `/session/${this.session}${p}`;
  }
}

async function runFirefox(pageUrl, timeoutMs, verbose) {
  const geckodriver = findGeckodriver();
  if (!geckodriver) throw new Error('geckodriver not found on PATH or in ~/.cargo/bin (cargo install geckodriver)');
  const binary = process.env.FIREFOX_BIN || '/usr/bin/firefox-esr';
  if (!fs.existsSync(binary)) throw new Error(`firefox not found at ${binary} (apt-get install firefox-esr)`);

  const profileRoot = await fsp.mkdtemp(path.join(os.tmpdir(), 'gorqs-firefox-'));
  const port = await freePort();
  const wsPort = await freePort();
  const child = spawn(
    geckodriver,
    ['--host', '127.0.0.1', '--port', String(port), '--websocket-port', String(wsPort), '--profile-root', profileRoot],
    // Its own process group, so that an emergency exit can end geckodriver and its Firefox together.
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MOZ_HEADLESS: '1' }, detached: true },
  );
  const killGroup = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  };
  process.on('exit', killGroup);
  const logLines = [];
  let exited = null;
  child.on('exit', (code, sig) => (exited = { code, sig }));
  const onData = (buf) => {
    for (const line of buf.toString().split('\n')) {
      if (!line.trim()) continue;
      logLines.push(line);
      if (logLines.length > 200) logLines.shift();
      if (verbose) process.stderr.write(`[geckodriver] ${line}\n`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  // The page's console errors and uncaught errors arrive as WebDriver BiDi `log.entryAdded`
  // events (content only; Firefox's own chrome messages are not reported there).
  const consoleErrors = [];
  const onEvent = (msg) => {
    if (msg.method !== 'log.entryAdded') return;
    const e = msg.params || {};
    if (e.level !== 'error') return;
    const frame = e.stackTrace && e.stackTrace.callFrames && e.stackTrace.callFrames[0];
    const where = frame ? ` (${frame.url}:${frame.lineNumber + 1})` : '';
    if (e.type === 'console') consoleErrors.push(`console.${e.method || 'error'}: ${e.text}${where}`);
    else consoleErrors.push(`uncaught: ${e.text}${where}`);
  };

  const wd = new WebDriver(`http://127.0.0.1:${port}`);
  let bidi = null;
  try {
    const start = Date.now();
    for (;;) {
      if (exited) throw new Error(`geckodriver exited (${JSON.stringify(exited)}): ${logLines.join('\n')}`);
      try {
        await wd.cmd('GET', '/status');
        break;
      } catch {
        if (Date.now() - start > 20_000) throw new Error('geckodriver did not start within 20 s');
        await sleep(100);
      }
    }
    const deadline = Date.now() + timeoutMs;
    const session = await wd.newSession({
      alwaysMatch: {
        browserName: 'firefox',
        pageLoadStrategy: 'normal',
        webSocketUrl: true,
        timeouts: { pageLoad: timeoutMs, script: 30_000 },
        'moz:firefoxOptions': {
          binary,
          args: ['-headless'],
          prefs: {
            'browser.shell.checkDefaultBrowser': false,
            'app.update.enabled': false,
            'datareporting.policy.dataSubmissionEnabled': false,
            'toolkit.telemetry.enabled': false,
            'network.captive-portal-service.enabled': false,
            'network.connectivity-service.enabled': false,
            'browser.safebrowsing.malware.enabled': false,
            'browser.safebrowsing.phishing.enabled': false,
            'extensions.update.enabled': false,
          },
        },
      },
    });
    const wsUrl = session.capabilities && session.capabilities.webSocketUrl;
    if (typeof wsUrl !== 'string') throw new Error('geckodriver returned no webSocketUrl (BiDi unsupported?)');
    bidi = await connectBidi(wsUrl, onEvent);
    await bidi.command('session.subscribe', { events: ['log.entryAdded'] });
    await wd.cmd('POST', wd.s('/url'), { url: pageUrl });
    let report = null;
    while (Date.now() < deadline) {
      let raw;
      try {
        // A page stuck in a loop never answers: bound each read by the time left.
        raw = await wd.cmd(
          'POST',
          wd.s('/execute/sync'),
          {
            script: 'return window.__gorqsResults ? JSON.parse(JSON.stringify(window.__gorqsResults)) : null;',
            args: [],
          },
          deadline - Date.now(),
        );
      } catch (e) {
        if (Date.now() >= deadline) break;
        throw e;
      }
      report = normalise(raw);
      if (report && report.done) break;
      await sleep(100);
    }
    // Log events may arrive a moment after the page finished.
    await sleep(200);
    return { report, consoleErrors, timedOut: !(report && report.done) };
  } finally {
    if (bidi) bidi.close();
    if (wd.session) await wd.cmd('DELETE', wd.s(''), undefined, 15_000).catch(() => {});
    if (!exited) {
      child.kill('SIGTERM');
      const t = Date.now();
      while (!exited && Date.now() - t < 5000) await sleep(50);
      if (!exited) killGroup();
    }
    process.removeListener('exit', killGroup);
    await fsp.rm(profileRoot, { recursive: true, force: true }).catch(() => {});
  }
}

const RUNNERS = { chromium: runChromium, firefox: runFirefox };

function parseArgs(argv) {
  const opts = {
    browsers: ['chromium', 'firefox'],
    page: '/tests/js/browser.html',
    root: REPO_ROOT,
    timeout: 120,
    verbose: false,
  };
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument: ${a}`);
    const [, k, v] = m;
    if (k === 'browser' || k === 'browsers') opts.browsers = (v || '').split(',').map((s) => s.trim()).filter(Boolean);
    else if (k === 'page') opts.page = v || '';
    else if (k === 'root') opts.root = path.resolve(v || '.');
    else if (k === 'timeout') opts.timeout = Number(v);
    else if (k === 'verbose') opts.verbose = true;
    else if (k === 'help') opts.help = true;
    else throw new Error(`unknown option: --${k}`);
  }
  for (const b of opts.browsers) if (!RUNNERS[b]) throw new Error(`unknown browser: ${b} (chromium, firefox)`);
  if (!opts.browsers.length) throw new Error('no browser given');
  if (!(opts.timeout > 0)) throw new Error('--timeout must be a number of seconds > 0');
  if (!opts.page.startsWith('/')) opts.page = '/' + opts.page;
  return opts;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`browser-test: ${e.message}`);
    console.error('usage: node scripts/browser-test.mjs [--browser=chromium,firefox] [--page=/tests/js/browser.html] [--root=DIR] [--timeout=SECONDS] [--verbose]');
    process.exit(2);
  }
  if (opts.help) {
    console.log('usage: node scripts/browser-test.mjs [--browser=chromium,firefox] [--page=/tests/js/browser.html] [--root=DIR] [--timeout=SECONDS] [--verbose]');
    return;
  }
  const pageFile = path.join(opts.root, decodeURIComponent(opts.page.split(/[?#]/)[0]));
  if (!fs.existsSync(pageFile)) {
    console.error(`browser-test: page not found: ${pageFile}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }

  const server = await startServer(opts.root, { log: (l) => opts.verbose && console.error(`[server] ${l}`) });
  const pageUrl = server.url + opts.page;
  console.log(`serving ${opts.root} at ${server.url}; page ${opts.page}`);
  let totalPass = 0;
  let totalFail = 0;
  try {
    for (const name of opts.browsers) {
      const t0 = Date.now();
      let passed = 0;
      let failed = 0;
      const missingBefore = server.missing.length;
      try {
        const timeoutMs = opts.timeout * 1000;
        // Hard stop in case a browser hangs somewhere the runner's own deadline cannot see.
        let timer;
        const hard = new Promise((_, rej) => {
          timer = setTimeout(() => rej(new Error(`timed out after ${opts.timeout + 30} s`)), timeoutMs + 30_000);
        });
        const out = await Promise.race([RUNNERS[name](pageUrl, timeoutMs, opts.verbose), hard]).finally(() =>
          clearTimeout(timer),
        );
        const results = out.report ? out.report.results : [];
        for (const r of results) {
          for (const line of r.notes || []) console.log(`note [${name}] ${r.name}: ${line}`);
          if (r.ok) {
            passed++;
            if (opts.verbose) console.log(`ok   [${name}] ${r.name}${r.ms != null ? ` (${r.ms.toFixed(1)} ms)` : ''}`);
          } else {
            failed++;
            const err = (r.error || '(no error message)').trimEnd().replace(/\n/g, '\n     ');
            console.log(`FAIL [${name}] ${r.name}: ${err}`);
          }
        }
        if (out.timedOut) {
          failed++;
          console.log(
            `FAIL [${name}] page did not set window.__gorqsResults.done within ${opts.timeout} s` +
              ` (${results.length} result(s) so far)`,
          );
        } else if (results.length === 0) {
          failed++;
          console.log(`FAIL [${name}] page reported done with no results`);
        }
        if (out.consoleErrors.length) {
          failed++;
          console.log(`FAIL [${name}] ${out.consoleErrors.length} console error(s):`);
          for (const e of out.consoleErrors) console.log(`     ${e.replace(/\n/g, '\n     ')}`);
        }
      } catch (e) {
        failed++;
        console.log(`FAIL [${name}] could not run the page: ${e && e.stack ? e.stack : e}`);
      }
      const missing = server.missing.slice(missingBefore);
      if (missing.length) console.log(`note [${name}] requests answered 404: ${[...new Set(missing)].join(', ')}`);
      console.log(`[${name}] finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      console.log(`browser ${name}: ${passed} passed, ${failed} failed`);
      totalPass += passed;
      totalFail += failed;
    }
  } finally {
    await server.close();
  }
  console.log(`${totalPass} passed, ${totalFail} failed`);
  // Exit explicitly: a browser that hung past the hard timeout must not keep this process alive.
  process.exit(totalFail > 0 ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(e && e.stack ? e.stack : e);
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
}
