//! Arguments checked at the edge, with messages that name the option and the value got
//! (as p-queue's: ``Expected `concurrency` to be …, got `0` (number)``).
//!
//! Options objects are read in one crossing (each known field once, getters and inherited
//! properties included, unknown keys ignored), then each value is checked here, so the
//! messages say what was wrong in JS terms. (serde-wasm-bindgen's deserializer was used here
//! first: with its error formatting it made 30 % of the module, see README "Size".)

use wasm_bindgen::prelude::*;

use super::js_host::shim;
use crate::core::{Backoff, Config, RateLimit};
use crate::executor::{BackoffOption, JobOptions, Limits};

/// A JS error for a bad argument: `TypeError` (wrong type) or `RangeError` (right type, bad
/// value).
pub(super) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

// "Expected `name` to be <what>, got `value` (type)": composed by the shim, which shows JS
// values as JS does (and keeps string formatting out of the module).
#[cold]
fn bad_type(name: &str, what: &str, value: &JsValue) -> JsValue {
    shim::arg_error(false, name, what, value)
}

#[cold]
fn bad_range(name: &str, what: &str, value: &JsValue) -> JsValue {
    shim::arg_error(true, name, what, value)
}

/// Reads the fields `keys` of an object, in order. The shim reads them inside a `try` (own
/// or inherited, each getter once): a getter that throws comes back as what it threw.
fn read<const N: usize>(object: &JsValue, keys: &'static str) -> Result<[JsValue; N], JsValue> {
    let values = js_sys::Array::new();
    shim::fields(object, keys, &values)?;
    Ok(std::array::from_fn(|i| values.get(i as u32)))
}

// Comma-separated: one string crosses, the shim splits it.
const QUEUE_KEYS: &str = "mode,track,concurrency,timeout,autoStart,maxRecords,recordTTL,interval,intervalCap";
const PUSH_KEYS: &str = "priority,timeout,signal,retries,backoff";
const BACKOFF_KEYS: &str = "type,delay,jitter";
const SIGNAL_KEYS: &str = "aborted,addEventListener,removeEventListener";

/// Everything a queue is built from.
pub(super) struct QueueSettings {
    pub(super) config: Config,
    pub(super) limits: Limits,
    pub(super) auto_start: bool,
}

/// `new Queue(flagsOrOptions)`: flags, an options object, or nothing.
pub(super) fn read_queue_settings(arg: &JsValue) -> Result<QueueSettings, JsValue> {
    let plain = |config| QueueSettings { config, limits: Limits::default(), auto_start: false };
    if arg.is_undefined() {
        return Ok(plain(Config::default()));
    }
    if let Some(flags) = arg.as_f64() {
        return Config::from_flags(flags).map(plain).map_err(super::js_host::queue_error);
    }
    if arg.is_null() || !arg.is_object() {
        return Err(shim::got_error(
            "Expected gorqs mode flags (a number) or an options object, got ",
            arg,
            true,
        ));
    }
    let [mode, track, concurrency, timeout, auto_start, max_records, record_ttl, interval, cap] =
        read(arg, QUEUE_KEYS)?;
    let asynchronous = match mode.as_string().as_deref() {
        None if mode.is_undefined() => false,
        Some("sync") => false,
        Some("async") => true,
        _ => return Err(bad_type("mode", "\"sync\" or \"async\"", &mode)),
    };
    let track = read_bool("track", &track)?;
    let auto_start = read_bool("autoStart", &auto_start)?;
    let concurrency = if concurrency.is_undefined() {
        (!asynchronous).then_some(1)
    } else {
        read_count("concurrency", &concurrency)?
    };
    let timeout = optional(&timeout, |v| read_duration("timeout", v))?.flatten();
    let max_records = optional(&max_records, |v| read_count("maxRecords", v))?.flatten();
    let record_ttl = optional(&record_ttl, |v| read_duration("recordTTL", v))?.flatten();
    let interval = optional(&interval, |v| read_finite_ms("interval", v))?.unwrap_or(0.0);
    let cap = optional(&cap, |v| read_count("intervalCap", v))?.flatten();
    let rate = cap.and_then(|cap| RateLimit::new(interval, cap));
    Ok(QueueSettings {
        config: Config { concurrency, track, timeout, max_records: max_records.map(|n| n as usize) },
        limits: Limits { record_ttl, rate, jitter_seed: None },
        auto_start,
    })
}

/// `f(value)` unless it is undefined.
fn optional<T>(
    value: &JsValue,
    f: impl FnOnce(&JsValue) -> Result<T, JsValue>,
) -> Result<Option<T>, JsValue> {
    if value.is_undefined() {
        Ok(None)
    } else {
        f(value).map(Some)
    }
}

fn read_bool(name: &str, value: &JsValue) -> Result<bool, JsValue> {
    if value.is_undefined() {
        return Ok(false);
    }
    value.as_bool().ok_or_else(|| bad_type(name, "a boolean", value))
}

/// A count: an integer from 1 up (at most 2^32 - 1), or `Infinity` (`None`).
fn read_count(name: &str, value: &JsValue) -> Result<Option<u32>, JsValue> {
    const WHAT: &str = "an integer from 1 and up or `Infinity`";
    let Some(n) = value.as_f64() else { return Err(bad_type(name, WHAT, value)) };
    if n == f64::INFINITY {
        return Ok(None);
    }
    if n.fract() != 0.0 || !(1.0..=f64::from(u32::MAX)).contains(&n) {
        return Err(bad_range(name, WHAT, value));
    }
    // An integer in 1..=u32::MAX: the cast is exact.
    Ok(Some(n as u32))
}

