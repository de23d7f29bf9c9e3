//! Running child processes: printing what runs, streaming output, scraping the test
//! runners' summary lines, and finding programs on a given PATH.

use std::env;
use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

/// Outcome of a failed step or check, shown verbatim in the summary.
pub type Fail = String;
pub type Res<T = ()> = Result<T, Fail>;

/// Counts scraped from the runners' own summary lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }

    pub fn is_empty(&self) -> bool {
        *self == Tally::default()
    }

    /// Reads one output line. Understands cargo test / wasm-bindgen-test-runner
    /// (`test result: ok. 3 passed; 0 failed; 1 ignored; ...`) and Playwright's
    /// closing lines (`  3 passed (2.1s)`, `  1 failed`, `  2 skipped`, `  1 flaky`).
    pub fn scan(&mut self, line: &str) {
        let line = strip_ansi(line);
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("test result:") {
            for part in rest.split([';', '.']) {
                let mut words = part.split_whitespace();
                if let (Some(n), Some(what)) = (words.next(), words.next()) {
                    if let Ok(n) = n.parse::<u64>() {
                        match what {
                            "passed" => self.passed += n,
                            "failed" => self.failed += n,
                            "ignored" => self.skipped += n,
                            _ => {}
                        }
                    }
                }
            }
            return;
        }
        let mut words = line.split_whitespace();
        if let (Some(n), Some(what)) = (words.next(), words.next()) {
            if let Ok(n) = n.parse::<u64>() {
                match what {
                    "passed" => self.passed += n,
                    "failed" | "flaky" | "interrupted" => self.failed += n,
                    "skipped" => self.skipped += n,
                    _ => {}
                }
            }
        }
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ ... final byte in @..~
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        let a = a.to_string_lossy();
        if a.is_empty() || a.contains(' ') {
            s.push_str(&format!(" '{a}'"));
        } else {
            s.push(' ');
            s.push_str(&a);
        }
    }
    s
}

pub fn announce(cmd: &Command) {
    let dir = cmd
        .get_current_dir()
        .map(|d| format!("  (in {})", d.display()))
        .unwrap_or_default();
    println!("$ {}{dir}", describe(cmd));
    let _ = io::stdout().flush();
}

fn spawn_error(cmd: &Command, e: io::Error) -> Fail {
    format!("could not start `{}`: {e}", describe(cmd))
}

/// Runs a command with inherited stdio; Err if it cannot start or exits non-zero.
pub fn run(cmd: &mut Command) -> Res {
    announce(cmd);
    let status = cmd.status().map_err(|e| spawn_error(cmd, e))?;
    check(cmd, status)
}

/// Like [`run`], but stdout goes through us line by line (still printed live) so the
/// runners' summary lines can be counted. stderr stays inherited.
pub fn run_counted(cmd: &mut Command, tally: &mut Tally) -> Res {
    announce(cmd);
    cmd.stdout(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| spawn_error(cmd, e))?;
    let stdout = child.stdout.take().expect("piped stdout");
    let mut out = io::stdout();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        tally.scan(&line);
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
    let status = child.wait().map_err(|e| spawn_error(cmd, e))?;
    check(cmd, status)
}

/// Runs a command quietly and returns its trimmed stdout when it exits 0.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn check(cmd: &Command, status: ExitStatus) -> Res {
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

/// The first executable called `name` on `path` (a PATH-style list).
pub fn which(name: &str, path: &OsString) -> Option<PathBuf> {
    env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

pub fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// A background child that is killed (and reaped) when dropped, whatever happens.
pub struct Background {
    pub name: String,
    pub child: Child,
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            println!("stopping {} (pid {})", self.name, self.child.id());
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_cargo_and_playwright_summaries() {
        let mut t = Tally::default();
        t.scan("test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s");
        t.scan("test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out");
        t.scan("  4 passed (3.2s)");
        t.scan("  1 failed");
        t.scan("  2 skipped");
        t.scan("\u{1b}[32m  1 passed\u{1b}[39m (1s)");
        t.scan("  ✓  1 [chromium] › tests/smoke.spec.ts:4:1 › loads (1.2s)");
        t.scan("running 3 tests");
        assert_eq!(
            t,
            Tally {
                passed: 9,
                failed: 3,
                skipped: 3
            }
        );
    }
}
