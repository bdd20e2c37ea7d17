//! Source: where a scan's bytes come from, a batch at a time.
//!
//! A reader's bytes are copied into a batch buffer. A large regular file is mapped batch by
//! batch instead (Linux; see [`crate::sys::map`]): no copy out of the page cache. A mapped
//! file's bytes are read where they lie, more than once (hashed, scanned, looked back at),
//! so after the scan its size and times are compared with those it had when opened
//! ([`Source::check_unchanged`]): if it changed, the bytes hashed may not be those
//! scanned, and the scan ends with an error and no hash, as a failed read would.

use std::fs::File;
use std::io::Read;
use std::ops::Deref;
#[cfg(target_os = "linux")]
use std::sync::atomic::{AtomicU64, Ordering};
#[cfg(target_os = "linux")]
use std::sync::Arc;

#[cfg(target_os = "linux")]
use crate::sys::map;

use super::Scanned;

/// A batch of input bytes: read into a buffer, or mapped from a file.
pub(super) enum Batch {
    Read(Vec<u8>),
    #[cfg(target_os = "linux")]
    Mapped(map::Mapped),
}

impl Deref for Batch {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Batch::Read(v) => v,
            #[cfg(target_os = "linux")]
            Batch::Mapped(m) => m,
        }
    }
}

/// What a source has given so far: the bytes read, whether its input ended, and the read
/// error that ended it, if one did; and whom to tell how many new bytes each block added
/// (for progress display).
pub(super) struct Intake<'a> {
    /// Bytes read.
    pub size: u64,
    /// True once the input ended (or failed).
    pub eof: bool,
    /// The read error, at its offset.
    pub error: Option<String>,
    /// Told of new bytes.
    pub on_read: &'a (dyn Fn(u64) + Sync),
}

impl<'a> Intake<'a> {
    /// Nothing read yet.
    pub fn new(on_read: &'a (dyn Fn(u64) + Sync)) -> Intake<'a> {
        Intake {
            size: 0,
            eof: false,
            error: None,
            on_read,
        }
    }
}

/// Where a scan's bytes come from.
pub(super) enum Source<'f, R> {
    /// A reader, copied into batch buffers.
    Reader(R),
    /// A large regular file, mapped batch by batch.
    #[cfg(target_os = "linux")]
    File(MappedFile<'f>),
    #[cfg(not(target_os = "linux"))]
    #[allow(dead_code)]
    Never(std::marker::PhantomData<&'f File>),
}

/// A large regular file of `size` bytes (`opened` when it was opened), mapped batch by
/// batch; `cut` is lowered to the offset where a mapped batch found the file cut short.
#[cfg(target_os = "linux")]
pub(super) struct MappedFile<'f> {
    file: &'f File,
    size: u64,
    opened: map::Stamp,
    cut: Arc<AtomicU64>,
}

impl<'f> Source<'f, &'f File> {
    /// The source of a regular file of `size` bytes (as the walk saw it): mapped batch by
    /// batch if it is large (Linux) and `may_map`, else read. A mapped file is read up to
    /// its size when opened.
    pub fn file(file: &'f File, size: u64, may_map: bool) -> Source<'f, &'f File> {
        #[cfg(target_os = "linux")]
        {
            let opened = file.metadata().ok().map(|m| map::Stamp::of(&m));
            let size = opened.map_or(size, |s| s.len);
            if may_map && size >= map::MAP_AT_LEAST {
                if let Some(opened) = opened {
                    return Source::File(MappedFile {
                        file,
                        size,
                        opened,
                        cut: Arc::new(AtomicU64::new(u64::MAX)),
                    });
                }
            }
        }
        let _ = (size, may_map);
        Source::Reader(file)
    }
}

impl<R: Read> Source<'_, R> {
    /// The next batch: `carry` (the end of the batch before, at offset `at`) followed by
    /// new bytes, `want` bytes in all unless the input ends first. `spare` is a buffer to
    /// read into; what was read, and whether the input ended, is counted in `intake`.
    pub fn next(
        &mut self,
        mut spare: Vec<u8>,
        carry: &[u8],
        at: u64,
        want: usize,
        intake: &mut Intake,
    ) -> Batch {
        spare.clear();
        spare.extend_from_slice(carry);
        match self {
            Source::Reader(r) => fill(r, &mut spare, want, at, intake),
            #[cfg(target_os = "linux")]
            Source::File(f) => return f.next(spare, carry.len(), at, want, intake),
            #[cfg(not(target_os = "linux"))]
            Source::Never(_) => unreachable!(),
        }
        Batch::Read(spare)
    }
}

