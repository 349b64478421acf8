//! GraphQL operation detection: does a request to a GraphQL endpoint read or write?
//!
//! A read-only portal must keep answering GraphQL `query` operations, which clients usually send
//! by `POST`, while refusing every `mutation`, however it is spelled: batched, aliased, behind
//! fragments, escaped inside JSON or percent-encoded in a query string.
//!
//! ```
//! use qila::graphql::{classify_document, classify_json, classify_query_string, Operation};
//!
//! assert_eq!(classify_document("query Q($id: ID!) { user(id: $id) { name } }"), Operation::Read);
//! assert_eq!(classify_document("mutation { a: deleteUser(id: 1) { id } }"), Operation::Write);
//!
//! // JSON escapes are decoded before the document is read: `\u006d` spells `m`.
//! assert_eq!(classify_json(br#"{"query": "\u006dutation { x }"}"#), Some(Operation::Write));
//! // One mutation in a batch makes the whole batch a write.
//! let batch = br#"[{"query": "{ a }"}, {"query": "mutation { b }"}]"#;
//! assert_eq!(classify_json(batch), Some(Operation::Write));
//! // Ordinary JSON is not GraphQL.
//! assert_eq!(classify_json(br#"{"name": "x"}"#), None);
//!
//! assert_eq!(classify_query_string("query=mutation+%7B+x+%7D"), Some(Operation::Write));
//! assert_eq!(classify_query_string("page=2"), None);
//! ```
//!
//! # Entry points
//!
//! | Where the document is                         | Function                    |
//! |-----------------------------------------------|-----------------------------|
//! | the text of a document                        | [`classify_document`]       |
//! | an `application/json` body (single or batch)  | [`classify_json`]           |
//! | an `application/graphql` body                 | [`classify_graphql_body`]   |
//! | the query string of a `GET`                   | [`classify_query_string`]   |
//!
//! Call the last three only for requests to a GraphQL endpoint: `query` is a common name for a
//! search parameter or a search API's JSON member, and `?query=housing+benefit` is not a GraphQL
//! document, so it classifies as [`Operation::Invalid`].
//!
//! # Fail closed
//!
//! [`Operation::Invalid`] means "could not be understood", and callers must treat it as a write.
//! Where a GraphQL server could choose between several readings of one request, this module
//! takes the most dangerous one:
//!
//! - A document with a `mutation` anywhere at top level is a write, even when `operationName`
//!   selects a query next to it: `operationName` is not trusted to pick the harmless one.
//! - A batch is a write if any element is a write, and invalid if any element cannot be read.
//! - A JSON object with `query` twice (or `extensions` twice) is invalid: servers disagree on
//!   which copy wins.
//! - A query string with `query` twice is classified as the worse of the two.
//! - A persisted query (`extensions.persistedQuery` and no `query`) is invalid: the document is
//!   only a hash, so the operation cannot be seen.
//! - A document with type-system definitions (`type`, `schema`, `extend`, `directive`, ...) is
//!   invalid: it is not executable.
//!
//! # Untrusted input
//!
//! Every byte of the input is controlled by the client. Every function here is linear in the
//! size of its input, never recurses on the document's nesting (JSON nesting is bounded by
//! `serde_json`'s limit of 128 levels; deeper JSON is invalid) and never panics. Text is
//! borrowed from the input: a document is copied only when a JSON or percent escape had to be
//! decoded.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::decode::form_pairs;

/// What a GraphQL request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Only `query` and `subscription` operations (including the anonymous `{ ... }` form).
    Read,
    /// At least one `mutation` operation.
    Write,
    /// The request could not be understood (syntax error, no operation, type-system
    /// definitions, persisted query, malformed JSON). Treat it as a write: fail closed.
    Invalid,
}

