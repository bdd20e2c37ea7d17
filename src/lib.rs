//! piiscan finds leaked personal information of people in mainland China — resident ID
//! numbers, mobile and landline numbers, bank card numbers, e-mail and postal addresses —
//! in files, folders, archives and data dumps, and writes evidence reports with SHA-256
//! hashes.
//!
//! Data flows one way through one module per stage, in the order the code runs:
//!
//! ```text
//! roots ──> walk ──> unwrap ──> read ──> detect ──> evidence ──> suppress ──> report
//! ```
//!
//! - [`walk`] turns roots into inputs (and records what it skips and why);
//! - [`unwrap`] recognises containers by their magic bytes (gzip, zip, tar, Office,
//!   SQLite) and hands each member's bytes to read, within limits;
//! - [`read`] streams each input once in bounded blocks, hashing it in the same pass,
//!   decodes text encodings (UTF-8, UTF-16, GB18030) and cuts it into overlapping windows
//!   that [`detect`] scans;
//! - [`detect`] finds, validates and scores identifiers, one file per kind, each declaring
//!   its [`detect::KindSpec`] in the registry [`detect::KINDS`];
//! - [`evidence`] turns candidates into findings with their provenance, masks values,
//!   keys fingerprints and holds findings in bounded memory;
//! - [`suppress`] takes out what the user accepted (inline `piiscan:allow` markers,
//!   allowlisted paths and fingerprints, a baseline) and counts it;
//! - [`report`] writes the reports (JSON, JSON Lines, text, evidence list, CSV, SARIF,
//!   HTML), atomically and with a digest, and the `sha256sum` manifest of the inputs.
//!
//! A stage uses the stages to its right, never those to its left; [`sys`] (positional
//! reads, guarded mappings) and [`time`] sit below them all. [`cli`] holds the flags,
//! [`config`] resolves them and the `piiscan.toml` config file; [`scan`] is the glue that
//! drives the stages, and stops cleanly when [`interrupt`]ed; [`check`] validates single
//! values; [`verify`] re-checks a report and its inputs; [`merge`] joins the reports of the
//! shards of one scan. ARCHITECTURE.md says where a new kind, container or report format
//! goes; `tests/integration/architecture.rs` checks the direction of imports.

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
pub mod sys;
pub mod time;
pub mod unwrap;
pub mod verify;
pub mod walk;
