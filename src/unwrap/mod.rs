//! Unwrap: containers and text encodings.
//!
//! Inputs are scanned as the raw bytes they are: UTF-8 text, and binary data (whose
//! embedded ASCII and UTF-8 text is scanned all the same and the input flagged `binary`).
//! Containers (gzip, zip, tar, office files) and UTF-16/GBK decoding with offset maps back
//! to the raw bytes belong here and are tracked as a separate issue.

pub mod encoding;

/// How an input's content was treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// Text (no NUL byte in the first block).
    Text,
    /// Binary data: scanned byte for byte.
    Binary,
}

impl Content {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Content::Text => "text",
            Content::Binary => "binary",
        }
    }

    /// Classifies from the `binary` flag of the reader.
    pub fn from_binary_flag(binary: bool) -> Content {
        if binary {
            Content::Binary
        } else {
            Content::Text
        }
    }
}
