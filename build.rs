//! Embeds the build commit (`git rev-parse --short HEAD`) as `PIISCAN_COMMIT`, so every
//! report names the exact source it was made with. A build without git or outside a
//! checkout (a source tarball) records `unknown`; `PIISCAN_BUILD_COMMIT` overrides it.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-env-changed=PIISCAN_BUILD_COMMIT");
    let commit = std::env::var("PIISCAN_BUILD_COMMIT")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| git(&["rev-parse", "--short", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_string());
    // Rebuild when HEAD moves: HEAD itself (a checkout), the branch it points at (a
    // commit) and packed refs. In a worktree the git dir is not `.git`.
    // Only paths that exist: Cargo reruns the script on every build for a missing one.
    let watch = |p: String| {
        if std::path::Path::new(&p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    };
    println!("cargo:rerun-if-changed=build.rs");
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        watch(format!("{dir}/HEAD"));
        if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
            if let Some(common) = git(&["rev-parse", "--git-common-dir"]) {
                watch(format!("{common}/{r}"));
                watch(format!("{common}/packed-refs"));
            }
        }
    }
    println!("cargo:rustc-env=PIISCAN_COMMIT={commit}");
}
