//! Batches of a large regular file mapped from the page cache, rather than copied out of
//! it: the copy cost a tenth of the CPU time of a scan of a 1 GiB dump, and its writes to
//! memory slowed hashing and scanning that read the batch afterwards.
//!
//! A file that shrinks while mapped makes reading past its new end raise `SIGBUS`, which
//! would kill the process and lose the report of every other input. A `SIGBUS` handler
//! therefore maps zero-filled pages over the rest of a batch that faults, and records
//! where; the scan then ends that file with a read error at that offset, as a failed read
//! would, and its hash is not reported. A fault outside a batch goes to the handler that
//! was there before (Rust's stack-overflow handler, or the default action), and so does
//! one the handler cannot map zeros for (the process's limit of mappings reached).
//!
//! A file cut inside its last page, or changed in place, raises no fault: the scan compares
//! the file's size and times after reading (see [`Stamp`] and `scan_file_flushing`).

use std::fs::File;
use std::ops::Deref;
use std::sync::atomic::{fence, AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Large regular files are mapped; smaller ones are read (a mapping costs system calls
/// that a copy of a few megabytes does not).
pub const MAP_AT_LEAST: u64 = 4 << 20;

/// A batch's byte range in memory while it is mapped (`start == 0`: none), and `cut`, the
/// address of the first page the handler replaced with zeros (or `usize::MAX`). `used`
/// claims the slot for one batch; `seq` is odd while the range changes, so the handler
/// never takes the start of one range with the end of another (a seqlock).
struct Slot {
    used: AtomicBool,
    seq: AtomicUsize,
    start: AtomicUsize,
    end: AtomicUsize,
    cut: AtomicUsize,
}

impl Slot {
    /// Sets the range (its owner only).
    fn set(&self, start: usize, end: usize) {
        self.seq.fetch_add(1, Ordering::Relaxed);
        fence(Ordering::Release);
        self.start.store(start, Ordering::Relaxed);
        self.end.store(end, Ordering::Relaxed);
        self.seq.fetch_add(1, Ordering::Release);
    }

    /// The range, if it was not being changed while read.
    fn range(&self) -> Option<(usize, usize)> {
        let seq = self.seq.load(Ordering::Acquire);
        let range = (
            self.start.load(Ordering::Relaxed),
            self.end.load(Ordering::Relaxed),
        );
        fence(Ordering::Acquire);
        (seq % 2 == 0 && self.seq.load(Ordering::Relaxed) == seq).then_some(range)
    }
}

/// Batches mapped at once: a scan holds at most six (hashed, three queued, scanned, mapped
/// ahead), so this allows dozens of large files scanned at once; past it, batches are read.
const SLOTS: usize = 256;

#[allow(clippy::declare_interior_mutable_const)]
const FREE: Slot = Slot {
    used: AtomicBool::new(false),
    seq: AtomicUsize::new(0),
    start: AtomicUsize::new(0),
    end: AtomicUsize::new(0),
    cut: AtomicUsize::new(usize::MAX),
};
static MAPPED: [Slot; SLOTS] = [FREE; SLOTS];

/// The `SIGBUS` action before ours, for faults that are not in a batch.
static PREVIOUS: AtomicPtr<libc::sigaction> = AtomicPtr::new(std::ptr::null_mut());

/// Installs the handler once; false if it could not be (then nothing is mapped).
fn handler_installed() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| {
        // SAFETY: plain `sigaction` calls with zeroed, then filled, structures; the handler
        // only touches atomics and makes async-signal-safe system calls.
        unsafe {
            let mut ours: libc::sigaction = std::mem::zeroed();
            ours.sa_sigaction = on_sigbus as *const () as usize;
            ours.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut ours.sa_mask);
            let previous = Box::into_raw(Box::new(std::mem::zeroed::<libc::sigaction>()));
            if libc::sigaction(libc::SIGBUS, &ours, previous) != 0 {
                drop(Box::from_raw(previous));
                return false;
            }
            PREVIOUS.store(previous, Ordering::Release);
            true
        }
    })
}

extern "C" fn on_sigbus(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for a handler installed with SA_SIGINFO;
    // errno is the thread's own, put back as it was before returning.
    let (addr, errno) = unsafe { ((*info).si_addr() as usize, *libc::__errno_location()) };
    let restore_errno = || unsafe { *libc::__errno_location() = errno };
    for slot in &MAPPED {
        // The faulting thread's own batch does not change under it; others may be
        // changing, and those are not where the fault is.
        let Some((start, end)) = slot.range() else {
            continue;
        };
        if start == 0 || addr < start || addr >= end {
            continue;
        }
        let page = addr & !(page_size() - 1);
        // SAFETY: [page, end) lies inside a mapping this process made and still holds (the
        // faulting thread is reading it); replacing it with private zero pages keeps it
        // readable. `mmap` is a plain system call.
        let p = unsafe {
            libc::mmap(
                page as *mut libc::c_void,
                end - page,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if p != libc::MAP_FAILED {
            slot.cut.fetch_min(page, Ordering::AcqRel);
            restore_errno();
            // Returning retries the read, which now finds zeros.
            return;
        }
        // No memory to split the mapping (vm.max_map_count): the previous action, below.
        break;
    }
    // Not ours: put the previous action back; the retried access raises it again.
    let previous = PREVIOUS.load(Ordering::Acquire);
    // SAFETY: `previous` was filled by `sigaction` before this handler was installed.
    unsafe {
        if previous.is_null() {
            libc::signal(libc::SIGBUS, libc::SIG_DFL);
        } else {
            libc::sigaction(libc::SIGBUS, previous, std::ptr::null_mut());
        }
    }
    restore_errno();
}

fn page_size() -> usize {
    static PAGE: AtomicUsize = AtomicUsize::new(0);
    match PAGE.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: sysconf has no preconditions.
            let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            let p = if p > 0 { p as usize } else { 4096 };
            PAGE.store(p, Ordering::Relaxed);
            p
        }
        p => p,
    }
}

