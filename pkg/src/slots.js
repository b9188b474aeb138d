// The JS side of each job, by id: a waiting job's runner, a tracked finished job's value.
//
// Ids are consecutive, so the storage is dense: fixed-size chunks, appended at the end and
// dropped from the front once every id in them is gone. Compared with one growing array, a
// backlog costs no copy on growth (a big array is copied at every 1.5x step, and fresh memory is
// what costs most here) and no splice to cut the front.
//
// Invariant: `get`/`set` are valid for ids in [`dropBelow`'s last bound, `end`); outside that,
// `get` gives undefined and `set` does nothing (never a throw: ids come from the core, but a
// slip must not break the queue).

const BITS = 10;
const SIZE = 1 << BITS;
const MASK = SIZE - 1;
/** Chunks kept for reuse after they were dropped, so a steady flow allocates nothing. */
const SPARE = 2;

export class Slots {
  /** @type {unknown[][]} chunk `i` (from `#head`) holds ids `#base + (i - #head) * SIZE` … */
  #chunks = [];
  #head = 0;
  /** Id of the first slot of `#chunks[#head]`. */
  #base = 1;
  /** The id the next `append` gets. */
  #end = 1;
  /** @type {unknown[][]} */
  #spare = [];

  /** The id the next `append` gets. */
  get end() {
    return this.#end;
  }

  get(id) {
    const k = id - this.#base;
    const chunk = this.#chunks[this.#head + (k >> BITS)];
    return k >= 0 && chunk !== undefined ? chunk[k & MASK] : undefined;
  }

  set(id, value) {
    const k = id - this.#base;
    const chunk = this.#chunks[this.#head + (k >> BITS)];
    if (k >= 0 && chunk !== undefined) chunk[k & MASK] = value;
  }

  /** Reads slot `id` and empties it. */
  take(id) {
    const k = id - this.#base;
    const chunk = this.#chunks[this.#head + (k >> BITS)];
    if (k < 0 || chunk === undefined) return undefined;
    const value = chunk[k & MASK];
    chunk[k & MASK] = undefined;
    return value;
  }

  /** Stores `value` under the next id. */
  append(value) {
    const k = this.#end - this.#base;
    if ((k & MASK) === 0 && this.#head + (k >> BITS) === this.#chunks.length) {
      this.#chunks.push(this.#spare.length !== 0 ? this.#spare.pop() : new Array(SIZE).fill(undefined));
    }
    this.#chunks[this.#head + (k >> BITS)][k & MASK] = value;
    this.#end++;
  }

  /** Drops the chunks whose ids are all below `id` (the caller has emptied them). */
  dropBelow(id) {
    const chunks = this.#chunks;
    while (this.#base + SIZE <= id && this.#head < chunks.length) {
      const chunk = chunks[this.#head];
      chunks[this.#head] = undefined;
      this.#head++;
      this.#base += SIZE;
      if (this.#spare.length < SPARE) {
        chunk.fill(undefined);
        this.#spare.push(chunk);
      }
    }
    if (this.#head >= 64 && this.#head * 2 >= chunks.length) {
      chunks.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Empties everything (ids keep counting). */
  reset() {
    this.#chunks = [];
    this.#head = 0;
    this.#spare = [];
    this.#base = this.#end;
  }
}
