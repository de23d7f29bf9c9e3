//! What the availability lab traces, and how each record reads in the log.

use crate::i18n::{t, tf, Lang};
use crate::trace::Narrate;

/// A gateway error answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// 502: the backend refused the connection (it crashed).
    Refused,
    /// 503: no backend is routed (a failover under way).
    NoBackend,
    /// 504: the backend did not answer within the route's timeout.
    TimedOut,
}

impl Code {
    pub fn http(self) -> u16 {
        match self {
            Code::Refused => 502,
            Code::NoBackend => 503,
            Code::TimedOut => 504,
        }
    }
}

/// Who a request went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    Primary,
    Backup,
    Queries,
    None,
}

impl Backend {
    pub fn key(self) -> &'static str {
        match self {
            Backend::Primary => "primary",
            Backend::Backup => "backup",
            Backend::Queries => "queries",
            Backend::None => "none",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AvailabilityRecord {
    Crashed,
    Restarted,
    /// The gateway answered an error.
    Error {
        request: u64,
        command: bool,
        code: Code,
        backend: Backend,
    },
    /// The monitor missed an echo.
    Suspect,
    DeclaredDown,
    BackupServing,
    PrimaryBack,
    FailedBack,
    /// A hung primary's late write, refused (fenced) or kept (diverged).
    Fenced,
    Diverged,
    /// The primary hung: it still takes connections but answers late. (Last,
    /// so the other records hash as before it existed.)
    Hung,
}

impl Narrate for AvailabilityRecord {
    fn narrate(&self, lang: Lang) -> String {
        use AvailabilityRecord::*;
        match *self {
            Crashed => t(lang, "log.availability.crashed").to_string(),
            Hung => t(lang, "log.availability.hung").to_string(),
            Restarted => t(lang, "log.availability.restarted").to_string(),
            Error {
                request,
                command,
                code,
                backend,
            } => tf(
                lang,
                match code {
                    Code::Refused => "log.availability.error_502",
                    Code::NoBackend => "log.availability.error_503",
                    Code::TimedOut => "log.availability.error_504",
                },
                &[
                    ("request", &(request + 1)),
                    (
                        "route",
                        &if command {
                            "/api-commands/users"
                        } else {
                            "/api-queries/users"
                        },
                    ),
                    ("backend", &t(lang, &format!("availability.backend.{}", backend.key()))),
                ],
            ),
            Suspect => t(lang, "log.availability.suspect").to_string(),
            DeclaredDown => t(lang, "log.availability.declared_down").to_string(),
            BackupServing => t(lang, "log.availability.backup_serving").to_string(),
            PrimaryBack => t(lang, "log.availability.primary_back").to_string(),
            FailedBack => t(lang, "log.availability.failed_back").to_string(),
            Fenced => t(lang, "log.availability.fenced").to_string(),
            Diverged => t(lang, "log.availability.diverged").to_string(),
        }
    }
}
