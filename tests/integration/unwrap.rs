//! Archives, compressed streams, office files, SQLite and text encodings
//! (`testdata/unwrap/`, written by `tests/data/generate_unwrap.py`, partly with xz, zstd
//! and 7z; bombs in `testdata/bombs/`, by `make_bombs.py`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::util::{items, piiscan, read_truth, scan_json, testdata, Item, TRUTH_TYPES};

fn unwrap_truth() -> BTreeSet<Item> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut t = read_truth(&dir.join("unwrap_truth.tsv"));
    // Spreadsheet numbers (make_numbers.py): the truncated kinds are not among TRUTH_TYPES.
    t.extend(
        read_truth(&dir.join("numbers_truth.tsv"))
            .into_iter()
            .filter(|i| !i.2.ends_with("_truncated")),
    );
    // E-mail (make_mail.py).
    t.extend(read_truth(&dir.join("mail_truth.tsv")));
    // pg_dump -Fc (make_pgdump.py).
    t.extend(read_truth(&dir.join("pgdump_truth.tsv")));
    // RTF (make_rtf.py).
    t.extend(read_truth(&dir.join("rtf_truth.tsv")));
    // PDF (make_pdf.py).
    t.extend(read_truth(&dir.join("pdf_truth.tsv")));
    t
}

fn scan_unwrap(extra: &[&str]) -> Value {
    let mut args = vec![TRUTH_TYPES, "--reveal", "--hash-key", "t"];
    args.extend_from_slice(extra);
    args.push("testdata/unwrap");
    scan_json(&args).1
}

fn file<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("{name} not in report"))
}

fn member<'a>(rec: &'a Value, name: &str) -> &'a Value {
    rec["members"]
        .as_array()
        .unwrap_or_else(|| panic!("no members in {rec}"))
        .iter()
        .find(|m| m["member"] == name)
        .unwrap_or_else(|| panic!("member {name} not in {rec:#}"))
}

#[test]
fn every_item_in_every_format_and_encoding_is_found_exactly() {
    let truth = unwrap_truth();
    assert!(truth.len() > 1000);
    let report = scan_unwrap(&[]);
    // damaged.xlsx has no truth: what its readable XML parts hold is checked below.
    let found: BTreeSet<Item> = items(&report)
        .into_iter()
        .filter(|i| i.0 != "unwrap/damaged.xlsx")
        .collect();
    let missed: Vec<_> = truth.difference(&found).collect();
    let extra: Vec<_> = found.difference(&truth).collect();
    let per_file = |v: &[&Item]| {
        let mut m = BTreeMap::new();
        for i in v {
            *m.entry(i.0.clone()).or_insert(0) += 1;
        }
        m
    };
    assert!(
        missed.is_empty() && extra.is_empty(),
        "missed {:?}: {:#?}\nextra {:?}: {:#?}",
        per_file(&missed),
        &missed[..missed.len().min(20)],
        per_file(&extra),
        &extra[..extra.len().min(20)]
    );
}

#[test]
fn encodings_are_detected_and_recorded_on_files_and_findings() {
    let report = scan_unwrap(&[]);
    for (name, enc) in [
        ("gbk.csv", "gb18030"),
        ("gb18030.txt", "gb18030"),
        ("utf8_bom.csv", "utf-8"),
        ("utf16le_bom.txt", "utf-16le"),
        ("utf16le.txt", "utf-16le"),
        ("utf16be_bom.txt", "utf-16be"),
        ("utf16be.txt", "utf-16be"),
        ("mixed.txt", "utf-8"),
        ("broken_utf16le.txt", "utf-16le"),
    ] {
        let rec = file(&report, &format!("unwrap/{name}"));
        assert_eq!(rec["encoding"], enc, "{name}");
        assert!(rec["findings"].as_u64().unwrap() > 20, "{name}");
    }
    let zip = file(&report, "unwrap/bundle.zip");
    assert_eq!(member(zip, "gbk/c.csv")["encoding"], "gb18030");
    assert_eq!(member(zip, "d_utf16.txt")["encoding"], "utf-16le");
    for f in report["findings"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        if path.ends_with("utf16be.txt") {
            assert_eq!(f["encoding"], "utf-16be");
        }
        if path.ends_with("gbk.csv") {
            assert_eq!(f["encoding"], "gb18030");
        }
    }
}

/// The bytes of `member` (levels joined by `!`) inside `outer`, unpacked with the
/// crates directly.
fn member_bytes(outer: Vec<u8>, member: &str) -> Vec<u8> {
    let mut bytes = outer;
    for part in member.split('!') {
        bytes = if let Some(out) = decompressed(&bytes) {
            out
        } else if bytes.starts_with(b"7z\xBC\xAF\x27\x1C") {
            let mut ar = sevenz_rust2::ArchiveReader::new(
                Cursor::new(&bytes),
                sevenz_rust2::Password::empty(),
            )
            .unwrap();
            ar.read_file(part).unwrap()
        } else if bytes.starts_with(b"PGDMP") {
            // A table's COPY statement, then its data.
            let mut ar = pgdumpx::Archive::open(Cursor::new(&bytes)).unwrap();
            let e = ar
                .entries()
                .iter()
                .find(|e| {
                    let ns = String::from_utf8_lossy(e.namespace_bytes().unwrap_or(b""));
                    let name = String::from_utf8_lossy(e.name().as_bytes());
                    e.description_bytes() == b"TABLE DATA" && format!("{ns}.{name}") == part
                })
                .unwrap();
            let (id, mut out) = (e.id(), e.copy_statement().unwrap().as_bytes().to_vec());
            let mut data = ar.entry_reader(id).unwrap().unwrap();
            data.read_to_end(&mut out).unwrap();
            out
        } else if bytes.starts_with(&[0x1F, 0x8B]) {
            // A damaged stream (badcrc.gz) still gives the bytes before the damage.
            let mut out = Vec::new();
            let _ = flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_end(&mut out);
            out
        } else if bytes.starts_with(b"PK") {
            let mut out = Vec::new();
            if let Ok(mut ar) = zip::ZipArchive::new(Cursor::new(&bytes)) {
                let _ = ar.by_name(part).unwrap().read_to_end(&mut out);
            } else {
                // No central directory (truncated.zip): the local headers.
                let mut r = &bytes[..];
                while let Ok(Some(mut f)) = zip::read::read_zipfile_from_stream(&mut r) {
                    if f.name() == part {
                        let _ = f.read_to_end(&mut out);
                        break;
                    }
                    let _ = std::io::copy(&mut f, &mut std::io::sink());
                }
            }
            out
        } else {
            let mut ar = tar::Archive::new(&bytes[..]);
            let mut out = Vec::new();
            for e in ar.entries().unwrap() {
                let mut e = e.unwrap();
                if e.path().unwrap().to_str() == Some(part) {
                    e.read_to_end(&mut out).unwrap();
                    break;
                }
            }
            out
        };
    }
    bytes
}

