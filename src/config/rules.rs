//! Custom rules from the config file (`[[rules]]`), its `rule_files` and `--rules FILE`:
//! each checked where it is written (errors name the file, line and column), compiled,
//! registered as a kind of its own (`custom.<id>`), and its examples and counterexamples
//! run through the same detector a scan uses.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use toml::Spanned;

use super::file::{self, RuleTable, RulesFile};
use crate::detect::custom::{self, RuleSpec, Rules, Validator};
use crate::detect::{Confidence, Detector, Kind};

/// A file that holds rules: its path and text, for error positions.
#[derive(Debug)]
struct Source {
    path: PathBuf,
    text: String,
}

impl Source {
    /// `msg` about the value `v`, naming the file, line and column.
    fn error<T>(&self, v: &Spanned<T>, msg: &str) -> String {
        file::error_at(&self.path, &self.text, v.span().start, msg)
    }
}

/// A rule as written, and where.
#[derive(Debug)]
struct Written {
    source: Arc<Source>,
    table: RuleTable,
}

/// The rules of a scan: compiled, registered, and where each was written.
#[derive(Debug)]
pub struct LoadedRules {
    /// The compiled rules, as detectors take them.
    pub rules: Arc<Rules>,
    written: Vec<Written>,
    /// Rule files read besides the config file: path and SHA-256.
    pub files: Vec<(PathBuf, String)>,
}

/// One example or counterexample of a rule, run.
#[derive(Clone, Debug)]
pub struct ExampleRun {
    /// The rule's id.
    pub rule: String,
    /// True for an example (must be found), false for a counterexample.
    pub example: bool,
    /// The text.
    pub text: String,
    /// What the rule found in it.
    pub found: Vec<String>,
    /// True if it passed.
    pub ok: bool,
    /// Where it is written: `FILE: line L, column C`.
    pub at: String,
}

/// Reads the rules of the config file `config` (its `[[rules]]`, then its `rule_files`)
/// and of the files `extra` (`--rules`), and compiles and registers them; `None` when
/// there are none.
pub fn load(
    config: Option<&file::Loaded>,
    extra: &[PathBuf],
) -> Result<Option<LoadedRules>, String> {
    let mut written = Vec::new();
    let mut files = Vec::new();
    if let Some(l) = config {
        let source = Arc::new(Source {
            path: l.path.clone(),
            text: l.text().to_string(),
        });
        for t in &l.settings.rules {
            written.push(Written {
                source: source.clone(),
                table: t.clone(),
            });
        }
        let dir = l.path.parent().unwrap_or(Path::new("."));
        for f in &l.settings.rule_files {
            let path = dir.join(f.get_ref());
            if !path.is_file() {
                return Err(source.error(f, &format!("no rule file {}", path.display())));
            }
            read_rule_file(&path, &mut written, &mut files)?;
        }
    }
    for path in extra {
        read_rule_file(path, &mut written, &mut files)?;
    }
    if written.is_empty() {
        return Ok(None);
    }
    let mut specs = Vec::with_capacity(written.len());
    for (i, w) in written.iter().enumerate() {
        if let Some(first) = written[..i]
            .iter()
            .find(|o| o.table.id.get_ref() == w.table.id.get_ref())
        {
            let at = first.source.error(&first.table.id, "first defined here");
            return Err(w.source.error(
                &w.table.id,
                &format!("rule id '{}' is defined twice ({at})", w.table.id.get_ref()),
            ));
        }
        specs.push(spec(w)?);
    }
    let rules = Rules::new(specs).map_err(|(i, e)| {
        let w = &written[i];
        w.source.error(&w.table.regex, &e)
    })?;
    rules.register()?;
    Ok(Some(LoadedRules {
        rules: Arc::new(rules),
        written,
        files,
    }))
}

/// Reads one file of `[[rules]]`.
fn read_rule_file(
    path: &Path,
    written: &mut Vec<Written>,
    files: &mut Vec<(PathBuf, String)>,
) -> Result<(), String> {
    let (text, sha256, parsed) = file::parse::<RulesFile>(path)?;
    let source = Arc::new(Source {
        path: path.to_path_buf(),
        text,
    });
    for table in parsed.rules {
        written.push(Written {
            source: source.clone(),
            table,
        });
    }
    files.push((path.to_path_buf(), sha256));
    Ok(())
}