impl Operation {
    /// The stable code: `read`, `write` or `invalid`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::Write => "write",
            Operation::Invalid => "invalid",
        }
    }

    /// Whether the request may pass a read-only portal: true only for [`Operation::Read`].
    pub const fn is_read(self) -> bool {
        matches!(self, Operation::Read)
    }

    /// The classification of two operations sent together (a batch, a repeated parameter): a
    /// write if either is a write, otherwise invalid if either is invalid, otherwise a read.
    pub const fn merge(self, other: Operation) -> Operation {
        match (self, other) {
            (Operation::Write, _) | (_, Operation::Write) => Operation::Write,
            (Operation::Invalid, _) | (_, Operation::Invalid) => Operation::Invalid,
            (Operation::Read, Operation::Read) => Operation::Read,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

/// A lexing error: the document is not GraphQL.
struct Malformed;

/// One significant token. Strings and numbers carry no text: they never decide anything.
#[derive(Clone, Copy)]
enum Token<'a> {
    /// A name (`query`, `user`, `mutationFoo`).
    Name(&'a [u8]),
    /// `{`, `(` or `[`.
    Open(u8),
    /// `}`, `)` or `]`.
    Close(u8),
    /// Any other punctuator: `! $ & : = @ | .`
    Punct(u8),
    /// A string, block string or number.
    Value,
}

/// The byte order mark, which GraphQL ignores like whitespace.
const BOM: &[u8] = "\u{FEFF}".as_bytes();

/// A hand-written GraphQL lexer over bytes. It never looks back, so it is linear.
struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// The byte at `pos`, if any.
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    /// Whether the input continues with `s` at `pos`.
    fn at(&self, s: &[u8]) -> bool {
        self.src
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(s))
    }

    /// The unread input.
    fn rest(&self) -> &'a [u8] {
        self.src.get(self.pos..).unwrap_or_default()
    }

    /// Skips whitespace, line terminators, commas, byte order marks and `#` comments.
    fn skip_ignored(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r' | b',') => self.pos += 1,
                Some(b'#') => match memchr::memchr2(b'\n', b'\r', self.rest()) {
                    Some(k) => self.pos += k,
                    None => self.pos = self.src.len(),
                },
                Some(0xEF) if self.at(BOM) => self.pos += BOM.len(),
                _ => return,
            }
        }
    }

    /// The next significant token, `None` at the end of the input.
    fn next_token(&mut self) -> Result<Option<Token<'a>>, Malformed> {
        self.skip_ignored();
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let token = match c {
            b'{' | b'(' | b'[' => {
                self.pos += 1;
                Token::Open(c)
            }
            b'}' | b')' | b']' => {
                self.pos += 1;
                Token::Close(c)
            }
            b'!' | b'$' | b'&' | b':' | b'=' | b'@' | b'|' | b'.' => {
                self.pos += 1;
                Token::Punct(c)
            }
            b'"' => {
                if self.at(b"\"\"\"") {
                    self.block_string()?;
                } else {
                    self.string()?;
                }
                Token::Value
            }
            b'-' | b'0'..=b'9' => {
                // Lenient: a number never opens or closes anything, so its exact extent only
                // has to stop at punctuators, quotes, `#` and whitespace.
                self.pos += 1;
                while let Some(
                    b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'.' | b'+' | b'-',
                ) = self.peek()
                {
                    self.pos += 1;
                }
                Token::Value
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                let start = self.pos;
                while let Some(b'_' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z') = self.peek() {
                    self.pos += 1;
                }
                Token::Name(self.src.get(start..self.pos).unwrap_or_default())
            }
            _ => return Err(Malformed),
        };
        Ok(Some(token))
    }

    /// Skips a `"..."` string. `\` escapes the next character; a line terminator or the end of
    /// the input before the closing quote is an error.
    fn string(&mut self) -> Result<(), Malformed> {
        self.pos += 1;
        loop {
            let rest = self.rest();
            let k = memchr::memchr3(b'"', b'\\', b'\n', rest).ok_or(Malformed)?;
            if memchr::memchr(b'\r', rest.get(..k).unwrap_or_default()).is_some() {
                return Err(Malformed);
            }
            self.pos += k;
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => match self.src.get(self.pos + 1) {
                    Some(b'\n' | b'\r') | None => return Err(Malformed),
                    Some(_) => self.pos += 2,
                },
                _ => return Err(Malformed),
            }
        }
    }

    /// Skips a `"""..."""` block string, in which the only escape is `\"""`.
    fn block_string(&mut self) -> Result<(), Malformed> {
        self.pos += 3;
        loop {
            let k = memchr::memchr2(b'"', b'\\', self.rest()).ok_or(Malformed)?;
            self.pos += k;
            if self.at(b"\\\"\"\"") {
                self.pos += 4;
            } else if self.at(b"\"\"\"") {
                self.pos += 3;
                return Ok(());
            } else {
                self.pos += 1;
            }
        }
    }
}

