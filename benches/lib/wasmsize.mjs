// Size of the gorqs build: the .wasm file(s) under pkg/dist/, or the module inlined into the JS
// entry (base64 starting with "AGFzbQ", i.e. "\0asm"), raw and gzip -9. Also the JS entry files.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

function listFiles(dir, depth = 2) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (depth > 0) out.push(...listFiles(p, depth - 1));
    } else out.push(p);
  }
  return out;
}

/** `moduleFile`: the JS entry measured; its whole folder is scanned when it is the build's dist/. */
export function measureBuild(moduleFile, repoDir, scanFolder) {
  const files = scanFolder ? listFiles(path.dirname(moduleFile)) : [moduleFile];
  const rel = (p) => path.relative(repoDir, p);
  const wasmFiles = files
    .filter((p) => p.endsWith(".wasm"))
    .map((p) => {
      const buf = readFileSync(p);
      return { file: rel(p), raw: buf.length, gzip: gz(buf) };
    });
  const entries = files
    // The package entries: gorqs.mjs / gorqs.cjs beside the measured module (not sub-folders).
    .filter((p) => p === moduleFile || (/\.(mjs|cjs)$/.test(p) && path.dirname(p) === path.dirname(moduleFile)))
    .map((p) => {
      const buf = readFileSync(p);
      return { file: rel(p), raw: buf.length, gzip: gz(buf) };
    });
  const inlined = [];
  for (const e of entries) {
    const text = readFileSync(path.join(repoDir, e.file), "latin1");
    const re = /AGFzbQ[A-Za-z0-9+/]{40,}={0,2}/g;
    let m;
    while ((m = re.exec(text))) {
      const bytes = Buffer.from(m[0], "base64");
      if (bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d)
        inlined.push({ file: e.file, encoding: "base64", base64Chars: m[0].length, raw: bytes.length, gzip: gz(bytes) });
    }
  }
  return { wasmFiles, inlined, entries };
}

export function describeBuild(b) {
  if (!b) return ["gorqs build: not built"];
  const kb = (x) => `${(x / 1024).toFixed(1)} KiB`;
  const lines = [];
  for (const w of b.wasmFiles) lines.push(`gorqs wasm ${w.file}: ${kb(w.raw)} raw, ${kb(w.gzip)} gzip -9 (${w.raw} / ${w.gzip} bytes)`);
  for (const w of b.inlined)
    lines.push(`gorqs wasm inlined in ${w.file} (${w.encoding}, ${w.base64Chars} chars): ${kb(w.raw)} raw, ${kb(w.gzip)} gzip -9`);
  if (!b.wasmFiles.length && !b.inlined.length) lines.push("gorqs wasm: no .wasm file under pkg/dist/ and no inlined module found");
  for (const e of b.entries) lines.push(`gorqs JS ${e.file}: ${kb(e.raw)} raw, ${kb(e.gzip)} gzip -9`);
  return lines;
}
