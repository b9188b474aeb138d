//! Runs of synchronous jobs (see `crate::core` `fifo_run`): one call hands JS the next ids to
//! run in order, one call reports how many of them succeeded and claims what comes next.
//!
//! The claim reply, shared by `claim` and `completeRun`:
//! `r > 0`: a run starts at id `r` (its jobs still waiting; `runLength(r, max)` says how long);
//! `r < 0`: no run may be handed out, and job `-r` was started the ordinary way;
//! `r == 0`: nothing may start now.

use wasm_bindgen::prelude::*;

use super::{to_id, CoreHandle};

#[wasm_bindgen(js_class = Core)]
impl CoreHandle {
    /// The next thing to run: a run of up to `max` jobs, or one started job (see the module
    /// comment for the reply). `now` is used only when the started job has a timeout.
    pub fn claim(&mut self, max: u32, now: f64) -> f64 {
        let (first, len) = self.sched.fifo_run(max as usize);
        if len > 0 {
            self.run = (first, len);
            return first as f64;
        }
        self.sched.start_next(now).map_or(0.0, |s| -(s.id as f64))
    }

    /// How many jobs the run starting at `first` holds, at most `max` (0 when `first` is not
    /// the start of a run now).
    #[wasm_bindgen(js_name = runLength)]
    pub fn run_length(&mut self, first: f64, max: u32) -> u32 {
        let cached = self.run;
        self.run = (0, 0);
        let (start, len) = match to_id(first) {
            Some(id) if id == cached.0 && cached.1 <= max as usize => cached,
            _ => self.sched.fifo_run(max as usize),
        };
        match to_id(first) {
            Some(id) if id == start => u32::try_from(len).unwrap_or(0),
            _ => 0,
        }
    }

    /// JS ran the first `done` jobs of the run from `first`, each succeeded, and when
    /// `current` the next one is running (its outcome comes through `finish`). Then, when
    /// `claim_max > 0`, claims what runs next (reply as for `claim`); else returns 0.
    #[wasm_bindgen(js_name = completeRun)]
    pub fn complete_run(&mut self, first: f64, done: u32, current: bool, claim_max: u32, now: f64) -> f64 {
        if let Some(first) = to_id(first) {
            self.sched.complete_run(first, done as usize, current, |_| ());
        }
        if claim_max > 0 {
            self.claim(claim_max, now)
        } else {
            0.0
        }
    }
}
