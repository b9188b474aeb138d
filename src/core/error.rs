//! The gorqs error codes, with the Go library's messages.

/// Why an operation on the queue did not succeed. Each variant is one of Go gorqs' sentinel
/// errors; [`ErrorCode::code`] is the JS `QueueError.code` and [`ErrorCode::message`] the Go text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The job is waiting in the queue (Go `ErrPending`).
    Pending,
    /// The job is running (Go `ErrRunning`).
    Running,
    /// No such job, or its record was already read or cleared (Go `ErrNotFound`).
    NotFound,
    /// The queue is stopped (Go `ErrQueueClosed`).
    QueueClosed,
    /// The job ran past its timeout (Go `ErrTimeout`).
    Timeout,
    /// The mode flags hold a bit gorqs does not know (Go `ErrUnknownMode`).
    UnknownMode,
    /// The mode flags are not a non-negative integer (Go `ErrInvalidMode`).
    InvalidMode,
    /// Job tracking is off (Go `ErrNotImplemented`).
    NotImplemented,
}

impl ErrorCode {
    /// Every code, for tests and for the binding's tables.
    pub const ALL: [ErrorCode; 8] = [
        ErrorCode::Pending,
        ErrorCode::Running,
        ErrorCode::NotFound,
        ErrorCode::QueueClosed,
        ErrorCode::Timeout,
        ErrorCode::UnknownMode,
        ErrorCode::InvalidMode,
        ErrorCode::NotImplemented,
    ];

    /// The stable string a JS caller matches on (`err.code`).
    pub const fn code(self) -> &'static str {
        match self {
            ErrorCode::Pending => "ERR_PENDING",
            ErrorCode::Running => "ERR_RUNNING",
            ErrorCode::NotFound => "ERR_NOT_FOUND",
            ErrorCode::QueueClosed => "ERR_QUEUE_CLOSED",
            ErrorCode::Timeout => "ERR_TIMEOUT",
            ErrorCode::UnknownMode => "ERR_UNKNOWN_MODE",
            ErrorCode::InvalidMode => "ERR_INVALID_MODE",
            ErrorCode::NotImplemented => "ERR_NOT_IMPLEMENTED",
        }
    }

    /// The message of the matching Go sentinel error, word for word.
    pub const fn message(self) -> &'static str {
        match self {
            ErrorCode::Pending => "gorqs: pending into queue",
            ErrorCode::Running => "gorqs: job still running",
            ErrorCode::NotFound => "gorqs: job not found",
            ErrorCode::QueueClosed => "gorqs: queue is closed",
            ErrorCode::Timeout => "gorqs: operation took too long",
            ErrorCode::UnknownMode => "gorqs: unknown queue mode flag",
            ErrorCode::InvalidMode => "gorqs: invalid queue mode flag",
            ErrorCode::NotImplemented => {
                "gorqs: feature not enabled. add TrackJobs flag when creating the queue"
            }
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for ErrorCode {}
