//! piiscan finds leaked personal information of people in mainland China — resident ID
//! numbers, mobile and landline numbers, bank card numbers, e-mail addresses — in files,
//! folders and data dumps, and writes evidence reports with SHA-256 hashes.
//!
//! Data flows one way through one module per stage:
//!
//! ```text
//! roots ──> walk ──> read ──> unwrap ──> detect ──> report
//! ```
//!
//! - [`walk`] turns roots into inputs (and records what it skips and why);
//! - [`read`] streams each input once in bounded blocks, hashing it in the same pass and
//!   cutting it into overlapping windows that [`detect`] scans;
//! - [`unwrap`] will open containers and decode text encodings (UTF-8 only for now);
//! - [`detect`] finds, validates and scores identifiers, one file per kind;
//! - [`evidence`] holds findings, masking and keyed fingerprints;
//! - [`report`] writes the reports (JSON, JSON Lines, text, evidence list), atomically and
//!   with a digest, and the `sha256sum` manifest of the inputs.
//!
//! [`scan`] is the glue that drives them, and stops cleanly when [`interrupt`]ed;
//! [`check`] validates single values; [`verify`] re-checks a report and its inputs.

pub mod check;
pub mod cli;
pub mod config;
pub mod detect;
pub mod evidence;
pub mod interrupt;
pub mod read;
pub mod report;
pub mod scan;
pub mod time;
pub mod unwrap;
pub mod verify;
pub mod walk;
