//! A lenient JSON tokenizer for one JSON Lines record: the byte span, path
//! and nearest key of every scalar value (and of every key). Used only for
//! lines that contain a hit. Malformed input ends the walk early; it never
//! panics.

/// A string (contents, without quotes), number or literal in the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    /// JSONPath-like location, e.g. `$.patient.fnr`, `$.items[2]`.
    pub path: String,
    /// The key of the member this value belongs to (nearest enclosing key).
    pub key: Option<String>,
}

enum Frame {
    Object { key: Option<String>, expecting_key: bool },
    Array { index: usize },
}

pub(crate) fn spans(line: &[u8]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let n = line.len();
    while i < n {
        let b = line[i];
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'{' => {
                stack.push(Frame::Object {
                    key: None,
                    expecting_key: true,
                });
                i += 1;
            }
            b'[' => {
                stack.push(Frame::Array { index: 0 });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                    Some(Frame::Array { index }) => *index += 1,
                    None => {}
                }
                i += 1;
            }
            b':' => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
                i += 1;
            }
            b'"' => {
                let s = i + 1;
                let mut e = s;
                while e < n && line[e] != b'"' {
                    e += if line[e] == b'\\' { 2 } else { 1 };
                }
                let e = e.min(n);
                let is_key = matches!(
                    stack.last(),
                    Some(Frame::Object {
                        expecting_key: true,
                        ..
                    })
                );
                if is_key {
                    let key = decode_string(&line[s..e]);
                    out.push(Span {
                        start: s,
                        end: e,
                        path: path(&stack),
                        key: Some(key.clone()),
                    });
                    if let Some(Frame::Object { key: k, .. }) = stack.last_mut() {
                        *k = Some(key);
                    }
                } else {
                    out.push(Span {
                        start: s,
                        end: e,
                        path: path(&stack),
                        key: nearest_key(&stack),
                    });
                }
                i = e + 1;
            }
            _ => {
                let s = i;
                while i < n && !matches!(line[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n' | b':') {
                    i += 1;
                }
                if i == s {
                    i += 1;
                    continue;
                }
                out.push(Span {
                    start: s,
                    end: i,
                    path: path(&stack),
                    key: nearest_key(&stack),
                });
            }
        }
    }
    out
}

fn decode_string(raw: &[u8]) -> String {
    if !raw.contains(&b'\\') {
        return String::from_utf8_lossy(raw).into_owned();
    }
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice::<String>(&quoted).unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

fn nearest_key(stack: &[Frame]) -> Option<String> {
    stack.iter().rev().find_map(|f| match f {
        Frame::Object { key: Some(k), .. } => Some(k.clone()),
        _ => None,
    })
}

fn path(stack: &[Frame]) -> String {
    let mut p = String::from("$");
    for f in stack {
        match f {
            Frame::Object { key: Some(k), .. } => {
                if !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
                    p.push('.');
                    p.push_str(k);
                } else {
                    p.push_str(&format!("[{}]", serde_json::Value::String(k.clone())));
                }
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => p.push_str(&format!("[{index}]")),
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn paths_and_keys() {
        let line = br#"{"id": 1, "patient": {"fnr": "15108695088", "tlf": [91234567, "x"]}, "a b": "c"}"#;
        let s = spans(line);
        let find = |text: &str| {
            let t = text.as_bytes();
            s.iter().find(|sp| &line[sp.start..sp.end] == t).cloned().unwrap()
        };
        let fnr = find("15108695088");
        assert_eq!(fnr.path, "$.patient.fnr");
        assert_eq!(fnr.key.as_deref(), Some("fnr"));
        assert_eq!(find("91234567").path, "$.patient.tlf[0]");
        assert_eq!(find("x").path, "$.patient.tlf[1]");
        assert_eq!(find("x").key.as_deref(), Some("tlf"));
        assert_eq!(find("c").path, "$[\"a b\"]");
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = spans(&bytes);
        }
    }
}
