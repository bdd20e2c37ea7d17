//! `--format html`: one self-contained page for people who audit an export and share
//! the result: counts by type (an inline SVG chart) and by file, the files not fully
//! scanned, and a sortable table of masked findings.
//!
//! The page loads nothing: styles and the sorting script are inline, and its
//! Content-Security-Policy forbids every fetch, so opening it makes no network request.
//! Everything taken from the scan (paths, snippets) is HTML-escaped. Values are masked
//! unless `--reveal`, as in every format. The findings table holds the first
//! [`MAX_ROWS`] findings (the counts above it are always complete); CSV or JSON list all.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Report, Reporter, Summary};
use crate::evidence::{Kind, Status};
use crate::time::rfc3339;

/// The HTML reporter.
pub struct Html;

/// Rows of the findings table; a browser stays usable up to about this many.
pub const MAX_ROWS: usize = 20_000;

/// Bar colours by kind, in [`Kind::all`] order (repeated if there are more kinds).
const COLOURS: [&str; 6] = [
    "#c0392b", "#2471a3", "#1e8449", "#b9770e", "#7d3c98", "#117a65",
];

const STYLE: &str = "\
body{font:14px/1.45 system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0 auto;\
max-width:1200px;padding:0 16px 48px;color:#1c2833}\
h1{font-size:22px;margin:24px 0 4px}h2{font-size:17px;margin:28px 0 8px}\
.note{color:#7b241c;font-weight:600}.muted{color:#566573}\
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0}\
dl.meta dt{color:#566573}dl.meta dd{margin:0;word-break:break-all}\
.cards{display:flex;flex-wrap:wrap;gap:12px}\
.card{border:1px solid #d5d8dc;border-radius:6px;padding:8px 14px;min-width:110px}\
.card b{display:block;font-size:20px}\
table{border-collapse:collapse;width:100%;font-size:13px}\
th,td{border-bottom:1px solid #e5e8e8;padding:4px 6px;text-align:left;vertical-align:top}\
th{background:#f4f6f6;position:sticky;top:0}\
table.sortable th{cursor:pointer;user-select:none}\
table.sortable th[aria-sort=ascending]::after{content:' \\25B2'}\
table.sortable th[aria-sort=descending]::after{content:' \\25BC'}\
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\
td.path{word-break:break-all;min-width:12em}code{font-family:ui-monospace,Menlo,Consolas,monospace}";

/// Sorts a table by the clicked header: numbers by value, the rest by text (collated as
/// Chinese); a second click reverses.
const SCRIPT: &str = "\
document.querySelectorAll('table.sortable').forEach(function(t){\
var hs=t.tHead.rows[0].cells;\
Array.prototype.forEach.call(hs,function(h,i){h.addEventListener('click',function(){\
var asc=h.getAttribute('aria-sort')!=='ascending';\
Array.prototype.forEach.call(hs,function(x){x.removeAttribute('aria-sort');});\
h.setAttribute('aria-sort',asc?'ascending':'descending');\
var num=h.classList.contains('num'),b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);\
var key=function(r){var c=r.cells[i],v=c.getAttribute('data-v');v=v===null?c.textContent:v;\
return num?parseFloat(v)||0:v;};\
var coll=new Intl.Collator('zh-CN',{numeric:true});\
rows.sort(function(a,b){var x=key(a),y=key(b);var d=num?x-y:coll.compare(x,y);return asc?d:-d;});\
rows.forEach(function(r){b.appendChild(r);});});});});";

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                out.push_str(&format!("&#x{:x};", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// The horizontal bar chart of findings by kind, as inline SVG.
fn chart(by_kind: &[(Kind, u64)]) -> String {
    const LABEL: u64 = 300;
    const BAR: u64 = 420;
    const ROW: u64 = 30;
    let max = by_kind.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = ROW * by_kind.len() as u64 + 10;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{w}\" height=\"{height}\" \
         viewBox=\"0 0 {w} {height}\" aria-label=\"findings by type\">",
        w = LABEL + BAR + 90
    );
    for (i, (k, n)) in by_kind.iter().enumerate() {
        let y = ROW * i as u64 + 5;
        let len = if *n == 0 {
            0
        } else {
            (BAR * n).div_ceil(max).max(2)
        };
        let colour = COLOURS[i % COLOURS.len()];
        s.push_str(&format!(
            "<g><title>{title}: {n}</title>\
             <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"13\">{title}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{len}\" height=\"20\" rx=\"2\" fill=\"{colour}\"/>\
             <text x=\"{nx}\" y=\"{ty}\" font-size=\"13\">{n}</text></g>",
            title = escape(k.spec().rule.short),
            lx = LABEL - 8,
            ty = y + 15,
            nx = LABEL + len + 6,
        ));
    }
    s.push_str("</svg>");
    s
}

/// A `<dt>`/`<dd>` pair, if there is a value.
fn meta(out: &mut dyn Write, name: &str, value: Option<&str>) -> io::Result<()> {
    match value {
        Some(v) => writeln!(out, "<dt>{name}</dt><dd>{}</dd>", escape(v)),
        None => Ok(()),
    }
}

impl Reporter for Html {
    fn write(&self, r: &Report, out: &mut dyn Write) -> io::Result<()> {
        let s = r.summary();
        head(out)?;
        header(r, out)?;
        summary_cards(r, &s, out)?;
        by_type(r, &s, out)?;
        by_file(r, out)?;
        not_fully_scanned(r, out)?;
        findings(r, out)?;
        writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>")
    }
}

/// The document head (character set, the policy that forbids every fetch, the styles)
/// and the opening of the body.
fn head(out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"piiscan {}\">\n\
         <title>piiscan 扫描报告 / scan report</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        env!("CARGO_PKG_VERSION")
    )
}

