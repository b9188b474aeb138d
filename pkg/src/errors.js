// QueueError: the error the queue throws for its own conditions, with a `code` and Go's text.
// Codes and messages come from the Rust core (src/core/error.rs), the one place they are written.

import { errorCode, errorMessage } from "../dist/core/gorqs_core.js";

/** @type {string[]} */
const CODES = [];
/** @type {string[]} */
const MESSAGES = [];

/** Reads the code table from the core; called once, after the wasm module is instantiated. */
export function loadErrorTable() {
  for (let i = 0; ; i++) {
    const code = errorCode(i);
    if (code === "") break;
    CODES.push(code);
    MESSAGES.push(errorMessage(i));
  }
}

/** An error raised by the queue itself (not by a job): check `err.code`. */
export class QueueError extends Error {
  /**
   * @param {string} code one of the `ERR_*` codes
   * @param {string} [message] defaults to the Go message for `code`
   */
  constructor(code, message) {
    const i = CODES.indexOf(code);
    super(message ?? (i >= 0 ? MESSAGES[i] : code));
    /** @type {string} */
    this.code = code;
  }

  get name() {
    return "QueueError";
  }
}

/** The QueueError for a negative reply of the core: `-(1 + index)`. */
export function errorFromReply(reply) {
  const i = -reply - 1;
  return new QueueError(CODES[i] ?? "ERR_NOT_FOUND", MESSAGES[i]);
}

/** The QueueError for a code name, e.g. `queueError("ERR_QUEUE_CLOSED")`. */
export function queueError(code) {
  return new QueueError(code);
}
