//! Bad input is listed with a status and a reason; the scan goes on.

use std::path::Path;

use crate::util::{scan_json, scan_json_meanwhile};

fn record<'a>(r: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    r["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("{name} not listed: {:#}", r["files"]))
}

#[cfg(unix)]
#[test]
fn special_files_are_skipped_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: c is a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let _sock = std::os::unix::net::UnixListener::bind(dir.path().join("sock")).unwrap();
    std::fs::write(dir.path().join("a.txt"), "手机13800138000\n").unwrap();
    let (code, r) = scan_json(&[dir.path().to_str().unwrap(), "/dev/null"]);
    assert_eq!(code, 1);
    assert_eq!(record(&r, "pipe")["status"], "skipped");
    assert!(record(&r, "pipe")["reason"]
        .as_str()
        .unwrap()
        .contains("fifo"));
    assert_eq!(record(&r, "sock")["status"], "skipped");
    assert_eq!(record(&r, "/dev/null")["status"], "skipped");
    assert_eq!(record(&r, "a.txt")["status"], "scanned");
    assert_eq!(r["summary"]["files"]["skipped"], 3);
}

#[cfg(unix)]
#[test]
fn non_utf8_names_are_kept_losslessly() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"bad\xffname\n.txt");
    std::fs::write(dir.path().join(name), "13800138000\n").unwrap();
    let (code, r) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let f = &r["files"][0];
    let hex = f["path_hex"].as_str().expect("path_hex for non-UTF-8 path");
    assert!(hex.ends_with("626164ff6e616d650a2e747874"), "{hex}");
    assert_eq!(f["status"], "scanned");
}

#[cfg(unix)]
#[test]
fn symlinks_are_listed_not_followed_and_dangling_ones_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.txt"), "13800138000\n").unwrap();
    std::os::unix::fs::symlink(dir.path().join("t.txt"), dir.path().join("link")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("dangling")).unwrap();
    let d = dir.path().to_str().unwrap();
    let (_, r) = scan_json(&[d]);
    assert_eq!(record(&r, "link")["status"], "skipped");
    assert!(record(&r, "link")["reason"]
        .as_str()
        .unwrap()
        .contains("symlink"));
    let named = dir.path().join("link");
    let (_, r) = scan_json(&[named.to_str().unwrap()]);
    assert_eq!(
        record(&r, "link")["status"],
        "scanned",
        "a symlink named as a root"
    );
    let (_, r) = scan_json(&["--follow", d]);
    assert_eq!(record(&r, "link")["status"], "scanned");
    assert_eq!(record(&r, "dangling")["status"], "error");
    assert_eq!(r["findings"].as_array().unwrap().len(), 2);
}

#[test]
fn binary_and_nul_files_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = vec![0u8; 5000];
    bin.extend_from_slice(b"\x01\x02 13800138000 \xff\xfe");
    bin.extend((0..=255u8).cycle().take(70_000));
    std::fs::write(dir.path().join("blob.bin"), &bin).unwrap();
    std::fs::write(dir.path().join("nul.bin"), vec![0u8; 100_000]).unwrap();
    let (code, r) = scan_json(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(record(&r, "blob.bin")["content"], "binary");
    assert_eq!(record(&r, "blob.bin")["findings"], 1);
    assert_eq!(record(&r, "nul.bin")["findings"], 0);
    assert_eq!(record(&r, "nul.bin")["status"], "scanned");
}

#[test]
fn gitignore_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join(".gitignore"), "secret.txt\n").unwrap();
    std::fs::write(d.join("secret.txt"), "13800138000\n").unwrap();
    std::fs::write(d.join(".hidden.txt"), "13900139000\n").unwrap();
    let (_, all) = scan_json(&[d.to_str().unwrap()]);
    assert_eq!(all["findings"].as_array().unwrap().len(), 2);
    let (_, ci) = scan_json(&["--gitignore", d.to_str().unwrap()]);
    let paths = crate::util::file_paths(&ci);
    assert!(
        !paths.iter().any(|p| Path::new(p).ends_with("secret.txt")),
        "{paths:?}"
    );
    assert_eq!(ci["findings"].as_array().unwrap().len(), 1);
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_that_fails_to_read_is_an_error_and_the_scan_goes_on() {
    // Reading /proc/self/mem at offset 0 fails with EIO: a real read error, even as root.
    let (code, r) = scan_json(&["/proc/self/mem", "testdata/prose.txt"]);
    assert_eq!(code, 1, "findings in the readable file");
    let mem = record(&r, "/proc/self/mem");
    assert_eq!(mem["status"], "error");
    assert!(
        mem["reason"].as_str().unwrap().contains("read error"),
        "{mem}"
    );
    assert!(
        mem["sha256"].is_null(),
        "no hash of bytes that were not all read"
    );
    assert_eq!(record(&r, "prose.txt")["status"], "scanned");
    assert_eq!(r["summary"]["files"]["error"], 1);
}

