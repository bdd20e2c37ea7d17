//! The layers of escaping undone to reach a piece of text, and their names in reports.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// One kind of escaping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    /// URL percent-encoding (`%E5%BC%A0`, `+` for a space in a query).
    Url,
    /// JSON (and JavaScript, Java) string escapes (`\u5f20`).
    JsonEscape,
    /// HTML and XML character references (`&#24352;`, `&#x5f20;`, `&nbsp;`).
    HtmlEntity,
    /// Quoted-printable runs (`=E5=BC=A0`).
    QuotedPrintable,
    /// base64, standard or URL-safe.
    Base64,
}

impl Layer {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Url => "url",
            Layer::JsonEscape => "json_escape",
            Layer::HtmlEntity => "html_entity",
            Layer::QuotedPrintable => "quoted_printable",
            Layer::Base64 => "base64",
        }
    }
}

/// How many layers are kept: [`super::MAX_DEPTH`] base64 layers and the escape inside
/// the innermost.
const MAX_LAYERS: usize = super::MAX_DEPTH + 1;

/// The layers undone, outermost first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Layers {
    list: [Option<Layer>; MAX_LAYERS],
}

impl Layers {
    /// True if nothing was undone.
    pub fn is_empty(&self) -> bool {
        self.list[0].is_none()
    }

    /// These layers and `layer` inside them.
    pub fn with(mut self, layer: Layer) -> Layers {
        if let Some(slot) = self.list.iter_mut().find(|l| l.is_none()) {
            *slot = Some(layer);
        }
        self
    }

    /// How many base64 layers these are inside.
    pub fn depth(&self) -> usize {
        self.iter().filter(|&l| l == Layer::Base64).count()
    }

    fn iter(&self) -> impl Iterator<Item = Layer> + '_ {
        self.list.iter().map_while(|l| *l)
    }

    /// The text encoding `encoding` followed by the layers, as reports give a finding's
    /// `encoding`: `utf-8>url`, `gb18030>base64>json_escape`. The few names there are
    /// made once.
    pub fn name(&self, encoding: &'static str) -> &'static str {
        static NAMES: OnceLock<Mutex<HashMap<(&'static str, Layers), &'static str>>> =
            OnceLock::new();
        let names = NAMES.get_or_init(Mutex::default);
        let mut names = names.lock().unwrap_or_else(|e| e.into_inner());
        names.entry((encoding, *self)).or_insert_with(|| {
            let mut s = encoding.to_string();
            for l in self.iter() {
                s.push('>');
                s.push_str(l.name());
            }
            Box::leak(s.into_boxed_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_are_named_outermost_first_after_the_text_encoding() {
        let l = Layers::default()
            .with(Layer::Base64)
            .with(Layer::JsonEscape);
        assert_eq!(l.name("utf-8"), "utf-8>base64>json_escape");
        assert!(std::ptr::eq(l.name("utf-8"), l.name("utf-8")));
        assert_eq!(l.depth(), 1);
        assert!(Layers::default().is_empty() && !l.is_empty());
    }
}