/// Where the top-level parser is, outside any bracket.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Top {
    /// Between definitions: the next token starts one.
    Definition,
    /// After `query`, `mutation` or `subscription`: a name, `(`, `@` or `{`.
    OperationStart,
    /// After the operation's name: `(`, `@` or `{`.
    OperationName,
    /// After variable definitions, directive arguments or a type condition: `@` or `{`.
    DirectivesOrBody,
    /// After `@`: the directive's name.
    DirectiveAt,
    /// After a directive's name: `(`, `@` or `{`.
    DirectiveName,
    /// After `fragment`: the fragment's name.
    Fragment,
    /// After the fragment's name: `on`.
    FragmentName,
    /// After `on`: the type condition.
    FragmentOn,
}

/// Classifies a GraphQL document (the text of the `query` member or parameter).
///
/// A small lexer skips whitespace, commas, `#` comments, strings and block strings, so the word
/// `mutation` inside any of them, or as a field or argument name inside a selection set, means
/// nothing. Outside all brackets each definition must start with `query`, `subscription`, `{`
/// (read), `mutation` (write) or `fragment` (skipped), and its header (name, variables,
/// directives, type condition) must be well formed. Keywords are case-sensitive whole tokens:
/// `Mutation` and `mutationFoo` are names, and a name cannot start a definition, so such a
/// document is [`Operation::Invalid`].
///
/// The result is [`Operation::Write`] if any operation is a `mutation`, whatever operation
/// `operationName` may select. It is [`Operation::Invalid`] for an empty document, a document
/// with no operation, unbalanced or mismatched brackets, an unterminated string, a character
/// GraphQL does not allow outside strings and comments, or a type-system definition; such a
/// document is never executed by a server, even if it also contains a mutation.
///
/// Nesting is tracked with an explicit stack, never by recursion, so depth costs memory linear
/// in the input and nothing else.
pub fn classify_document(doc: &str) -> Operation {
    classify_tokens(doc.as_bytes()).unwrap_or(Operation::Invalid)
}

