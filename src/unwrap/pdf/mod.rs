//! PDF documents (`%PDF-`): the text of every page, each page a member `page N`
//! (1-based) whose text is scanned, so a finding's offset is into the page's decoded text.
//!
//! Objects, cross-reference tables and streams, object streams and decryption are read
//! with `lopdf`; the text is assembled here ([`text`]): the content stream's operators
//! place each glyph (text and graphics matrices, `TJ` adjustments, character and word
//! spacing, form XObjects), glyph codes become characters through the font's `ToUnicode`
//! map (LibreOffice's simple TrueType subsets, whose codes 1, 2, 3 … are glyphs in order
//! of use; CID fonts with `Identity-H`, as cairo and others write Chinese), else its
//! encoding (`UniGB-UCS2-H`, `GBK-EUC-H` …). Glyphs are then read
//! as a reader sees them: glyphs on one baseline are one line, left to right, joined
//! without a space unless the gap between them is wide (a space), or very wide (a tab:
//! table cells and columns); lines from the top of the page down.
//!
//! A PDF encrypted with an empty user password (only an owner password) is opened; one
//! that needs a password is `skipped` with reason `encrypted`. A page with no text (a
//! scanned image) is scanned empty, with reason `no text layer`: images are not OCRed.
//!
//! Limits: the document is read into memory up to [`IN_MEMORY`] bytes (else its raw bytes
//! are scanned, `skipped` with the limit); every stream piiscan decompresses (content
//! streams, `ToUnicode` maps, object streams) stops at [`STREAM_CAP`] bytes and counts
//! against the input's decompressed-bytes budget; a page's glyphs stop at [`MAX_GLYPHS`]
//! and form XObjects nest at most [`MAX_FORM_DEPTH`] deep. A document whose structure
//! cannot be read (cut short, damaged cross-reference table) is `error` with the reason
//! and its raw bytes scanned; a page that cannot be read is an `error` member, the other
//! pages are still read.

mod font;
mod text;

use std::cell::Cell;
use std::fs::File;
use std::io::{Read, Seek};

use lopdf::{Document, Object, ObjectId, Stream};

use super::container::{Access, Container, Level};
use super::limits::Compressed;
use super::{Node, Unwrapper};
use crate::evidence::Status;
use crate::read::scan_stream;

/// A document of up to this many bytes is read into memory (within the member size limit).
const IN_MEMORY: u64 = 256 << 20;

/// Bytes one decompressed stream may have; the rest of it is not read.
const STREAM_CAP: usize = 64 << 20;

/// Bytes all the object streams of one document may decompress to while it is loaded.
const LOAD_CAP: u64 = 256 << 20;

/// Glyphs read from one page.
const MAX_GLYPHS: usize = 4 << 20;

/// How deep form XObjects are followed within one another.
const MAX_FORM_DEPTH: usize = 8;

/// A PDF document.
pub(super) static PDF: Container = Container {
    name: "pdf",
    magic: |head| head.starts_with(b"%PDF-"),
    access: Access::Seek(|u, file, at, node| {
        read_pdf(u, file, at, node);
        true
    }),
};

/// Reads the document in `file` and scans its pages, members at `at.depth`.
fn read_pdf(u: &Unwrapper, file: &File, at: &Level, node: &mut Node) {
    let cap = IN_MEMORY.min(at.budget.limits().max_member_size);
    let mut raw = Vec::new();
    let mut f = file;
    let read = f.rewind().and_then(|_| f.take(cap).read_to_end(&mut raw));
    if let Err(e) = read {
        node.fail(format!("read error: {e}"));
        return;
    }
    if node.size > cap {
        node.findings = scan_stream(raw.as_slice(), u.det, u.opts, &|_| {}).findings;
        node.status = Status::Skipped;
        node.reason = Some(format!(
            "limit: PDF larger than {cap} bytes is not read into memory; its first bytes were scanned as binary data"
        ));
        return;
    }
    if let Some(why) = oversized_structure(&raw) {
        node.findings = scan_stream(raw.as_slice(), u.det, u.opts, &|_| {}).findings;
        node.status = Status::Skipped;
        node.reason = Some(format!("{why}; its raw bytes were scanned as binary data"));
        return;
    }
    let doc = match load(&raw) {
        Ok(doc) => doc,
        Err(why) => {
            node.fail(format!("damaged PDF: {why}"));
            return;
        }
    };
    if doc.is_encrypted() {
        node.status = Status::Skipped;
        node.reason = Some("encrypted: the document needs a user password".into());
        return;
    }
    read_pages(u, &doc, at, node);
}