/// Checks a written rule's values, and its pattern.
fn spec(w: &Written) -> Result<RuleSpec, String> {
    let (t, src) = (&w.table, &w.source);
    let id = t.id.get_ref();
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(src.error(
            &t.id,
            "a rule id is letters, digits, '_' and '-' (the type is custom.<id>)",
        ));
    }
    custom::compile(t.regex.get_ref()).map_err(|e| src.error(&t.regex, &e))?;
    let validator = match &t.validator {
        None => Validator::None,
        Some(v) => Validator::from_name(v.get_ref()).ok_or_else(|| {
            src.error(
                v,
                &format!(
                    "unknown validator '{}' (known: {})",
                    v.get_ref(),
                    Validator::NAMES
                ),
            )
        })?,
    };
    let confidence = match &t.confidence {
        None => Confidence::Medium,
        Some(v) => Confidence::from_name(v.get_ref())
            .ok_or_else(|| src.error(v, "a confidence is \"low\", \"medium\" or \"high\""))?,
    };
    let high_priority = match t.priority.as_ref().map(|p| (p, p.get_ref().as_str())) {
        None | Some((_, "normal")) => false,
        Some((_, "high")) => true,
        Some((p, _)) => return Err(src.error(p, "a priority is \"normal\" or \"high\"")),
    };
    let words = |vs: &[Spanned<String>], what: &str| -> Result<Vec<String>, String> {
        vs.iter()
            .map(|v| match v.get_ref().trim() {
                "" => Err(src.error(v, &format!("an empty {what}"))),
                w => Ok(w.to_string()),
            })
            .collect()
    };
    let keywords = words(&t.keywords, "keyword")?;
    let columns = words(&t.columns, "column name")?;
    if t.require_context && keywords.is_empty() && columns.is_empty() {
        return Err(src.error(
            &t.id,
            "require_context = true needs keywords or columns to be context",
        ));
    }
    let keep = t
        .mask
        .as_ref()
        .map_or((2, 2), |m| (m.get_ref().keep_start, m.get_ref().keep_end));
    Ok(RuleSpec {
        id: id.clone(),
        description: t.description.trim().to_string(),
        regex: t.regex.get_ref().clone(),
        keywords,
        require_context: t.require_context,
        columns,
        validator,
        confidence,
        keep,
        high_priority,
    })
}

impl LoadedRules {
    /// Runs every rule's examples and counterexamples through a detector with the rules,
    /// as a scan would find them.
    pub fn run_examples(&self) -> Vec<ExampleRun> {
        let det =
            Detector::with_keywords(&self.rules.labels()).with_rules(Some(self.rules.clone()));
        let kinds = self.rules.kinds();
        let mut runs = Vec::new();
        for (w, kind) in self.written.iter().zip(kinds) {
            let cases = w.table.examples.iter().map(|e| (true, e));
            let cases = cases.chain(w.table.counterexamples.iter().map(|e| (false, e)));
            for (example, text) in cases {
                let found = found(&det, kind, text.get_ref());
                runs.push(ExampleRun {
                    rule: w.table.id.get_ref().clone(),
                    example,
                    text: text.get_ref().clone(),
                    ok: found.is_empty() != example,
                    found,
                    at: w
                        .source
                        .error(text, "")
                        .trim_end_matches(": ")
                        .trim_start_matches("config ")
                        .to_string(),
                });
            }
        }
        runs
    }

    /// An error naming the first example that is not found or counterexample that is,
    /// with its file, line and column.
    pub fn check_examples(&self) -> Result<(), String> {
        match self.run_examples().into_iter().find(|r| !r.ok) {
            None => Ok(()),
            Some(r) => Err(format!("config {}: {}", r.at, failure(&r))),
        }
    }
}

/// What a failed run says.
pub fn failure(r: &ExampleRun) -> String {
    if r.example {
        format!("rule '{}': example {:?} is not found", r.rule, r.text)
    } else {
        format!(
            "rule '{}': counterexample {:?} is found ({})",
            r.rule,
            r.text,
            r.found.join(", ")
        )
    }
}

/// The values of `kind` that `det` finds in `text`.
fn found(det: &Detector, kind: Kind, text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let fc = det.file_context(b);
    det.scan(crate::detect::digits::Buf::whole(b), 0..b.len(), &fc)
        .into_iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.value)
        .collect()
}

/// The table `piiscan rules test` prints: one line per example and counterexample.
pub fn table(runs: &[ExampleRun]) -> String {
    let width = |s: &str| s.chars().count();
    let w_rule = runs
        .iter()
        .map(|r| width(&r.rule))
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:<w_rule$}  {:<14}  {:<6}  TEXT\n",
        "RULE", "CASE", "RESULT"
    );
    for r in runs {
        let case = if r.example {
            "example"
        } else {
            "counterexample"
        };
        let result = if r.ok { "ok" } else { "FAIL" };
        out.push_str(&format!(
            "{:<w_rule$}  {case:<14}  {result:<6}  {:?}",
            r.rule, r.text
        ));
        if !r.ok {
            out.push_str(&format!("  ({}", r.at));
            if !r.found.is_empty() {
                out.push_str(&format!("; found {}", r.found.join(", ")));
            }
            out.push(')');
        }
        out.push('\n');
    }
    let failed = runs.iter().filter(|r| !r.ok).count();
    out.push_str(&format!("{} cases, {failed} failed\n", runs.len()));
    out
}