/// The page header: the title, whether values are masked, whether the scan was
/// interrupted, and the scan's metadata.
fn header(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<header>\n<h1>piiscan 扫描报告 · Scan report</h1>")?;
    if r.config.reveal {
        writeln!(
            out,
            "<p class=\"note\">本报告含未脱敏的原始值 · This report shows RAW values \
             (--reveal): handle it as the data itself.</p>"
        )?;
    } else {
        writeln!(
            out,
            "<p class=\"muted\">所有值均已脱敏 · All values are masked; \
             fingerprints correlate them without revealing them.</p>"
        )?;
    }
    if !r.outcome.complete {
        writeln!(
            out,
            "<p class=\"note\">扫描被中断 · INCOMPLETE: the scan was interrupted; only \
             the files listed were scanned.</p>"
        )?;
    }
    scan_metadata(r, out)?;
    writeln!(out, "</header>")
}

/// The metadata list: what was scanned, the case, times, host, user, tool and config
/// file.
fn scan_metadata(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let (o, cfg) = (r.outcome, r.config);
    writeln!(out, "<dl class=\"meta\">")?;
    let roots: Vec<String> = cfg
        .roots
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    meta(out, "扫描对象 · Scanned", Some(&roots.join(", ")))?;
    if let Some(c) = &cfg.case {
        meta(out, "案件编号 · Case", c.id.as_deref())?;
        meta(out, "检查人 · Examiner", c.examiner.as_deref())?;
        meta(out, "备注 · Note", c.note.as_deref())?;
    }
    writeln!(
        out,
        "<dt>开始 · Started</dt><dd><span class=\"volatile\">{}</span></dd>\n\
         <dt>结束 · Finished</dt><dd><span class=\"volatile\">{}</span></dd>\n\
         <dt>主机 · Host</dt><dd><span class=\"volatile\">{}</span></dd>\n\
         <dt>用户 · User</dt><dd><span class=\"volatile\">{}</span></dd>\n\
         <dt>工具 · Tool</dt><dd><span class=\"volatile\">piiscan {} ({})</span></dd>",
        rfc3339(o.started),
        rfc3339(o.finished),
        escape(cfg.host.hostname.as_deref().unwrap_or("unknown")),
        escape(cfg.host.user.as_deref().unwrap_or("unknown")),
        env!("CARGO_PKG_VERSION"),
        env!("PIISCAN_COMMIT"),
    )?;
    let config = cfg
        .config_file
        .as_ref()
        .map(|c| format!("{} (sha256 {})", c.path.display(), c.sha256));
    meta(out, "配置文件 · Config file", config.as_deref())?;
    writeln!(out, "</dl>")
}

