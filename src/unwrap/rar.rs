//! RAR (versions 1.5 to 4 and 5): recognised, not unpacked. No decoder with a licence
//! piiscan can ship exists (unrar's licence forbids using its code to re-create the
//! compression), so a RAR archive is recorded as `skipped` with reason `unsupported`, and
//! its raw bytes are scanned as binary data, which finds what is stored uncompressed in
//! it (`rar a -m0`) but not what is compressed.

use std::io::Read;

use super::container::{Access, Container, Level};
use super::{Node, Unwrapper};
use crate::evidence::Status;
use crate::read::scan_stream;

/// RAR 1.5–4 (`Rar!\x1a\x07\x00`) and RAR 5 (`Rar!\x1a\x07\x01\x00`).
pub(super) static RAR: Container = Container {
    name: "rar",
    magic: |head| {
        head.starts_with(b"Rar!\x1a\x07\x00") || head.starts_with(b"Rar!\x1a\x07\x01\x00")
    },
    access: Access::Stream(unpack),
};

/// Why a RAR archive is not unpacked.
pub const UNSUPPORTED: &str = "unsupported: RAR archives are not unpacked (no RAR decoder with a licence piiscan can use); its raw bytes were scanned, which finds only what is stored uncompressed";

/// Scans the raw bytes of the RAR stream `r` and records it as not unpacked.
fn unpack(u: &Unwrapper, r: &mut dyn Read, _: &Level, node: &mut Node) {
    let scanned = scan_stream(r, u.det, u.opts, &|_| {});
    node.findings = scanned.findings;
    node.encoding = Some(scanned.encoding);
    match scanned.error {
        Some(e) => node.fail(e),
        None => {
            node.status = Status::Skipped;
            node.reason = Some(UNSUPPORTED.into());
        }
    }
}
