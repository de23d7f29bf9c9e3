//! Project automation: `cargo xtask serve` and `cargo xtask test`.
//!
//! Both install what is missing first (and print what they install); see tools.rs.
//! The site is one page per lab plus the home page, each built by its own Trunk run and
//! merged into dist/ (see site.rs). Dependencies: flate2 and brotli only (precompressed
//! files and the bundle budget), so `cargo xtask` still compiles quickly.

mod proc;
mod site;
mod tools;

use proc::{run, run_counted, Background, Res, Tally};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};
use tools::Project;

const APP: &str = "cloud-patterns-playground";

const USAGE: &str = "\
usage: cargo xtask <command>

  serve [--port N] [--release]   install what is missing (trunk, wasm-bindgen-cli,
                                 wasm-opt), then build every page (`trunk watch`, one per
                                 page: rebuilt on changes) and serve them on 127.0.0.1
                                 (port 8080, or a free one if 8080 is taken)
  test                           install what is missing (the above, plus Chromium,
                                 ChromeDriver and Playwright), then run every test level,
                                 stopping at the first failure:
                                   lint       cargo fmt --check; cargo clippy -D warnings
                                              (native, and the app for wasm32 with its tests)
                                   native     cargo test (workspace, minus the wasm-only app)
                                   component  cargo test --target wasm32 (headless Chromium)
                                   e2e        trunk build --release (every page) into dist/,
                                              bundle budget, then Playwright on dist/
  test <level>...                run only the given levels (lint, native, component, e2e)
  build <page>...                trunk build --release of only these pages (retry, cqrs,
                                 index, …), merged with the other pages' last builds into
                                 dist/ with fresh texts files: for looking at one change
  setup                          only install what `test` needs
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let p = Project::new();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&p, &args[1..]),
        Some("test") => return test(&p, &args[1..]),
        Some("setup") => setup(&p, true),
        Some("build") => build_some(&p, &args[1..]),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nerror: {e}");
            ExitCode::FAILURE
        }
    }
}

fn heading(s: &str) {
    println!("\n==> {s}");
    let _ = std::io::stdout().flush();
}

/// Installs what is missing. `for_tests` adds Chromium, ChromeDriver and Playwright.
fn setup(p: &Project, for_tests: bool) -> Res {
    heading("Checking tools (installing what is missing)");
    tools::ensure_rust(p)?;
    tools::ensure_trunk(p)?;
    tools::ensure_wasm_bindgen(p)?;
    tools::ensure_wasm_opt(p)?;
    if for_tests {
        tools::ensure_browser(p)?;
        tools::ensure_e2e_deps(p)?;
    }
    tools::cargo_fetch(p)
}

// ---------------------------------------------------------------------------------- serve