/// The summary cards: files scanned, skipped and in error, bytes, findings and
/// suppressed findings.
fn summary_cards(r: &Report, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let o = r.outcome;
    writeln!(
        out,
        "<section id=\"summary\">\n<h2>概要 · Summary</h2>\n<div class=\"cards\">"
    )?;
    for (name, n) in [
        ("已扫描文件 · Files scanned", s.scanned),
        ("跳过 · Skipped", s.skipped),
        ("错误 · Errors", s.errors),
        ("字节 · Bytes scanned", s.bytes),
        ("发现 · Findings", o.findings.len() as u64),
        ("已豁免 · Suppressed", o.suppression.counts.total()),
    ] {
        writeln!(
            out,
            "<div class=\"card\"><b data-count=\"{n}\">{n}</b>{name}</div>"
        )?;
    }
    writeln!(out, "</div>\n</section>")
}

/// Findings by type: the chart and a table of the counts (findings, distinct values,
/// repeats, untrue values), then the records holding findings.
fn by_type(r: &Report, s: &Summary, out: &mut dyn Write) -> io::Result<()> {
    let counts = &r.outcome.counts;
    writeln!(
        out,
        "<section id=\"by-type\">\n<h2>按类型 · Findings by type</h2>\n{}",
        chart(&s.by_kind)
    )?;
    writeln!(
        out,
        "<table id=\"type-table\">\n<thead><tr><th>类型 · Type</th><th class=\"num\">数量 · Count</th>\
         <th class=\"num\">去重 · Distinct</th><th class=\"num\">重复 · Repeats</th>\
         <th class=\"num\">不实 · Untrue</th></tr></thead>\n<tbody>"
    )?;
    for (k, n) in &s.by_kind {
        let c = counts.by_kind.iter().find(|c| c.kind == *k);
        let (distinct, repeats) = c.map_or((0, 0), |c| (c.distinct, c.repeats()));
        let untrue = counts.untrue_of(*k);
        writeln!(
            out,
            "<tr><td><code>{}</code> {}</td><td class=\"num\">{n}</td><td class=\"num\">{distinct}</td>\
             <td class=\"num\">{repeats}</td><td class=\"num\">{untrue}</td></tr>",
            k.name(),
            escape(k.spec().rule.short)
        )?;
    }
    let rec = &counts.records;
    writeln!(
        out,
        "</tbody>\n</table>\n<p id=\"records\">记录 · Records holding findings: <b>{}</b> \
         ({} distinct, {} with a resident ID)</p>\n</section>",
        rec.total, rec.distinct, rec.with_id
    )
}

/// Findings per kind (in [`Kind::all`] order) of each file and member with findings.
type FileCounts = BTreeMap<(String, Option<String>), Vec<u64>>;

/// Counts the findings of each file and member, by kind.
fn count_by_file(r: &Report) -> io::Result<FileCounts> {
    let mut by_file = FileCounts::new();
    for f in r.outcome.findings.iter() {
        let f = f?;
        let f = &*f;
        let counts = by_file
            .entry((f.path.clone(), f.member.clone()))
            .or_insert_with(|| vec![0; Kind::all().len()]);
        counts[f.kind.index()] += 1;
    }
    Ok(by_file)
}

/// Findings by file: a sortable table of the files (and members) with findings, with
/// their counts by kind and in all.
fn by_file(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let by_file = count_by_file(r)?;
    writeln!(
        out,
        "<section id=\"by-file\">\n<h2>按文件 · Findings by file</h2>\n\
         <p class=\"muted\">{} of {} files hold findings.</p>\n\
         <table class=\"sortable\" id=\"file-table\">\n<thead><tr><th>文件 · File</th><th>成员 · Member</th>",
        by_file
            .keys()
            .map(|(p, _)| p)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        r.outcome.files.len()
    )?;
    for k in Kind::all() {
        write!(out, "<th class=\"num\">{}</th>", k.name())?;
    }
    writeln!(
        out,
        "<th class=\"num\">合计 · Total</th></tr></thead>\n<tbody>"
    )?;
    for ((path, member), counts) in &by_file {
        write!(
            out,
            "<tr><td class=\"path\">{}</td><td class=\"path\">{}</td>",
            escape(path),
            escape(member.as_deref().unwrap_or(""))
        )?;
        for n in counts {
            write!(out, "<td class=\"num\">{n}</td>")?;
        }
        writeln!(
            out,
            "<td class=\"num\">{}</td></tr>",
            counts.iter().sum::<u64>()
        )?;
    }
    writeln!(out, "</tbody>\n</table>\n</section>")
}

