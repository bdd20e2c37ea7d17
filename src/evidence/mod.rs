//! Findings and their provenance, and the only place raw values turn into display text.
//!
//! A [`Finding`] carries the raw normalised value internally; every reporter goes through
//! [`mask`] (unless the user passed `--reveal`) and [`fingerprint`] so that no raw value can
//! reach a report, a log or an error message by accident.

pub mod details;
pub mod fingerprint;
pub mod mask;
pub mod store;

use serde::Serialize;

pub use details::Details;

/// The kinds of identifier piiscan reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Resident identity number (GB 11643-1999), 18 characters or legacy 15 digits.
    CnId,
    /// Mainland mobile number, 11 digits.
    CnMobile,
    /// Mainland landline number: trunk 0, area code and local number.
    CnLandline,
    /// Payment card number.
    BankCard,
    /// E-mail address.
    Email,
    /// Postal address in mainland China.
    CnAddress,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 6] = [
        Kind::CnId,
        Kind::CnMobile,
        Kind::CnLandline,
        Kind::BankCard,
        Kind::Email,
        Kind::CnAddress,
    ];

    /// The name used in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::CnId => "cn_id",
            Kind::CnMobile => "cn_mobile",
            Kind::CnLandline => "cn_landline",
            Kind::BankCard => "bank_card",
            Kind::Email => "email",
            Kind::CnAddress => "cn_address",
        }
    }

    /// Parses a kind name.
    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// Bit of this kind in a [`KindSet`].
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A small set of kinds as a bit set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindSet(pub u8);

impl KindSet {
    /// The set of every kind.
    pub fn all() -> KindSet {
        KindSet(Kind::ALL.iter().fold(0, |a, k| a | k.bit()))
    }

    /// The set with `kind` added.
    pub fn with(mut self, kind: Kind) -> KindSet {
        self.insert(kind);
        self
    }

    /// Returns true if and only if `kind` is in the set.
    pub fn contains(self, kind: Kind) -> bool {
        self.0 & kind.bit() != 0
    }

    /// Adds a kind.
    pub fn insert(&mut self, kind: Kind) {
        self.0 |= kind.bit();
    }

    /// Removes a kind.
    pub fn remove(&mut self, kind: Kind) {
        self.0 &= !kind.bit();
    }
}

/// How sure piiscan is that a finding is a real identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Shape and semantics fit, but nothing else supports it.
    Low,
    /// Validated, without a checksum or without supporting context.
    Medium,
    /// Checksum-validated, or validated with supporting context.
    High,
}

impl Confidence {
    /// Parses `low`, `medium` or `high`.
    pub fn from_name(s: &str) -> Option<Confidence> {
        match s {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }

    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// One step up, saturating at `High`.
    pub fn raise(self) -> Confidence {
        match self {
            Confidence::Low => Confidence::Medium,
            _ => Confidence::High,
        }
    }
}

/// One occurrence of an identifier, with the raw value (never written unmasked unless the
/// user asked for it).
#[derive(Clone, Debug)]
pub struct Finding {
    /// The kind.
    pub kind: Kind,
    /// The normalised raw value (see the report contract).
    pub value: String,
    /// The file on disk as walked (lossy display form; see `FileRecord` for bytes).
    pub path: String,
    /// Path inside a container, levels joined by `!`.
    pub member: Option<String>,
    /// Byte offset of the first byte of the written item in the raw bytes.
    pub offset: u64,
    /// Length in raw bytes of the written item.
    pub length: u32,
    /// 1-based line number.
    pub line: u64,
    /// 1-based column: characters from the start of the line (0 if unknown: UTF-16 text
    /// read from inside binary data).
    pub column: u64,
    /// How the bytes holding it were read as text (`utf-8`, `utf-16le`, `gb18030`, …).
    pub encoding: &'static str,
    /// The spreadsheet cell holding it (`B7`), for items in xlsx/xls sheets, whose
    /// `member` is the sheet and `offset` the byte offset inside the cell's text.
    pub cell: Option<String>,
    /// Confidence.
    pub confidence: Confidence,
    /// The raw bytes around the item, decoded lossily, and the item's byte range in it.
    pub context: Context,
    /// What validation established.
    pub details: Details,
    /// True if its line carries the inline marker [`ALLOW_MARKER`]: it is suppressed.
    pub allowed: bool,
}

/// The inline marker that suppresses the findings on its line (test fixtures in
/// repositories): `13800138000 # piiscan:allow`.
pub const ALLOW_MARKER: &[u8] = b"piiscan:allow";

/// A snippet of text around a finding, kept raw until a reporter masks it.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Text before the item.
    pub before: String,
    /// The item as written.
    pub item: String,
    /// Text after the item.
    pub after: String,
}

impl Finding {
    /// The deterministic sort key of reports: path, member, offset, kind.
    pub fn sort_key(&self) -> (&str, Option<&str>, u64, u64, Kind) {
        (
            &self.path,
            self.member.as_deref(),
            self.line,
            self.offset,
            self.kind,
        )
    }
}

/// What happened to one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Read to its end and scanned.
    Scanned,
    /// Listed but deliberately not read (special file, unfollowed symlink).
    Skipped,
    /// Could not be read, or reading failed part-way.
    Error,
}

/// One input the walk met, scanned or not.
#[derive(Clone, Debug)]
pub struct FileRecord {
    /// Path as walked, lossily decoded for display.
    pub path: String,
    /// Hex of the raw path bytes when the path is not valid UTF-8 (lossless).
    pub path_hex: Option<String>,
    /// Bytes read (or the size from metadata when not read).
    pub size: Option<u64>,
    /// Modification time (RFC 3339, UTC).
    pub mtime: Option<String>,
    /// SHA-256 of the bytes scanned.
    pub sha256: Option<String>,
    /// Status.
    pub status: Status,
    /// Why it was not (fully) scanned.
    pub reason: Option<String>,
    /// Number of findings reported for it.
    pub findings: u64,
    /// `text` or `binary`.
    pub content: Option<&'static str>,
    /// How a text input was read (`utf-8`, `utf-16le`, `gb18030`, `binary`).
    pub encoding: Option<&'static str>,
    /// For a container member: its path inside the outermost file, levels joined by `!`.
    pub member: Option<String>,
    /// For a container: every member at every level, in the order they were read.
    pub members: Vec<FileRecord>,
    /// True if its size or mtime changed while it was scanned.
    pub changed_during_scan: bool,
}

impl FileRecord {
    /// A record for `path` with nothing known yet.
    pub fn new(path: &std::path::Path, status: Status) -> FileRecord {
        let (path, path_hex) = display_path(path);
        FileRecord {
            path,
            path_hex,
            size: None,
            mtime: None,
            sha256: None,
            status,
            reason: None,
            findings: 0,
            content: None,
            encoding: None,
            member: None,
            members: Vec::new(),
            changed_during_scan: false,
        }
    }
}

/// The display form of a path and, when it is not valid UTF-8, the hex of its raw bytes.
pub fn display_path(path: &std::path::Path) -> (String, Option<String>) {
    match path.to_str() {
        Some(s) => (s.to_string(), None),
        None => {
            #[cfg(unix)]
            let raw = {
                use std::os::unix::ffi::OsStrExt;
                path.as_os_str().as_bytes().to_vec()
            };
            #[cfg(not(unix))]
            let raw = path.to_string_lossy().as_bytes().to_vec();
            (
                path.to_string_lossy().into_owned(),
                Some(fingerprint::hex(&raw)),
            )
        }
    }
}
