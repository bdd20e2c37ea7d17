//! piiscan finds leaked personal information of people in mainland China — resident ID
//! numbers, mobile and landline numbers, bank card numbers, e-mail addresses — in files,
//! folders and data dumps, and writes evidence reports with SHA-256 hashes.
//!
//! Data flows one way through one module per stage:
//!
//! ```text
//! roots ──> walk ──> read ──> unwrap ──> detect ──> suppress ──> report
//! ```
//!
//! - [`walk`] turns roots into inputs (and records what it skips and why);
//! - [`read`] streams each input once in bounded blocks, hashing it in the same pass and
//!   cutting it into overlapping windows that [`detect`] scans;
//! - [`unwrap`] opens containers (gzip, zip, tar, Office, SQLite) and decodes text
//!   encodings (UTF-8, UTF-16, GB18030);
//! - [`detect`] finds, validates and scores identifiers, one file per kind;
//! - [`suppress`] takes out what the user accepted (inline `piiscan:allow` markers,
//!   allowlisted paths and fingerprints, a baseline) and counts it;
//! - [`evidence`] holds findings, masking and keyed fingerprints;
//! - [`report`] writes the reports (JSON, JSON Lines, text, evidence list, CSV, SARIF,
//!   HTML), atomically and
//!   with a digest, and the `sha256sum` manifest of the inputs.
//!
//! [`config`] resolves flags and the `piiscan.toml` config file; [`scan`] is the glue that drives them, and stops cleanly when [`interrupt`]ed;
//! [`check`] validates single values; [`verify`] re-checks a report and its inputs;
//! [`merge`] joins the reports of the shards of one scan.

pub mod check;
pub mod cli;
pub mod config;
pub mod detect;
pub mod evidence;
pub mod interrupt;
pub mod merge;
pub mod read;
pub mod report;
pub mod scan;
pub mod suppress;
pub mod time;
pub mod unwrap;
pub mod verify;
pub mod walk;