/// The body of [`classify_document`]: `Err` for anything that is not a well-formed document.
fn classify_tokens(src: &[u8]) -> Result<Operation, Malformed> {
    let mut lexer = Lexer { src, pos: 0 };
    // Open brackets, innermost last.
    let mut stack: Vec<u8> = Vec::new();
    let mut state = Top::Definition;
    // The state to return to when a `(` opened at top level closes.
    let mut after_parens = Top::DirectivesOrBody;
    let mut reads = false;
    let mut writes = false;

    while let Some(token) = lexer.next_token()? {
        if !stack.is_empty() {
            // Inside a selection set or argument list: only nesting matters.
            match token {
                Token::Open(c) => stack.push(c),
                Token::Close(c) => {
                    if stack.pop() != Some(opener(c)) {
                        return Err(Malformed);
                    }
                    if stack.is_empty() {
                        state = if c == b'}' {
                            Top::Definition
                        } else {
                            after_parens
                        };
                    }
                }
                _ => {}
            }
            continue;
        }
        state = match (state, token) {
            (Top::Definition, Token::Name(b"query" | b"subscription")) => {
                reads = true;
                Top::OperationStart
            }
            (Top::Definition, Token::Name(b"mutation")) => {
                writes = true;
                Top::OperationStart
            }
            (Top::Definition, Token::Name(b"fragment")) => Top::Fragment,
            (Top::Definition, Token::Open(b'{')) => {
                reads = true;
                stack.push(b'{');
                state
            }
            (Top::OperationStart, Token::Name(_)) => Top::OperationName,
            (Top::OperationStart | Top::OperationName, Token::Open(b'(')) => {
                after_parens = Top::DirectivesOrBody;
                stack.push(b'(');
                state
            }
            (Top::DirectiveName, Token::Open(b'(')) => {
                after_parens = Top::DirectivesOrBody;
                stack.push(b'(');
                state
            }
            (
                Top::OperationStart
                | Top::OperationName
                | Top::DirectivesOrBody
                | Top::DirectiveName,
                Token::Punct(b'@'),
            ) => Top::DirectiveAt,
            (Top::DirectiveAt, Token::Name(_)) => Top::DirectiveName,
            (
                Top::OperationStart
                | Top::OperationName
                | Top::DirectivesOrBody
                | Top::DirectiveName,
                Token::Open(b'{'),
            ) => {
                stack.push(b'{');
                state
            }
            (Top::Fragment, Token::Name(name)) if name != b"on" => Top::FragmentName,
            (Top::FragmentName, Token::Name(b"on")) => Top::FragmentOn,
            (Top::FragmentOn, Token::Name(_)) => Top::DirectivesOrBody,
            // Type-system definitions, descriptions, stray names, values and punctuators.
            _ => return Err(Malformed),
        };
    }

    if !stack.is_empty() || state != Top::Definition {
        return Err(Malformed);
    }
    match (writes, reads) {
        (true, _) => Ok(Operation::Write),
        (false, true) => Ok(Operation::Read),
        (false, false) => Err(Malformed),
    }
}

/// The opening bracket that `close` closes.
fn opener(close: u8) -> u8 {
    match close {
        b'}' => b'{',
        b')' => b'(',
        _ => b'[',
    }
}

/// Classifies an `application/graphql` body: the body is the document. A body that is not UTF-8
/// is [`Operation::Invalid`].
pub fn classify_graphql_body(body: &[u8]) -> Operation {
    match std::str::from_utf8(body) {
        Ok(doc) => classify_document(doc),
        Err(_) => Operation::Invalid,
    }
}

// ---------------------------------------------------------------------------------------------
// JSON bodies
// ---------------------------------------------------------------------------------------------

/// Classifies a JSON request body: one request `{"query": "...", "operationName": ...,
/// "variables": ...}` or a batch `[{...}, {...}]`.
///
/// - `None` when the body is not a GraphQL request, so the caller can treat it as ordinary JSON:
///   an empty (or whitespace-only) body, a JSON scalar, an object with neither a string `query`
///   nor `extensions.persistedQuery` (a `query` that is an object, as in a search engine's query
///   language, is not GraphQL), or an array none of whose elements is a GraphQL request.
/// - The classification of the document in `query`, after JSON escapes are decoded.
/// - [`Operation::Invalid`] when the body is not valid JSON (syntax error, invalid UTF-8,
///   trailing data, nesting deeper than 128 levels), when `query` or `extensions` appears twice
///   in one object, for a persisted query (`extensions.persistedQuery` without a `query`), and
///   for a batch that mixes GraphQL requests with anything else.
///
/// A batch is merged with [`Operation::merge`]: a write if any element is a write, otherwise
/// invalid if any is invalid. `operationName` and `variables` are not consulted. A leading UTF-8
/// byte order mark is skipped.
pub fn classify_json(body: &[u8]) -> Option<Operation> {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    if body
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return None;
    }
    match serde_json::from_slice::<Body>(body) {
        Ok(Body(op)) => op,
        Err(_) => Some(Operation::Invalid),
    }
}

/// Scalar `visit_*` methods that all return `$value`.
macro_rules! scalars_give {
    ($value:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

/// Any JSON value, read and thrown away. Unlike [`de::IgnoredAny`] it descends through
/// `deserialize_any`, so `serde_json`'s nesting limit applies to every part of the body.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SkipVisitor)
    }
}

