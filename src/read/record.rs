//! Records: which person's entry an item belongs to, for the record counts.
//!
//! A record is one line of text (a CSV/TSV row, a JSON Lines line, a log line, a sheet's
//! row, a SQLite row), except where a line holds many entries or an entry spans lines:
//!
//! - an SQL `INSERT` tuple: `VALUES (…),(…)` — an extended insert holds thousands on one
//!   line; the record starts at the tuple's `(`;
//! - in a JSON document (not JSON Lines), the object that is an element of an array
//!   (`[{…},{…}]`, pretty-printed or not), or else the innermost object holding the item;
//!   the record starts at its `{`.
//!
//! The start is looked for at most [`BACK`] bytes before the item, well within the
//! look-behind every window has, so it does not depend on where a window starts.

/// How far before an item its record's start is looked for.
pub const BACK: usize = 6 * 1024;

/// Where the record of the item at `at` of `text` starts, if it is not its line (see the
/// module docs); `json` says whether the input is a JSON document
/// ([`FileContext::json_document`](crate::detect::context::FileContext)).
pub fn opener(text: &[u8], at: usize, json: bool) -> Option<usize> {
    let from = at.saturating_sub(BACK);
    if json {
        return json_object(text, from, at);
    }
    let line = memchr::memrchr(b'\n', &text[from..at]).map_or(from, |i| from + i + 1);
    sql_tuple(text, line, at)
}

/// The byte before `i` in `text[lo..]` that is not ASCII white space, and where it is.
fn before(text: &[u8], lo: usize, i: usize) -> Option<(usize, u8)> {
    text[lo..i]
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map(|j| (lo + j, text[lo + j]))
}

/// The `(` of the SQL tuple holding `at` on the line starting at `line`: a `(` after
/// `VALUES` or after `),`.
fn sql_tuple(text: &[u8], line: usize, at: usize) -> Option<usize> {
    let mut end = at;
    while let Some(i) = memchr::memrchr(b'(', &text[line..end]) {
        let open = line + i;
        let opens = match before(text, line, open) {
            Some((j, b',')) => matches!(before(text, line, j), Some((_, b')'))),
            Some((j, _)) => {
                j + 1 >= 6 + line && text[j + 1 - 6..=j].eq_ignore_ascii_case(b"values")
            }
            None => false,
        };
        if opens {
            return Some(open);
        }
        end = open;
    }
    None
}

/// The `{` of the object holding `at` that is an element of an array, else of the
/// innermost object holding it, looking no further back than `from`.
fn json_object(text: &[u8], from: usize, at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut innermost = None;
    let mut i = at;
    while let Some(j) = memchr::memrchr2(b'{', b'}', &text[from..i]) {
        i = from + j;
        if text[i] == b'}' {
            depth += 1;
            continue;
        }
        if depth > 0 {
            depth -= 1;
            continue;
        }
        // An unclosed `{`: an object holding the item.
        innermost.get_or_insert(i);
        if matches!(before(text, from, i), Some((_, b'[' | b','))) {
            return Some(i);
        }
    }
    innermost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, needle: &str, json: bool) -> Option<usize> {
        opener(text.as_bytes(), text.find(needle).unwrap(), json)
    }

    #[test]
    fn sql_tuples_of_an_extended_insert() {
        let t =
            "INSERT INTO `u` (`id`,`phone`) VALUES (1,'A(1)',NOW(),'P1'),(2,'B', 'P2'), (3,'P3');";
        assert_eq!(at(t, "P1", false), t.find("(1,"));
        assert_eq!(at(t, "P2", false), t.find("(2,"));
        assert_eq!(at(t, "P3", false), t.find("(3,"));
        let lower = "insert into u values\t(7,'P7');";
        assert_eq!(at(lower, "P7", false), lower.find("(7"));
        // Not in a tuple: the line is the record.
        assert_eq!(at("phone (mobile): P9", "P9", false), None);
        assert_eq!(at("x),(\nP9", "P9", false), None);
    }

    #[test]
    fn json_array_elements_and_innermost_objects() {
        let t = "[\n  {\n    \"id\": \"I1\",\n    \"addr\": {\"city\": \"C1\"}\n  },\n  {\"id\": \"I2\"}\n]";
        let first = t.find("{\n").unwrap();
        assert_eq!(at(t, "I1", true), Some(first));
        assert_eq!(at(t, "C1", true), Some(first));
        assert_eq!(at(t, "I2", true), t.find("{\"id\": \"I2"));
        let one = "{\n \"id\": \"I3\",\n \"x\": {\"m\": \"M3\"}\n}";
        assert_eq!(at(one, "I3", true), Some(0));
        assert_eq!(at(one, "M3", true), one.find("{\"m\""));
    }
}
