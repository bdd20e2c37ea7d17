//! Bad input is listed with a status and a reason; the scan goes on.

use std::path::Path;

use crate::util::scan_json;

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
    let paths: Vec<&str> = ci["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
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
