// Where things are. The gorqs adapter measures the current build of the package:
// ../pkg/dist/gorqs.mjs relative to benches/ (override with --gorqs-module=PATH or GORQS_MODULE,
// e.g. to try the harness against lib/placeholder-gorqs.mjs).
import { fileURLToPath } from "node:url";
import path from "node:path";

export const BENCHES_DIR = fileURLToPath(new URL("..", import.meta.url));
export const REPO_DIR = path.resolve(BENCHES_DIR, "..");
export const DEFAULT_GORQS_MODULE = path.resolve(BENCHES_DIR, "../pkg/dist/gorqs.mjs");
export const PKG_DIST_DIR = path.resolve(BENCHES_DIR, "../pkg/dist");
export const RESULTS_DIR = path.join(BENCHES_DIR, "results");

export function gorqsModulePath() {
  return process.env.GORQS_MODULE ? path.resolve(process.env.GORQS_MODULE) : DEFAULT_GORQS_MODULE;
}