/// The decompressed bytes of an xz, lzma or zstd stream (every stream or frame), read
/// with the crates directly; `None` for other bytes.
fn decompressed(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    if bytes.starts_with(b"\xFD7zXZ\0") {
        lzma_rust2::XzReader::new(bytes, true)
            .read_to_end(&mut out)
            .unwrap();
    } else if bytes.starts_with(&[0x5D, 0, 0]) {
        lzma_rust2::LzmaReader::new_mem_limit(bytes, u32::MAX, None)
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
    } else if bytes.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) || bytes.starts_with(b"\x50\x2A\x4D\x18")
    {
        out = vec![0; 1 << 24];
        let n = ruzstd::decoding::FrameDecoder::new()
            .decode_all(bytes, &mut out)
            .unwrap();
        out.truncate(n);
    } else {
        return None;
    }
    Some(out)
}

fn decode(enc: &str, raw: &[u8]) -> String {
    let codec = match enc {
        "utf-16le" => encoding_rs::UTF_16LE,
        "utf-16be" => encoding_rs::UTF_16BE,
        "gb18030" => encoding_rs::GB18030,
        _ => encoding_rs::UTF_8,
    };
    codec.decode_without_bom_handling(raw).0.into_owned()
}

/// Markup removed and entities resolved (an item split across docx runs).
fn xml_text(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

#[test]
fn offsets_point_at_the_raw_bytes_of_files_and_decompressed_members() {
    let report = scan_unwrap(&[]);
    let mut checked = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        if f.get("cell").is_some() {
            continue; // spreadsheet cells: located by cell (checked below)
        }
        let path = f["path"].as_str().unwrap();
        if path.contains("unwrap/mail") || path.ends_with(".rtf") || path.ends_with(".pdf") {
            // Decoded e-mail parts: their offsets are in mail_truth.tsv; RTF, where control
            // words may stand between an item's characters: in rtf_truth.tsv; PDF pages,
            // offsets into their decoded text: in pdf_truth.tsv.
            continue;
        }
        let mut bytes = std::fs::read(path).unwrap();
        if let Some(m) = f["member"].as_str() {
            bytes = member_bytes(bytes, m);
        }
        let off = f["offset"].as_u64().unwrap() as usize;
        let len = f["length"].as_u64().unwrap() as usize;
        let enc = f["encoding"].as_str().unwrap();
        let mut text = decode(enc, &bytes[off..off + len]);
        if f["member"].as_str().is_some_and(|m| m.ends_with(".xml")) {
            text = xml_text(&text);
        }
        let value = f["value"].as_str().unwrap().to_ascii_lowercase();
        let folded: String = piiscan::check::fold(&text)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let want: String = value
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            folded.contains(want.trim_start_matches('0')),
            "{path} {:?} @{off}+{len} ({enc}): {text:?} does not hold the value",
            f["member"]
        );
        *checked.entry(enc.to_string()).or_insert(0) += 1;
    }
    for enc in ["utf-8", "utf-16le", "utf-16be", "gb18030", "binary"] {
        assert!(checked.get(enc).copied().unwrap_or(0) > 10, "{checked:?}");
    }
}

/// The members of `dump.tar.gz` (and of the same tar in xz and zstd), every level.
const DUMP_MEMBERS: [&str; 5] = [
    "dump.tar",
    "dump.tar!sql/a.sql",
    "dump.tar!logs/app.log",
    "dump.tar!inner.csv.gz",
    "dump.tar!inner.csv.gz!inner.csv",
];

#[test]
fn members_are_listed_with_their_size_and_hash() {
    let report = scan_unwrap(&[]);
    let zip = file(&report, "unwrap/bundle.zip");
    let bytes = std::fs::read(testdata().join("unwrap/bundle.zip")).unwrap();
    for name in ["a.txt", "b.csv", "gbk/c.csv", "d_utf16.txt", "empty.txt"] {
        let m = member(zip, name);
        let data = member_bytes(bytes.clone(), name);
        assert_eq!(m["size"].as_u64().unwrap(), data.len() as u64, "{name}");
        let hash: String = Sha256::digest(&data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(m["sha256"], hash.as_str(), "{name}");
        assert_eq!(m["status"], "scanned");
    }
    // Nested levels are joined by `!` and each level is listed.
    let tgz = file(&report, "unwrap/dump.tar.gz");
    for name in DUMP_MEMBERS {
        assert_eq!(member(tgz, name)["status"], "scanned", "{name}");
    }
    assert_eq!(member(tgz, "dump.tar")["content"], "tar");
    // The file's own hash is of its bytes on disk.
    let hash: String =
        Sha256::digest(std::fs::read(testdata().join("unwrap/dump.tar.gz")).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
    assert_eq!(tgz["sha256"], hash.as_str());
    assert_eq!(tgz["content"], "gzip");
}

#[test]
fn office_files_give_cells_and_document_parts() {
    let report = scan_unwrap(&[]);
    let xlsx = file(&report, "unwrap/book.xlsx");
    assert_eq!(xlsx["content"], "xlsx");
    assert!(member(xlsx, "客户")["findings"].as_u64().unwrap() > 100);
    let docx = file(&report, "unwrap/letter.docx");
    assert_eq!(docx["content"], "docx");
    assert!(
        member(docx, "word/document.xml")["findings"]
            .as_u64()
            .unwrap()
            > 20
    );
    let cells: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with("book.xlsx"))
        .map(|f| f["cell"].as_str().expect("a cell for each sheet finding"))
        .collect();
    assert!(cells.contains("B2"), "{cells:?}");
}

#[test]
fn sqlite_values_are_split_and_attributed_to_tables_or_marked_deleted() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/unwrap_truth.tsv"),
    )
    .unwrap();
    // (offset, type) → `table=…` or `deleted`
    let want: BTreeMap<(u64, String), String> = text
        .lines()
        .filter(|l| l.starts_with("unwrap/contacts.db\t"))
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            ((c[5].parse().unwrap(), c[3].to_string()), c[7].to_string())
        })
        .collect();
    assert!(want.values().filter(|w| *w == "deleted").count() > 100);
    let (_, report) = scan_json(&["testdata/unwrap/contacts.db"]);
    let mut seen = 0;
    for f in report["findings"].as_array().unwrap() {
        let key = (
            f["offset"].as_u64().unwrap(),
            f["type"].as_str().unwrap().to_string(),
        );
        let Some(w) = want.get(&key) else { continue };
        let d = &f["details"]["sqlite"];
        match w.strip_prefix("table=") {
            Some(table) => {
                assert_eq!(d["table"], table, "{key:?}");
                assert!(d.get("deleted").is_none() && d.get("unallocated").is_none());
            }
            None => assert!(
                d["deleted"] == true || d["unallocated"] == true,
                "{key:?} is deleted: {d}"
            ),
        }
        seen += 1;
    }
    assert_eq!(seen, want.len());
}

