//! Installing what the build and the tests need, printing what gets installed.
//!
//! * the pinned Rust toolchain's pieces (wasm32 target, rustfmt, clippy): `rustup toolchain install`
//! * trunk: `cargo install trunk`
//! * wasm-bindgen-cli (wasm-bindgen + wasm-bindgen-test-runner) at exactly Cargo.lock's
//!   wasm-bindgen version: `cargo install wasm-bindgen-cli --version =X`
//! * wasm-opt: npm's `binaryen` package, into the project-local `.tools/` (never Debian's
//!   binaryen, whose wasm-opt 108 corrupts wasm-bindgen output)
//! * Chromium + ChromeDriver: Debian's `chromium` and `chromium-driver` (apt-get)
//! * the Playwright harness: `npm ci` in e2e/ (no browser download, ever)

use crate::proc::{self, output, run, which, Res};
use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Trunk releases older than this lack what Trunk.toml relies on.
const TRUNK_MIN: (u64, u64) = (0, 22);

pub struct Project {
    pub root: PathBuf,
    /// PATH for every child: `.tools/node_modules/.bin`, cargo's install bin dir, then the
    /// inherited PATH. Trunk finds wasm-bindgen and wasm-opt through this.
    pub path: OsString,
}

impl Project {
    pub fn new() -> Project {
        // The manifest dir `cargo run` hands the process, before the one compiled
        // in: clones sharing one CARGO_TARGET_DIR share one xtask binary, and the
        // compiled-in path is the clone that built it last (`cargo xtask build`
        // here once built another clone's pages, and its old code).
        let manifest = env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let root = manifest
            .parent()
            .expect("xtask lives in the workspace root")
            .to_path_buf();
        let mut dirs = vec![root.join(".tools/node_modules/.bin"), cargo_bin_dir()];
        dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
        let path = env::join_paths(dirs).expect("PATH entries without ':'");
        Project { root, path }
    }

    /// A command with PATH set up, running in the workspace root.
    pub fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.current_dir(&self.root).env("PATH", &self.path);
        c
    }

    fn version_of(&self, program: &str) -> Option<String> {
        which(program, &self.path)?;
        output(self.cmd(program).arg("--version"))
    }

    pub fn wasm_bindgen_version(&self) -> Res<String> {
        let lock = read(&self.root.join("Cargo.lock"))?;
        let versions = lock_versions(&lock, "wasm-bindgen");
        match versions.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err("Cargo.lock has no `wasm-bindgen` package".into()),
            many => Err(format!(
                "Cargo.lock has several `wasm-bindgen` versions ({}); there must be exactly one",
                many.join(", ")
            )),
        }
    }

    /// `[tools] <key> = "..."` from Trunk.toml.
    pub fn trunk_tool_pin(&self, key: &str) -> Res<String> {
        let text = read(&self.root.join("Trunk.toml"))?;
        toml_value(&text, "tools", key)
            .ok_or_else(|| format!("Trunk.toml has no `[tools] {key} = \"...\"` pin"))
    }
}

fn cargo_bin_dir() -> PathBuf {
    if let Some(root) = env::var_os("CARGO_INSTALL_ROOT") {
        return PathBuf::from(root).join("bin");
    }
    if let Some(home) = env::var_os("CARGO_HOME") {
        return PathBuf::from(home).join("bin");
    }
    PathBuf::from(env::var_os("HOME").unwrap_or_else(|| "/root".into())).join(".cargo/bin")
}

fn read(p: &Path) -> Res<String> {
    fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
}

/// All versions of package `name` in a Cargo.lock.
pub fn lock_versions(lock: &str, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<&str> = None;
    for line in lock.lines() {
        let line = line.trim();
        if line == "[[package]]" {
            current = None;
        } else if let Some(v) = line.strip_prefix("name = ") {
            current = Some(v.trim_matches('"'));
        } else if let Some(v) = line.strip_prefix("version = ") {
            if current == Some(name) {
                out.push(v.trim_matches('"').to_string());
            }
        }
    }
    out
}