/// Runs `piiscan scan -f json -q ARGS` with a hang guard (not a speed test).
fn scan_guarded(args: &[&str], secs: u64) -> (i32, serde_json::Value) {
    let out = crate::util::piiscan()
        .args(["scan", "-f", "json", "-q"])
        .args(args)
        .timeout(std::time::Duration::from_secs(secs))
        .output()
        .expect("runs");
    let r = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no report ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), r)
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_with_or_without_follow() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/t.txt"), "13800138000\n").unwrap();
    std::os::unix::fs::symlink(d, d.join("sub/up")).unwrap(); // a directory loop
    std::os::unix::fs::symlink(d.join("b"), d.join("a")).unwrap(); // a <-> b
    std::os::unix::fs::symlink(d.join("a"), d.join("b")).unwrap();
    let root = d.to_str().unwrap();
    let (code, r) = scan_guarded(&[root], 60);
    assert_eq!(code, 1);
    assert_eq!(record(&r, "sub/t.txt")["status"], "scanned");
    assert_eq!(record(&r, "sub/up")["status"], "skipped");
    let (code, r) = scan_guarded(&["--follow", root], 60);
    assert_eq!(code, 1);
    assert_eq!(r["findings"].as_array().unwrap().len(), 1, "the file once");
    for name in ["/a", "/b"] {
        assert_eq!(record(&r, name)["status"], "error", "{name}");
    }
    let loops: Vec<&serde_json::Value> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["reason"].as_str().is_some_and(|s| s.contains("loop")))
        .collect();
    assert!(
        !loops.is_empty(),
        "the directory loop is reported: {:#}",
        r["files"]
    );
}

#[test]
fn a_device_named_on_the_command_line_is_not_read() {
    // /dev/zero never ends: reading it would hang.
    let (code, r) = scan_guarded(&["/dev/zero", "/dev/urandom"], 60);
    assert_eq!(code, 0);
    for name in ["/dev/zero", "/dev/urandom"] {
        let f = record(&r, name);
        assert_eq!(f["status"], "skipped");
        assert!(f["reason"].as_str().unwrap().contains("device"), "{f}");
    }
}

#[test]
fn folders_nested_1000_deep_and_100000_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut deep = dir.path().join("deep");
    for _ in 0..1000 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("bottom.txt"), "手机13800138000\n").unwrap();
    let many = dir.path().join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..100_000 {
        std::fs::File::create(many.join(format!("{i:06}"))).unwrap();
    }
    let (code, r) = scan_guarded(&[dir.path().to_str().unwrap()], 600);
    assert_eq!(code, 1);
    assert_eq!(r["summary"]["files"]["total"], 100_001);
    assert_eq!(r["summary"]["files"]["scanned"], 100_001);
    assert_eq!(record(&r, "bottom.txt")["findings"], 1);
}

#[cfg(target_os = "linux")]
#[test]
fn an_unlistable_folder_is_an_error_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("x.txt"), "13800138000\n").unwrap();
    std::fs::write(dir.path().join("ok.txt"), "13900139000\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Permissions do not bind root: as root, scan as `nobody` (util-linux setpriv), with
    // a copy of the binary `nobody` can reach wherever the checkout is.
    let tools = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tools.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = tools.path().join("piiscan");
    std::fs::copy(assert_cmd::cargo::cargo_bin("piiscan"), &bin).unwrap();
    let root = dir.path().to_str().unwrap();
    let args = ["scan", "-f", "json", "-q", root];
    // SAFETY: geteuid has no preconditions.
    let out = if unsafe { libc::geteuid() } == 0 {
        std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin)
            .args(args)
            .output()
            .expect("setpriv (util-linux) runs")
    } else {
        std::process::Command::new(&bin)
            .args(args)
            .output()
            .unwrap()
    };
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no report ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(1));
    let l = record(&r, "locked");
    assert_eq!(l["status"], "error", "{l}");
    assert!(l["reason"].as_str().unwrap().contains("permission"), "{l}");
    assert_eq!(record(&r, "ok.txt")["status"], "scanned");
}