thread_local! {
    /// Bytes the object streams of the document being loaded have decompressed to.
    static LOADED: Cell<u64> = const { Cell::new(0) };
}

/// Loads a document, its object streams decompressed within [`STREAM_CAP`] and
/// [`LOAD_CAP`] (lopdf would decompress them whole); the reason when it cannot be read.
fn load(raw: &[u8]) -> Result<Document, String> {
    LOADED.with(|l| l.set(0));
    let opts = lopdf::LoadOptions {
        filter: Some(|id, obj| {
            // lopdf keeps `obj` (changed in place) for objects of the file, and the
            // object returned for objects inside object streams, which are never streams.
            let Ok(s) = obj.as_stream_mut() else {
                return Some((id, obj.clone()));
            };
            if s.dict.has_type(b"ObjStm") {
                let left = LOAD_CAP.saturating_sub(LOADED.with(Cell::get));
                let cap = STREAM_CAP.min(left as usize);
                let data = decoded(s, cap).ok()?;
                LOADED.with(|l| l.set(l.get() + data.len() as u64));
                s.dict.remove(b"Filter");
                s.dict.remove(b"DecodeParms");
                s.set_content(data);
            }
            Some((id, Object::Null))
        }),
        ..Default::default()
    };
    Document::load_mem_with_options(raw, opts).map_err(|e| quiet(&e.to_string()))
}

/// Why the document's cross-reference or object streams are too large to load, if they
/// are: lopdf inflates cross-reference streams whole while it reads the structure (before
/// [`load`]'s filter sees any object), so each stream that follows a `/XRef` or `/ObjStm`
/// name is inflated here first, into nothing, and counted: one over [`STREAM_CAP`] or
/// all over [`LOAD_CAP`] refuse the document.
fn oversized_structure(raw: &[u8]) -> Option<String> {
    let mut total = 0u64;
    let mut from = 0;
    let names =
        memchr::memmem::find_iter(raw, b"/XRef").chain(memchr::memmem::find_iter(raw, b"/ObjStm"));
    let mut names: Vec<usize> = names.collect();
    names.sort_unstable();
    for at in names {
        if at < from {
            continue;
        }
        let near = &raw[at..raw.len().min(at + 4096)];
        let Some(s) = memchr::memmem::find(near, b"stream") else {
            from = at + near.len();
            continue;
        };
        let mut i = at + s + 6;
        i += usize::from(raw.get(i) == Some(&b'\r'));
        i += usize::from(raw.get(i) == Some(&b'\n'));
        from = i;
        let n = inflated_len(&raw[i.min(raw.len())..], STREAM_CAP as u64 + 1);
        total += n;
        if n > STREAM_CAP as u64 || total > LOAD_CAP {
            let cap = if n > STREAM_CAP as u64 {
                STREAM_CAP as u64
            } else {
                LOAD_CAP
            };
            return Some(format!(
                "limit: its cross-reference or object streams inflate to more than {cap} bytes"
            ));
        }
    }
    None
}

/// How many bytes [`inflate`] would give from `data`, counted up to `cap`.
fn inflated_len(data: &[u8], cap: u64) -> u64 {
    use flate2::read::{DeflateDecoder, ZlibDecoder};
    fn count(mut r: impl Read) -> u64 {
        let (mut buf, mut n) = ([0u8; 16384], 0u64);
        while let Ok(k) = r.read(&mut buf) {
            if k == 0 {
                break;
            }
            n += k as u64;
        }
        n
    }
    match count(ZlibDecoder::new(data).take(cap)) {
        0 if data.len() > 2 => count(DeflateDecoder::new(&data[2..]).take(cap)),
        n => n,
    }
}