/// Visitor for [`Skip`].
struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    scalars_give!(Skip);

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Skip)
    }
}

/// The object keys this module looks at (after JSON escapes are decoded).
enum Key {
    /// `query`.
    Query,
    /// `extensions`.
    Extensions,
    /// `persistedQuery`.
    PersistedQuery,
    /// Anything else.
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Visitor for [`Key`].
struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match key {
            "query" => Key::Query,
            "extensions" => Key::Extensions,
            "persistedQuery" => Key::PersistedQuery,
            _ => Key::Other,
        })
    }
}

/// The value of a `query` member.
#[derive(Debug)]
enum QueryField<'a> {
    /// A string: the document, borrowed from the body unless it contained escapes.
    Text(Cow<'a, str>),
    /// `null`, the same as no `query`.
    Null,
    /// Anything else: not a GraphQL document.
    Other,
}

impl<'de> Deserialize<'de> for QueryField<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QueryVisitor)
    }
}

/// Visitor for [`QueryField`].
struct QueryVisitor;

impl<'de> Visitor<'de> for QueryVisitor {
    type Value = QueryField<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GraphQL document")
    }

    fn visit_borrowed_str<E: de::Error>(self, doc: &'de str) -> Result<Self::Value, E> {
        Ok(QueryField::Text(Cow::Borrowed(doc)))
    }

    fn visit_str<E: de::Error>(self, doc: &str) -> Result<Self::Value, E> {
        Ok(QueryField::Text(Cow::Owned(doc.to_owned())))
    }

    fn visit_string<E: de::Error>(self, doc: String) -> Result<Self::Value, E> {
        Ok(QueryField::Text(Cow::Owned(doc)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(QueryField::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(QueryField::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(QueryField::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(QueryField::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(QueryField::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(QueryField::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        SkipVisitor.visit_seq(seq).map(|_| QueryField::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        SkipVisitor.visit_map(map).map(|_| QueryField::Other)
    }
}

/// The value of an `extensions` member: whether it holds a `persistedQuery`.
struct Extensions(bool);

impl<'de> Deserialize<'de> for Extensions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExtensionsVisitor)
    }
}

/// Visitor for [`Extensions`].
struct ExtensionsVisitor;

impl<'de> Visitor<'de> for ExtensionsVisitor {
    type Value = Extensions;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an extensions object")
    }

    scalars_give!(Extensions(false));

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Extensions, A::Error> {
        SkipVisitor.visit_seq(seq).map(|_| Extensions(false))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extensions, A::Error> {
        let mut persisted = false;
        while let Some(key) = map.next_key::<Key>()? {
            // Any value counts, even `null`: fail closed.
            map.next_value::<Skip>()?;
            persisted |= matches!(key, Key::PersistedQuery);
        }
        Ok(Extensions(persisted))
    }
}

/// Reads one request object and classifies it; `None` if it is not a GraphQL request.
fn request<'de, A: MapAccess<'de>>(mut map: A) -> Result<Option<Operation>, A::Error> {
    let mut query: Option<QueryField<'de>> = None;
    let mut extensions: Option<Extensions> = None;
    while let Some(key) = map.next_key::<Key>()? {
        match key {
            Key::Query if query.is_some() => return Err(de::Error::duplicate_field("query")),
            Key::Query => query = Some(map.next_value()?),
            Key::Extensions if extensions.is_some() => {
                return Err(de::Error::duplicate_field("extensions"));
            }
            Key::Extensions => extensions = Some(map.next_value()?),
            Key::PersistedQuery | Key::Other => {
                map.next_value::<Skip>()?;
            }
        }
    }
    Ok(match (query, extensions) {
        (Some(QueryField::Text(doc)), _) => Some(classify_document(&doc)),
        (_, Some(Extensions(true))) => Some(Operation::Invalid),
        _ => None,
    })
}

/// A whole JSON body, classified as it is read.
struct Body(Option<Operation>);

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BodyVisitor)
    }
}

/// Visitor for [`Body`].
struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GraphQL request or a batch of them")
    }

    scalars_give!(Body(None));

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Body, A::Error> {
        request(map).map(Body)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Body, A::Error> {
        let mut batch: Option<Operation> = None;
        let mut foreign = false;
        while let Some(Element(element)) = seq.next_element()? {
            match element {
                Some(op) => batch = Some(batch.map_or(op, |b| b.merge(op))),
                None => foreign = true,
            }
        }
        // An element that is not a GraphQL request makes a GraphQL batch invalid.
        Ok(Body(batch.map(|b| {
            if foreign {
                b.merge(Operation::Invalid)
            } else {
                b
            }
        })))
    }
}

/// One element of a batch: `None` unless it is a GraphQL request object.
struct Element(Option<Operation>);

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ElementVisitor)
    }
}

