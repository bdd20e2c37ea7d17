//! The scale-out recipes of `examples/`: the README holds each file verbatim (after a
//! marker `<!-- example: PATH -->`; `PIISCAN_BLESS=1` copies the files into the README),
//! the Kubernetes Jobs validate against the Job schema and their commands run as written,
//! and the GNU parallel script runs locally and over (a stand-in for) SSH with `--wd`.
//! The Slurm scripts run on a real Slurm in `slurm.rs`.
//!
//! Tools that may be missing (GNU parallel, `kubernetes-validate` and PyYAML, which
//! `.ci/run` installs) make their test say SKIPPED on the terminal and return.

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;
use serde_json::Value;

use crate::util::{compare_with_a_single_scan, find, output_text, piiscan_path, skipped};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, relative to the repository, sorted.
fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            let rel = p.strip_prefix(root()).unwrap();
            out.push(rel.to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
fn readme_holds_every_example_verbatim() {
    let readme_path = root().join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let block = Regex::new(r"(?s)<!-- example: (\S+) -->\n```([a-z]*)\n(.*?)```\n").unwrap();
    let mut blessed = String::new();
    let mut at = 0;
    let mut seen = Vec::new();
    let mut stale = Vec::new();
    for c in block.captures_iter(&readme) {
        let (whole, name, body) = (c.get(0).unwrap(), &c[1], c.get(3).unwrap());
        let file = std::fs::read_to_string(root().join(name))
            .unwrap_or_else(|e| panic!("README names {name}: {e}"));
        if body.as_str() != file {
            stale.push(name.to_string());
        }
        blessed.push_str(&readme[at..body.start()]);
        blessed.push_str(&file);
        blessed.push_str("```\n");
        at = whole.end();
        seen.push(name.to_string());
    }
    blessed.push_str(&readme[at..]);
    if std::env::var_os("PIISCAN_BLESS").is_some() && !stale.is_empty() {
        std::fs::write(&readme_path, blessed).unwrap();
        return;
    }
    assert!(
        stale.is_empty(),
        "README's copies differ from {stale:?}: PIISCAN_BLESS=1 copies the files in"
    );
    seen.sort();
    assert_eq!(
        seen,
        files_under(&root().join("examples")),
        "every example once"
    );
}

/// A copy of `testdata/` as the evidence of a fresh case folder in `dir`.
fn case_in(dir: &Path) -> PathBuf {
    let case = dir.join("case");
    std::fs::create_dir(&case).unwrap();
    let ok = Command::new("cp")
        .arg("-a")
        .arg(crate::util::testdata())
        .arg(case.join("evidence"))
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok);
    case
}

const KEY: &str = "examples-test-key";

#[test]
fn kubernetes_jobs_validate_against_the_job_schema() {
    let name = "examples::kubernetes_jobs_validate_against_the_job_schema";
    let Some(validator) = std::env::var_os("PIISCAN_KUBERNETES_VALIDATE")
        .map(PathBuf::from)
        .or_else(|| find("kubernetes-validate"))
    else {
        return skipped(name, "kubernetes-validate (PyPI) is not installed");
    };
    let o = Command::new(validator)
        .args(["--strict", "--no-warn"])
        .arg(root().join("examples/kubernetes/scan-job.yaml"))
        .arg(root().join("examples/kubernetes/merge-job.yaml"))
        .output()
        .unwrap();
    let text = output_text(&o);
    assert!(o.status.success(), "{text}");
    assert_eq!(text.matches("passed").count(), 2, "{text}");
}

/// Each Job's container as JSON (`workingDir`, `command`, `args`, literal `env` values,
/// `completions`), read with PyYAML; `None` if Python or PyYAML is missing.
fn jobs() -> Option<Vec<Value>> {
    let python = std::env::var_os("PIISCAN_KUBERNETES_VALIDATE")
        .map(|v| PathBuf::from(v).with_file_name("python3"))
        .filter(|p| p.is_file())
        .or_else(|| find("python3"))?;
    let script = r#"
import json, sys, yaml
out = []
for name in sys.argv[1:]:
    job = yaml.safe_load(open(name))
    c = job["spec"]["template"]["spec"]["containers"][0]
    out.append({"completions": job["spec"].get("completions"), "workingDir": c["workingDir"],
                "command": c["command"] + c["args"],
                "env": {e["name"]: e["value"] for e in c.get("env", []) if "value" in e}})
print(json.dumps(out))
"#;
    let o = Command::new(python)
        .args(["-c", script])
        .arg(root().join("examples/kubernetes/scan-job.yaml"))
        .arg(root().join("examples/kubernetes/merge-job.yaml"))
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| serde_json::from_slice(&o.stdout).unwrap())
}

