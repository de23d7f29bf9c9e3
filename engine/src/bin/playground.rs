//! `playground`: the engine from a terminal. It runs a lab to the end and
//! prints its report, turns a config file into a share link and back, and
//! lists the presets — the same engine, configs and links as the browser app,
//! so a link pasted from the app gives the same trace hash here.
//!
//! This file is glue only: it reads the command line, hands the source to
//! [`engine::run_spec`] (where files, links and `--set` overrides become a
//! checked run), calls the engine and prints. Anything worth testing on its
//! own lives in the library.

use engine::codec::{self, LabState, Page};
use engine::labs::presets;
use engine::labs::trace_lines::write_trace;
use engine::run_spec::{state_to_json_pretty, Override, RunSpec};
use engine::sweep::{Sweep, Vary};
use engine::validate::WorkLimits;
use engine::Lang;
use std::io::{Read, Write};
use std::process::ExitCode;

const HELP: &str = "\
playground — run Cloud Patterns Playground labs from a terminal

USAGE:
    playground run <SOURCE> [OPTIONS]      run to the end; print the report as JSON
    playground url <SOURCE> [OPTIONS]      print the share link of SOURCE
    playground decode <SOURCE> [OPTIONS]   print SOURCE as a config file (JSON)
    playground sweep <SOURCE> --vary PATH=A,B,… [--vary …] [--seeds N] [OPTIONS]
                                           run a grid of configs on all cores; print CSV
    playground presets [--base URL] [--lang LANG]
                                           list the presets: id, title, link (tab-separated)

SOURCE is one of:
    a config file    path to a JSON file (see CONFIG FILES)
    a share link     anything with a `#`, e.g. 'http://127.0.0.1:8080/#/en/retry/2.…'
    -                a config file read from standard input

