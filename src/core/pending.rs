//! Which waiting job starts next: higher priority first, then first in line (FIFO among equals).
//!
//! Most jobs have priority 0 and are found by a cursor walking the job table in id order, so
//! the common path keeps no per-job entry at all. Jobs with another priority, or whose priority
//! changed, or that wait again for a retry, go into a binary heap keyed by (priority, place):
//! O(log n) per operation. Heap entries are checked against the job table and the current
//! priority when popped (lazy deletion), so removing a job from the queue is O(1).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap as HashMap;

use super::job_table::JobId;

/// A job's place in line among jobs of equal priority: lower first. A job pushed once is at
/// `(id, 0)`, which is its id order with the cursor's jobs; a job back in line after a failed
/// attempt is at `(last id pushed, n)` with `n` counting such returns from 1: behind every job
/// already pushed, ahead of every job pushed later, in the order the returns happened.
pub(crate) type Place = (JobId, u64);

/// A heap entry. Orders by priority, then by the earlier place first.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub(crate) priority: f64,
    pub(crate) place: Place,
    pub(crate) id: JobId,
}

impl Entry {
    /// Whether this entry starts before the cursor's FIFO job `id` (priority 0, place `(id, 0)`).
    pub(crate) fn before_fifo(&self, id: JobId) -> bool {
        self.priority > 0.0 || (self.priority == 0.0 && self.place.0 < id)
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Priorities are never NaN (the binding rejects it); total_cmp keeps this total anyway.
        self.priority
            .total_cmp(&other.priority)
            .then_with(|| other.place.cmp(&self.place))
            .then_with(|| other.id.cmp(&self.id))
    }
}

/// The heap side of the waiting order, plus each heaped job's current priority.
#[derive(Debug, Default)]
pub(crate) struct PriorityHeap {
    heap: BinaryHeap<Entry>,
    /// Current priority and place of every waiting heaped job. An entry that differs is stale.
    current: HashMap<JobId, (f64, Place)>,
    /// Returns to the line so far (the `n` of a returning job's [`Place`]).
    returns: u64,
}

impl PriorityHeap {
    /// Heaps `id` with `priority`, keeping its place in line when it is heaped already.
    pub(crate) fn push(&mut self, id: JobId, priority: f64) {
        let place = self.current.get(&id).map_or((id, 0), |&(_, place)| place);
        self.insert(id, priority, place);
    }

    /// Heaps `id`, back in line after a failed attempt: behind every job up to `last_id`.
    pub(crate) fn push_returning(&mut self, id: JobId, priority: f64, last_id: JobId) {
        self.returns += 1;
        self.insert(id, priority, (last_id, self.returns));
    }

    fn insert(&mut self, id: JobId, priority: f64, place: Place) {
        // Invariant: priorities equal by `==` are equal in the heap, so FIFO holds among them.
        // `total_cmp` ranks -0.0 below +0.0 although `-0.0 == 0.0` (JS `-0`, e.g. from
        // `set_priority(id, -0)`), which let a heaped +0 job overtake an older heaped -0 one;
        // every zero is stored as +0.0.
        let priority = if priority == 0.0 { 0.0 } else { priority };
        self.current.insert(id, (priority, place));
        self.heap.push(Entry { priority, place, id });
    }

    /// The best live entry, dropping stale ones on the way.
    pub(crate) fn peek(&mut self) -> Option<Entry> {
        while let Some(top) = self.heap.peek() {
            match self.current.get(&top.id) {
                Some(&(p, place))
                    if p.total_cmp(&top.priority) == Ordering::Equal && place == top.place =>
                {
                    return Some(*top)
                }
                _ => {
                    self.heap.pop();
                }
            }
        }
        None
    }

    /// Forgets `id` (it started or left the queue); its heap entries become stale.
    pub(crate) fn remove(&mut self, id: JobId) -> Option<f64> {
        let p = self.current.remove(&id).map(|(p, _)| p);
        if self.current.is_empty() {
            self.heap.clear();
        }
        p
    }

    /// No job waits heaped.
    pub(crate) fn is_empty(&self) -> bool {
        self.current.is_empty()
    }

    pub(crate) fn priority(&self, id: JobId) -> Option<f64> {
        self.current.get(&id).map(|&(p, _)| p)
    }

    pub(crate) fn clear(&mut self) {
        self.heap.clear();
        self.current.clear();
    }
}