#[test]
fn damaged_containers_are_errors_and_their_readable_members_are_scanned() {
    let report = scan_unwrap(&[]);
    let trunc = file(&report, "unwrap/truncated.zip");
    assert_eq!(trunc["status"], "error");
    assert!(trunc["reason"].as_str().unwrap().contains("zip"));
    assert_eq!(member(trunc, "part1.txt")["status"], "scanned");
    assert_eq!(member(trunc, "part2.txt")["status"], "scanned");
    assert_eq!(member(trunc, "part3.txt")["status"], "error");
    assert!(trunc["findings"].as_u64().unwrap() >= 14);

    let gz = file(&report, "unwrap/badcrc.gz");
    assert_eq!(gz["status"], "error");
    assert!(gz["reason"].as_str().unwrap().contains("checksum"), "{gz}");
    assert_eq!(gz["findings"].as_u64().unwrap(), 13);

    let xlsx = file(&report, "unwrap/damaged.xlsx");
    assert_eq!(xlsx["status"], "error");
    assert!(xlsx["reason"]
        .as_str()
        .unwrap()
        .contains("XML parts were scanned"));
    assert!(xlsx["findings"].as_u64().unwrap() > 50);
}

#[test]
fn the_depth_and_member_limits_skip_what_is_beyond_them() {
    let (_, report) = scan_json(&["--max-archive-depth", "3", "testdata/unwrap/depth.zip"]);
    let rec = &report["files"][0];
    let deep = member(rec, "l1.zip!l2.zip!l3.zip");
    assert_eq!(deep["status"], "skipped");
    assert!(deep["reason"]
        .as_str()
        .unwrap()
        .contains("--max-archive-depth"));
    assert_eq!(rec["findings"].as_u64().unwrap(), 3, "levels 0 to 2");

    let (_, report) = scan_json(&["--max-members", "2", "testdata/unwrap/bundle.zip"]);
    let rec = &report["files"][0];
    assert_eq!(rec["status"], "skipped");
    assert!(rec["reason"].as_str().unwrap().contains("--max-members"));
    assert_eq!(rec["members"].as_array().unwrap().len(), 2);
}

#[test]
fn standard_input_is_unpacked_too() {
    let gz = std::fs::read(testdata().join("unwrap/users.csv.gz")).unwrap();
    let out = piiscan()
        .args(["scan", "-q", "-f", "json", TRUTH_TYPES, "-"])
        .write_stdin(gz)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["files"][0]["findings"], 75);
    assert_eq!(report["findings"][0]["member"], "users.csv");
}

/// Runs a scan of `path` and returns its report and how long it took (a guard against
/// a hang, not a speed test).
fn scan_bounded(path: &str) -> (Value, Duration) {
    let t = Instant::now();
    let out = piiscan()
        .args(["scan", "-q", "-f", "json", TRUTH_TYPES, path])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).expect("a report, not a hang");
    (report, t.elapsed())
}

#[test]
fn decompression_bombs_stop_at_a_limit_and_the_scan_goes_on() {
    for name in [
        "zipbomb.zip",
        "gzbomb.gz",
        "nest.zip",
        "xzbomb.xz",
        "bomb.7z",
    ] {
        let (report, _) = scan_bounded(&format!("testdata/bombs/{name}"));
        let rec = &report["files"][0];
        let text = rec.to_string();
        assert!(
            text.contains("limit:"),
            "{name}: no limit recorded: {text:.2000}"
        );
        let members = rec["members"].as_array().unwrap();
        assert!(
            members.iter().any(|m| m["status"] == "skipped"),
            "{name}: a member is skipped"
        );
        assert!(members.len() < 5000, "{name}: {} members", members.len());
    }
}

/// (ID, mobile, e-mail) rows that are valid items, for databases made in a test.
fn people(n: usize) -> Vec<(String, String, String)> {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    (0..n)
        .map(|i| {
            let body = format!("1101051985{:02}{:02}{:03}", 1 + i % 12, 1 + i % 28, 100 + i);
            let sum: u32 = body
                .chars()
                .zip(W)
                .map(|(c, w)| c.to_digit(10).unwrap() * w)
                .sum();
            let check = b"10X98765432"[(sum % 11) as usize] as char;
            (
                format!("{body}{check}"),
                format!("139{:08}", 10_000_000 + i * 7919),
                format!("user{i}@example.com.cn"),
            )
        })
        .collect()
}

#[test]
fn sqlite_in_utf16_and_rows_only_in_the_write_ahead_log_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let rows = people(25);
    // A contacts table after `pragmas`, holding `rows`; the connection stays open.
    let make = |path: &Path, pragmas: &str| {
        let c = rusqlite::Connection::open(path).unwrap();
        c.execute_batch(&format!(
            "{pragmas} CREATE TABLE contacts(id INTEGER PRIMARY KEY, id_number TEXT, mobile TEXT, email TEXT);"
        ))
        .unwrap();
        for r in &rows {
            c.execute(
                "INSERT INTO contacts(id_number, mobile, email) VALUES (?1, ?2, ?3)",
                [&r.0, &r.1, &r.2],
            )
            .unwrap();
        }
        c
    };
    // A database whose text is stored as UTF-16LE.
    let db16 = dir.path().join("utf16.db");
    drop(make(&db16, "PRAGMA encoding = 'UTF-16le';"));
    // A database in WAL mode whose rows are only in the log: copied while open.
    let live = dir.path().join("live");
    std::fs::create_dir(&live).unwrap();
    let c = make(
        &live.join("chat.db"),
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;",
    );
    let seized = dir.path().join("seized");
    std::fs::create_dir(&seized).unwrap();
    for name in ["chat.db", "chat.db-wal"] {
        std::fs::copy(live.join(name), seized.join(name)).unwrap();
    }
    drop(c);

    let (_, report) = scan_json(&["--reveal", db16.to_str().unwrap(), seized.to_str().unwrap()]);
    let findings = report["findings"].as_array().unwrap();
    let raw16 = std::fs::read(&db16).unwrap();
    for r in &rows {
        for v in [&r.0, &r.1, &r.2] {
            let in16: Vec<&Value> = findings
                .iter()
                .filter(|f| {
                    f["path"].as_str().unwrap().ends_with("utf16.db") && f["value"] == v.as_str()
                })
                .collect();
            assert_eq!(in16.len(), 1, "{v} in the UTF-16 database");
            let f = in16[0];
            assert_eq!(f["details"]["sqlite"]["table"], "contacts");
            let off = f["offset"].as_u64().unwrap() as usize;
            let len = f["length"].as_u64().unwrap() as usize;
            let text = encoding_rs::UTF_16LE
                .decode_without_bom_handling(&raw16[off..off + len])
                .0;
            assert_eq!(text, v.as_str(), "offset of {v}");
            let in_wal: Vec<&Value> = findings
                .iter()
                .filter(|f| {
                    f["path"].as_str().unwrap().ends_with("chat.db-wal") && f["value"] == v.as_str()
                })
                .collect();
            assert_eq!(
                in_wal.len(),
                1,
                "{v} once in the log, however many frames hold its page"
            );
            let d = &in_wal[0]["details"]["sqlite"];
            assert!(d["wal_frame"].as_u64().is_some() && d["wal_copies"].as_u64().unwrap() >= 1);
            assert_eq!(
                d["table"], "contacts",
                "named from the database beside the log"
            );
        }
    }
    let wal = file(&report, "chat.db-wal");
    assert_eq!(wal["content"], "sqlite-wal");
    // SQLite wrote nothing beside the evidence (no -shm, no journal).
    let names: BTreeSet<String> = std::fs::read_dir(&seized)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["chat.db".into(), "chat.db-wal".into()])
    );
}