/// The concurrency set at run time.
pub(super) fn read_concurrency(value: &JsValue) -> Result<Option<u32>, JsValue> {
    read_count("concurrency", value)
}

/// A duration in ms: a number > 0; `Infinity` means none.
fn read_duration(name: &str, value: &JsValue) -> Result<Option<f64>, JsValue> {
    const WHAT: &str = "a number of milliseconds greater than 0";
    let Some(n) = value.as_f64() else { return Err(bad_type(name, WHAT, value)) };
    if n.is_nan() || n <= 0.0 {
        return Err(bad_range(name, WHAT, value));
    }
    Ok(n.is_finite().then_some(n))
}

/// A finite number of ms ≥ 0 (`interval`, where 0 is no window as in p-queue; backoff delays).
fn read_finite_ms(name: &str, value: &JsValue) -> Result<f64, JsValue> {
    const WHAT: &str = "a finite number of milliseconds ≥ 0";
    let Some(n) = value.as_f64() else { return Err(bad_type(name, WHAT, value)) };
    if !(n >= 0.0 && n.is_finite()) {
        return Err(bad_range(name, WHAT, value));
    }
    Ok(n)
}

/// A priority: any number but NaN.
pub(super) fn read_priority(value: &JsValue) -> Result<f64, JsValue> {
    if value.is_undefined() {
        return Ok(0.0);
    }
    let Some(n) = value.as_f64() else { return Err(bad_type("priority", "a number", value)) };
    if n.is_nan() {
        return Err(bad_range("priority", "a number", value));
    }
    Ok(n)
}

/// A signal argument (`start(signal)`, the `signal` push option).
pub(super) fn read_signal(name: &str, value: &JsValue) -> Result<Option<JsValue>, JsValue> {
    if value.is_undefined() {
        return Ok(None);
    }
    // Duck-typed (cross-realm safe): an object whose `aborted` is a boolean and whose
    // `addEventListener` and `removeEventListener` are functions (getters: user code).
    let is_signal = value.is_object() && {
        let [aborted, add, remove] = read(value, SIGNAL_KEYS)?;
        aborted.as_bool().is_some() && add.is_function() && remove.is_function()
    };
    if !is_signal {
        return Err(bad_type(name, "an AbortSignal", value));
    }
    Ok(Some(value.clone()))
}

/// The per-job options of `push` / `pushAll`.
pub(super) fn read_push_options(options: &JsValue) -> Result<JobOptions<JsValue>, JsValue> {
    if options.is_null() || !options.is_object() {
        return Err(bad_type("options", "an object", options));
    }
    let [priority, timeout, signal, retries, backoff] = read(options, PUSH_KEYS)?;
    let priority = read_priority(&priority)?;
    // A job's own `Infinity` overrides the queue's timeout with none: kept as `Some(inf)`.
    let timeout = optional(&timeout, |v| read_duration("timeout", v).map(|_| v.as_f64()))?.flatten();
    let signal = read_signal("signal", &signal)?;
    let retries = optional(&retries, read_retries)?.unwrap_or(0);
    let backoff = optional(&backoff, read_backoff)?.unwrap_or_default();
    Ok(JobOptions { priority, timeout, signal, retries, backoff })
}

fn read_retries(value: &JsValue) -> Result<u32, JsValue> {
    const WHAT: &str = "an integer from 0 and up";
    let Some(n) = value.as_f64() else { return Err(bad_type("retries", WHAT, value)) };
    if n.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&n) {
        return Err(bad_range("retries", WHAT, value));
    }
    // An integer in 0..=u32::MAX: the cast is exact.
    Ok(n as u32)
}

const BACKOFF: &str = "a function of the attempt or { type: \"fixed\" | \"exponential\", delay, jitter? }";

fn read_backoff(value: &JsValue) -> Result<BackoffOption<JsValue>, JsValue> {
    if value.is_function() {
        return Ok(BackoffOption::Function(value.clone()));
    }
    if value.is_null() || !value.is_object() {
        return Err(bad_type("backoff", BACKOFF, value));
    }
    let [kind, delay, jitter] = read(value, BACKOFF_KEYS)?;
    let exponential = match kind.as_string().as_deref() {
        Some("fixed") => false,
        Some("exponential") => true,
        _ => return Err(bad_type("backoff.type", "\"fixed\" or \"exponential\"", &kind)),
    };
    let delay = read_finite_ms("backoff.delay", &delay)?;
    let jitter = if jitter.is_undefined() {
        0.0
    } else {
        const WHAT: &str = "a number from 0 to 1";
        let Some(j) = jitter.as_f64() else { return Err(bad_type("backoff.jitter", WHAT, &jitter)) };
        if !(0.0..=1.0).contains(&j) {
            return Err(bad_range("backoff.jitter", WHAT, &jitter));
        }
        j
    };
    Ok(BackoffOption::Core(if exponential {
        Backoff::Exponential { delay, jitter }
    } else {
        Backoff::Fixed { delay, jitter }
    }))
}