impl<R> Source<'_, R> {
    /// Ends `out` with an error and no hash if its bytes were mapped from a file that
    /// changed during the scan (see [`MappedFile::check_unchanged`]); a reader's bytes
    /// were copied once, so they are those hashed.
    pub fn check_unchanged(&self, out: &mut Scanned) {
        match self {
            Source::Reader(_) => {}
            #[cfg(target_os = "linux")]
            Source::File(f) => f.check_unchanged(out),
            #[cfg(not(target_os = "linux"))]
            Source::Never(_) => {
                let _ = out;
            }
        }
    }
}

#[cfg(target_os = "linux")]
impl MappedFile<'_> {
    /// [`Source::next`] of the file: the batch mapped, or, out of mappings, read into
    /// `spare`, which holds the `carry_len` bytes carried over already.
    fn next(
        &self,
        mut spare: Vec<u8>,
        carry_len: usize,
        at: u64,
        want: usize,
        intake: &mut Intake,
    ) -> Batch {
        use std::os::unix::fs::FileExt;
        let end = (at + want as u64).min(self.size);
        let len = end.saturating_sub(at) as usize;
        if let Some(m) = map::Mapped::new(self.file, at, len, &self.cut) {
            let new = (len - carry_len) as u64;
            intake.size += new;
            if new > 0 {
                (intake.on_read)(new);
            }
            intake.eof = end == self.size;
            return Batch::Mapped(m);
        }
        // Out of mappings: read the batch.
        struct At<'a>(&'a File, u64);
        impl Read for At<'_> {
            fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.read_at(b, self.1)?;
                self.1 += n as u64;
                Ok(n)
            }
        }
        let from = at + carry_len as u64;
        let mut r = At(self.file, from).take(self.size.saturating_sub(from));
        fill(&mut r, &mut spare, want, at, intake);
        Batch::Read(spare)
    }

    /// Ends `out` with an error and no hash if the file changed since it was opened (its
    /// size or times differ now) or a mapped batch found it cut short: the bytes hashed
    /// may not be those scanned. If it was cut short, the scan ends where its bytes end
    /// now, as a failed read would, and the held findings past that are dropped.
    fn check_unchanged(&self, out: &mut Scanned) {
        let now = self.file.metadata().ok().map(|m| map::Stamp::of(&m));
        let cut = self.cut.load(Ordering::Acquire);
        if out.error.is_none() && (now != Some(self.opened) || cut != u64::MAX) {
            // Cut short: where its bytes end now (a fault says which page, not where in it).
            let end = now.map_or(cut, |n| n.len.min(cut));
            out.error = Some(if end < out.size {
                out.size = end;
                // Held findings past the end are of bytes that are gone (those handed out
                // already cannot be taken back).
                out.findings
                    .retain(|f| f.offset + u64::from(f.length) <= end);
                format!("read error at offset {end}: the file was cut short during the scan")
            } else {
                "changed while mapped (size or times differ after reading): the bytes hashed \
                 may not be those scanned, so no hash is given; scan it again (or with \
                 --no-mmap)"
                    .to_string()
            });
        }
    }
}

/// Reads from `reader` into `buf` until it holds `want` bytes or the input ends, counting
/// the bytes read in `intake` and recording there a read error (at its offset, `buf[0]`
/// being at `base`).
fn fill<R: Read>(reader: &mut R, buf: &mut Vec<u8>, want: usize, base: u64, intake: &mut Intake) {
    // A batch buffer (a few megabytes; never more than 64 MiB reserved ahead).
    let whole = want.min(64 << 20);
    if buf.capacity() < whole && whole >= 4 << 20 {
        buf.reserve_exact(whole - buf.len());
        huge_pages(buf);
    }
    while !intake.eof && buf.len() < want {
        let old = buf.len();
        let chunk = (want - old).min(1 << 20) as u64;
        // `read_to_end` fills spare capacity without zeroing it first (zeroing a megabyte
        // per small file was a tenth of a scan of many files).
        let res = reader.take(chunk).read_to_end(buf);
        let n = buf.len() - old;
        intake.size += n as u64;
        if n > 0 {
            (intake.on_read)(n as u64);
        }
        match res {
            // Fewer bytes than asked: the input ended.
            Ok(k) if (k as u64) < chunk => intake.eof = true,
            Ok(_) => {}
            Err(e) => {
                let at = base + buf.len() as u64;
                intake.error = Some(format!("read error at offset {at}: {e}"));
                intake.eof = true;
            }
        }
    }
}