/// Runs a Job's container command here: in `case` for its `workingDir`, with its env (and
/// `extra`).
fn run_container(job: &Value, case: &Path, extra: &[(&str, &str)]) {
    let argv: Vec<&str> = job["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(job["workingDir"], "/case");
    let mut c = Command::new(argv[0]);
    c.args(&argv[1..])
        .current_dir(case)
        .env("PATH", piiscan_path());
    for (k, v) in job["env"].as_object().unwrap() {
        c.env(k, v.as_str().unwrap());
    }
    c.envs(extra.iter().copied());
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "{argv:?} {extra:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn kubernetes_job_commands_run_as_written() {
    let name = "examples::kubernetes_job_commands_run_as_written";
    let Some(jobs) = jobs() else {
        return skipped(name, "python3 with PyYAML is not installed");
    };
    let (scan, merge) = (&jobs[0], &jobs[1]);
    // N is written in three places: they agree.
    let n = scan["completions"].as_u64().unwrap().to_string();
    assert_eq!(scan["env"]["SHARDS"], n.as_str());
    assert_eq!(merge["env"]["SHARDS"], n.as_str());
    // Four shards here (SHARDS and the indexes as the Job would set them for 4).
    let dir = tempfile::tempdir().unwrap();
    let case = case_in(dir.path());
    for index in 0..4 {
        let index = index.to_string();
        run_container(
            scan,
            &case,
            &[
                ("JOB_COMPLETION_INDEX", &index),
                ("SHARDS", "4"),
                ("CPUS", "1"),
                ("PIISCAN_HASH_KEY", KEY),
            ],
        );
    }
    run_container(merge, &case, &[("SHARDS", "4")]);
    compare_with_a_single_scan(&case, KEY, 4);
}

/// A stand-in for `ssh HOST COMMAND`: logs its arguments, drops its options and the host,
/// and runs the command from `$HOME`, the login folder, with `SHELL` set to the login shell,
/// as sshd would (GNU parallel's remote wrapper runs each job with `$SHELL`; CI runs the tests
/// with no `SHELL` in their environment).
const FAKE_SSH: &str = r#"#!/bin/sh
printf '%s\n' "$*" >> "$FAKE_SSH_LOG"
while [ $# -gt 0 ]; do
    case $1 in
    -l | -p | -o | -i | -S) shift 2 ;;
    -*) shift ;;
    *) break ;;
    esac
done
shift
[ "${1:-}" = "--" ] && shift
cd "$HOME" || exit 255
SHELL=$(getent passwd "$(id -u)" | cut -d: -f7)
export SHELL="${SHELL:-/bin/sh}"
exec sh -c "$*"
"#;

#[test]
fn gnu_parallel_script_runs_locally_and_over_ssh() {
    let name = "examples::gnu_parallel_script_runs_locally_and_over_ssh";
    if find("parallel").is_none() {
        return skipped(name, "GNU parallel is not installed");
    }
    let script = root().join("examples/parallel/scan.sh");
    for remote in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let case = case_in(dir.path());
        let mut c = Command::new("sh");
        c.arg(&script)
            .arg(&case)
            .arg("3")
            .env("PATH", piiscan_path())
            .env("THREADS", "1");
        let log = dir.path().join("ssh.log");
        if remote {
            let ssh = dir.path().join("fake-ssh");
            std::fs::write(&ssh, FAKE_SSH).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).unwrap();
            let home = dir.path().join("home");
            std::fs::create_dir(&home).unwrap();
            std::fs::write(case.join("hash-key"), KEY).unwrap();
            c.arg("host1,host2")
                .env("PARALLEL_SSH", &ssh)
                .env("FAKE_SSH_LOG", &log)
                .env("HOME", &home)
                .env_remove("PIISCAN_HASH_KEY");
        } else {
            c.env("PIISCAN_HASH_KEY", KEY);
        }
        let o = c.output().unwrap();
        let out = output_text(&o);
        assert!(o.status.success(), "remote {remote}: {out}");
        assert!(out.trim_end().ends_with("verified"), "{out}");
        compare_with_a_single_scan(&case, KEY, 3);
        if remote {
            let log = std::fs::read_to_string(&log).unwrap();
            assert_eq!(
                log.lines().filter(|l| l.starts_with("host")).count(),
                3,
                "{log}"
            );
            let hex: String = KEY.bytes().map(|b| format!("{b:02x}")).collect();
            assert!(
                !log.contains(KEY) && !log.contains(&hex),
                "the key went over ssh"
            );
        }
    }
}