/// A string value from a simple TOML file (`[section]` then `key = "value"`).
pub fn toml_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut in_section = false;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            in_section = line == format!("[{section}]");
        } else if in_section {
            if let Some((k, v)) = line.split_once('=') {
                if k.trim() == key {
                    return Some(v.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    None
}

fn parse_major_minor(v: &str) -> Option<(u64, u64)> {
    let mut it = v.split('.');
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

fn status(what: &str, state: &str) {
    println!("  {what:<28} {state}");
}

/// The pinned toolchain's wasm32 target, rustfmt and clippy (rust-toolchain.toml).
pub fn ensure_rust(p: &Project) -> Res {
    let sysroot = output(p.cmd("rustc").args(["--print", "sysroot"]));
    let has_wasm = sysroot
        .as_deref()
        .map(|s| {
            Path::new(s)
                .join("lib/rustlib/wasm32-unknown-unknown")
                .is_dir()
        })
        .unwrap_or(false);
    let has_fmt = output(p.cmd("cargo").args(["fmt", "--version"])).is_some();
    let has_clippy = output(p.cmd("cargo").args(["clippy", "--version"])).is_some();
    if has_wasm && has_fmt && has_clippy {
        status("rust toolchain (wasm32, fmt, clippy)", "ok");
        return Ok(());
    }
    status(
        "rust toolchain (wasm32, fmt, clippy)",
        "installing: rustup toolchain install (reads rust-toolchain.toml)",
    );
    run(p.cmd("rustup").args(["toolchain", "install"]))
}

/// trunk >= 0.22 on PATH, else `cargo install trunk` (built by the pinned toolchain).
pub fn ensure_trunk(p: &Project) -> Res {
    let found = p.version_of("trunk");
    let version = found
        .as_deref()
        .and_then(|v| v.split_whitespace().nth(1))
        .map(str::to_string);
    if let Some(v) = &version {
        if parse_major_minor(v).is_some_and(|mm| mm >= TRUNK_MIN) {
            status("trunk", &format!("{v} ok"));
            return Ok(());
        }
    }
    let why = match version {
        Some(v) => format!("found {v}, need >= {}.{}", TRUNK_MIN.0, TRUNK_MIN.1),
        None => "missing".into(),
    };
    status(
        "trunk",
        &format!("{why}: installing with `cargo install trunk` (about 10-15 min on 2 cores)"),
    );
    run(p.cmd("cargo").args(["install", "trunk"]))?;
    match p.version_of("trunk") {
        Some(v) => {
            status("trunk", &format!("installed: {v}"));
            Ok(())
        }
        None => Err(format!(
            "`cargo install trunk` finished but `trunk` is not on PATH ({})",
            cargo_bin_dir().display()
        )),
    }
}

/// wasm-bindgen and wasm-bindgen-test-runner at exactly Cargo.lock's wasm-bindgen version.
pub fn ensure_wasm_bindgen(p: &Project) -> Res {
    let want = p.wasm_bindgen_version()?;
    let pin = p.trunk_tool_pin("wasm_bindgen")?;
    if pin != want {
        return Err(format!(
            "Trunk.toml pins wasm_bindgen = \"{pin}\" but Cargo.lock has wasm-bindgen {want}: \
             set `[tools] wasm_bindgen = \"{want}\"` in Trunk.toml"
        ));
    }
    let current = |bin: &str| {
        p.version_of(bin)
            .and_then(|v| v.split_whitespace().nth(1).map(str::to_string))
    };
    let bindgen = current("wasm-bindgen");
    let runner = current("wasm-bindgen-test-runner");
    if bindgen.as_deref() == Some(want.as_str()) && runner.as_deref() == Some(want.as_str()) {
        status("wasm-bindgen-cli", &format!("{want} ok"));
        return Ok(());
    }
    let why = match (&bindgen, &runner) {
        (None, _) | (_, None) => "missing".to_string(),
        (Some(b), Some(r)) => format!("found wasm-bindgen {b} / test-runner {r}"),
    };
    status(
        "wasm-bindgen-cli",
        &format!("{why}, need {want}: installing with `cargo install wasm-bindgen-cli --version ={want}` (about 5 min)"),
    );
    run(p.cmd("cargo").args([
        "install",
        "--force",
        "wasm-bindgen-cli",
        "--version",
        &format!("={want}"),
    ]))?;
    match current("wasm-bindgen") {
        Some(v) if v == want => {
            status("wasm-bindgen-cli", &format!("installed: {v}"));
            Ok(())
        }
        other => Err(format!(
            "installed wasm-bindgen-cli {want} but `wasm-bindgen --version` on PATH says {other:?}"
        )),
    }
}

/// npm on PATH; on Debian as root, installs nodejs + npm if missing.
pub fn ensure_npm(p: &Project) -> Res {
    if let Some(v) = p.version_of("npm") {
        let node = p.version_of("node").unwrap_or_else(|| "?".into());
        status("node / npm", &format!("{node} / {v} ok"));
        return Ok(());
    }
    status("node / npm", "missing: installing Debian's nodejs + npm");
    apt_install(p, &["nodejs", "npm"]).map_err(|e| {
        format!("npm is required (wasm-opt and Playwright come from the npm registry): {e}")
    })?;
    p.version_of("npm")
        .map(|_| ())
        .ok_or_else(|| "apt-get installed npm but it is still not on PATH".into())
}

/// wasm-opt from npm's `binaryen` (version_N <=> binaryen@N.0.0) in `.tools/`.
pub fn ensure_wasm_opt(p: &Project) -> Res {
    let pin = p.trunk_tool_pin("wasm_opt")?;
    let major = pin
        .strip_prefix("version_")
        .filter(|n| n.parse::<u32>().is_ok())
        .ok_or_else(|| {
            format!("Trunk.toml: wasm_opt = \"{pin}\" should look like \"version_132\"")
        })?
        .to_string();
    let local = p.root.join(".tools/node_modules/.bin/wasm-opt");
    let version = |path: &Path| {
        output(p.cmd(path).arg("--version"))
            // "wasm-opt version 132 (version_132)"
            .and_then(|v| v.split_whitespace().nth(2).map(str::to_string))
    };
    let have = proc::is_executable(&local)
        .then(|| version(&local))
        .flatten();
    if have.as_deref() != Some(major.as_str()) {
        let why = match &have {
            Some(v) => format!("found {v}"),
            None => "missing".into(),
        };
        status(
            "wasm-opt",
            &format!("{why}, need {major}: installing npm's binaryen@{major}.0.0 into .tools/"),
        );
        ensure_npm(p)?;
        fs::create_dir_all(p.root.join(".tools")).map_err(|e| format!("mkdir .tools: {e}"))?;
        run(p.cmd("npm").args([
            "install",
            "--prefix",
            ".tools",
            "--no-audit",
            "--no-fund",
            &format!("binaryen@{major}.0.0"),
        ]))?;
        let now = version(&local);
        if now.as_deref() != Some(major.as_str()) {
            return Err(format!(
                "installed binaryen@{major}.0.0 but {} --version says {now:?}",
                local.display()
            ));
        }
    }
    // Trunk runs the first wasm-opt on PATH: make sure it is ours (ahead of e.g. Debian's).
    let first = which("wasm-opt", &p.path);
    if first.as_deref() != Some(local.as_path()) {
        return Err(format!(
            "the first wasm-opt on PATH is {first:?}, not {}",
            local.display()
        ));
    }
    let shadowed = env::split_paths(&p.path)
        .skip(1)
        .map(|d| d.join("wasm-opt"))
        .find(|c| proc::is_executable(c) && c != &local);
    let note = shadowed
        .map(|s| format!(" (ignoring {}: never use Debian's binaryen)", s.display()))
        .unwrap_or_default();
    status("wasm-opt", &format!("{major} ok (.tools/){note}"));
    Ok(())
}

/// Debian's Chromium and ChromeDriver (for wasm-bindgen-test-runner and Playwright).
pub fn ensure_browser(p: &Project) -> Res {
    let ok = |f: &str| proc::is_executable(Path::new(f));
    if !(ok(CHROMIUM) && ok(CHROMEDRIVER)) {
        status(
            "chromium + chromedriver",
            "missing: apt-get install -y chromium chromium-driver",
        );
        apt_install(p, &["chromium", "chromium-driver"])?;
        if !(ok(CHROMIUM) && ok(CHROMEDRIVER)) {
            return Err(format!(
                "apt-get installed chromium + chromium-driver but {CHROMIUM} or {CHROMEDRIVER} is missing"
            ));
        }
    }
    let v = output(p.cmd(CHROMEDRIVER).arg("--version")).unwrap_or_default();
    let v = v.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    status("chromium + chromedriver", &format!("{v} ok"));
    Ok(())
}

/// Playwright (JS only, no browser download) in e2e/node_modules, from package-lock.json.
pub fn ensure_e2e_deps(p: &Project) -> Res {
    let e2e = p.root.join("e2e");
    let lock = e2e.join("package-lock.json");
    let installed = e2e.join("node_modules/.package-lock.json");
    let mtime = |f: &Path| f.metadata().and_then(|m| m.modified()).ok();
    let stale = match (mtime(&installed), mtime(&lock)) {
        (Some(i), Some(l)) => i < l || !e2e.join("node_modules/.bin/playwright").exists(),
        (_, None) => return Err("e2e/package-lock.json is missing".into()),
        _ => true,
    };
    if !stale {
        status("playwright (e2e/node_modules)", "ok");
        return Ok(());
    }
    status(
        "playwright (e2e/node_modules)",
        "installing: npm ci in e2e/",
    );
    ensure_npm(p)?;
    run(p
        .cmd("npm")
        .current_dir(&e2e)
        .args(["ci", "--no-audit", "--no-fund"])
        // Belt and braces: @playwright/test has no install script, and browsers are
        // never downloaded here; we use Debian's /usr/bin/chromium.
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
    // npm ci may keep the old mtime if nothing changed; make the next check cheap.
    let _ = fs::File::options()
        .append(true)
        .open(&installed)
        .and_then(|f| f.set_modified(SystemTime::now()));
    Ok(())
}

/// `cargo fetch`, because Trunk.toml's `offline = true` makes trunk build with `cargo --offline`.
pub fn cargo_fetch(p: &Project) -> Res {
    run(p.cmd("cargo").args(["fetch", "--quiet"]))
}

fn apt_install(p: &Project, pkgs: &[&str]) -> Res {
    if which("apt-get", &p.path).is_none() {
        return Err(format!(
            "cannot install {} automatically: no apt-get on this machine; install them with your package manager",
            pkgs.join(" ")
        ));
    }
    let root = output(Command::new("id").arg("-u")).as_deref() == Some("0");
    let sudo = !root && which("sudo", &p.path).is_some();
    if !root && !sudo {
        return Err(format!(
            "cannot install {}: not root and no sudo; run `apt-get install -y {}` as root",
            pkgs.join(" "),
            pkgs.join(" ")
        ));
    }
    let apt = |args: &[&str]| {
        let mut c = if sudo {
            let mut c = p.cmd("sudo");
            c.args(["-n", "apt-get"]);
            c
        } else {
            p.cmd("apt-get")
        };
        c.args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(std::process::Stdio::null());
        c
    };
    run(&mut apt(&["update"]))?;
    let mut install = apt(&["install", "-y"]);
    install.args(pkgs);
    run(&mut install)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lock_versions() {
        let lock =
            "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"x\"\n\n\
                    [[package]]\nname = \"wasm-bindgen-shared\"\nversion = \"0.2.130\"\n";
        assert_eq!(lock_versions(lock, "wasm-bindgen"), vec!["0.2.130"]);
        assert!(lock_versions(lock, "trunk").is_empty());
    }

    #[test]
    fn reads_trunk_toml_pins() {
        let t = "[build]\noffline = true\n\n[tools]\n# c\nwasm_bindgen = \"0.2.130\" # x\nwasm_opt = \"version_132\"\n[serve]\nport = 8080\n";
        assert_eq!(
            toml_value(t, "tools", "wasm_opt").as_deref(),
            Some("version_132")
        );
        assert_eq!(
            toml_value(t, "tools", "wasm_bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(toml_value(t, "build", "wasm_opt"), None);
    }

    #[test]
    fn project_files_agree() {
        // The real Trunk.toml pin must match the real Cargo.lock.
        let p = Project::new();
        assert_eq!(
            p.trunk_tool_pin("wasm_bindgen").unwrap(),
            p.wasm_bindgen_version().unwrap()
        );
    }
}