/// The files and members not fully scanned (skipped, in error or changed during the
/// scan), as a sortable table; nothing when every input was scanned.
fn not_fully_scanned(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut problems = Vec::new();
    for f in &r.outcome.files {
        if f.status != Status::Scanned || f.changed_during_scan {
            problems.push((f.path.as_str(), None, f));
        }
        for m in &f.members {
            if m.status != Status::Scanned {
                problems.push((f.path.as_str(), m.member.as_deref(), m));
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<section id=\"problems\">\n<h2>未完整扫描 · Not fully scanned</h2>\n\
         <table class=\"sortable\">\n<thead><tr><th>文件 · File</th><th>成员 · Member</th>\
         <th>状态 · Status</th><th>原因 · Reason</th></tr></thead>\n<tbody>"
    )?;
    for (path, member, rec) in problems {
        let status = match (rec.status, rec.changed_during_scan) {
            (Status::Scanned, true) => "changed during scan",
            (Status::Scanned, false) => "scanned",
            (Status::Skipped, _) => "skipped",
            (Status::Error, _) => "error",
        };
        writeln!(
            out,
            "<tr><td class=\"path\">{}</td><td class=\"path\">{}</td><td>{status}</td><td>{}</td></tr>",
            escape(path),
            escape(member.unwrap_or("")),
            escape(rec.reason.as_deref().unwrap_or(""))
        )?;
    }
    writeln!(out, "</tbody>\n</table>\n</section>")
}

/// The findings table: the first [`MAX_ROWS`] findings, masked unless `--reveal`, with
/// a note when some are left out.
fn findings(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let o = r.outcome;
    let shown = o.findings.len().min(MAX_ROWS);
    writeln!(out, "<section id=\"findings\">\n<h2>发现 · Findings</h2>")?;
    if shown < o.findings.len() {
        writeln!(
            out,
            "<p class=\"note\">The table shows the first {shown} of {} findings; the \
             counts above are complete. Use --format csv or json for the full list.</p>",
            o.findings.len()
        )?;
    }
    writeln!(
        out,
        "<p class=\"muted\">点击表头排序 · Click a column header to sort.</p>\n\
         <table class=\"sortable\" id=\"finding-table\">\n<thead><tr>\
         <th class=\"num\">#</th><th>类型 · Type</th><th>值 · Value</th>\
         <th>可信度 · Confidence</th><th>文件 · File</th><th>成员 · Member</th>\
         <th class=\"num\">行 · Line</th><th class=\"num\">列 · Column</th>\
         <th class=\"num\">偏移 · Offset</th><th>上下文 · Context</th></tr></thead>\n<tbody>"
    )?;
    for (i, f) in o.findings.iter().take(shown).enumerate() {
        let f = f?;
        let f = &*f;
        let rank = f.confidence as u8;
        let at = f
            .cell
            .as_deref()
            .map_or(String::new(), |c| format!(" [{c}]"));
        writeln!(
            out,
            "<tr><td class=\"num\">{}</td><td><code>{}</code></td><td><code>{}</code></td>\
             <td data-v=\"{rank}{}\">{}</td><td class=\"path\">{}</td><td class=\"path\">{}{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            i + 1,
            f.kind.name(),
            escape(&r.display_value(f)),
            f.confidence.name(),
            f.confidence.name(),
            escape(&f.path),
            escape(f.member.as_deref().unwrap_or("")),
            escape(&at),
            f.line,
            f.column,
            f.offset,
            escape(&r.display_context(f)),
        )?;
    }
    writeln!(out, "</tbody>\n</table>\n</section>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>\u{1b}"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;&#x1b;"
        );
        assert_eq!(escape("身份证.csv"), "身份证.csv");
    }

    #[test]
    fn the_chart_scales_bars_to_the_largest_count() {
        use crate::detect::{cn_id, cn_mobile, email};
        let svg = chart(&[(cn_id::KIND, 10), (cn_mobile::KIND, 5), (email::KIND, 0)]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("width=\"420\""), "{svg}");
        assert!(svg.contains("width=\"210\""), "{svg}");
        assert!(svg.contains("width=\"0\""), "{svg}");
        assert_eq!(svg.matches("<rect").count(), 3);
    }
}