/// What says whether a file changed: its size, and its modification and change times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    times: [i64; 4],
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub fn of(m: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: m.len(),
            times: [m.mtime(), m.mtime_nsec(), m.ctime(), m.ctime_nsec()],
        }
    }
}

/// `len` bytes of a file from `offset`, mapped read-only.
pub struct Mapped {
    /// The mapping (page-aligned) and its length.
    base: *mut libc::c_void,
    map_len: usize,
    /// Where the bytes asked for start in it.
    skip: usize,
    len: usize,
    /// The file offset of the mapping's first byte.
    at: u64,
    slot: usize,
    /// Where the scan learns the lowest offset at which a batch was cut short.
    cut: Arc<AtomicU64>,
}

// SAFETY: the mapping is read-only and owned by this value; it is unmapped once, on drop.
unsafe impl Send for Mapped {}
// SAFETY: as above: shared access only reads.
unsafe impl Sync for Mapped {}

impl Mapped {
    /// Maps `len` bytes of `file` from `offset` (with its pages filled in from the page
    /// cache now, on this thread), or `None` if it cannot be (then read the bytes instead).
    /// `cut` is lowered to the file offset where the bytes ended early, if they do.
    pub fn new(file: &File, offset: u64, len: usize, cut: &Arc<AtomicU64>) -> Option<Mapped> {
        use std::os::unix::io::AsRawFd;
        if len == 0 || !handler_installed() {
            return None;
        }
        let page = page_size() as u64;
        let at = offset / page * page;
        let skip = (offset - at) as usize;
        let map_len = skip + len;
        let slot = MAPPED.iter().position(|s| {
            s.used
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        })?;
        // SAFETY: a fresh read-only shared mapping of an open file; the kernel picks the
        // address. Pages past the file's end, or cut off later, are handled by `on_sigbus`.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                map_len,
                libc::PROT_READ,
                libc::MAP_SHARED | libc::MAP_POPULATE,
                file.as_raw_fd(),
                at as libc::off_t,
            )
        };
        let s = &MAPPED[slot];
        if base == libc::MAP_FAILED {
            s.used.store(false, Ordering::Release);
            return None;
        }
        s.cut.store(usize::MAX, Ordering::Relaxed);
        s.set(base as usize, base as usize + map_len);
        Some(Mapped {
            base,
            map_len,
            skip,
            len,
            at,
            slot,
            cut: Arc::clone(cut),
        })
    }
}

impl Deref for Mapped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: the mapping holds map_len = skip + len readable bytes until dropped (pages
        // cut off from the file read as zeros, see `on_sigbus`).
        unsafe { std::slice::from_raw_parts((self.base as *const u8).add(self.skip), self.len) }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        let s = &MAPPED[self.slot];
        let cut = s.cut.load(Ordering::Acquire);
        if cut != usize::MAX {
            let offset = self.at + (cut - self.base as usize) as u64;
            self.cut.fetch_min(offset, Ordering::AcqRel);
        }
        s.set(0, 0);
        // SAFETY: unmaps exactly the mapping made in `new`, once.
        unsafe {
            libc::munmap(self.base, self.map_len);
        }
        s.used.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_of(bytes: &[u8]) -> (tempfile::NamedTempFile, File) {
        let mut t = tempfile::NamedTempFile::new().unwrap();
        t.write_all(bytes).unwrap();
        t.flush().unwrap();
        let f = File::open(t.path()).unwrap();
        (t, f)
    }

    #[test]
    fn maps_the_bytes_asked_for_at_any_offset() {
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let (_t, f) = file_of(&bytes);
        let cut = Arc::new(AtomicU64::new(u64::MAX));
        for (offset, len) in [
            (0, 200_000),
            (1, 5),
            (4095, 2),
            (4096, 100_000),
            (123_457, 76_543),
        ] {
            let m = Mapped::new(&f, offset as u64, len, &cut).unwrap();
            assert_eq!(&*m, &bytes[offset..offset + len], "{offset} {len}");
        }
        assert_eq!(cut.load(Ordering::Relaxed), u64::MAX);
    }

    #[test]
    fn a_file_cut_short_while_mapped_reads_zeros_and_says_where() {
        let page = page_size();
        let bytes = vec![b'7'; page * 6];
        let (t, f) = file_of(&bytes);
        let cut = Arc::new(AtomicU64::new(u64::MAX));
        let m = Mapped::new(&f, 10, page * 5, &cut).unwrap();
        // Cut the file to two and a half pages: reading past that would raise SIGBUS.
        std::fs::OpenOptions::new()
            .write(true)
            .open(t.path())
            .unwrap()
            .set_len((page * 5 / 2) as u64)
            .unwrap();
        let sevens = m.iter().filter(|&&b| b == b'7').count();
        let zeros = m.iter().filter(|&&b| b == 0).count();
        // The partial page keeps its bytes before the file's new end (the kernel zeroes the
        // rest of it); whole pages past it read as zeros.
        assert_eq!(sevens, page * 5 / 2 - 10);
        assert_eq!(sevens + zeros, page * 5);
        drop(m);
        assert_eq!(cut.load(Ordering::Relaxed), (page * 3) as u64);
    }
}
