// Where things are. The gorqs adapter measures the current build of the package:
// ../pkg/dist/gorqs.mjs relative to benches/ (override with --gorqs-module=PATH or GORQS_MODULE,
// e.g. to try the harness against lib/placeholder-gorqs.mjs). The JS-executor reference build
// is ../shared/baselines/js-executor-a5435db/ beside the repository (GORQS_JSEXEC_MODULE or
// --jsexec-module=PATH override it).
import { fileURLToPath } from "node:url";
import path from "node:path";

export const BENCHES_DIR = fileURLToPath(new URL("..", import.meta.url));
export const REPO_DIR = path.resolve(BENCHES_DIR, "..");
export const DEFAULT_GORQS_MODULE = path.resolve(BENCHES_DIR, "../pkg/dist/gorqs.mjs");
export const PKG_DIST_DIR = path.resolve(BENCHES_DIR, "../pkg/dist");
export const RESULTS_DIR = path.join(BENCHES_DIR, "results");
export const JSEXEC_DIR = path.resolve(REPO_DIR, "../shared/baselines/js-executor-a5435db");
export const DEFAULT_JSEXEC_MODULE = path.join(JSEXEC_DIR, "dist/gorqs.mjs");
export const BROWSER_DIR = path.join(BENCHES_DIR, "browser");
export const BROWSER_BUILD_DIR = path.join(BENCHES_DIR, "browser/build");

export function gorqsModulePath() {
  return process.env.GORQS_MODULE ? path.resolve(process.env.GORQS_MODULE) : DEFAULT_GORQS_MODULE;
}

export function jsexecModulePath() {
  return process.env.GORQS_JSEXEC_MODULE ? path.resolve(process.env.GORQS_JSEXEC_MODULE) : DEFAULT_JSEXEC_MODULE;
}