OPTIONS:
    --set PATH=VALUE   change one field of the config (repeatable). PATH is dotted,
                       with [i] or .i for list items; missing objects are created, so
                       `--set strategy.budget.max_tokens=20` turns a budget on. VALUE is
                       JSON (0.3, true, null, [..], {..}) or else a plain string, e.g.
                         --set service.transient_failure_rate=0.3
                         --set strategy.jitter=full --set strategy.max_attempts=5
    --seed N           use seed N (a whole number) instead of the source's
    --vary PATH=A,B,…  (sweep) run with PATH at each value (repeatable: the grid is the
                       product, the first --vary outermost). Values as in --set; commas
                       inside [..], {..} or \"..\" belong to the value
    --seeds N          (sweep) run every point with seeds 0…N−1 (default: the source's
                       seed, or --seed)
    --trace FILE       (run) also write the run's trace to FILE as JSON lines, one per
                       attempt (or the lab's own events) in the order they end (see
                       TRACE FILES)
    --base URL         page the links point at [default: a share link's own site
                       (for `url` of a link), else http://127.0.0.1:8080/]
    --lang LANG        en, es or pt: the links' language and the error messages'
                       [default: en]
    -h, --help         show this help

CONFIG FILES:
    Either an envelope:    {\"lab\": \"retry\", \"seed\": 7, \"config\": {...}}
    (lab defaults to \"retry\", seed to {default_seed}, config to the lab's defaults)
    or a bare retry config: {\"workload\": {...}, \"service\": {...}, \"strategy\": {...}}
    (seed {default_seed}). Fields left out take their defaults. `playground decode` prints the
    envelope form, so its output can be edited and fed back to run or url.

REPORT (run):
    {\"lab\", \"seed\", \"metrics\", \"trace_hash\", \"events\"} for side A, plus \"b\" with
    {\"metrics\", \"trace_hash\", \"events\"} when the config compares two strategies.
    The same source and seed give the same trace_hash here and in the browser.

SWEEPS (sweep):
    One CSV row per run, in grid order (varied values, then seeds), after a header:
    the varied paths, seed, then every metric of side A by its dotted name
    (success_rate, gave_up.attempts, …) and, when the config compares two
    strategies, side B's with a b. prefix (b.success_rate, …). Runs go in parallel
    on all cores; the table is the same whatever their number. Every point is
    checked first: a bad one is named and nothing runs. At most 100000 runs.
      playground sweep config.json --vary strategy.max_attempts=1,2,3,4 --seeds 20

TRACE FILES (run --trace):
    One JSON object per line, per attempt, the same layout as the browser's
    \"Trace (JSON lines)\" export (which stops at a cap and gives this command):
      {\"side\":\"a\",\"request\":0,\"attempt\":1,\"node\":\"node_1\",\"start_ms\":0.0,
       \"end_ms\":100.0,\"result\":\"transient\",\"wait_before_ms\":0.0}
    side is a or b. Retry lab: a line per attempt; result is ok or why it failed
    (transient, timeout, unavailable, overloaded, permanent, conflict);
    wait_before_ms is the backoff before it. The file has as many lines as the
    calls metric (A + B). The other labs use the same fields for their own events
    (start_ms = end_ms for an instant one):
      replica       a line per attempt of a chunk: request the chunk, node the
                    storage node, result ok or why it failed
      choreography  a line per step a service handled (request the order, node
                    service.step, result ok, failed, failed_permanent), per
                    message the bus lost (node bus, result lost), per step given
                    up on (dead_letter), per command the orchestrator stopped
                    waiting for (timed_out)
      cqrs          a line per command committed or rejected (node write_side,
                    attempt the order's version), per version applied to the
                    query database (node read_side, result applied), per read
                    answered (attempt the user; result fresh, stale, not_found,
                    absent, error)
      availability  a line per failed request: node the backend, result the
                    HTTP code (502, 503, 504); crashes and failovers are in the
                    report's metrics

LIMITS:
    A run may have at most 2,500,000 calls in the service at once (abandoned
    ones included) and hold at most 1,000,000 attempt records, counted in the
    worst case (every attempt failing, both sides): that bounds its memory. A
    link (the browser) may send at most 10,000,000 calls; run, decode, sweep and
    --trace here allow 100,000,000, as their memory stays as flat — so a link the
    browser refuses as too long can still run here. `url` keeps to a link's
    limits. A config beyond them is refused with the fields to lower.
    Each lab counts its own work: the CQRS lab commands and reads, the replica
    lab chunks and heartbeats, the availability lab requests and pings (a link
    4,000,000; here up to 600,000,000: a simulated month at 100 requests/s).

EXIT STATUS:
    0 on success (also when standard output is a pipe closed early, as by `head`);
    1 when the output cannot be written (e.g. a full disk); 2 when the command
    line, the file, the link or the config is wrong (the reasons go to standard
    error; nothing runs with defaults instead).
";

const DEFAULT_BASE: &str = "http://127.0.0.1:8080/";

/// What the user asked for.
#[derive(Debug, PartialEq)]
enum Command {
    Run(String),
    Url(String),
    Decode(String),
    Sweep(String),
    Presets,
    Help,
}

/// The command line, parsed but not yet acted on.
#[derive(Debug)]
struct Args {
    command: Command,
    overrides: Vec<Override>,
    seed: Option<u64>,
    /// `sweep --vary`: the fields varied and their values.
    vary: Vec<Vary>,
    /// `sweep --seeds N`.
    seeds: Option<u64>,
    /// `run --trace FILE`: where to write the attempts as JSON lines.
    trace: Option<String>,
    /// `--base`, if given.
    base: Option<String>,
    lang: Lang,
}

/// A problem to report on standard error, already in words.
struct Failure(String);

fn parse_args(raw: impl IntoIterator<Item = String>) -> Result<Args, Failure> {
    let usage = |msg: String| Failure(format!("{msg}\n\nRun `playground --help` for usage."));
    let mut positional = Vec::new();
    let mut overrides = Vec::new();
    let mut seed = None;
    let mut vary = Vec::new();
    let mut seeds = None;
    let mut trace = None;
    let mut base = None;
    let mut lang = Lang::En;
    let mut help = false;
    let mut raw = raw.into_iter();
    while let Some(arg) = raw.next() {
        // `--name value` and `--name=value` both work.
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| raw.next())
                .ok_or_else(|| usage(format!("{name} needs a value")))
        };
        match name.as_str() {
            "-h" | "--help" => help = true,
            "--set" => {
                let v = value("--set")?;
                overrides.push(Override::parse(&v).map_err(|e| Failure(e.describe(lang)))?);
            }
            "--seed" => {
                let v = value("--seed")?;
                seed = Some(
                    v.parse()
                        .map_err(|_| usage(format!("--seed needs a whole number ≥ 0, got `{v}`")))?,
                );
            }
            "--vary" => {
                let v = value("--vary")?;
                vary.push(Vary::parse(&v).map_err(|e| Failure(e.describe(lang)))?);
            }
            "--seeds" => {
                let v = value("--seeds")?;
                seeds = Some(
                    v.parse()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| usage(format!("--seeds needs a whole number ≥ 1, got `{v}`")))?,
                );
            }
            "--trace" => trace = Some(value("--trace")?),
            "--base" => base = Some(value("--base")?),
            "--lang" => {
                let v = value("--lang")?;
                lang = Lang::from_tag(&v).ok_or_else(|| usage(format!("--lang must be en, es or pt, got `{v}`")))?;
            }
            "-" => positional.push(arg),
            s if s.starts_with('-') => return Err(usage(format!("unknown option `{arg}`"))),
            _ => positional.push(arg),
        }
    }
    let mut positional = positional.into_iter();
    let command = match (positional.next().as_deref(), positional.next()) {
        _ if help => Command::Help,
        (None, _) => Command::Help,
        (Some("run"), Some(src)) => Command::Run(src),
        (Some("url"), Some(src)) => Command::Url(src),
        (Some("decode"), Some(src)) => Command::Decode(src),
        (Some("sweep"), Some(src)) => Command::Sweep(src),
        (Some("presets"), None) => Command::Presets,
        (Some(c @ ("run" | "url" | "decode" | "sweep")), None) => {
            return Err(usage(format!("`{c}` needs a config file or a link")))
        }
        (Some(c), _) => return Err(usage(format!("unknown command or extra argument near `{c}`"))),
    };
    if let Some(extra) = positional.next() {
        return Err(usage(format!("unexpected argument `{extra}`")));
    }
    if command == Command::Presets && (seed.is_some() || !overrides.is_empty()) {
        return Err(usage("`presets` takes no --set or --seed".into()));
    }
    let sweeping = matches!(command, Command::Sweep(_) | Command::Help);
    if (!vary.is_empty() || seeds.is_some()) && !sweeping {
        return Err(usage("only `sweep` takes --vary and --seeds".into()));
    }
    if matches!(command, Command::Sweep(_)) && vary.is_empty() && seeds.is_none() {
        return Err(usage("`sweep` needs --vary PATH=A,B,… or --seeds N".into()));
    }
    if trace.is_some() && !matches!(command, Command::Run(_) | Command::Help) {
        return Err(usage("only `run` takes --trace".into()));
    }
    Ok(Args {
        command,
        overrides,
        seed,
        vary,
        seeds,
        trace,
        base,
        lang,
    })
}

/// Reads a source (file, `-`, or link) into a spec, without checking it.
fn load(source: &str, lang: Lang) -> Result<RunSpec, Failure> {
    let file_text = |text: Result<String, std::io::Error>, what: &str| {
        let text = text.map_err(|e| Failure(format!("cannot read {what}: {e}")))?;
        RunSpec::from_json_text(&text).map_err(|e| Failure(format!("{what}: {}", e.describe(lang))))
    };
    if source == "-" {
        let mut text = String::new();
        let read = std::io::stdin().read_to_string(&mut text).map(|_| text);
        return file_text(read, "standard input");
    }
    let path = std::path::Path::new(source);
    if path.is_file() {
        return file_text(std::fs::read_to_string(source), source);
    }
    if path.is_dir() {
        return Err(Failure(format!(
            "{source} is a directory: give a config file (JSON), a share link or - for standard input"
        )));
    }
    if path.exists() {
        return Err(Failure(format!(
            "{source} is not a regular file: give a config file (JSON), a share link or - for standard input"
        )));
    }
    if !source.contains('#') {
        return Err(Failure(format!(
            "no such file: {source} (a share link must contain `#`)"
        )));
    }
    let decoded = codec::decode_within(source, WorkLimits::CLI);
    if let Some(problem) = decoded.problem {
        // The command line runs a link as written or not at all: what a page
        // would put back to its defaults is an error here.
        let problem = match problem {
            codec::LinkError::Reset(errors) => codec::LinkError::Invalid(errors),
            other => other,
        };
        return Err(Failure(problem.describe(lang)));
    }
    match decoded.page {
        Page::Lab(state) => Ok(RunSpec::from_state(&state)),
        Page::Home => Err(Failure("this link opens the home page, not a lab".into())),
        Page::Coming(lab) => Err(Failure(format!("the {} lab is not built yet", lab.slug()))),
        // decode_within reads every built lab, so it never says "elsewhere".
        Page::Elsewhere(lab) => Err(Failure(format!("the {} lab's link was not read", lab.slug()))),
    }
}

/// Loads a source and applies the overrides and the seed, unchecked.
fn overridden_spec(source: &str, args: &Args) -> Result<RunSpec, Failure> {
    let mut spec = load(source, args.lang)?;
    for o in &args.overrides {
        spec.apply(o).map_err(|e| Failure(e.describe(args.lang)))?;
    }
    if let Some(seed) = args.seed {
        spec.seed = seed;
    }
    Ok(spec)
}

fn not_valid(errors: Vec<engine::validate::ConfigError>, lang: Lang) -> Failure {
    let lines: Vec<String> = errors.iter().map(|e| format!("• {}", e.describe(lang))).collect();
    Failure(format!("the configuration is not valid:\n{}", lines.join("\n")))
}

/// Loads a source, applies the overrides and the seed, and checks the
/// result: within the command line's limits, or a link's for `url`.
fn checked_state(source: &str, args: &Args) -> Result<LabState, Failure> {
    let limits = match args.command {
        Command::Url(_) => WorkLimits::LINK,
        _ => WorkLimits::CLI,
    };
    overridden_spec(source, args)?
        .check_within(limits)
        .map_err(|errors| not_valid(errors, args.lang))
}

/// The page links point at: `--base`; else, for a share link given as the
/// source, the site that link is on (its page file dropped: the link opens the
/// site's root, whose script sends it to the lab's page; its query kept); else
/// [`DEFAULT_BASE`].
fn link_base(args: &Args, source: Option<&str>) -> String {
    if let Some(base) = &args.base {
        return base.clone();
    }
    let from_link = source
        .and_then(|s| s.split_once('#'))
        .map(|(before, _)| before)
        .filter(|b| b.starts_with("http://") || b.starts_with("https://"));
    let Some(before) = from_link else {
        return DEFAULT_BASE.to_string();
    };
    let (path, query) = before.split_once('?').map_or((before, None), |(p, q)| (p, Some(q)));
    let path = match path.rsplit_once('/') {
        // `http://host/x/retry.html` → `http://host/x/` (never the scheme's `//`).
        Some((dir, file)) if file.ends_with(".html") && !dir.ends_with('/') => &path[..dir.len() + 1],
        _ => path,
    };
    // `http://host` → `http://host/`.
    let path = if path.matches('/').count() < 3 {
        format!("{path}/")
    } else {
        path.to_string()
    };
    match query {
        Some(q) => format!("{path}?{q}"),
        None => path,
    }
}

fn execute(args: &Args) -> Result<String, Failure> {
    Ok(match &args.command {
        Command::Help => HELP.replace("{default_seed}", &codec::DEFAULT_SEED.to_string()),
        Command::Run(source) => {
            let state = checked_state(source, args)?;
            // A checked config always runs; the report is plain data.
            let report = state
                .config
                .run_within(state.seed, WorkLimits::CLI)
                .map_err(|_| Failure("the configuration is not valid".into()))?;
            if let Some(path) = &args.trace {
                write_trace_file(&state, path)?;
            }
            serde_json::to_string_pretty(&report).expect("reports serialise")
        }
        Command::Sweep(source) => {
            let spec = overridden_spec(source, args)?;
            // The base itself must be valid, so its own problems are not blamed on a point.
            spec.check_within(WorkLimits::CLI)
                .map_err(|errors| not_valid(errors, args.lang))?;
            let sweep = Sweep::new(&spec, args.vary.clone(), args.seeds, WorkLimits::CLI)
                .map_err(|e| not_valid(e, args.lang))?;
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            sweep.run(threads).to_csv()
        }
        Command::Url(source) => {
            codec::share_url(&link_base(args, Some(source)), args.lang, &checked_state(source, args)?)
        }
        Command::Decode(source) => state_to_json_pretty(&checked_state(source, args)?),
        Command::Presets => {
            let lines: Vec<String> = presets()
                .into_iter()
                .map(|p| {
                    let key = format!("preset.{}.{}.title", p.lab.slug(), p.id);
                    let title = if engine::i18n::has(&key) {
                        p.title(args.lang)
                    } else {
                        p.id.to_string()
                    };
                    let link = codec::share_url(
                        &link_base(args, None),
                        args.lang,
                        &LabState {
                            seed: p.seed,
                            config: p.config,
                        },
                    );
                    format!("{}\t{}\t{}", p.id, title, link)
                })
                .collect();
            lines.join("\n")
        }
    })
}

/// Re-runs `state` and writes every attempt to `path` as JSON lines.
fn write_trace_file(state: &LabState, path: &str) -> Result<(), Failure> {
    let cannot = |e: std::io::Error| Failure(format!("cannot write the trace to {path}: {e}"));
    let source = state
        .config
        .trace_export_within(state.seed, WorkLimits::CLI)
        .map_err(|_| Failure("the configuration is not valid".into()))?;
    let file = std::fs::File::create(path).map_err(cannot)?;
    let mut out = std::io::BufWriter::new(file);
    write_trace(source, &mut out, None).map_err(cannot)?;
    out.flush().map_err(cannot)
}

fn main() -> ExitCode {
    let outcome = parse_args(std::env::args().skip(1)).and_then(|args| execute(&args));
    match outcome {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            match writeln!(out, "{}", text.trim_end()).and_then(|_| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                // A closed pipe (`playground presets | head -1`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                // Anything else (a full disk: `> /dev/full`) lost the output.
                Err(e) => {
                    eprintln!("playground: cannot write to standard output: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(Failure(msg)) => {
            eprintln!("playground: {msg}");
            ExitCode::from(2)
        }
    }
}
