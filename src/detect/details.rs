//! What validation established about a finding: a small JSON object (region, issuing
//! bank, carrier, …), kept as a list in report order.
//!
//! It was a `serde_json::Map`: a hashed, insertion-ordered map with a `String` for every
//! key, built for each of hundreds of thousands of findings to hold five entries at most.
//! Building, writing and dropping those maps took a seventh of the CPU time of a scan of
//! a dump. Keys here are mostly fixed names (`&'static str`), and a lookup is a walk of a
//! handful of entries.

use std::borrow::Cow;
use std::ops::Index;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Details of a finding: `(key, value)` in the order they are reported, keys unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details(Vec<(Cow<'static, str>, Value)>);

impl Details {
    /// No details.
    pub fn new() -> Details {
        Details(Vec::new())
    }

    /// No details yet, with room for `n`.
    pub fn with_capacity(n: usize) -> Details {
        Details(Vec::with_capacity(n))
    }

    /// Sets `key` to `value`: in its place if it is there already (returning the value it
    /// had), else at the end.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.get_mut(&key) {
            Some(v) => Some(std::mem::replace(v, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The value of `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether `key` is there.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Index<&str> for Details {
    type Output = Value;
    /// The value of `key`; panics if it is not there, as `serde_json::Map` does.
    fn index(&self, key: &str) -> &Value {
        self.get(key)
            .unwrap_or_else(|| panic!("no detail {key:?} in {self:?}"))
    }
}

impl<K: Into<Cow<'static, str>>> FromIterator<(K, Value)> for Details {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Details {
        let mut d = Details::new();
        for (k, v) in iter {
            d.insert(k, v);
        }
        d
    }
}

impl From<Map<String, Value>> for Details {
    fn from(m: Map<String, Value>) -> Details {
        m.into_iter().collect()
    }
}

impl From<Details> for Map<String, Value> {
    fn from(d: Details) -> Map<String, Value> {
        d.0.into_iter().map(|(k, v)| (k.into_owned(), v)).collect()
    }
}

impl Serialize for Details {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k.as_ref(), v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Details {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Details, D::Error> {
        Map::<String, Value>::deserialize(d).map(Details::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_order_replaces_in_place_and_writes_what_a_map_writes() {
        let mut d = Details::with_capacity(3);
        assert_eq!(d.insert("region", json!("北京市朝阳区")), None);
        d.insert("birth_year", json!(1949));
        d.insert(String::from("sqlite"), json!({"page": 3}));
        assert_eq!(
            d.insert("region", json!("上海市")),
            Some(json!("北京市朝阳区"))
        );
        assert_eq!(d.len(), 3);
        assert_eq!(d["region"], "上海市");
        assert!(d.contains_key("sqlite") && !d.contains_key("sex"));
        d.get_mut("sqlite").unwrap()["page"] = json!(4);
        let written = serde_json::to_string(&d).unwrap();
        assert_eq!(
            written,
            r#"{"region":"上海市","birth_year":1949,"sqlite":{"page":4}}"#
        );
        let map: Map<String, Value> = d.clone().into();
        assert_eq!(serde_json::to_string(&map).unwrap(), written);
        let back: Details = serde_json::from_str(&written).unwrap();
        assert_eq!(back, d);
        let keys: Vec<&str> = back.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["region", "birth_year", "sqlite"]);
    }
}