/// Asks for the spare capacity of a large buffer to be backed by huge pages (copying into
/// it, hashing and scanning it then miss the TLB far less often).
fn huge_pages(buf: &mut Vec<u8>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = buf.as_mut_ptr() as usize;
        let end = start + buf.capacity();
        let from = start.div_ceil(HUGE) * HUGE;
        let to = end / HUGE * HUGE;
        if to > from {
            // SAFETY: the range lies inside the buffer's allocation; the advice changes how
            // its pages are backed, never their contents.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buf;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Detector;
    use crate::evidence::fingerprint::hex;
    use crate::evidence::Finding;
    use crate::read::{scan_file_flushing, scan_stream, ReadOptions};
    use sha2::{Digest, Sha256};

    /// A file of `mib` MiB of lines, each with a mobile number, and its bytes.
    #[cfg(target_os = "linux")]
    fn file_of_lines(mib: usize) -> (tempfile::NamedTempFile, Vec<u8>) {
        use std::io::Write;
        let mut bytes = Vec::new();
        let mut i = 0u64;
        while bytes.len() < mib << 20 {
            bytes.extend_from_slice(format!("row {i}, 1380{:07}\n", i % 10_000_000).as_bytes());
            i += 1;
        }
        let mut t = tempfile::NamedTempFile::new().unwrap();
        t.write_all(&bytes).unwrap();
        t.flush().unwrap();
        (t, bytes)
    }

    /// Batches of 1 MiB in windows of 64 KiB: a file of a few MiB spans several.
    #[cfg(target_os = "linux")]
    fn mib_batches(parallel: bool) -> ReadOptions {
        ReadOptions {
            batch: 1 << 20,
            window: 64 << 10,
            parallel,
            ..ReadOptions::default()
        }
    }

    /// The file at `path`, opened to change it under a scan.
    #[cfg(target_os = "linux")]
    fn writer(path: &std::path::Path) -> File {
        std::fs::OpenOptions::new().write(true).open(path).unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_mapped_file_gives_what_reading_it_gives() {
        let (t, bytes) = file_of_lines(6);
        assert!(bytes.len() as u64 >= map::MAP_AT_LEAST);
        let det = Detector::new();
        for parallel in [false, true] {
            let opts = mib_batches(parallel);
            let file = File::open(t.path()).unwrap();
            let size = bytes.len() as u64;
            let read_bytes = AtomicU64::new(0);
            let on_read = |n| {
                read_bytes.fetch_add(n, Ordering::Relaxed);
            };
            let mapped = scan_file_flushing(&file, size, &det, opts, &on_read, None);
            let opts_read = ReadOptions { map: false, ..opts };
            let read = scan_file_flushing(&file, size, &det, opts_read, &|_| {}, None);
            assert_eq!(read_bytes.load(Ordering::Relaxed), size);
            assert_eq!((mapped.size, &mapped.error), (size, &None));
            assert_eq!(mapped.sha256, Some(hex(&Sha256::digest(&bytes))));
            assert_eq!(mapped.sha256, read.sha256);
            let key = |s: &Scanned| -> Vec<(u64, u64, u64, String)> {
                let f = &s.findings;
                f.iter()
                    .map(|f| (f.offset, f.line, f.column, f.value.clone()))
                    .collect()
            };
            assert!(mapped.findings.len() > 200_000);
            assert_eq!(key(&mapped), key(&read));
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_cut_short_while_mapped_ends_with_a_read_error_and_keeps_what_came_before() {
        let (t, bytes) = file_of_lines(6);
        let det = Detector::new();
        let opts = mib_batches(true);
        // Once the first batch is mapped, the file is cut to about 1 MiB and a half (inside
        // a page): the first batch's pages past that are gone, and so is every later batch;
        // or cut by a few bytes only, inside its last page, which raises no fault at all.
        for cut_to in [(3u64 << 19) + 1234, bytes.len() as u64 - 100] {
            std::fs::write(t.path(), &bytes).unwrap();
            let file = File::open(t.path()).unwrap();
            let cut_once = std::sync::Once::new();
            let on_read = |_| {
                cut_once.call_once(|| {
                    writer(t.path()).set_len(cut_to).unwrap();
                })
            };
            let s = scan_file_flushing(&file, bytes.len() as u64, &det, opts, &on_read, None);
            let error = s.error.expect("a cut file is a read error");
            assert!(error.contains(&format!("offset {cut_to}")), "{error}");
            assert!(error.contains("cut short"), "{error}");
            assert_eq!(s.sha256, None);
            assert_eq!(s.size, cut_to);
            // Every item wholly before the cut is found, as in a scan of those bytes alone.
            let head = scan_stream(&bytes[..cut_to as usize], &det, opts, &|_| {});
            let offsets = |f: &[Finding]| f.iter().map(|f| f.offset).collect::<Vec<_>>();
            assert_eq!(offsets(&s.findings), offsets(&head.findings));
            assert!(s.findings.len() > 60_000);
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_changed_in_place_while_mapped_gets_no_hash() {
        use std::os::unix::fs::FileExt;
        let (t, bytes) = file_of_lines(6);
        let det = Detector::new();
        let opts = mib_batches(true);
        let file = File::open(t.path()).unwrap();
        // Once the first batch is mapped, bytes of the second are overwritten (same size):
        // what is hashed and what is scanned of them may differ.
        let once = std::sync::Once::new();
        let on_read = |_| {
            once.call_once(|| {
                // Past the coarse clock's tick, for kernels without fine-grained times.
                std::thread::sleep(std::time::Duration::from_millis(20));
                writer(t.path())
                    .write_all_at(&[b'x'; 30], (1 << 20) + 100)
                    .unwrap();
            })
        };
        let s = scan_file_flushing(&file, bytes.len() as u64, &det, opts, &on_read, None);
        let error = s.error.expect("a changed mapped file gets no hash");
        assert!(error.contains("changed while mapped"), "{error}");
        assert_eq!(s.sha256, None);
        assert_eq!(s.size, bytes.len() as u64);
        // Read rather than mapped, the same file gets the hash of the bytes read (a change
        // is flagged by the caller, from the size and times).
        let read = ReadOptions { map: false, ..opts };
        let s = scan_file_flushing(&file, 0, &det, read, &|_| {}, None);
        assert!(s.error.is_none() && s.sha256.is_some());
    }

    #[test]
    fn read_errors_keep_findings_before_them() {
        use std::io;
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    let t = b"13800138000 ";
                    b[..t.len()].copy_from_slice(t);
                    self.0 += 1;
                    Ok(t.len())
                } else {
                    Err(io::Error::other("disk on fire"))
                }
            }
        }
        let det = Detector::new();
        let s = scan_stream(Failing(0), &det, ReadOptions::default(), &|_| {});
        assert!(s.error.unwrap().contains("offset 12"));
        assert!(s.sha256.is_none());
        assert_eq!(s.findings.len(), 1);
    }

    #[test]
    fn a_read_error_in_a_later_batch_keeps_every_finding_before_it() {
        use std::io;
        // 1,000 items in 12,000 bytes, handed out 1,000 bytes a read, then an error: the
        // batches after the first are read while the one before is scanned.
        struct Failing(io::Cursor<Vec<u8>>);
        impl Read for Failing {
            fn read(&mut self, b: &mut [u8]) -> io::Result<usize> {
                let n = b.len().min(1000);
                match self.0.read(&mut b[..n])? {
                    0 => Err(io::Error::other("disk on fire")),
                    k => Ok(k),
                }
            }
        }
        let text = "13800138000 ".repeat(1000).into_bytes();
        let det = Detector::new();
        for parallel in [false, true] {
            let opts = ReadOptions {
                window: 512,
                batch: 2048,
                parallel,
                ..ReadOptions::default()
            };
            let s = scan_stream(Failing(io::Cursor::new(text.clone())), &det, opts, &|_| {});
            assert!(s.error.unwrap().contains("offset 12000"));
            assert!(s.sha256.is_none());
            assert_eq!(s.size, 12000);
            assert_eq!(s.findings.len(), 1000, "parallel: {parallel}");
            let offsets: Vec<u64> = s.findings.iter().map(|f| f.offset).collect();
            assert_eq!(offsets, (0..1000).map(|i| 12 * i).collect::<Vec<u64>>());
        }
    }
}