#[test]
fn docx_hyperlink_targets_are_scanned() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("links.docx");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("word/document.xml", opts).unwrap();
    z.write_all(br#"<w:document><w:body><w:p><w:hyperlink r:id="rId9"><w:r><w:t>mail me</w:t></w:r></w:hyperlink></w:p></w:body></w:document>"#)
        .unwrap();
    z.start_file("word/_rels/document.xml.rels", opts).unwrap();
    z.write_all(br#"<Relationships><Relationship Id="rId9" Type="hyperlink" Target="mailto:zhang.wei@example.com.cn" TargetMode="External"/></Relationships>"#)
        .unwrap();
    z.finish().unwrap();
    let (_, r) = scan_json(&["--reveal", path.to_str().unwrap()]);
    let f = &r["findings"][0];
    assert_eq!(f["value"], "zhang.wei@example.com.cn");
    assert_eq!(f["member"], "word/_rels/document.xml.rels");
}

#[test]
fn sqlite_values_on_overflow_pages_are_found_with_their_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.db");
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch("CREATE TABLE notes(id INTEGER PRIMARY KEY, content TEXT);")
        .unwrap();
    let rows = people(40);
    // One long note (spread over several overflow pages) holding every item.
    let mut note = String::new();
    for (i, r) in rows.iter().enumerate() {
        note.push_str(&format!(
            "第{i}条：身份证号{}，手机{}，邮箱{}。{}\n",
            r.0,
            r.1,
            r.2,
            "备注".repeat(40)
        ));
    }
    assert!(note.len() > 3 * 4096);
    c.execute("INSERT INTO notes(content) VALUES (?1)", [&note])
        .unwrap();
    drop(c);
    let (_, report) = scan_json(&["--reveal", db.to_str().unwrap()]);
    let raw = std::fs::read(&db).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let mut exact = 0;
    for r in &rows {
        for v in [&r.0, &r.1, &r.2] {
            let hits: Vec<&Value> = findings
                .iter()
                .filter(|f| f["value"] == v.as_str())
                .collect();
            assert_eq!(hits.len(), 1, "{v} once");
            let f = hits[0];
            assert_eq!(f["details"]["sqlite"]["column"], "content", "{v}");
            let off = f["offset"].as_u64().unwrap() as usize;
            // The offset is the item's first byte; an item cut by a page boundary
            // continues on the next page of the chain.
            assert_eq!(raw[off], v.as_bytes()[0], "{v} at {off}");
            if raw[off..].starts_with(v.as_bytes()) {
                exact += 1;
            }
        }
    }
    assert!(exact >= 110, "{exact} of 120 lie in one piece");
}