fn serve(p: &Project, args: &[String]) -> Res {
    let mut port: Option<u16> = None;
    let mut release = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--release" => release = true,
            "--port" => {
                let v = it.next().ok_or("--port needs a value")?;
                port = Some(v.parse().map_err(|_| format!("bad port {v:?}"))?);
            }
            other => return Err(format!("unknown option {other:?}\n\n{USAGE}")),
        }
    }
    setup(p, false)?;

    let port = match port {
        Some(port) => port,
        None if TcpListener::bind(("127.0.0.1", 8080)).is_ok() => 8080,
        None => {
            let free = free_port()?;
            println!("port 8080 is taken; using {free}");
            free
        }
    };
    let url = format!("http://127.0.0.1:{port}/");
    let pages = site::pages(&p.root)?;
    heading(&format!(
        "Building ({}) {} page(s) and serving them on {url} (the first build takes a few minutes)",
        if release { "release" } else { "debug" },
        pages.len()
    ));
    // One `trunk watch` per page, each into its own staging dir; rebuilt on changes.
    let mut watchers = Vec::new();
    let mut dirs = Vec::new();
    for page in &pages {
        let dir = site::staging(p, page);
        let _ = std::fs::remove_dir_all(&dir);
        let mut cmd = site::trunk(p, "watch", page, release);
        proc::announce(&cmd);
        let child = cmd
            .spawn()
            .map_err(|e| format!("could not start trunk: {e}"))?;
        watchers.push(Background {
            name: format!("trunk watch {}", page.file),
            child,
        });
        dirs.push(dir);
    }
    // The texts files the pages load (what `site::build` writes into dist/i18n/).
    let texts = site::texts_staging(p);
    site::write_texts(&p.root, &texts)?;
    dirs.push(texts);
    // Serve the union of the staging dirs (what `cargo xtask test e2e` merges into dist/).
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let served = dirs.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dirs = served.clone();
            std::thread::spawn(move || serve_file(stream, &dirs));
        }
    });

    // Tell the user once every page is built. The pages are written again from
    // site/page.html and site/pages.tsv when those change (Trunk watches
    // target/site/, so the page is rebuilt); a broken edit is reported once.
    let mut said = false;
    let mut reported: Option<String> = None;
    loop {
        let problem = match site::generate(&p.root) {
            Ok(now) if now == pages => None,
            Ok(_) => Some(format!(
                "{} changed its list of pages: restart `cargo xtask serve` to build them",
                site::PAGE_LIST
            )),
            Err(e) => Some(format!("error: {e}")),
        };
        if problem != reported {
            if let Some(message) = &problem {
                eprintln!("{message}");
            }
            reported = problem;
        }
        for w in &mut watchers {
            if let Some(status) = w.child.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("{} exited ({status})", w.name));
            }
        }
        let ready = pages
            .iter()
            .zip(&dirs)
            .all(|(page, dir)| dir.join(&page.file).exists());
        if ready && !said {
            said = true;
            println!(
                "\n    Cloud Patterns Playground is being served at {url}\n    \
                 (Ctrl-C to stop; every page is rebuilt on changes: reload to see them)\n"
            );
            let _ = std::io::stdout().flush();
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Answers one HTTP request with a file from the first dir that has it (`/` is
/// `index.html`). GET and HEAD only; loopback only.
fn serve_file(mut stream: TcpStream, dirs: &[std::path::PathBuf]) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut line = String::new();
    if BufReader::new(&stream).read_line(&mut line).is_err() {
        return;
    }
    let mut words = line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let mut rel = path.trim_start_matches('/').to_string();
    if rel.is_empty() || rel.ends_with('/') {
        rel.push_str("index.html");
    }
    let safe = !rel.split('/').any(|c| c == ".." || c.starts_with('.'));
    let found = dirs
        .iter()
        .map(|d| d.join(&rel))
        .find(|f| safe && f.is_file())
        .and_then(|f| std::fs::read(&f).ok().map(|b| (f, b)));
    let response = match (method, found) {
        ("GET" | "HEAD", Some((file, body))) => {
            let kind = match file.extension().and_then(|x| x.to_str()).unwrap_or("") {
                "html" => "text/html; charset=utf-8",
                "js" => "text/javascript; charset=utf-8",
                "css" => "text/css; charset=utf-8",
                "wasm" => "application/wasm",
                "svg" => "image/svg+xml",
                "json" => "application/json",
                _ => "application/octet-stream",
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
                 Cache-Control: no-store\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let mut out = head.into_bytes();
            if method == "GET" {
                out.extend_from_slice(&body);
            }
            out
        }
        ("GET" | "HEAD", None) => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n"
                .to_vec()
        }
        _ => b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .to_vec(),
    };
    let _ = stream.write_all(&response);
}

fn free_port() -> Res<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

// ----------------------------------------------------------------------------------- test

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Lint,
    Native,
    Component,
    E2e,
}

const LEVELS: [(&str, Level); 4] = [
    ("lint", Level::Lint),
    ("native", Level::Native),
    ("component", Level::Component),
    ("e2e", Level::E2e),
];

struct StepResult {
    name: &'static str,
    secs: f64,
    tally: Tally,
    error: Option<String>,
}

struct Runner<'a> {
    p: &'a Project,
    results: Vec<StepResult>,
    total: Tally,
}

impl Runner<'_> {
    /// Runs one step; returns false (and records why) if it failed.
    fn step(&mut self, name: &'static str, f: impl FnOnce(&Project, &mut Tally) -> Res) -> bool {
        heading(name);
        let start = Instant::now();
        let mut tally = Tally::default();
        let result = f(self.p, &mut tally);
        // A runner that reported failures but somehow exited 0 still fails the step.
        let result = match result {
            Ok(()) if tally.failed > 0 => Err(format!("{} test(s) failed", tally.failed)),
            r => r,
        };
        self.total.add(tally);
        let ok = result.is_ok();
        self.results.push(StepResult {
            name,
            secs: start.elapsed().as_secs_f64(),
            tally,
            error: result.err(),
        });
        ok
    }
}