/// Visitor for [`Element`].
struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Element;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GraphQL request")
    }

    scalars_give!(Element(None));

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Element, A::Error> {
        request(map).map(Element)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
        SkipVisitor.visit_seq(seq).map(|_| Element(None))
    }
}

// ---------------------------------------------------------------------------------------------
// Query strings
// ---------------------------------------------------------------------------------------------

/// Classifies the query string of a `GET /graphql?query=...` (without the leading `?`; one is
/// tolerated). Names and values are percent-decoded, `+` is a space.
///
/// `None` when there is no `query` parameter, unless an `extensions` parameter holds a JSON
/// object with `persistedQuery`: such a persisted query is [`Operation::Invalid`], as in a JSON
/// body. When `query` appears more than once, the results are merged with
/// [`Operation::merge`], since servers differ on which copy they use. Invalid UTF-8 in the
/// decoded value becomes U+FFFD, which is not allowed outside a string, so such a document is
/// usually invalid.
///
/// The same function reads an `application/x-www-form-urlencoded` body, which some servers
/// accept in place of a JSON body. A `GET` with a `query` parameter on an ordinary page (a
/// search form) is not GraphQL: call this only for a GraphQL endpoint.
pub fn classify_query_string(query: &str) -> Option<Operation> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut found: Option<Operation> = None;
    let mut persisted = false;
    for (name, value) in form_pairs(query) {
        match &*name {
            "query" => {
                let op = classify_document(&value);
                found = Some(found.map_or(op, |f| f.merge(op)));
            }
            "extensions" => {
                persisted |= matches!(
                    serde_json::from_str::<Extensions>(&value),
                    Ok(Extensions(true))
                );
            }
            _ => {}
        }
    }
    found.or(persisted.then_some(Operation::Invalid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    const MB: usize = 1 << 20;

    /// Runs `f` and checks that it finished in a time only a linear algorithm reaches on 1 MB,
    /// even in a debug build on a loaded machine.
    fn quick<T>(f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        let took = start.elapsed();
        assert!(took < Duration::from_secs(5), "took {took:?}");
        out
    }

    #[test]
    fn megabyte_of_one_byte() {
        for c in ['{', '"', '#', '[', '(', '\\', 'a', '-'] {
            let s = c.to_string().repeat(MB);
            assert_eq!(
                quick(|| classify_document(&s)),
                Operation::Invalid,
                "document of {c:?}"
            );
            assert_eq!(
                quick(|| classify_json(s.as_bytes())),
                Some(Operation::Invalid),
                "JSON of {c:?}"
            );
            let qs = format!("query={s}");
            assert_eq!(
                quick(|| classify_query_string(&qs)),
                Some(Operation::Invalid),
                "query string of {c:?}"
            );
            assert_eq!(
                quick(|| classify_query_string(&s)),
                None,
                "parameter name of {c:?}"
            );
        }
        // A megabyte of comment markers is one long comment: an empty document.
        assert_eq!(classify_document(&"#".repeat(MB)), Operation::Invalid);
    }

    #[test]
    fn deep_but_balanced_documents_do_not_recurse() {
        let depth = MB / 2;
        let read = format!("{}{}", "{".repeat(depth), "}".repeat(depth));
        assert_eq!(quick(|| classify_document(&read)), Operation::Read);
        let write = format!("mutation {}{}", "{".repeat(depth), "}".repeat(depth));
        assert_eq!(quick(|| classify_document(&write)), Operation::Write);
        let args = format!(
            "query Q(a: {}{}) {{ a }}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        assert_eq!(quick(|| classify_document(&args)), Operation::Read);
        let mismatched = format!("{{{}{}}}", "(".repeat(depth), "]".repeat(depth));
        assert_eq!(quick(|| classify_document(&mismatched)), Operation::Invalid);
    }

    #[test]
    fn deep_json_hits_the_nesting_limit_everywhere() {
        let deep =
            |open: &str, close: &str| format!("{}1{}", open.repeat(MB / 4), close.repeat(MB / 4));
        let arrays = deep("[", "]");
        assert_eq!(
            quick(|| classify_json(arrays.as_bytes())),
            Some(Operation::Invalid)
        );
        let in_variables = format!(r#"{{"query": "{{ a }}", "variables": {arrays}}}"#);
        assert_eq!(
            quick(|| classify_json(in_variables.as_bytes())),
            Some(Operation::Invalid)
        );
        let objects = deep(r#"{"a":"#, "}");
        assert_eq!(
            quick(|| classify_json(objects.as_bytes())),
            Some(Operation::Invalid)
        );
        // Within the limit, nesting elsewhere in the body is fine.
        let shallow = r#"{"query": "{ a }", "variables": [[[[[[[[1]]]]]]]]}"#;
        assert_eq!(classify_json(shallow.as_bytes()), Some(Operation::Read));
    }

    #[test]
    fn long_strings_and_comments_are_linear() {
        let body = "x".repeat(MB);
        let doc = format!("query {{ a(s: \"{body}\") b(t: \"\"\"{body}\"\"\") }} # {body}\n");
        assert_eq!(quick(|| classify_document(&doc)), Operation::Read);
        // Many escaped triple quotes in one block string.
        let escaped = format!("{{ a(s: \"\"\"{}\"\"\") }}", "\\\"\"\"".repeat(MB / 4));
        assert_eq!(quick(|| classify_document(&escaped)), Operation::Read);
        let many = "{ a } ".repeat(MB / 6);
        assert_eq!(quick(|| classify_document(&many)), Operation::Read);
    }

    #[test]
    fn documents_are_borrowed_unless_escaped() {
        let plain: QueryField<'_> = serde_json::from_str(r#""{ a }""#).unwrap();
        assert!(
            matches!(plain, QueryField::Text(Cow::Borrowed("{ a }"))),
            "{plain:?}"
        );
        let escaped: QueryField<'_> = serde_json::from_str(r#""\u007b a }""#).unwrap();
        assert!(
            matches!(&escaped, QueryField::Text(Cow::Owned(s)) if s == "{ a }"),
            "{escaped:?}"
        );
    }

    #[test]
    fn graphql_bodies() {
        assert_eq!(classify_graphql_body(b"{ a }"), Operation::Read);
        assert_eq!(classify_graphql_body(b"mutation { a }"), Operation::Write);
        assert_eq!(
            classify_graphql_body(b"{ a(s: \"\xff\") }"),
            Operation::Invalid
        );
        assert_eq!(classify_graphql_body(b""), Operation::Invalid);
    }

    #[test]
    fn merge_is_fail_closed() {
        use Operation::*;
        let all = [Read, Write, Invalid];
        for a in all {
            for b in all {
                let m = a.merge(b);
                assert_eq!(m, b.merge(a));
                assert_eq!(m.is_read(), a.is_read() && b.is_read());
                assert_eq!(m == Write, a == Write || b == Write);
            }
        }
        assert_eq!(Invalid.to_string(), "invalid");
    }
}