#[test]
fn dense_members_hand_out_their_findings_and_the_report_keeps_its_order() {
    // A zip whose members come in archive order z.csv, a.csv, inner.gz (holding b.csv by
    // its header's name): z.csv and b.csv hold more findings than are held before they
    // are handed out. The report lists them by member, then line, with the findings and
    // counts a scan of the files themselves gives.
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let table = |n: u32, from: u32| -> String {
        (0..n)
            .map(|i| {
                format!(
                    "{i},user,1380013{:04},u{i}@example.com\n",
                    (from + i) % 10_000
                )
            })
            .collect()
    };
    let members = [
        ("z.csv", table(6000, 0)),
        ("a.csv", table(10, 77)),
        ("b.csv", table(5000, 3000)),
    ];
    let mut gz = flate2::GzBuilder::new()
        .filename("b.csv")
        .write(Vec::new(), flate2::Compression::fast());
    gz.write_all(members[2].1.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, text) in &members[..2] {
        zip.start_file(*name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("inner.gz", opts).unwrap();
    zip.write_all(&gz).unwrap();
    std::fs::write(d.join("x.zip"), zip.finish().unwrap().into_inner()).unwrap();
    for (name, text) in &members {
        std::fs::write(d.join(name), text).unwrap();
    }
    let scan = |path: &Path| -> Value {
        let out = piiscan()
            .args(["scan", "-q", "-f", "json", "--hash-key", "k"])
            .arg(path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let key = |f: &Value| {
        (
            f["type"].to_string(),
            f["value"].to_string(),
            f["offset"].as_u64(),
            f["line"].as_u64(),
            f["column"].as_u64(),
            f["context"].to_string(),
        )
    };
    let r = scan(&d.join("x.zip"));
    let found = r["findings"].as_array().unwrap();
    let order: Vec<(String, u64, u64)> = found
        .iter()
        .map(|f| {
            let m = f["member"].as_str().unwrap().to_string();
            (
                m,
                f["line"].as_u64().unwrap(),
                f["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert!(order == sorted, "findings in order by member, line, offset");
    let mut total = 0;
    for (name, member) in [
        ("a.csv", "a.csv"),
        ("b.csv", "inner.gz!b.csv"),
        ("z.csv", "z.csv"),
    ] {
        let alone = scan(&d.join(name));
        let want: Vec<_> = alone["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(key)
            .collect();
        let got: Vec<_> = found
            .iter()
            .filter(|f| f["member"] == member)
            .map(key)
            .collect();
        assert!(want.len() >= 20);
        assert!(got == want, "{member}");
        let rec = file(&r, "x.zip")["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["member"] == member)
            .unwrap();
        assert_eq!(rec["findings"], want.len(), "{member}");
        total += want.len();
    }
    assert_eq!(file(&r, "x.zip")["findings"], total);
    assert_eq!(found.len(), total);
    let inner = file(&r, "x.zip")["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["member"] == "inner.gz")
        .unwrap();
    assert_eq!(inner["findings"], 10_000);
}

/// A tar compressed with bzip2 (the `.tar.bz2` of GNU tar `-j`), made here: its members
/// are listed under the bzip2 stream, and each finding names the member and its offset in
/// the decompressed member.
#[test]
fn bzip2_streams_and_the_tar_inside_them_are_unpacked() {
    use std::io::Write;
    let csv = "name,mobile,id\n张三,13800138000,11010519491231002X\n";
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(csv.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "users.csv", csv.as_bytes())
        .unwrap();
    let tar = tar.into_inner().unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    bz.write_all(&tar).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users.tar.bz2");
    std::fs::write(&path, bz.finish().unwrap()).unwrap();

    let (code, r) = scan_json(&["--reveal", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    let rec = &r["files"][0];
    assert_eq!(rec["content"], "bzip2");
    assert_eq!(rec["sha256"].as_str().map(str::len), Some(64));
    let inner = member(rec, "users.tar");
    assert_eq!(inner["content"], "tar");
    assert_eq!(member(rec, "users.tar!users.csv")["status"], "scanned");
    let found: Vec<(&str, &str, u64)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["member"].as_str().unwrap(),
                f["value"].as_str().unwrap(),
                f["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let at = |s: &str| csv.find(s).unwrap() as u64;
    assert_eq!(
        found,
        [
            ("users.tar!users.csv", "张三", at("张三")),
            ("users.tar!users.csv", "13800138000", at("138")),
            ("users.tar!users.csv", "11010519491231002X", at("110105"))
        ]
    );
}

/// (member, type, value, offset) of every finding in the file named `name`.
fn found_in(report: &Value, name: &str) -> BTreeSet<(String, String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with(name))
        .map(|f| {
            (
                f["member"].as_str().unwrap_or("").to_string(),
                f["type"].as_str().unwrap().to_string(),
                f["value"].as_str().unwrap().to_string(),
                f["offset"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// xz, lzma and zstd streams made by `xz` and `zstd`/`pzstd` from the bytes inside
/// `users.csv.gz` and `dump.tar.gz` give the same members and the same findings at the
/// same offsets (the two-frame zstd stream is one member, as `zstd -dc` reads it).
#[test]
fn xz_lzma_and_zstd_streams_give_the_members_and_offsets_of_the_same_bytes_in_gzip() {
    let report = scan_unwrap(&[]);
    let users = found_in(&report, "unwrap/users.csv.gz");
    assert_eq!(users.len(), 75);
    for (name, content) in [
        ("users.csv.xz", "xz"),
        ("users.csv.lzma", "lzma"),
        ("users.csv.zst", "zstd"),
    ] {
        let rec = file(&report, &format!("unwrap/{name}"));
        assert_eq!(rec["content"], content, "{name}");
        assert_eq!(rec["status"], "scanned", "{name}");
        let m = member(rec, "users.csv");
        assert_eq!(m["status"], "scanned", "{name}");
        assert_eq!(
            m["sha256"],
            member(file(&report, "unwrap/users.csv.gz"), "users.csv")["sha256"]
        );
        assert_eq!(
            found_in(&report, &format!("unwrap/{name}")),
            users,
            "{name}"
        );
    }
    let dump = found_in(&report, "unwrap/dump.tar.gz");
    assert_eq!(dump.len(), 72);
    for name in ["dump.tar.xz", "dump.tar.zst"] {
        let rec = file(&report, &format!("unwrap/{name}"));
        for m in DUMP_MEMBERS {
            assert_eq!(member(rec, m)["status"], "scanned", "{name} {m}");
        }
        assert_eq!(member(rec, "dump.tar")["content"], "tar");
        assert_eq!(found_in(&report, &format!("unwrap/{name}")), dump, "{name}");
    }
}

/// 7z archives made by 7-Zip: a solid LZMA2 block of three members and a PPMd archive
/// give the findings of the same texts in `bundle.zip` and `dump.tar.gz`; an encrypted
/// block's member and an archive with an encrypted header are skipped as encrypted; a
/// RAR archive is recognised and reported unsupported.
#[test]
fn seven_zip_members_are_read_and_encrypted_ones_listed_and_rar_is_unsupported() {
    let report = scan_unwrap(&[]);
    let zip = found_in(&report, "unwrap/bundle.zip");
    let of = |set: &BTreeSet<(String, String, String, u64)>, m: &[&str]| {
        set.iter()
            .filter(|f| m.contains(&f.0.as_str()))
            .cloned()
            .collect::<BTreeSet<_>>()
    };
    let three = ["a.txt", "b.csv", "gbk/c.csv"];
    let sevenz = file(&report, "unwrap/bundle.7z");
    assert_eq!(sevenz["content"], "7z");
    assert_eq!(sevenz["status"], "scanned");
    assert_eq!(sevenz["members"].as_array().unwrap().len(), 3);
    for m in three {
        assert_eq!(member(sevenz, m)["status"], "scanned", "{m}");
        assert_eq!(
            member(sevenz, m)["sha256"],
            member(file(&report, "unwrap/bundle.zip"), m)["sha256"]
        );
    }
    assert_eq!(member(sevenz, "gbk/c.csv")["encoding"], "gb18030");
    let want = of(&zip, &three);
    assert!(want.len() > 30);
    assert_eq!(found_in(&report, "unwrap/bundle.7z"), want);

    let sql: BTreeSet<_> = found_in(&report, "unwrap/dump.tar.gz")
        .into_iter()
        .filter(|f| f.0 == "dump.tar!sql/a.sql")
        .map(|f| ("a.sql".to_string(), f.1, f.2, f.3))
        .collect();
    assert_eq!(sql.len(), 40);
    assert_eq!(found_in(&report, "unwrap/ppmd.7z"), sql);

    let one = file(&report, "unwrap/one_encrypted.7z");
    assert_eq!(member(one, "a.txt")["status"], "scanned");
    let secret = member(one, "secret.csv");
    assert_eq!(secret["status"], "skipped");
    assert!(secret["reason"].as_str().unwrap().starts_with("encrypted"));
    assert_eq!(
        found_in(&report, "unwrap/one_encrypted.7z"),
        of(&zip, &["a.txt"])
    );

    let hidden = file(&report, "unwrap/secret_header.7z");
    assert_eq!(hidden["status"], "skipped");
    assert!(
        hidden["reason"].as_str().unwrap().starts_with("encrypted"),
        "{hidden}"
    );
    assert!(hidden
        .get("members")
        .is_none_or(|m| m.as_array().unwrap().is_empty()));

    let rar = file(&report, "unwrap/sample.rar");
    assert_eq!(rar["content"], "rar");
    assert_eq!(rar["status"], "skipped");
    assert!(
        rar["reason"].as_str().unwrap().starts_with("unsupported"),
        "{rar}"
    );
}

/// Scans `bytes` written to `name` in a fresh folder.
fn scan_bytes(name: &str, bytes: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    scan_json(&[TRUTH_TYPES, "--reveal", path.to_str().unwrap()]).1
}

/// Cut or damaged xz, zstd and 7z files are errors with a reason, and what could be read
/// before the damage is scanned, with the offsets of the intact file.
#[test]
fn damaged_xz_zstd_and_7z_files_are_errors_and_keep_what_was_readable() {
    let fixture = |n: &str| std::fs::read(testdata().join("unwrap").join(n)).unwrap();
    let intact = scan_unwrap(&[]);
    // A whole xz stream then one cut short (`cat users.csv.xz half-of-dump.tar.xz`): the
    // first stream's bytes are scanned with their offsets. (Within a stream what precedes
    // the damage is kept up to the LZMA2 chunk it lies in, at most 2 MiB of output.)
    let mut bytes = fixture("users.csv.xz");
    let dump = fixture("dump.tar.xz");
    bytes.extend(&dump[..dump.len() / 2]);
    // (name, bytes): a zstd stream cut in its second frame, and one cut in its only one.
    let users = fixture("users.csv.zst");
    let tar = fixture("dump.tar.zst");
    for (name, bytes, kept_at_least) in [
        ("users.csv.xz", bytes, 75),
        ("users.csv.zst", users[..users.len() * 3 / 4].to_vec(), 30),
        ("dump.tar.zst", tar[..tar.len() / 2].to_vec(), 0),
    ] {
        let r = scan_bytes(name, &bytes);
        let rec = &r["files"][0];
        assert_eq!(rec["status"], "error", "{name}: {rec}");
        assert!(
            rec["reason"].as_str().unwrap().contains("read error"),
            "{name}: {rec}"
        );
        let kept = found_in(&r, name);
        assert!(kept.len() >= kept_at_least, "{name}: {}", kept.len());
        assert!(
            kept.is_subset(&found_in(&intact, &format!("unwrap/{name}"))),
            "{name}: the findings and offsets of the intact file"
        );
    }
    // A 7z cut short has lost its header (at the end): its raw bytes are scanned instead.
    let bytes = fixture("bundle.7z");
    let r = scan_bytes("bundle.7z", &bytes[..bytes.len() / 2]);
    let rec = &r["files"][0];
    assert_eq!(rec["status"], "error");
    assert!(
        rec["reason"].as_str().unwrap().contains("damaged 7z"),
        "{rec}"
    );
    // Damage late in a solid block: the members before it are read, the damaged one is
    // an error.
    let mut bytes = fixture("bundle.7z");
    let packed = u64::from_le_bytes(bytes[12..20].try_into().unwrap()) as usize;
    bytes[32 + packed * 9 / 10] ^= 0xFF;
    let r = scan_bytes("bundle.7z", &bytes);
    let rec = &r["files"][0];
    assert_eq!(rec["status"], "error", "{rec}");
    assert_eq!(member(rec, "a.txt")["status"], "scanned");
    assert_eq!(member(rec, "gbk/c.csv")["status"], "error");
    let all = found_in(&intact, "unwrap/bundle.7z");
    let a: BTreeSet<_> = all.iter().filter(|f| f.0 == "a.txt").cloned().collect();
    let kept = found_in(&r, "bundle.7z");
    assert!(a.is_subset(&kept) && kept.is_subset(&all));
}

/// Numbers of more than 15 digits in LibreOffice's xlsx, xls and ods (made by
/// `tests/data/make_numbers.py`): never a valid `cn_id` or `bank_card` (two of them would
/// pass the checksum as another number), reported as the truncated kinds under their
/// column, low, with their cell; mobiles, IDs with `X` and legacy IDs stay exact.
#[test]
fn numbers_cut_by_a_spreadsheet_are_never_valid_ids_or_cards() {
    let truth =
        read_truth(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/numbers_truth.tsv"));
    let (_, report) = scan_json(&[
        "--reveal",
        "testdata/unwrap/numbers.xlsx",
        "testdata/unwrap/numbers.xls",
        "testdata/unwrap/numbers.ods",
    ]);
    // The names of the sheets' name column are `cn_name` findings (kinds.rs tests names).
    let found: BTreeSet<_> = items(&report)
        .into_iter()
        .filter(|i| i.2 != "cn_name")
        .collect();
    assert_eq!(found, truth);
    for ext in ["xlsx", "xls", "ods"] {
        assert_eq!(file(&report, &format!("numbers.{ext}"))["content"], ext);
    }
    let mut truncated = 0;
    for f in report["findings"].as_array().unwrap() {
        if f["type"].as_str().unwrap().ends_with("_truncated") {
            assert_eq!(f["confidence"], "low");
            assert_eq!(f["details"]["cell"], f["cell"]);
            assert_eq!(f["details"]["kept_digits"], 15);
            truncated += 1;
        }
    }
    assert_eq!(truncated, 15);
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Messages made by Python's e-mail library (`tests/data/make_mail.py`): headers decoded,
/// parts decoded from base64 / quoted-printable and their charset, attachments unwrapped
/// (a zip attachment gives its members), an mbox split into messages, a message in a zip
/// named `msg.eml!…`; each member hashed; Message-IDs never reported.
#[test]
fn e_mail_messages_and_mboxes_are_unpacked_into_decoded_members() {
    let report = scan_unwrap(&[]);
    let eml = file(&report, "unwrap/mail_utf8.eml");
    assert_eq!(eml["content"], "email");
    assert_eq!(eml["status"], "scanned");
    let names: Vec<&str> = eml["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["member"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "headers",
            "part3.txt",
            "part4.html",
            "report.csv",
            "bundle.zip",
            "bundle.zip!a.txt"
        ]
    );
    assert_eq!(member(eml, "headers")["content"], "text");
    for name in ["mail_gb2312.eml", "mail.mbox", "mail_in.zip"] {
        assert_eq!(
            file(&report, &format!("unwrap/{name}"))["status"],
            "scanned"
        );
    }
    let csv = "姓名,手机号,身份证号\n王五,13912345678,440524188001010014\n赵六,15012345678,360426199101010071\n";
    let rec = member(eml, "report.csv");
    assert_eq!(rec["sha256"], sha256_hex(csv.as_bytes()).as_str());
    assert_eq!(rec["size"], csv.len());
    assert_eq!(member(eml, "bundle.zip")["content"], "zip");
    let zip = file(&report, "unwrap/mail_in.zip");
    assert_eq!(member(zip, "msg.eml")["content"], "email");
    assert_eq!(member(zip, "msg.eml!report.csv")["sha256"], rec["sha256"]);

    let mbox = file(&report, "unwrap/mail.mbox");
    assert_eq!(mbox["content"], "mbox");
    for n in 1..=3 {
        assert_eq!(member(mbox, &format!("message {n}"))["content"], "email");
        assert_eq!(
            member(mbox, &format!("message {n}!part1.txt"))["status"],
            "scanned"
        );
    }
    assert_eq!(file(&report, "unwrap/mail_gb2312.eml")["findings"], 5);

    // A message with a broken base64 part: listed as an error, the rest scanned.
    let broken = file(&report, "unwrap/mail_broken.eml");
    assert_eq!(broken["status"], "error");
    assert!(broken["reason"].as_str().unwrap().contains("notes.txt"));
    assert_eq!(member(broken, "notes.txt")["status"], "error");
    assert_eq!(member(broken, "part2.txt")["findings"], 1);

    for f in report["findings"].as_array().unwrap() {
        let v = f["value"].as_str().unwrap();
        assert!(
            !v.contains("mail.example.com"),
            "a message identifier reported: {v}"
        );
    }
}

/// Text, CSV, logs, JSON and SQL are never taken for e-mail, whatever headers they quote.
#[test]
fn only_messages_are_taken_for_e_mail() {
    let (_, report) = scan_json(&["testdata"]);
    for f in report["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        let mail = path.contains("unwrap/mail") && !path.ends_with(".zip");
        let content = f["content"].as_str().unwrap();
        assert_eq!(
            matches!(content, "email" | "mbox"),
            mail,
            "{path} read as {content}"
        );
    }
}

/// A message larger than the member size limit is not parsed: skipped with the limit,
/// its first bytes scanned as text.
#[test]
fn an_oversized_message_is_skipped_at_the_limit() {
    let (_, report) = scan_json(&[
        "--max-decompressed-size",
        "1000",
        "testdata/unwrap/mail_utf8.eml",
    ]);
    let rec = &report["files"][0];
    assert_eq!(rec["status"], "skipped");
    assert!(rec["reason"]
        .as_str()
        .unwrap()
        .contains("limit: message larger than 1000"));
    assert!(rec["findings"].as_u64().unwrap() > 0);
}

#[test]
fn pg_dump_archives_are_read_by_table_and_damage_is_an_error() {
    let intact = scan_unwrap(&[]);
    let rec = file(&intact, "unwrap/shop.pgdump");
    assert_eq!(rec["content"], "pg_dump");
    assert_eq!(member(rec, "public.users")["findings"], 160);
    let users = found_in(&intact, "unwrap/shop.pgdump");
    assert_eq!(users.len(), 200);
    let fixture = std::fs::read(testdata().join("unwrap/shop.pgdump")).unwrap();
    // Every type: the users' addresses too, and the COPY column list is column context
    // (the phone column's mobiles say so).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.pgdump");
    std::fs::write(&path, &fixture).unwrap();
    let all = scan_json(&["--reveal", path.to_str().unwrap()]).1;
    let addresses = all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["type"] == "cn_address" && f["member"] == "public.users")
        .count();
    assert_eq!(addresses, 40);
    assert!(all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["member"] == "public.orders" && f["type"] == "cn_mobile")
        .all(|f| f["details"]["context"] == true));
    // Cut in its table of contents: nothing readable; the raw bytes are scanned instead.
    let r = scan_bytes("shop.pgdump", &fixture[..200]);
    let rec = &r["files"][0];
    assert_eq!(rec["status"], "error", "{rec}");
    assert!(
        rec["reason"].as_str().unwrap().contains("pg_dump archive"),
        "{rec}"
    );
    // Cut in the last table's data: the tables before it are read, the cut one is an error.
    let r = scan_bytes("shop.pgdump", &fixture[..fixture.len() - 400]);
    let rec = &r["files"][0];
    assert_eq!(rec["status"], "error", "{rec}");
    let kept = found_in(&r, "shop.pgdump");
    assert!(!kept.is_empty() && kept.is_subset(&users), "{rec}");
}

/// Archives written to a pipe record no offsets of their data blocks: read in order, as
/// pg_restore reads them, they give exactly the findings of the same dump written to a
/// file, zlib-compressed or not; cut in its last block, the tables before it are kept.
#[test]
fn pg_dump_archives_written_to_a_pipe_are_read_in_order() {
    let piped = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pgdump");
    let (_, report) = scan_json(&[
        "--reveal",
        "testdata/unwrap/shop.pgdump",
        piped.to_str().unwrap(),
    ]);
    let want = found_in(&report, "unwrap/shop.pgdump");
    assert_eq!(want.len(), 240);
    for name in ["shop_piped.pgdump", "shop_piped_plain.pgdump"] {
        let rec = file(&report, name);
        assert_eq!(rec["status"], "scanned", "{rec}");
        assert_eq!(member(rec, "public.users")["status"], "scanned", "{rec}");
        assert_eq!(found_in(&report, name), want, "{name}");
    }
    let fixture = std::fs::read(piped.join("shop_piped_plain.pgdump")).unwrap();
    let r = scan_bytes("cut.pgdump", &fixture[..fixture.len() - 200]);
    let rec = &r["files"][0];
    assert_eq!(rec["status"], "error", "{rec}");
    assert_eq!(member(rec, "public.orders")["status"], "scanned", "{rec}");
    assert_eq!(member(rec, "public.users")["status"], "error", "{rec}");
    let kept = found_in(&r, "cut.pgdump");
    let whole = found_in(&scan_bytes("cut.pgdump", &fixture), "cut.pgdump");
    let orders = |s: &BTreeSet<(String, String, String, u64)>| {
        s.iter().filter(|f| f.0 == "public.orders").count()
    };
    assert_eq!((orders(&kept), orders(&whole)), (40, 40));
    assert!(kept.is_subset(&whole) && kept.len() > 40, "{rec}");
}

/// RTF written as Word writes Chinese (`\ansicpg936`, `\'xx` GBK escapes, items split
/// across runs, a table, a hyperlink, pictures and binary data holding decoys) and as
/// LibreOffice writes it (`\uN\'3f`): exactly the truth, every offset in the RTF's bytes;
/// the addresses too, and a first line of tab-separated headers is column context.
#[test]
fn rtf_documents_are_decoded_with_offsets_in_their_raw_bytes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let truth = read_truth(&dir.join("rtf_truth.tsv"));
    assert_eq!(truth.len(), 70);
    let report = scan_unwrap(&[]);
    let found: BTreeSet<Item> = items(&report)
        .into_iter()
        .filter(|i| i.0.ends_with(".rtf"))
        .collect();
    assert_eq!(found, truth);
    for name in ["unwrap/word_gbk.rtf", "unwrap/lo_table.rtf"] {
        let rec = file(&report, name);
        assert_eq!(rec["content"], "rtf", "{rec}");
        assert_eq!(rec["status"], "scanned", "{rec}");
    }
    // Every kind: the addresses written as GBK escapes are found where they begin.
    let fixture = std::fs::read(testdata().join("unwrap/word_gbk.rtf")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("word_gbk.rtf");
    std::fs::write(&path, &fixture).unwrap();
    let all = scan_json(&["--reveal", path.to_str().unwrap()]).1;
    let addresses: BTreeSet<u64> = all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["type"] == "cn_address")
        .map(|f| f["offset"].as_u64().unwrap())
        .collect();
    let want: BTreeSet<u64> = std::fs::read_to_string(dir.join("rtf_addresses.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').nth(2).unwrap().parse().unwrap())
        .collect();
    assert_eq!(addresses, want);
    // LibreOffice's table from a text file: its first line (`\tab`-separated) names the
    // columns, so every value in them has context.
    let lo = scan_json(&["--reveal", "testdata/unwrap/lo_table.rtf"]).1;
    let lo = lo["findings"].as_array().unwrap();
    assert_eq!(lo.len(), 51, "31 items, 10 addresses and 10 names");
    assert!(lo.iter().all(|f| f["details"]["context"] == true));
}

/// PDFs made by LibreOffice (simple TrueType subsets with ToUnicode maps), by cairo (a CID
/// font, Identity-H) and encrypted with an empty user password: each page is a member
/// `page N` and the findings are exactly the truth, offsets into the page's decoded text;
/// the addresses too, and the table's values have its header row as column context. A
/// page holding only an image is scanned empty with `no text layer`; a document that needs
/// a password is skipped as `encrypted`; a cut one is an error, and no panic.
#[test]
fn pdf_pages_are_members_with_offsets_into_their_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let truth = read_truth(&dir.join("pdf_truth.tsv"));
    assert_eq!(truth.len(), 3 * 37);
    let report = scan_unwrap(&[]);
    let found: BTreeSet<Item> = items(&report)
        .into_iter()
        .filter(|i| i.0.ends_with(".pdf"))
        .collect();
    assert_eq!(found, truth);
    for name in ["writer.pdf", "writer_cairo.pdf", "writer_open.pdf"] {
        let rec = file(&report, &format!("unwrap/{name}"));
        assert_eq!(rec["content"], "pdf", "{rec}");
        assert_eq!(rec["status"], "scanned", "{rec}");
        for page in ["page 1", "page 2"] {
            assert_eq!(member(rec, page)["status"], "scanned", "{rec}");
            assert!(member(rec, page).get("reason").is_none(), "{rec}");
        }
        let scan = member(rec, "page 3");
        assert_eq!(scan["status"], "scanned", "{rec}");
        assert_eq!(scan["size"], 0, "{rec}");
        assert!(
            scan["reason"]
                .as_str()
                .unwrap()
                .starts_with("no text layer"),
            "{rec}"
        );
    }
    let locked = file(&report, "unwrap/writer_locked.pdf");
    assert_eq!(locked["status"], "skipped", "{locked}");
    assert!(locked["reason"].as_str().unwrap().starts_with("encrypted"));
    let cut = file(&report, "unwrap/writer_cut.pdf");
    assert_eq!(cut["status"], "error", "{cut}");
    assert!(cut["reason"].as_str().unwrap().contains("damaged PDF"));
    // Every kind: the addresses, where they begin in the page's text; every value of the
    // table has column context.
    let all = scan_json(&["--reveal", "testdata/unwrap/writer.pdf"]).1;
    let all = all["findings"].as_array().unwrap();
    let addresses: BTreeSet<(String, u64)> = all
        .iter()
        .filter(|f| f["type"] == "cn_address")
        .map(|f| {
            (
                f["member"].as_str().unwrap().to_string(),
                f["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: BTreeSet<(String, u64)> = std::fs::read_to_string(dir.join("pdf_addresses.tsv"))
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[1].to_string(), f[3].parse().unwrap())
        })
        .collect();
    assert_eq!(addresses, want);
    let table: Vec<&Value> = all.iter().filter(|f| f["member"] == "page 2").collect();
    let names = table.iter().filter(|f| f["type"] == "cn_name").count();
    assert_eq!(
        (table.len() - names, names),
        (24, 8),
        "8 rows of a name, an ID, a mobile and an address"
    );
    assert!(
        table.iter().all(|f| f["details"]["context"] == true),
        "{table:#?}"
    );
}

/// A cut RTF is an error that keeps what came before the cut; `\binN` past the end (a
/// huge N) is an error too, found quickly, with no allocation of N bytes.
#[test]
fn damaged_rtf_is_an_error_and_keeps_its_text_before_the_damage() {
    let fixture = std::fs::read(testdata().join("unwrap/word_gbk.rtf")).unwrap();
    let intact = found_in(&scan_bytes("word_gbk.rtf", &fixture), "word_gbk.rtf");
    let r = scan_bytes("cut.rtf", &fixture[..fixture.len() / 2]);
    let rec = &r["files"][0];
    assert_eq!(rec["status"], "error", "{rec}");
    assert!(
        rec["reason"].as_str().unwrap().contains("cut short"),
        "{rec}"
    );
    let kept = found_in(&r, "cut.rtf");
    assert!(!kept.is_empty() && kept.is_subset(&intact), "{kept:?}");
    let mut bin = b"{\\rtf1\\ansi \\'ca\\'d6\\'bb\\'fa\\'a3\\'ba13800138000\\par ".to_vec();
    bin.extend(b"{\\object{\\*\\objdata \\bin2147483647 ");
    bin.extend(vec![b'7'; 1 << 20]);
    let t = Instant::now();
    let r = scan_bytes("bin.rtf", &bin);
    assert!(t.elapsed() < Duration::from_secs(60));
    let rec = &r["files"][0];
    assert_eq!(rec["status"], "error", "{rec}");
    assert!(
        rec["reason"].as_str().unwrap().contains("past the end"),
        "{rec}"
    );
    let found = found_in(&r, "bin.rtf");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found.iter().next().unwrap().3, 36);
}

/// A 7z of `header` (the next header right after the signature header and `pad`).
fn seven_zip(header: &[u8], pad: &[u8]) -> Vec<u8> {
    let crc = |b: &[u8]| {
        let mut c = flate2::Crc::new();
        c.update(b);
        c.sum().to_le_bytes()
    };
    let mut start = (pad.len() as u64).to_le_bytes().to_vec();
    start.extend((header.len() as u64).to_le_bytes());
    start.extend(crc(header));
    let mut out = b"7z\xBC\xAF\x27\x1C\x00\x04".to_vec();
    out.extend(crc(&start));
    out.extend(start);
    out.extend(pad);
    out.extend(header);
    out
}

/// Hostile 7z headers of a few dozen bytes that declare 2^40 members, pack streams or
/// header bytes, or a 4 GiB dictionary to decode the header with (sevenz-rust2 0.20
/// aborted the process allocating them): each is an error with a reason, found at once,
/// and the scan of the other files goes on.
#[test]
fn hostile_7z_headers_are_errors_not_allocations() {
    let huge = |n: u64| [&[0xFF][..], &n.to_le_bytes()].concat();
    let encoded = |coder: &[u8]| {
        let mut h = b"\x17\x06\x00\x01\x09\x01\x00\x07\x0B\x01\x00\x01".to_vec();
        h.extend(coder);
        h.push(0x0C);
        h.extend(huge(1 << 40));
        h.extend(b"\x00\x00");
        h
    };
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>); 4] = [
        (
            "files.7z",
            seven_zip(
                &[&b"\x01\x05"[..], &huge(1 << 40), b"\x00\x00"].concat(),
                b"",
            ),
        ),
        (
            "packs.7z",
            seven_zip(
                &[&b"\x01\x04\x06\x00"[..], &huge(1 << 40), b"\x00\x00"].concat(),
                b"",
            ),
        ),
        ("encoded.7z", seven_zip(&encoded(b"\x01\x00"), b"A")),
        (
            "dict.7z",
            seven_zip(&encoded(b"\x21\x21\x01\x28"), &[0; 16]),
        ),
    ];
    for (name, bytes) in &cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    std::fs::write(dir.path().join("a.txt"), "手机 13800138000\n").unwrap();
    let t = Instant::now();
    let out = piiscan()
        .args(["scan", "-q", "-f", "json", TRUTH_TYPES])
        .arg(dir.path())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(t.elapsed() < Duration::from_secs(30));
    assert!(out.status.code().is_some(), "killed: {out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a report");
    for (name, _) in &cases {
        let rec = file(&report, name);
        assert_eq!(rec["content"], "7z", "{rec}");
        assert_ne!(rec["status"], "scanned", "{rec}");
        assert!(rec["reason"].as_str().is_some(), "{rec}");
    }
    assert_eq!(file(&report, "a.txt")["findings"], 1);
}
