//! The record store: one slot per job id, dense, in id order.
//!
//! Ids are handed out 1, 2, 3 …, so slots indexed by `id - base` (kept in fixed-size chunks, see
//! `Chunks`) find any job in O(1) with no hashing and about a dozen bytes per slot. Slots at the
//! front whose job is gone for good are trimmed, so the store spans from the oldest job still
//! waiting, running or recorded to the newest. (A job that never settles keeps the store from
//! trimming past it; each later finished and forgotten slot then costs one empty slot until it
//! settles.)

use std::collections::VecDeque;

/// A job's id: 1, 2, 3 … per queue, never reused. Exact as a JS number up to 2^53.
pub type JobId = u64;

/// Why a job failed, apart from its own thrown value.
#[derive(Clone, Debug, PartialEq)]
pub enum Fail<V> {
    /// The job threw or rejected with this value (or was aborted with this reason).
    Thrown(V),
    /// The queue was stopped before the job started.
    Closed,
    /// The job ran past its timeout.
    Timeout,
}

/// How a finished job ended: its value, or why it failed.
pub type Outcome<V> = Result<V, Fail<V>>;

/// Where a job is in its life; what `status(id)` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Waiting to start.
    Pending,
    /// Started, not yet settled.
    Running,
    /// Settled with a value (record kept until read).
    Succeeded,
    /// Settled with an error (record kept until read).
    Failed,
}

impl Status {
    /// The string JS sees.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Running => "running",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
        }
    }
}

/// One job's slot. `J` is the job itself (the executor's runner), `V` an outcome value.
#[derive(Debug)]
pub(crate) enum Slot<J, V> {
    /// Waiting. `heaped` says the priority heap, not the FIFO cursor, is the one to find it.
    Waiting { job: J, heaped: bool },
    /// Started and not yet settled.
    Running,
    /// Its last attempt failed and it waits out its retry delay: pending, not startable yet.
    /// The job itself is kept by the retry state until it is back in line.
    Delayed,
    /// Finished, record kept (tracking on).
    Done(Outcome<V>),
    /// Nothing left: finished untracked, read, cleared, dropped, or never pushed.
    Gone,
}

/// How many slots a chunk holds (12 KB of slots in the wasm build).
const CHUNK: usize = 1024;

/// The slots, front to back, in fixed-size chunks: growing never moves a slot, and a chunk
/// whose slots have all left the front is freed as a whole. (A `VecDeque` grown by doubling
/// copied every slot at each growth and, in wasm, whose memory never shrinks, left the old
/// buffer's space behind: 33 bytes of wasm memory per tracked record were measured for 12-byte
/// slots.)
#[derive(Debug)]
struct Chunks<J, V> {
    chunks: VecDeque<Vec<Slot<J, V>>>,
    /// Slots at the start of the first chunk that have left the front (left `Gone`).
    head: usize,
    len: usize,
}

impl<J, V> Chunks<J, V> {
    fn new() -> Self {
        Chunks { chunks: VecDeque::new(), head: 0, len: 0 }
    }

    /// Chunk and place of the slot `i` from the front (`i < len`).
    fn pos(&self, i: usize) -> (usize, usize) {
        let j = self.head + i;
        (j / CHUNK, j % CHUNK)
    }

    fn get(&self, i: usize) -> &Slot<J, V> {
        let (c, k) = self.pos(i);
        &self.chunks[c][k]
    }

    fn get_mut(&mut self, i: usize) -> &mut Slot<J, V> {
        let (c, k) = self.pos(i);
        &mut self.chunks[c][k]
    }

    fn push_back(&mut self, slot: Slot<J, V>) {
        match self.chunks.back_mut() {
            Some(last) if last.len() < CHUNK => last.push(slot),
            _ => {
                // The first chunk grows as a `Vec` does (up to exactly CHUNK: doubling from 4
                // reaches it), so a queue of a few jobs keeps a few slots, not 12 KB; the
                // chunks after it, for a backlog, are made whole.
                let mut chunk = if self.chunks.is_empty() { Vec::new() } else { Vec::with_capacity(CHUNK) };
                chunk.push(slot);
                self.chunks.push_back(chunk);
            }
        }
        self.len += 1;
    }

