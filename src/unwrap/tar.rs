//! tar (POSIX ustar, GNU, pax): regular files are members; links, directories and
//! devices are not data and are left out.

use std::io::Read;

use tar::{Archive, EntryType};

use super::container::{Access, Container, Level};
use super::limits::Compressed;
use super::{member_name, Node, Unwrapper};

/// POSIX/GNU tar.
pub(super) static TAR: Container = Container {
    name: "tar",
    magic: |head| head.len() >= 262 && &head[257..262] == b"ustar",
    access: Access::Stream(unpack),
};

/// Unpacks the tar stream `r`, whose members are at `at.depth`.
fn unpack(u: &Unwrapper, r: &mut dyn Read, at: &Level, node: &mut Node) {
    let (depth, budget) = (at.depth, at.budget);
    let mut ar = Archive::new(r);
    let entries = match ar.entries() {
        Ok(e) => e,
        Err(e) => {
            node.fail(format!("damaged tar: {e}"));
            return;
        }
    };
    for entry in entries {
        let mut e = match entry {
            Ok(e) => e,
            Err(err) => {
                node.fail(format!("damaged tar: {err}"));
                break;
            }
        };
        let kind = e.header().entry_type();
        if !(kind.is_file() || kind == EntryType::Continuous || kind.is_gnu_sparse()) {
            continue;
        }
        let name = member_name(&e.path_bytes());
        if !budget.take_member() {
            node.over_limit += 1;
            continue;
        }
        let child = u.scan_member(&mut e, Compressed::None, &name, depth, budget);
        node.adopt(&name, child);
    }
}
