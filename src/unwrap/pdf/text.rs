//! The text of one page, as a reader sees it: the content stream's operators are run
//! to place every glyph on the page ([`Glyph`]: where it starts, how wide and how large
//! it is, what characters it stands for), then the glyphs are read line by line
//! ([`lines`]).

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::font::Font;
use super::{decoded, MAX_FORM_DEPTH, MAX_GLYPHS, STREAM_CAP};

/// The text of a page, and why it is incomplete if it is.
pub(super) struct PageText {
    /// UTF-8 text: a line per line of the page, each ending in `\n`.
    pub text: Vec<u8>,
    /// A limit (`limit: …`) or damage that stopped the page's reading part-way.
    pub damage: Option<String>,
}

/// One glyph placed on the page (device space, points).
#[derive(Clone, Debug)]
pub(super) struct Glyph {
    pub x: f32,
    pub y: f32,
    /// Its advance along the line.
    pub width: f32,
    /// The font size, as drawn.
    pub size: f32,
    pub text: Rc<str>,
}

/// A 2-D affine matrix `[a b c d e f]`, as PDF writes them.
type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n` (a point is transformed by `m` first).
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// The graphics state the text operators use (saved by `q`, restored by `Q`).
#[derive(Clone)]
struct State<'a> {
    ctm: Matrix,
    font: Option<Rc<Font<'a>>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    /// Horizontal scaling (`Tz` / 100).
    scale: f32,
    leading: f32,
    rise: f32,
}

/// Runs content streams, collecting glyphs.
struct Runner<'a> {
    doc: &'a Document,
    /// Decompressed bytes the input may still read.
    budget: &'a Cell<u64>,
    fonts: HashMap<ObjectId, Rc<Font<'a>>>,
    glyphs: Vec<Glyph>,
    damage: Option<String>,
    state: State<'a>,
    stack: Vec<State<'a>>,
    tm: Matrix,
    tlm: Matrix,
}

/// The fonts read so far, by object: kept from page to page.
pub(super) type Fonts<'a> = HashMap<ObjectId, Rc<Font<'a>>>;

/// The text of page `page`; `Err` when its content cannot be read at all. `fonts` are
/// the fonts read on earlier pages, and take those of this one.
pub(super) fn page_text<'a>(
    doc: &'a Document,
    page: ObjectId,
    budget: &'a Cell<u64>,
    fonts: &mut Fonts<'a>,
) -> Result<PageText, String> {
    let dict = doc
        .get_dictionary(page)
        .map_err(|e| format!("not a page dictionary: {e}"))?;
    let mut r = Runner {
        doc,
        budget,
        fonts: std::mem::take(fonts),
        glyphs: Vec::new(),
        damage: None,
        state: State {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        },
        stack: Vec::new(),
        tm: IDENTITY,
        tlm: IDENTITY,
    };
    let mut content = Vec::new();
    for id in doc.get_page_contents(page) {
        if let Some(bytes) = r.stream_bytes(id)? {
            content.extend_from_slice(&bytes);
            content.push(b'\n');
        }
    }
    let resources = page_resources(doc, dict);
    let ran = r.run(&content, &resources, 0);
    *fonts = std::mem::take(&mut r.fonts);
    ran?;
    Ok(PageText {
        text: lines(&mut r.glyphs),
        damage: r.damage,
    })
}

/// Returns true if and only if the page's resources hold an image.
pub(super) fn has_images(doc: &Document, page: ObjectId) -> bool {
    let Ok(dict) = doc.get_dictionary(page) else {
        return false;
    };
    page_resources(doc, dict).iter().any(|res| {
        let Some(xobjects) = deref_dict(doc, res.get(b"XObject").ok()) else {
            return false;
        };
        xobjects.iter().any(|(_, x)| {
            doc.dereference(x)
                .ok()
                .and_then(|(_, o)| o.as_stream().ok())
                .is_some_and(|s| subtype(&s.dict) == b"Image")
        })
    })
}

/// The resource dictionaries of a page: its own, then those it inherits.
fn page_resources<'a>(doc: &'a Document, page: &'a Dictionary) -> Vec<&'a Dictionary> {
    let mut out = Vec::new();
    let mut node = Some(page);
    while let Some(d) = node {
        if out.len() > 64 {
            break;
        }
        if let Some(res) = deref_dict(doc, d.get(b"Resources").ok()) {
            out.push(res);
        }
        node = deref_dict(doc, d.get(b"Parent").ok());
    }
    out
}

/// `o` as a dictionary, following a reference.
fn deref_dict<'a>(doc: &'a Document, o: Option<&'a Object>) -> Option<&'a Dictionary> {
    doc.dereference(o?).ok()?.1.as_dict().ok()
}

/// The entry `name` of the resource category `kind` (`Font`, `XObject`), first found.
fn resource<'a>(
    doc: &'a Document,
    resources: &[&'a Dictionary],
    kind: &[u8],
    name: &[u8],
) -> Option<(Option<ObjectId>, &'a Object)> {
    resources.iter().find_map(|res| {
        let cat = deref_dict(doc, res.get(kind).ok())?;
        doc.dereference(cat.get(name).ok()?).ok()
    })
}

/// The `/Subtype` of a dictionary (empty without one).
fn subtype(d: &Dictionary) -> &[u8] {
    d.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"")
}

/// The operations of a content stream. A stream that cannot be parsed whole (cut short,
/// damaged) is parsed up to its last `ET` and the reason returned with it; `Err` when
/// not even that can be parsed.
fn decode(content: &[u8]) -> Result<(Content, Option<String>), String> {
    let e = match Content::decode(content) {
        Ok(c) => return Ok((c, None)),
        Err(e) => e,
    };
    let why = format!("its content stream cannot be parsed: {e}");
    let is_space = |b: Option<&u8>| b.is_none_or(|b| b.is_ascii_whitespace());
    let last_et = content.windows(2).enumerate().rev().find(|&(i, w)| {
        w == b"ET" && (i == 0 || is_space(content.get(i - 1))) && is_space(content.get(i + 2))
    });
    let Some((at, _)) = last_et else {
        return Err(why);
    };
    match Content::decode(&content[..at + 2]) {
        Ok(c) => Ok((
            c,
            Some(format!("{why}; its text up to byte {} was read", at + 2)),
        )),
        Err(_) => Err(why),
    }
}

/// The number operands of an operation, as f32 (non-numbers are 0).
fn nums(ops: &[Object]) -> Vec<f32> {
    ops.iter().map(|o| o.as_float().unwrap_or(0.0)).collect()
}

impl<'a> Runner<'a> {
    /// The decoded bytes of stream `id`, counted against the budget; `None` if it is not
    /// a stream; `Err` when its filter cannot be decoded.
    fn stream_bytes(&mut self, id: ObjectId) -> Result<Option<Vec<u8>>, String> {
        let Some(s) = super::stream(self.doc, id) else {
            return Ok(None);
        };
        let cap = STREAM_CAP.min(self.budget.get().min(usize::MAX as u64) as usize);
        let data = decoded(s, cap.saturating_add(1))?;
        if data.len() > cap {
            self.damage.get_or_insert_with(|| {
                format!("limit: a content stream larger than {cap} bytes was read in part")
            });
        }
        self.budget
            .set(self.budget.get().saturating_sub(data.len() as u64));
        Ok(Some(data))
    }

    /// Runs the content stream `content` with `resources`, `depth` forms deep.
    fn run(
        &mut self,
        content: &[u8],
        resources: &[&'a Dictionary],
        depth: usize,
    ) -> Result<(), String> {
        let content = match decode(content) {
            Ok((c, damage)) => {
                if let Some(why) = damage {
                    self.damage.get_or_insert(why);
                }
                c
            }
            Err(why) => {
                if depth == 0 && self.glyphs.is_empty() {
                    return Err(why);
                }
                self.damage.get_or_insert(why);
                return Ok(());
            }
        };
        for op in &content.operations {
            if self.glyphs.len() >= MAX_GLYPHS {
                self.damage.get_or_insert_with(|| {
                    format!(
                        "limit: more than {MAX_GLYPHS} glyphs on the page; the rest were not read"
                    )
                });
                break;
            }
            self.operation(&op.operator, &op.operands, resources, depth);
        }
        Ok(())
    }

    /// Runs one operator.
    fn operation(&mut self, op: &str, args: &[Object], resources: &[&'a Dictionary], depth: usize) {
        let n = || nums(args);
        let st = &mut self.state;
        match op {
            "q" if self.stack.len() < 256 => self.stack.push(st.clone()),
            "Q" => {
                if let Some(s) = self.stack.pop() {
                    self.state = s;
                }
            }
            "cm" => {
                if let Ok(m) = <[f32; 6]>::try_from(n()) {
                    st.ctm = mul(&m, &st.ctm);
                }
            }
            "BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            "Tc" => st.char_space = n().first().copied().unwrap_or(0.0),
            "Tw" => st.word_space = n().first().copied().unwrap_or(0.0),
            "Tz" => st.scale = n().first().copied().unwrap_or(100.0) / 100.0,
            "TL" => st.leading = n().first().copied().unwrap_or(0.0),
            "Ts" => st.rise = n().first().copied().unwrap_or(0.0),
            "Tf" => {
                st.size = args.get(1).and_then(|o| o.as_float().ok()).unwrap_or(0.0);
                let name = args.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
                self.state.font = self.font(resources, name);
            }
            "Td" | "TD" => {
                let v = n();
                let (x, y) = (
                    v.first().copied().unwrap_or(0.0),
                    v.get(1).copied().unwrap_or(0.0),
                );
                if op == "TD" {
                    st.leading = -y;
                }
                self.next_line(x, y);
            }
            "Tm" => {
                if let Ok(m) = <[f32; 6]>::try_from(n()) {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            "T*" => {
                let l = st.leading;
                self.next_line(0.0, -l);
            }
            "Tj" => self.show(args.first()),
            "'" => {
                let l = st.leading;
                self.next_line(0.0, -l);
                self.show(args.first());
            }
            "\"" => {
                let v = n();
                st.word_space = v.first().copied().unwrap_or(0.0);
                st.char_space = v.get(1).copied().unwrap_or(0.0);
                let l = st.leading;
                self.next_line(0.0, -l);
                self.show(args.get(2));
            }
            "TJ" => {
                for o in args
                    .first()
                    .and_then(|a| a.as_array().ok())
                    .into_iter()
                    .flatten()
                {
                    match o {
                        Object::String(..) => self.show(Some(o)),
                        _ => {
                            let adj = o.as_float().unwrap_or(0.0);
                            let st = &self.state;
                            self.advance(-adj / 1000.0 * st.size * st.scale);
                        }
                    }
                }
            }
            "Do" => {
                let name = args.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
                self.form(resources, name, depth);
            }
            _ => {}
        }
    }

    fn next_line(&mut self, x: f32, y: f32) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, x, y], &self.tlm);
        self.tm = self.tlm;
    }

    /// Moves the text matrix `tx` along the line (text space).
    fn advance(&mut self, tx: f32) {
        self.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &self.tm);
    }

    /// The font `name` of the resources, read once per font object.
    fn font(&mut self, resources: &[&'a Dictionary], name: &[u8]) -> Option<Rc<Font<'a>>> {
        // A font that is missing or damaged reads its codes as Windows-1252.
        let Some((id, Ok(dict))) =
            resource(self.doc, resources, b"Font", name).map(|(id, o)| (id, o.as_dict()))
        else {
            return Some(Rc::new(Font::fallback()));
        };
        if let Some(f) = id.and_then(|id| self.fonts.get(&id)) {
            return Some(f.clone());
        }
        let f = Rc::new(Font::new(self.doc, dict, self.budget));
        if let Some(id) = id {
            self.fonts.insert(id, f.clone());
        }
        Some(f)
    }

    /// Shows the string `s` with the current font: a glyph per character code.
    fn show(&mut self, s: Option<&Object>) {
        let (Some(Object::String(bytes, _)), Some(font)) = (s, self.state.font.clone()) else {
            return;
        };
        let mut rest = bytes.as_slice();
        while !rest.is_empty() && self.glyphs.len() < MAX_GLYPHS {
            let (code, len) = font.code(rest);
            rest = &rest[len..];
            let st = &self.state;
            let w0 = font.width(code) / 1000.0;
            let trm = mul(
                &mul(
                    &[st.size * st.scale, 0.0, 0.0, st.size, 0.0, st.rise],
                    &self.tm,
                ),
                &st.ctm,
            );
            let (sx, sy) = (trm[0].hypot(trm[1]), trm[2].hypot(trm[3]));
            self.glyphs.push(Glyph {
                x: trm[4],
                y: trm[5],
                width: w0 * sx,
                size: sy,
                text: font.text(code, len),
            });
            let spacing = if len == 1 && code == 32 {
                st.char_space + st.word_space
            } else {
                st.char_space
            };
            self.advance((w0 * st.size + spacing) * st.scale);
        }
    }

    /// Runs the form XObject `name`, if it is one, within the depth limit.
    fn form(&mut self, resources: &[&'a Dictionary], name: &[u8], depth: usize) {
        if depth >= MAX_FORM_DEPTH {
            return;
        }
        let Some((Some(id), obj)) = resource(self.doc, resources, b"XObject", name) else {
            return;
        };
        let Ok(s) = obj.as_stream() else { return };
        if subtype(&s.dict) != b"Form" {
            return;
        }
        let content = match self.stream_bytes(id) {
            Ok(Some(c)) => c,
            Ok(None) => return,
            Err(why) => {
                self.damage.get_or_insert(why);
                return;
            }
        };
        let mut inner: Vec<&'a Dictionary> = Vec::with_capacity(resources.len() + 1);
        inner.extend(deref_dict(self.doc, s.dict.get(b"Resources").ok()));
        inner.extend_from_slice(resources);
        let saved = (self.state.clone(), self.tm, self.tlm);
        if let Ok(m) = <[f32; 6]>::try_from(nums(
            s.dict
                .get(b"Matrix")
                .and_then(Object::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default(),
        )) {
            self.state.ctm = mul(&m, &self.state.ctm);
        }
        let _ = self.run(&content, &inner, depth + 1);
        (self.state, self.tm, self.tlm) = saved;
    }
}

/// The glyphs read as lines: grouped by baseline from the top of the page down, each line
/// left to right. Glyphs are joined directly, with a space where the gap between them is
/// wider than a word space (wider still next to Chinese, whose fonts leave a gap of about
/// 1/4 em between Chinese and Latin runs), and with a tab where it is wider than
/// [`TAB_GAP`] ems (table cells, columns).
pub(super) fn lines(glyphs: &mut Vec<Glyph>) -> Vec<u8> {
    glyphs.retain(|g| g.x.is_finite() && g.y.is_finite() && g.width.is_finite());
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut out = String::new();
    let mut start = 0;
    while start < glyphs.len() {
        let top = &glyphs[start];
        let tol = 0.4 * top.size.max(1.0);
        let end = start
            + glyphs[start..]
                .iter()
                .position(|g| top.y - g.y > tol)
                .unwrap_or(glyphs.len() - start);
        let line = &mut glyphs[start..end];
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        join_line(line, &mut out);
        out.push('\n');
        start = end;
    }
    out.into_bytes()
}

/// Gaps wider than this many ems are tabs.
const TAB_GAP: f32 = 1.5;

/// Appends the glyphs of one line (sorted left to right) to `out`.
fn join_line(line: &[Glyph], out: &mut String) {
    let mut prev: Option<&Glyph> = None;
    for g in line {
        if let Some(p) = prev {
            let em = p.size.max(g.size).max(1.0);
            if g.text == p.text && (g.x - p.x).abs() < 0.15 * em {
                continue; // drawn twice (fake bold, shadow)
            }
            let gap = (g.x - (p.x + p.width)) / em;
            let wide = |t: &str| t.chars().any(|c| c as u32 >= 0x2E80);
            let space = if wide(&p.text) || wide(&g.text) {
                0.5
            } else {
                0.25
            };
            let blank = |t: &str| t.chars().all(char::is_whitespace);
            if gap > TAB_GAP {
                if !out.ends_with('\t') {
                    out.push('\t');
                }
            } else if gap > space && !blank(&p.text) && !blank(&g.text) {
                out.push(' ');
            }
        }
        for c in g.text.chars() {
            // A line is one line: breaks inside a glyph's text would split it.
            out.push(if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            });
        }
        prev = Some(g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(x: f32, y: f32, text: &str) -> Glyph {
        Glyph {
            x,
            y,
            width: if text.is_ascii() { 5.0 } else { 10.0 },
            size: 10.0,
            text: text.into(),
        }
    }

    /// Lines by baseline from the top down, left to right; runs that touch are joined, a
    /// Chinese-Latin gap of 1/4 em is no space, a word gap is, a wide gap is a tab.
    #[test]
    fn glyphs_are_read_as_lines_with_spaces_and_tabs_by_gap() {
        let mut g = vec![
            glyph(96.0, 500.0, "1"),
            glyph(50.0, 520.0, "b"),
            glyph(40.0, 520.0, "a"),
            glyph(57.5, 519.0, "3"),
            glyph(79.0, 500.0, "号"),
            glyph(0.0, 500.0, "姓"),
            glyph(10.0, 500.0, "名"),
            glyph(47.0, 500.0, "张"),
            glyph(57.0, 500.0, "三"),
            glyph(67.0, 500.0, "三"),
        ];
        assert_eq!(
            String::from_utf8(lines(&mut g)).unwrap(),
            "a b3\n姓名\t张三三号 1\n"
        );
    }

    /// A content stream that lopdf cannot parse whole (here: arrays nested too deep) is
    /// read up to its last text object.
    #[test]
    fn a_damaged_content_stream_is_read_up_to_its_last_text_object() {
        let mut content = b"BT (13800138000) Tj ET\n".to_vec();
        content.extend(vec![b'['; 100_000]);
        let (c, why) = decode(&content).unwrap();
        assert_eq!(c.operations.len(), 3);
        assert!(why.unwrap().contains("up to byte 22"));
        assert!(decode(&content[23..]).is_err());
    }
}
