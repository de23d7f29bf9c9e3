//! Project automation: `cargo xtask serve` and `cargo xtask test`.
//!
//! Both install what is missing first (and print what they install); see tools.rs.
//! std only, so `cargo xtask` compiles in seconds on a fresh machine.

mod proc;
mod tools;

use proc::{run, run_counted, Background, Res, Tally};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};
use tools::Project;

const APP: &str = "cloud-patterns-playground";

const USAGE: &str = "\
usage: cargo xtask <command>

  serve [--port N] [--release]   install what is missing (trunk, wasm-bindgen-cli,
                                 wasm-opt), then `trunk serve` on 127.0.0.1 (port 8080,
                                 or a free one if 8080 is taken) and print the address
  test                           install what is missing (the above, plus Chromium,
                                 ChromeDriver and Playwright), then run every test level,
                                 stopping at the first failure:
                                   lint       cargo fmt --check; cargo clippy -D warnings
                                   native     cargo test (workspace, minus the wasm-only app)
                                   component  cargo test --target wasm32 (headless Chromium)
                                   e2e        trunk build --release; Playwright on dist/
  test <level>...                run only the given levels (lint, native, component, e2e)
  setup                          only install what `test` needs
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let p = Project::new();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&p, &args[1..]),
        Some("test") => return test(&p, &args[1..]),
        Some("setup") => setup(&p, true),
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
    heading(&format!(
        "Building ({}) and serving on {url} (the first build takes a few minutes)",
        if release { "release" } else { "debug" }
    ));
    let mut cmd = p.cmd("trunk");
    cmd.args([
        "serve",
        "--address",
        "127.0.0.1",
        "--port",
        &port.to_string(),
    ])
    .env("TRUNK_SKIP_VERSION_CHECK", "true")
    // Trunk reports errors through anyhow: no backtrace noise (panics keep theirs).
    .env("RUST_LIB_BACKTRACE", "0");
    if release {
        cmd.arg("--release");
    }
    proc::announce(&cmd);
    let child = cmd
        .spawn()
        .map_err(|e| format!("could not start trunk: {e}"))?;
    let mut trunk = Background {
        name: "trunk serve".into(),
        child,
    };

    // Tell the user once the app really answers.
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut said_broken = false;
    loop {
        if let Some(status) = trunk.child.try_wait().map_err(|e| e.to_string())? {
            return Err(format!("trunk serve exited ({status}) before serving"));
        }
        match http_status(addr, "/") {
            Some(200) => break,
            Some(_) if !said_broken => {
                said_broken = true;
                println!(
                    "\n    trunk is listening on {url} but the build failed (see above);\n    \
                     it rebuilds when you save a fix.\n"
                );
            }
            _ => {}
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    println!("\n    Cloud Patterns Playground is being served at {url}\n    (Ctrl-C to stop; trunk rebuilds and reloads on changes)\n");
    let _ = std::io::stdout().flush();
    let status = trunk.child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("trunk serve exited ({status})"))
    }
}

fn free_port() -> Res<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

/// The HTTP status of `GET path`, or None if nothing answers.
fn http_status(addr: SocketAddr, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).ok()?;
    let mut head = [0u8; 32];
    let n = s.read(&mut head).ok()?;
    // "HTTP/1.1 200 OK"
    String::from_utf8_lossy(&head[..n])
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
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
        && (!wants(Level::E2e) || r.step("e2e: Playwright against dist/", e2e));

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
            .args(["test", "--target", "wasm32-unknown-unknown", "-p", APP])
            .env("CHROMEDRIVER", tools::CHROMEDRIVER),
        t,
    )?;
    if t.passed == 0 {
        return Err("the component level ran no test (no `test result:` line with passes)".into());
    }
    Ok(())
}

fn release_build(p: &Project, _: &mut Tally) -> Res {
    run(p
        .cmd("trunk")
        .args(["build", "--release"])
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        // Trunk reports errors through anyhow: no backtrace noise (panics keep theirs).
        .env("RUST_LIB_BACKTRACE", "0"))?;
    let dist = p.root.join("dist");
    let wasm = std::fs::read_dir(&dist)
        .map_err(|e| format!("no dist/: {e}"))?
        .filter_map(|e| e.ok())
        .find(|e| e.path().extension().is_some_and(|x| x == "wasm"))
        .ok_or("trunk build left no .wasm in dist/")?;
    let size = wasm.metadata().map(|m| m.len()).unwrap_or(0);
    println!(
        "dist/{}: {:.1} KiB (wasm-opt -Oz)",
        wasm.file_name().to_string_lossy(),
        size as f64 / 1024.0
    );
    Ok(())
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