fn test(p: &Project, args: &[String]) -> ExitCode {
    let mut levels = Vec::new();
    for a in args {
        match LEVELS.iter().find(|(n, _)| n == a) {
            Some((_, l)) => levels.push(*l),
            None => {
                eprint!("unknown test level {a:?}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if levels.is_empty() {
        levels = LEVELS.iter().map(|(_, l)| *l).collect();
    }
    let wants = |l| levels.contains(&l);
    let mut sizes: Vec<String> = Vec::new();
    let started = Instant::now();
    let mut r = Runner {
        p,
        results: Vec::new(),
        total: Tally::default(),
    };

    let _ = r.step("install what the tests need", |p, _| setup(p, true))
        && (!wants(Level::Lint) || r.step("lint: cargo fmt --check", lint_fmt))
        && (!wants(Level::Lint) || r.step("lint: cargo clippy -D warnings", lint_clippy))
        && (!wants(Level::Native) || r.step("native tests: cargo test", native_tests))
        && (!wants(Level::Component)
            || r.step(
                "component tests: wasm32 in headless Chromium",
                component_tests,
            ))
        && (!wants(Level::E2e) || r.step("release build: trunk build --release", release_build))
        // Playwright first, so a page over budget still shows what its tests say.
        && (!wants(Level::E2e) || r.step("e2e: Playwright against dist/", e2e))
        && (!wants(Level::E2e)
            || r.step("bundle budget: cold load per page (gzip -9)", |p, _| {
                budget(p, &mut sizes)
            }));

    heading("Summary");
    let mut failed = None;
    for s in &r.results {
        let counts = if s.tally.is_empty() {
            String::new()
        } else {
            format!(
                "  {} passed, {} failed, {} skipped",
                s.tally.passed, s.tally.failed, s.tally.skipped
            )
        };
        let mark = if s.error.is_some() { "FAIL" } else { "ok  " };
        println!("  {mark}  {:<46} {:>7.1}s{counts}", s.name, s.secs);
        if let Some(e) = &s.error {
            failed = Some((s.name, e.clone()));
        }
    }
    println!("  total {:.1} min", started.elapsed().as_secs_f64() / 60.0);
    if !sizes.is_empty() {
        println!(
            "  bundle, cold load per page (gzip -9; limit {}, goal {}):",
            site::kb(site::BUDGET),
            site::kb(site::GOAL)
        );
        for line in &sizes {
            println!("    {line}");
        }
    }
    let t = r.total;
    match failed {
        None => {
            println!("\nALL TEST LEVELS PASSED");
            println!(
                "tests: {} passed, {} failed, {} skipped",
                t.passed, t.failed, t.skipped
            );
            ExitCode::SUCCESS
        }
        Some((name, e)) => {
            println!("\nFAILED at step \"{name}\": {e}");
            println!("(later steps were not run)");
            println!(
                "tests: {} passed, {} failed, {} skipped",
                t.passed,
                t.failed.max(1),
                t.skipped
            );
            ExitCode::FAILURE
        }
    }
}

fn lint_fmt(p: &Project, _: &mut Tally) -> Res {
    run(p.cmd("cargo").args(["fmt", "--all", "--", "--check"])).map_err(|e| {
        format!("{e}\n    formatting differs: run `cargo fmt --all` and commit the result")
    })
}

fn lint_clippy(p: &Project, _: &mut Tally) -> Res {
    run(p.cmd("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The app's pages and component tests exist only for wasm32 (the tests are
    // `#![cfg(target_arch = "wasm32")]`), so the native pass above never reads them.
    run(p.cmd("cargo").args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        APP,
        "--lib",
        "--bins",
        "--tests",
        "--",
        "-D",
        "warnings",
    ]))
}

/// Everything but the app crate, which only makes sense in a browser (component level).
fn native_tests(p: &Project, t: &mut Tally) -> Res {
    run_counted(
        p.cmd("cargo")
            .args(["test", "--workspace", "--exclude", APP]),
        t,
    )
}

/// The app crate's tests, compiled to wasm32 and run by wasm-bindgen-test-runner in headless
/// Chromium (runner set in .cargo/config.toml; browser flags in ./webdriver.json).
fn component_tests(p: &Project, t: &mut Tally) -> Res {
    run_counted(
        p.cmd("cargo")
            .args([
                "test",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                APP,
                "--no-fail-fast",
            ])
            .env("CHROMEDRIVER", tools::CHROMEDRIVER)
            // The runner's default 20 s per test file is tight on a loaded 2-core
            // machine (a seek over the 5,000-client storm, PNG exports).
            .env("WASM_BINDGEN_TEST_TIMEOUT", "180"),
        t,
    )?;
    if t.passed == 0 {
        return Err("the component level ran no test (no `test result:` line with passes)".into());
    }
    Ok(())
}

/// Every page built by Trunk in release mode (wasm-opt -Oz), merged into dist/, with
/// precompressed .gz/.br files beside the text and wasm files.
fn release_build(p: &Project, _: &mut Tally) -> Res {
    let pages = site::build(p, true)?;
    let dist = p.root.join("dist");
    let n = site::precompress(&dist)?;
    println!(
        "dist/: {} page(s) ({}), {n} file(s) precompressed (.gz, .br)",
        pages.len(),
        pages
            .iter()
            .map(|p| p.file.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// `cargo xtask build <page>...`: rebuilds only the named pages (release), then merges
/// every page's last staged build into dist/ and writes the texts files, so one change
/// can be looked at in the release build without rebuilding the whole site.
fn build_some(p: &Project, names: &[String]) -> Res {
    setup(p, false)?;
    site::build_only(p, names)?;
    println!("dist/ rebuilt with {}", names.join(", "));
    Ok(())
}

/// What a cold load of each page fetches (its HTML and the wasm/js/css it references,
/// gzipped -9) must stay within the budget.
fn budget(p: &Project, sizes: &mut Vec<String>) -> Res {
    let pages = site::pages(&p.root)?;
    let lines = site::check_budget(&p.root.join("dist"), &pages, site::BUDGET);
    match lines {
        Ok(lines) => {
            *sizes = lines;
            Ok(())
        }
        Err(e) => {
            // Still quote the sizes in the summary.
            *sizes = pages
                .iter()
                .filter_map(|page| {
                    site::cold_load(&p.root.join("dist"), page)
                        .ok()
                        .map(|f| (page, f))
                })
                .map(|(page, f)| {
                    format!("{}: {}", page.file, site::kb(f.iter().map(|x| x.gz).sum()))
                })
                .collect();
            Err(e)
        }
    }
}

/// Serves dist/ on 127.0.0.1 (free port) and runs Playwright against it.
fn e2e(p: &Project, t: &mut Tally) -> Res {
    // The suite checks the browser's numbers against the `playground` CLI's: build it
    // (a no-op when the native tests just did) so `cargo xtask test e2e` works alone.
    run(p.cmd("cargo").args([
        "build",
        "--quiet",
        "-p",
        "playground-engine",
        "--bin",
        "playground",
    ]))?;
    let mut server_cmd = p.cmd("node");
    server_cmd
        .args(["e2e/static-server.mjs", "dist", "0"])
        .stdout(Stdio::piped())
        .stdin(Stdio::null());
    proc::announce(&server_cmd);
    let child = server_cmd
        .spawn()
        .map_err(|e| format!("could not start the static server: {e}"))?;
    let mut server = Background {
        name: "static server".into(),
        child,
    };
    let mut line = String::new();
    BufReader::new(server.child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .map_err(|e| format!("static server: {e}"))?;
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("static server did not start (said {line:?})"))?
        .to_string();
    println!("serving dist/ at {url}");

    let result = run_counted(
        p.cmd(p.root.join("e2e/node_modules/.bin/playwright"))
            .current_dir(p.root.join("e2e"))
            .arg("test")
            .env("E2E_BASE_URL", &url)
            .env("CHROMIUM", tools::CHROMIUM),
        t,
    );
    drop(server);
    result?;
    if t.passed == 0 {
        return Err("Playwright ran no test".into());
    }
    Ok(())
}
