//! Inline allow markers: [`ALLOW_MARKER`] on a line suppresses the findings on that line
//! (test fixtures in repositories: `13800138000 # piiscan:allow`).
//!
//! A marker may come after the findings on its line, and a line may run across windows
//! and batches, so the reader collects the marked lines of each window as it scans
//! ([`marker_lines`]) and marks the findings on them once their lines are complete
//! ([`mark_allowed`]); [`super::Suppressor`] then takes the allowed findings out and
//! counts them. Both are pure functions of the text and the findings.

use std::ops::Range;

use crate::evidence::Finding;

/// The inline marker that suppresses the findings on its line.
pub const ALLOW_MARKER: &[u8] = b"piiscan:allow";

/// The lines of `bytes[own]` (0-based, counted from `own.start`) where an
/// [`ALLOW_MARKER`] starts, restricted to those that can matter: the lines of `found`
/// and the first and last line (`last`) of the range, which may continue into the text
/// before and after it. So the list stays as short as the findings, whatever the input.
/// A marker that starts in the range may end past it, in the rest of `bytes`. `found`
/// is in offset order, its lines counted as here, so its lines are sorted.
pub fn marker_lines(bytes: &[u8], own: Range<usize>, last: u64, found: &[Finding]) -> Vec<u64> {
    let end = (own.end + ALLOW_MARKER.len() - 1).min(bytes.len());
    if own.start >= end {
        return Vec::new();
    }
    let mut marks = Vec::new();
    let (mut line, mut at) = (0u64, own.start);
    for pos in memchr::memmem::find_iter(&bytes[own.start..end], ALLOW_MARKER) {
        let pos = own.start + pos;
        if pos >= own.end {
            break;
        }
        line += memchr::memchr_iter(b'\n', &bytes[at..pos]).count() as u64;
        at = pos;
        if marks.last() != Some(&line)
            && (line == 0 || line == last || found.binary_search_by_key(&line, |f| f.line).is_ok())
        {
            marks.push(line);
        }
    }
    marks
}

/// Marks the findings on the lines in `allow` as allowed. `allow` is in ascending order
/// (the marked lines of a text met in order).
pub fn mark_allowed(findings: &mut [Finding], allow: &[u64]) {
    if allow.is_empty() {
        return;
    }
    debug_assert!(allow.windows(2).all(|w| w[0] <= w[1]));
    for f in findings {
        f.allowed = allow.binary_search(&f.line).is_ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Confidence, Context, Details};

    /// A finding on `line`.
    fn on_line(line: u64) -> Finding {
        Finding {
            kind: crate::detect::cn_mobile::KIND,
            value: "13800138000".into(),
            path: String::new(),
            member: None,
            offset: 0,
            length: 11,
            line,
            column: 1,
            encoding: "utf-8",
            cell: None,
            confidence: Confidence::Medium,
            context: Context::default(),
            details: Details::new(),
            allowed: false,
            untrue: None,
            record: None,
        }
    }

    #[test]
    fn the_marked_lines_are_those_of_findings_and_the_first_and_last() {
        let text =
            b"a piiscan:allow\nb\nc piiscan:allow\nd piiscan:allow\ne piiscan:allow piiscan:allow";
        // Line 3 has a marker but neither a finding nor a neighbour to continue into.
        assert_eq!(
            marker_lines(text, 0..text.len(), 4, &[on_line(2)]),
            [0, 2, 4]
        );
        assert_eq!(marker_lines(text, 2..2, 0, &[]), Vec::<u64>::new());
    }

    #[test]
    fn a_marker_belongs_to_the_range_it_starts_in() {
        let text = b"1 piiscan:allow";
        assert_eq!(marker_lines(text, 0..5, 0, &[]), [0]);
        assert_eq!(marker_lines(text, 0..2, 0, &[]), Vec::<u64>::new());
        assert_eq!(marker_lines(text, 3..15, 0, &[]), Vec::<u64>::new());
    }

    #[test]
    fn findings_on_marked_lines_are_allowed() {
        let mut found: Vec<Finding> = [1, 2, 2, 5].into_iter().map(on_line).collect();
        mark_allowed(&mut found, &[2, 4]);
        let allowed: Vec<bool> = found.iter().map(|f| f.allowed).collect();
        assert_eq!(allowed, [false, true, true, false]);
    }
}
