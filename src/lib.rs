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
//! - [`report`] writes JSON and text reports.
//!
//! [`scan`] is the glue that drives them; [`check`] validates single values.

pub mod check;
pub mod cli;
pub mod config;
pub mod detect;
pub mod evidence;
pub mod read;
pub mod report;
pub mod scan;
pub mod time;
pub mod unwrap;
pub mod walk;