/// `why` with long digit runs elided: a parser's message may quote the document's bytes,
/// and reports never hold raw personal values.
fn quiet(why: &str) -> String {
    let mut out = String::with_capacity(why.len());
    let mut digits = 0;
    for c in why.chars().take(300) {
        digits = if c.is_ascii_digit() { digits + 1 } else { 0 };
        if digits < 7 {
            out.push(c);
        } else if digits == 7 {
            out.push('…');
        }
    }
    out
}

/// Scans every page of `doc` as a member `page N`.
fn read_pages(u: &Unwrapper, doc: &Document, at: &Level, node: &mut Node) {
    let mut fonts = text::Fonts::new();
    for (n, page) in doc.get_pages() {
        let name = format!("page {n}");
        if !at.budget.take_member() {
            node.over_limit += 1;
            continue;
        }
        let (text, damage) = match text::page_text(doc, page, &at.budget.bytes_left, &mut fonts) {
            Ok(t) => (t.text, t.damage),
            Err(why) => {
                node.not_read(&name, None, Status::Error, quiet(&why));
                node.fail(format!("{name}: {}", quiet(&why)));
                continue;
            }
        };
        let mut child = u.scan_member(
            &mut text.as_slice(),
            Compressed::None,
            &name,
            at.depth,
            at.budget,
        );
        if let Some(why) = damage {
            if why.starts_with("limit:") {
                child.status = Status::Skipped;
                child.reason = Some(why);
            } else {
                child.fail(quiet(&why));
            }
        } else if text.is_empty() && child.status == Status::Scanned {
            child.reason = Some(if text::has_images(doc, page) {
                "no text layer: only images, which are not OCRed".into()
            } else {
                "no text layer".into()
            });
        }
        node.adopt(&name, child);
    }
}

/// The bytes of `s`, decoded through its filters, at most `cap` of them; the reason when
/// a filter cannot be decoded. Flate data is inflated here within `cap` (lopdf would
/// inflate it whole); ASCII85 and LZW by lopdf, only while their input is small enough
/// that their output cannot pass `cap`.
fn decoded(s: &Stream, cap: usize) -> Result<Vec<u8>, String> {
    let filters: Vec<Vec<u8>> = match s.dict.get(b"Filter") {
        Err(_) => return Ok(s.content[..s.content.len().min(cap)].to_vec()),
        Ok(Object::Name(n)) => vec![n.clone()],
        Ok(Object::Array(a)) => a
            .iter()
            .filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec))
            .collect(),
        Ok(_) => return Err("a stream's /Filter is not a name".into()),
    };
    let has_predictor = s
        .dict
        .get(b"DecodeParms")
        .and_then(Object::as_dict)
        .is_ok_and(|p| p.get(b"Predictor").and_then(Object::as_i64).unwrap_or(1) > 1);
    let mut data = s.content.clone();
    for f in &filters {
        data = match f.as_slice() {
            b"FlateDecode" | b"Fl" if !has_predictor => inflate(&data, cap),
            b"ASCII85Decode" | b"A85" | b"LZWDecode" | b"LZW"
                if data.len().saturating_mul(4096) <= cap || f.starts_with(b"A") =>
            {
                let mut one = Stream::new(lopdf::Dictionary::new(), data);
                one.dict.set("Filter", Object::Name(f.clone()));
                one.decompressed_content()
                    .map_err(|e| format!("a {} stream cannot be decoded: {e}", name(f)))?
            }
            _ => {
                return Err(format!(
                    "a {} stream is not decoded (filter not supported or over the limit)",
                    name(f)
                ))
            }
        };
        data.truncate(cap);
    }
    Ok(data)
}