    /// Appends `n` slots made by `make`, a chunk's run at a time (a `push_back` per slot
    /// measured ~8 % of a serial sync job's time in Node 24: a bounds check and a branch per
    /// slot).
    fn extend(&mut self, mut n: usize, mut make: impl FnMut() -> Slot<J, V>) {
        while n > 0 {
            let room = match self.chunks.back() {
                Some(last) if last.len() < CHUNK => CHUNK - last.len(),
                _ => {
                    // As in `push_back`: the first chunk grows as a `Vec` does, later ones whole.
                    let chunk = if self.chunks.is_empty() { Vec::new() } else { Vec::with_capacity(CHUNK) };
                    self.chunks.push_back(chunk);
                    CHUNK
                }
            };
            let k = n.min(room);
            if let Some(last) = self.chunks.back_mut() {
                // Never past CHUNK: `extend` alone may double a first chunk beyond it.
                // (`min`/`max`, not `clamp`: its assertion brought formatting code in.)
                let want = last.len() + k;
                if want > last.capacity() {
                    let cap = (2 * last.capacity()).min(CHUNK).max(want);
                    last.reserve_exact(cap - last.len());
                }
                last.extend(std::iter::repeat_with(&mut make).take(k));
            }
            self.len += k;
            n -= k;
        }
    }

    /// Drops the `Gone` slots at the front, a chunk's run at a time (a slot at a time measured
    /// ~100 instructions per finished job natively); returns how many. Slots left behind in
    /// the first chunk are `Gone` already: nothing to drop.
    fn trim_gone(&mut self) -> usize {
        let mut total = 0;
        while let Some(first) = self.chunks.front() {
            let end = (self.head + self.len).min(first.len());
            let run = first[self.head..end].iter().take_while(|s| matches!(s, Slot::Gone)).count();
            self.head += run;
            self.len -= run;
            total += run;
            if self.len == 0 {
                self.chunks.clear();
                self.head = 0;
            } else if self.head == CHUNK {
                self.chunks.pop_front();
                self.head = 0;
                continue;
            }
            break;
        }
        total
    }
}

/// The dense store. Invariant: every id below `base` is gone, and so is every id at or above
/// `base + slots.len` that has not been pushed yet.
#[derive(Debug)]
pub(crate) struct JobTable<J, V> {
    base: JobId,
    slots: Chunks<J, V>,
}

impl<J, V> JobTable<J, V> {
    pub(crate) fn new() -> Self {
        JobTable { base: 1, slots: Chunks::new() }
    }

    /// The id the next `insert` must use (ids never skip).
    pub(crate) fn end(&self) -> JobId {
        self.base + self.slots.len as JobId
    }

    /// The lowest id that may still hold something.
    pub(crate) fn base(&self) -> JobId {
        self.base
    }

    /// Appends a waiting job; its id is `self.end()` before the call.
    pub(crate) fn insert(&mut self, job: J, heaped: bool) {
        self.slots.push_back(Slot::Waiting { job, heaped });
    }

    fn index(&self, id: JobId) -> Option<usize> {
        let off = id.checked_sub(self.base)?;
        usize::try_from(off).ok().filter(|&i| i < self.slots.len)
    }

    pub(crate) fn get(&self, id: JobId) -> Option<&Slot<J, V>> {
        self.index(id).map(|i| self.slots.get(i))
    }

    pub(crate) fn get_mut(&mut self, id: JobId) -> Option<&mut Slot<J, V>> {
        self.index(id).map(move |i| self.slots.get_mut(i))
    }

    /// Replaces the slot of `id` (which must be in range) and returns the old one; `Gone` for
    /// an id out of range.
    pub(crate) fn replace(&mut self, id: JobId, slot: Slot<J, V>) -> Slot<J, V> {
        match self.get_mut(id) {
            Some(s) => std::mem::replace(s, slot),
            None => Slot::Gone,
        }
    }