#[cfg(unix)]
#[test]
fn a_sparse_4_gib_file_and_a_1_gib_line_are_scanned_to_the_end() {
    use std::io::{Seek, SeekFrom, Write};
    let dir = tempfile::tempdir().unwrap();
    let sparse = dir.path().join("sparse.img");
    let mut f = std::fs::File::create(&sparse).unwrap();
    f.set_len(4 << 30).unwrap();
    let at = [0u64, 1 << 30, (3 << 30) + 12345, (4 << 30) - 40];
    for &o in &at {
        f.seek(SeekFrom::Start(o)).unwrap();
        f.write_all(b" 13800138000 ").unwrap();
    }
    drop(f);
    // One line of 1 GiB: no newline anywhere, an item at each end.
    let line = dir.path().join("line.txt");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&line).unwrap());
    f.write_all(b"13900139000 ").unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..1024 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b" 13700137000").unwrap();
    drop(f);
    let (code, r) = scan_guarded(&[sparse.to_str().unwrap(), line.to_str().unwrap()], 900);
    assert_eq!(code, 1);
    let offsets: Vec<u64> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["path"].as_str().unwrap().ends_with("sparse.img"))
        .map(|x| x["offset"].as_u64().unwrap())
        .collect();
    assert_eq!(offsets, at.map(|o| o + 1));
    assert_eq!(record(&r, "sparse.img")["size"], 4u64 << 30);
    let l = record(&r, "line.txt");
    assert_eq!(l["findings"], 2);
    let last = r["findings"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["line"], 1);
}

#[test]
fn files_deleted_while_the_scan_runs_are_errors_or_absent_never_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<_> = (0..3000)
        .map(|i| {
            let p = dir.path().join(format!("f{i:04}.txt"));
            std::fs::write(&p, format!("手机{}\n", 13800000000u64 + i)).unwrap();
            p
        })
        .collect();
    let deleter = std::thread::spawn(move || {
        for p in paths.iter().rev() {
            let _ = std::fs::remove_file(p);
        }
    });
    let (code, r) = scan_guarded(&[dir.path().to_str().unwrap()], 120);
    deleter.join().unwrap();
    assert!(code == 0 || code == 1, "exit {code}");
    for f in r["files"].as_array().unwrap() {
        match f["status"].as_str().unwrap() {
            "scanned" => {}
            "error" => assert!(f["reason"].as_str().unwrap().contains("not found"), "{f}"),
            s => panic!("unexpected status {s}: {f}"),
        }
    }
}

#[test]
fn a_file_cut_short_while_it_is_mapped_is_a_read_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shrinking.log");
    let line = "2026-01-01 user phone 13912345678 ok\n".repeat(1 << 10);
    std::fs::write(&path, line.repeat(1024)).unwrap(); // 76 MiB: mapped batch by batch
                                                       // Cut a megabyte off every millisecond while the scan runs: the pages past the end go
                                                       // from the mappings, and reading them raises SIGBUS.
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let mut len = f.metadata().unwrap().len();
    let (status, r) = scan_json_meanwhile(dir.path(), "shrinking.log", || {
        len = len.saturating_sub(1 << 20);
        f.set_len(len).unwrap();
    });
    assert!(matches!(status.code(), Some(0 | 1)), "{status:?}");
    let rec = record(&r, "shrinking.log");
    let reason = rec["reason"].as_str().unwrap_or_default();
    // Cut while mapped (a read error at the new end), or before or after (then the size or
    // mtime differs after reading).
    let cut = rec["status"] == "error" && reason.contains("cut short during the scan");
    assert!(cut || rec["changed_during_scan"] == true, "{rec}");
    if cut {
        assert!(rec["sha256"].is_null(), "{rec}");
    }
}

#[test]
fn control_characters_in_names_are_escaped_in_text_output() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\u{1b}[31mred\nfake line.txt";
    std::fs::write(dir.path().join(name), "13800138000\n").unwrap();
    let out = crate::util::piiscan()
        .args(["scan", "-f", "text", "-q", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(
        text.contains("evil\\u{1b}[31mred\\nfake line.txt"),
        "{text}"
    );
    let (_, r) = scan_json(&[dir.path().to_str().unwrap()]);
    assert!(
        r["files"][0]["path"].as_str().unwrap().ends_with(name),
        "lossless in JSON"
    );
}