fn name(f: &[u8]) -> String {
    String::from_utf8_lossy(&f[..f.len().min(40)]).into_owned()
}

/// Zlib (or, failing its header, raw deflate) data inflated, at most `cap` bytes; what
/// was inflated before damage is kept.
fn inflate(data: &[u8], cap: usize) -> Vec<u8> {
    use flate2::read::{DeflateDecoder, ZlibDecoder};
    let mut out = Vec::new();
    let _ = ZlibDecoder::new(data)
        .take(cap as u64)
        .read_to_end(&mut out);
    if out.is_empty() && data.len() > 2 {
        let _ = DeflateDecoder::new(&data[2..])
            .take(cap as u64)
            .read_to_end(&mut out);
    }
    out
}

/// The stream object `id` of `doc`, if it is one.
fn stream(doc: &Document, id: ObjectId) -> Option<&Stream> {
    doc.get_object(id).ok()?.as_stream().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Dictionary};

    /// The text of every page of `raw`, as the generator's `pdf_pages.txt` writes them.
    fn pages(raw: &[u8]) -> String {
        let doc = load(raw).unwrap();
        assert!(!doc.is_encrypted());
        let budget = Cell::new(u64::MAX);
        let mut out = String::new();
        for (n, p) in doc.get_pages() {
            let t = text::page_text(&doc, p, &budget, &mut text::Fonts::new()).unwrap();
            assert!(t.damage.is_none());
            out.push_str(&format!(
                "=== page {n}\n{}",
                String::from_utf8(t.text).unwrap()
            ));
        }
        out
    }

    /// LibreOffice's simple TrueType subsets, the same text in cairo's CID font
    /// (Identity-H), and the document encrypted with an empty user password: each page is
    /// the text the generator wrote (lines; table cells separated by tabs).
    #[test]
    fn real_pdfs_read_as_their_generator_wrote_them() {
        let want = include_str!("../../../tests/data/pdf_pages.txt");
        assert_eq!(
            pages(include_bytes!("../../../testdata/unwrap/writer.pdf")),
            want
        );
        assert_eq!(
            pages(include_bytes!("../../../testdata/unwrap/writer_cairo.pdf")),
            want
        );
        assert_eq!(
            pages(include_bytes!("../../../testdata/unwrap/writer_open.pdf")),
            want
        );
    }

    #[test]
    fn a_user_password_leaves_the_document_encrypted() {
        let doc = load(include_bytes!("../../../testdata/unwrap/writer_locked.pdf")).unwrap();
        assert!(doc.is_encrypted());
        assert!(doc.get_pages().is_empty() || doc.is_encrypted());
    }

    /// A one-page document with `font` as /F1 (its ToUnicode map `to_unicode`) and the
    /// content stream `content`.
    fn one_page(mut font: Dictionary, to_unicode: Option<Stream>, content: Stream) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages = doc.new_object_id();
        if let Some(s) = to_unicode {
            font.set("ToUnicode", doc.add_object(s));
        }
        let font = doc.add_object(font);
        let content = doc.add_object(content);
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(
                dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    fn plain(content: &[u8]) -> Stream {
        Stream::new(Dictionary::new(), content.to_vec()).with_compression(false)
    }

    /// A CID font with Identity-H codes, a ToUnicode map of ranges and single codes, and
    /// /W widths: the codes of a string become its characters, and a TJ gap of 4 ems is
    /// a tab.
    #[test]
    fn cid_fonts_map_codes_through_to_unicode() {
        let cmap = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
            /CIDSystemInfo\n<< /Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n\
            /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
            1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n\
            2 beginbfchar\n<0001> <624b>\n<0002> <673a>\nendbfchar\n\
            1 beginbfrange\n<0010> <0019> <0030>\nendbfrange\n\
            endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
        let font = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "X", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![dictionary! {
                "Type" => "Font", "Subtype" => "CIDFontType2", "DW" => 1000,
                "W" => vec![16.into(), 25.into(), 500.into()],
            }.into()],
        };
        let digits: String = "13800138000"
            .chars()
            .map(|c| format!("00{:02X}", c as u32 - 48 + 16))
            .collect();
        let content = format!("BT /F1 10 Tf 72 700 Td [<00010002> -4000 <{digits}>] TJ ET");
        let doc = load(&one_page(
            font,
            Some(plain(cmap)),
            plain(content.as_bytes()),
        ))
        .unwrap();
        let page = doc.get_pages()[&1];
        let t = text::page_text(&doc, page, &Cell::new(u64::MAX), &mut text::Fonts::new()).unwrap();
        assert_eq!(String::from_utf8(t.text).unwrap(), "手机\t13800138000\n");
    }

    /// A UniGB-UCS2-H font without a ToUnicode map: the codes are UTF-16BE.
    #[test]
    fn unicode_cmaps_need_no_to_unicode_map() {
        let font = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light",
            "Encoding" => "UniGB-UCS2-H",
        };
        let doc = load(&one_page(
            font,
            None,
            plain(b"BT /F1 12 Tf 1 0 0 1 50 600 Tm <624B673A> Tj ET"),
        ))
        .unwrap();
        let t = text::page_text(
            &doc,
            doc.get_pages()[&1],
            &Cell::new(u64::MAX),
            &mut text::Fonts::new(),
        )
        .unwrap();
        assert_eq!(String::from_utf8(t.text).unwrap(), "手机\n");
    }

    /// A content stream that inflates past the cap is read up to it: the text before is
    /// kept and the page says why the rest is not.
    #[test]
    fn a_deflate_bomb_stops_at_the_stream_cap() {
        use flate2::{write::ZlibEncoder, Compression};
        use std::io::Write;
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        z.write_all(b"BT /F1 12 Tf 72 700 Td (13800138000) Tj ET\n")
            .unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..(STREAM_CAP >> 20) + 8 {
            z.write_all(&zeros).unwrap();
        }
        let bomb = Stream::new(
            dictionary! { "Filter" => "FlateDecode" },
            z.finish().unwrap(),
        )
        .with_compression(false);
        let font =
            dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" };
        let doc = load(&one_page(font, None, bomb)).unwrap();
        let budget = Cell::new(u64::MAX);
        let t =
            text::page_text(&doc, doc.get_pages()[&1], &budget, &mut text::Fonts::new()).unwrap();
        assert_eq!(String::from_utf8(t.text).unwrap(), "13800138000\n");
        assert!(t.damage.unwrap().starts_with("limit:"));
        assert!(u64::MAX - budget.get() <= STREAM_CAP as u64 + 1);
    }

    /// A cross-reference stream that inflates past the cap refuses the document before
    /// lopdf would inflate it whole; real documents' structure streams pass.
    #[test]
    fn an_inflating_cross_reference_stream_is_refused_before_loading() {
        use flate2::{write::ZlibEncoder, Compression};
        use std::io::Write;
        let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..(STREAM_CAP >> 20) + 2 {
            z.write_all(&zeros).unwrap();
        }
        let mut raw =
            b"%PDF-1.5\n1 0 obj\n<< /Type /XRef /Filter /FlateDecode >>\nstream\r\n".to_vec();
        raw.extend(z.finish().unwrap());
        raw.extend(b"\nendstream\nendobj\nstartxref\n9\n%%EOF\n");
        assert!(oversized_structure(&raw).unwrap().starts_with("limit:"));
        for ok in [
            &include_bytes!("../../../testdata/unwrap/writer.pdf")[..],
            include_bytes!("../../../testdata/unwrap/writer_cairo.pdf"),
        ] {
            assert_eq!(oversized_structure(ok), None);
        }
    }

    #[test]
    fn long_digit_runs_are_left_out_of_reasons() {
        assert_eq!(
            quiet("bad token 13800138000 at 12"),
            "bad token 138001… at 12"
        );
    }
}