    /// Appends `n` waiting FIFO jobs made by `job`; their ids follow `self.end()`.
    pub(crate) fn insert_many(&mut self, n: usize, mut job: impl FnMut() -> J) {
        self.slots.extend(n, || Slot::Waiting { job: job(), heaped: false });
    }

    /// Drops gone slots from the front so the store spans only live jobs (emptied chunks are
    /// freed as they go).
    pub(crate) fn trim(&mut self) {
        self.base += self.slots.trim_gone() as JobId;
    }

    /// Calls `f` with every slot and its id, front to back.
    pub(crate) fn for_each_mut(&mut self, mut f: impl FnMut(JobId, &mut Slot<J, V>)) {
        for i in 0..self.slots.len {
            f(self.base + i as JobId, self.slots.get_mut(i));
        }
    }

    /// Starts the first job at or after `from` waiting in FIFO order (not heaped): its slot
    /// becomes `Running`, and its id and job come back. (One walk: `next_fifo_waiting` then
    /// `replace` looked the slot up twice.)
    pub(crate) fn start_fifo(&mut self, from: JobId) -> Option<(JobId, J)> {
        let first = self.index(from.max(self.base))?;
        for i in first..self.slots.len {
            let slot = self.slots.get_mut(i);
            if matches!(slot, Slot::Waiting { heaped: false, .. }) {
                return match std::mem::replace(slot, Slot::Running) {
                    Slot::Waiting { job, .. } => Some((self.base + i as JobId, job)),
                    _ => None, // matched just above
                };
            }
        }
        None
    }

    /// How many of the slots right after job `id`'s (at most `max`) wait in FIFO order, up to
    /// the first that does not.
    pub(crate) fn waiting_fifo_after(&self, id: JobId, max: usize) -> usize {
        let Some(i) = self.index(id) else { return 0 };
        let end = self.slots.len.min(i + 1 + max);
        (i + 1..end)
            .take_while(|&j| matches!(self.slots.get(j), Slot::Waiting { heaped: false, .. }))
            .count()
    }

    /// A run of jobs the host ran one after another, `first` to `last`, ended at `last`: the
    /// slots before it become what `done` makes, in id order, and `last`'s is running. Returns
    /// how many slots the run took (0 when `first..=last` is not in the store).
    pub(crate) fn finish_run(&mut self, first: JobId, last: JobId, mut done: impl FnMut() -> Slot<J, V>) -> usize {
        let (Some(i), Some(j)) = (self.index(first), self.index(last)) else {
            return 0;
        };
        if j < i {
            return 0;
        }
        for k in i..j {
            *self.slots.get_mut(k) = done();
        }
        *self.slots.get_mut(j) = Slot::Running;
        j - i + 1
    }

    /// Jobs `first..=last`, waiting in FIFO order, started one by one by the host: their slots
    /// become `Running`. Returns how many did (a slot out of range or not waiting is left).
    pub(crate) fn start_run(&mut self, first: JobId, last: JobId) -> usize {
        let (Some(i), Some(j)) = (self.index(first), self.index(last)) else {
            return 0;
        };
        let mut started = 0;
        for k in i..=j {
            let slot = self.slots.get_mut(k);
            if matches!(slot, Slot::Waiting { heaped: false, .. }) {
                *slot = Slot::Running;
                started += 1;
            }
        }
        started
    }

    /// The first id at or after `from` whose slot is waiting in FIFO order (not heaped).
    pub(crate) fn next_fifo_waiting(&self, from: JobId) -> JobId {
        let start = from.max(self.base);
        // `index` is in range for every id in [base, end); stop at `end` when none waits.
        let first = self.index(start).unwrap_or(self.slots.len);
        for i in first..self.slots.len {
            if let Slot::Waiting { heaped: false, .. } = self.slots.get(i) {
                return self.base + i as JobId;
            }
        }
        self.end()
    }
}

