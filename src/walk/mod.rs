//! Walk: turns roots into a stream of inputs, and records every input it does not scan.
//!
//! The walk is parallel (`ignore::WalkParallel`) and, by default, an investigator's walk:
//! hidden files and files named by ignore rules are visited; `--gitignore` turns the rules
//! on. Symlinks are not followed unless asked (a symlink named as a root is followed). FIFOs, sockets and devices are reported as
//! skipped from their metadata alone and never opened, so nothing can block.

use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use ignore::{WalkBuilder, WalkState};

/// What the walk met.
#[derive(Debug)]
pub enum Input {
    /// A regular file to scan, with the metadata seen by the walk.
    File {
        /// Path as walked.
        path: PathBuf,
        /// Metadata at walk time.
        meta: Metadata,
    },
    /// Something that is listed but not scanned.
    Skipped {
        /// Path as walked.
        path: PathBuf,
        /// Why it was skipped.
        reason: String,
        /// Metadata, when it could be read.
        meta: Option<Metadata>,
    },
    /// Something that could not be examined.
    Error {
        /// Path, when the error names one.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// How to walk.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Respect `.gitignore`, `.ignore` and git exclude files.
    pub gitignore: bool,
    /// Follow symbolic links.
    pub follow: bool,
    /// Walker threads (0: automatic).
    pub threads: usize,
    /// Paths not to walk: matched against the path as walked and the file name.
    pub exclude: Option<globset::GlobSet>,
    /// Files to read, if not all: matched like `exclude`; folders are always walked and
    /// files named as roots always read.
    pub include: Option<globset::GlobSet>,
    /// Files the scan itself writes (its report, while it is written), by device and inode:
    /// not inputs, even in a folder that is scanned.
    pub own: Vec<(u64, u64)>,
}

/// Walks `roots` in parallel, calling `visit` for every input. `make_visitor` is called
/// once per walker thread, so each thread can keep its own state.
pub fn walk<F, V>(roots: &[PathBuf], opts: &WalkOptions, make_visitor: F)
where
    F: Fn() -> V + Sync,
    V: FnMut(Input) + Send,
{
    walk_until(roots, opts, &AtomicBool::new(false), make_visitor)
}

/// Like [`walk`], but quits as soon as `stop` is set (checked before every entry).
pub fn walk_until<F, V>(roots: &[PathBuf], opts: &WalkOptions, stop: &AtomicBool, make_visitor: F)
where
    F: Fn() -> V + Sync,
    V: FnMut(Input) + Send,
{
    let Some((first, rest)) = roots.split_first() else {
        return;
    };
    let mut b = WalkBuilder::new(first);
    for r in rest {
        b.add(r);
    }
    b.hidden(false)
        .ignore(opts.gitignore)
        .git_ignore(opts.gitignore)
        .git_global(opts.gitignore)
        .git_exclude(opts.gitignore)
        .parents(opts.gitignore)
        .require_git(false)
        .follow_links(opts.follow)
        .threads(opts.threads);
    let (exclude, include) = (opts.exclude.clone(), opts.include.clone());
    if exclude.is_some() || include.is_some() {
        b.filter_entry(move |e| {
            let matches = |set: &globset::GlobSet| {
                set.is_match(e.path()) || set.is_match(std::path::Path::new(e.file_name()))
            };
            if exclude.as_ref().is_some_and(matches) {
                return false;
            }
            match &include {
                Some(set) if e.depth() > 0 && !e.file_type().is_some_and(|t| t.is_dir()) => {
                    matches(set)
                }
                _ => true,
            }
        });
    }
    b.build_parallel().run(|| {
        let mut visit = make_visitor();
        Box::new(move |entry| {
            if stop.load(Ordering::SeqCst) {
                return WalkState::Quit;
            }
            match entry {
                Ok(e) => {
                    // A root named on the command line is followed like ripgrep does.
                    let follow = opts.follow || e.depth() == 0;
                    match classify(e.path(), e.file_type(), follow) {
                        Some(Input::File { meta, .. }) if is_own(&opts.own, &meta) => {}
                        Some(input) => visit(input),
                        None => {}
                    }
                }
                Err(err) => visit(Input::Error {
                    path: error_path(&err).unwrap_or_default(),
                    reason: error_reason(&err),
                }),
            }
            WalkState::Continue
        })
    });
}

/// Whether `meta` is of one of the files `own` lists (device, inode).
fn is_own(own: &[(u64, u64)], meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        own.contains(&(meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = (own, meta);
        false
    }
}

/// Classifies one walked path from its file type, reading metadata without opening it.
fn classify(path: &Path, ft: Option<std::fs::FileType>, follow: bool) -> Option<Input> {
    let ft = ft?;
    if ft.is_dir() {
        return None;
    }
    let meta = if follow {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    let meta = match meta {
        Ok(m) => m,
        Err(e) => {
            return Some(Input::Error {
                path: path.to_path_buf(),
                reason: io_reason(&e),
            })
        }
    };
    let ft = meta.file_type();
    if ft.is_file() {
        return Some(Input::File {
            path: path.to_path_buf(),
            meta,
        });
    }
    if ft.is_dir() {
        return None;
    }
    Some(Input::Skipped {
        path: path.to_path_buf(),
        reason: special_reason(&ft).to_string(),
        meta: Some(meta),
    })
}

/// Why a non-regular file is skipped.
pub fn special_reason(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "fifo: not opened (reading could block)";
        }
        if ft.is_socket() {
            return "socket: not a file";
        }
        if ft.is_block_device() {
            return "block device: not scanned";
        }
        if ft.is_char_device() {
            return "character device: not scanned";
        }
    }
    if ft.is_symlink() {
        return "symlink: not followed (use --follow)";
    }
    "not a regular file"
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => error_path(err),
        ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

fn error_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } => error_reason(err),
        ignore::Error::WithDepth { err, .. } => error_reason(err),
        ignore::Error::Loop { ancestor, .. } => {
            format!("symlink loop back to {}", ancestor.display())
        }
        ignore::Error::Io(e) => io_reason(e),
        other => other.to_string(),
    }
}

/// A short, stable reason for an I/O error.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    let kind = match e.kind() {
        NotFound => "not found",
        PermissionDenied => "permission denied",
        _ => return e.to_string(),
    };
    kind.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn walks_hidden_files_and_skips_fifos() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        std::fs::write(dir.path().join(".gitignore"), ".hidden\n").unwrap();
        #[cfg(unix)]
        {
            let fifo = dir.path().join("pipe");
            let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
            // SAFETY: c is a valid NUL-terminated path string.
            assert_eq!(unsafe { libc_mkfifo(c.as_ptr(), 0o600) }, 0);
        }
        let seen = Mutex::new(Vec::new());
        walk(&[dir.path().to_path_buf()], &WalkOptions::default(), || {
            |i: Input| {
                let s = match i {
                    Input::File { path, .. } => format!("file {}", path.display()),
                    Input::Skipped { path, reason, .. } => {
                        format!("skip {} {reason}", path.display())
                    }
                    Input::Error { path, .. } => format!("err {}", path.display()),
                };
                seen.lock().unwrap().push(s);
            }
        });
        let seen = seen.into_inner().unwrap().join("\n");
        assert!(seen.contains(".hidden"), "{seen}");
        #[cfg(unix)]
        assert!(seen.contains("fifo"), "{seen}");
    }

    #[cfg(unix)]
    extern "C" {
        #[link_name = "mkfifo"]
        fn libc_mkfifo(path: *const std::ffi::c_char, mode: u32) -> i32;
    }
}
