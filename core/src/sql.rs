//! SQL statement classification: does a string read, write, or only touch the transaction or the
//! session?
//!
//! While a portal is locked, the Python and Node bindings pass every statement the application
//! sends to its database through [`classify`] and refuse the ones that come back as
//! [`StatementKind::Write`]. As a second line, [`Engine::read_only_session_statement`] gives the
//! statement that makes the database itself refuse writes on that connection.
//!
//! ```
//! use qila::sql::{classify, StatementKind};
//!
//! let orm = r#"SELECT "auth_user"."id" FROM "auth_user" WHERE "auth_user"."username" = %s LIMIT 21"#;
//! assert_eq!(classify(orm), StatementKind::Read);
//! assert_eq!(classify("SELECT 'insert into x' FROM t"), StatementKind::Read);
//! assert_eq!(classify("WITH d AS (DELETE FROM t RETURNING id) SELECT * FROM d"), StatementKind::Write);
//! assert_eq!(classify("SELECT nextval('invoice_seq')"), StatementKind::Write);
//! assert_eq!(classify("BEGIN; INSERT INTO t VALUES (1); COMMIT"), StatementKind::Write);
//! assert_eq!(classify("SAVEPOINT \"s1_x1\""), StatementKind::Transaction);
//! ```
//!
//! # How a string is read
//!
//! A hand-written lexer walks the bytes without backtracking. Comments, string literals and quoted identifiers
//! are single tokens, so a keyword inside them never counts: `SELECT 'delete' FROM t` and
//! `SELECT "update" FROM t` are reads. Each `;` outside them ends a statement. A statement gets its
//! kind from its first keyword (after any opening parentheses, as in `(SELECT 1) UNION (SELECT 2)`)
//! and, for the statements that read, from a scan of the rest for anything that writes:
//!
//! - `INSERT`, `UPDATE`, `DELETE`, `MERGE`, `UPSERT`, `REPLACE` anywhere, as in a data-modifying
//!   `WITH` at any depth (`INSERT`, `REPLACE` and `TRUNCATE` followed by `(` are the MySQL string
//!   and number functions, and read);
//! - `INTO` anywhere: `SELECT ... INTO new_table`, `INTO OUTFILE`, `INTO DUMPFILE`, and also MySQL's
//!   `INTO @variable`, which writes nothing but is refused with the rest rather than told apart;
//! - row locks: `FOR UPDATE`, `FOR SHARE`, `FOR NO KEY UPDATE`, `FOR KEY SHARE`,
//!   `LOCK IN SHARE MODE`;
//! - `CREATE`, `DROP`, `ALTER`, `TRUNCATE`, `GRANT`, `REVOKE`, `EXEC`, `EXECUTE`, which no read
//!   contains but a T-SQL batch may put after one without a `;`;
//! - a call of a function with side effects: `nextval`, `setval`, the advisory locks
//!   (`pg_advisory_*`, `pg_try_advisory_*`), the large-object writers (`lo_import`, `lo_export`,
//!   `lo_unlink`, `lo_create`, ...), `pg_terminate_backend`, `pg_cancel_backend`,
//!   `pg_reload_conf`, `pg_rotate_logfile`, `set_config`, `pg_notify`, `dblink*`,
//!   `query_to_xml`, MySQL's `GET_LOCK` and `RELEASE_LOCK`, SQLite's `load_extension` and
//!   `writefile`, with or without a schema (`pg_catalog.nextval`). Reading functions stay reads,
//!   however slow or sensitive (`pg_sleep`, `SLEEP`, `LOAD_FILE`, `pg_read_file`).
//!
//! A string of several statements takes the strongest kind among them: [`StatementKind::Write`] if
//! any writes, else [`StatementKind::Read`] if any reads, else [`StatementKind::Session`] if any
//! touches the session, else [`StatementKind::Transaction`]. An empty string, or one with only
//! comments and `;`, runs nothing and is a read. [`summarize`] tells every kind present.
//!
//! # Fail closed
//!
//! Anything the classifier does not recognise is a write: an unknown first keyword, a statement
//! starting with a quoted name or a number, a transaction statement with words a transaction
//! statement does not take, a `PREPARE name FROM '...'` whose text it cannot see, `EXECUTE`,
//! `CALL`, `DO`. So are a few things that change the server rather than the data: `COPY ... TO`
//! a file or a program (only `TO STDOUT` reads), `SET GLOBAL`/`SET PERSIST`, `SET PASSWORD`,
//! `RESET MASTER`, `LOCK`, `NOTIFY`, `LOAD`, `ATTACH`, every SQLite `PRAGMA` that sets a value
//! (`PRAGMA foreign_keys = ON` included) and the ones that act without a value (`optimize`,
//! `incremental_vacuum`, `wal_checkpoint`, `shrink_memory`). A string that ends inside a quote or
//! a comment is classified by what comes before it, which is what the engine would run, if
//! anything.
//!
//! A `PREPARE name AS statement` has the kind of the statement it prepares (it runs nothing, and
//! the `EXECUTE` that would run it is a write). `EXPLAIN` reads, unless it analyses
//! (`EXPLAIN ANALYZE ...`, `EXPLAIN (ANALYZE, BUFFERS) ...`), which runs the statement: then it has
//! the statement's kind. A `DECLARE ... CURSOR FOR query` has the kind of its query.
//!
//! # Dialects
//!
//! The engines split the same bytes differently: a backslash escapes a quote in MySQL but not in
//! standard PostgreSQL strings, `$$` opens a string only in PostgreSQL, `#` starts a comment only
//! in MySQL, `/* /* */ */` nests only in PostgreSQL, `/*! ... */` is code in MySQL, `[...]` is a
//! name only in SQLite. A string crafted to hide a write from one reading can show it to another.
//! [`classify`] therefore reads the string the way each supported engine could (PostgreSQL with
//! and without `standard_conforming_strings`, MySQL and MariaDB in the default, `ANSI_QUOTES` and
//! `NO_BACKSLASH_ESCAPES` modes, with versioned comments run or skipped, and SQLite) and keeps the
//! strongest result. Readings that cannot differ for the bytes present are skipped, so ordinary
//! ORM output is read once. The price is that syntax only one engine accepts may look like a write
//! to another: `# note` before a statement, a backtick-quoted keyword, a nested comment. Callers
//! that know their database should pass it to [`classify_for`], which reads only as that
//! [`Engine`] does (under each of its settings) and is no less safe when the engine is right.
//!
//! # What it cannot see
//!
//! The classifier reads text, not the catalogue. A `SELECT` that calls a user-defined function
//! which writes, directly or through a view, is a read to it. The read-only session statement
//! from [`Engine::read_only_session_statement`] covers these. Session and transaction statements can
//! undo that statement (`SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE`,
//! `BEGIN READ WRITE`, `RESET ALL`) while being of kind [`StatementKind::Session`] or
//! [`StatementKind::Transaction`]; [`Summary::lifts_read_only`] reports them, and a string that
//! also reads is a read, so a caller that wants to stop them must look at the [`Summary`].
//!
//! # Performance
//!
//! One pass over the bytes per reading, no backtracking, no allocation: tokens borrow the input
//! and keywords are compared without changing case. Time is linear in the length of the input for
//! any input, and nothing panics.

use std::fmt;
use std::str::FromStr;

use memchr::{memchr, memchr2, memchr3, memmem};

/// What a statement, or a string of several statements, does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatementKind {
    /// Reads data and changes nothing: `SELECT`, `VALUES`, `TABLE`, `SHOW`, `EXPLAIN`, reading
    /// `PRAGMA`s. Also what an empty string is.
    Read,
    /// Changes data, schema, files or the server, or was not recognised (see the
    /// [module docs](self#fail-closed)).
    Write,
    /// Starts, ends or marks a transaction: `BEGIN`, `START TRANSACTION`, `COMMIT`, `END`,
    /// `ROLLBACK`, `SAVEPOINT`, `RELEASE`, `ROLLBACK TO`.
    Transaction,
    /// Changes only this connection's settings or state: `SET`, `SET LOCAL`, `SET TRANSACTION`,
    /// `RESET`, `USE`, `DISCARD`, `DEALLOCATE`, `LISTEN`, `CLOSE`, `DETACH`.
    Session,
}

impl StatementKind {
    /// The kind's stable name: `"read"`, `"write"`, `"transaction"` or `"session"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            StatementKind::Read => "read",
            StatementKind::Write => "write",
            StatementKind::Transaction => "transaction",
            StatementKind::Session => "session",
        }
    }

    /// Whether this is [`StatementKind::Write`], the kind a locked portal refuses.
    pub fn is_write(&self) -> bool {
        matches!(self, StatementKind::Write)
    }

    fn bit(self) -> u8 {
        match self {
            StatementKind::Read => 1,
            StatementKind::Write => 2,
            StatementKind::Transaction => 4,
            StatementKind::Session => 8,
        }
    }
}

impl fmt::Display for StatementKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A database engine, for its read-only session statements and its way of splitting SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Engine {
    /// PostgreSQL.
    Postgres,
    /// MySQL and MariaDB.
    MySql,
    /// SQLite.
    Sqlite,
}

impl Engine {
    /// The engine's canonical name: `"postgres"`, `"mysql"` or `"sqlite"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::MySql => "mysql",
            Engine::Sqlite => "sqlite",
        }
    }

    /// The statement that makes every later transaction on the connection read-only, so the
    /// database refuses writes the classifier cannot see (a function that writes, say).
    pub fn read_only_session_statement(&self) -> &'static str {
        match self {
            Engine::Postgres => "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
            Engine::MySql => "SET SESSION TRANSACTION READ ONLY",
            Engine::Sqlite => "PRAGMA query_only = ON",
        }
    }

    /// The statement that undoes [`Engine::read_only_session_statement`] when the lock lifts.
    pub fn read_write_session_statement(&self) -> &'static str {
        match self {
            Engine::Postgres => "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
            Engine::MySql => "SET SESSION TRANSACTION READ WRITE",
            Engine::Sqlite => "PRAGMA query_only = OFF",
        }
    }

    /// The readings of SQL this engine may make, depending on its settings.
    fn readings(self) -> &'static [Rules] {
        match self {
            Engine::Postgres => &READINGS[..2],
            Engine::MySql => &READINGS[2..8],
            Engine::Sqlite => &READINGS[8..],
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Engine {
    type Err = UnknownEngine;

    /// Parses `postgres`, `postgresql`, `mysql`, `mariadb`, `sqlite` or `sqlite3`, in any case
    /// (the names Django's `connection.vendor` and SQLAlchemy's dialects use).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const NAMES: &[(&str, Engine)] = &[
            ("postgres", Engine::Postgres),
            ("postgresql", Engine::Postgres),
            ("mysql", Engine::MySql),
            ("mariadb", Engine::MySql),
            ("sqlite", Engine::Sqlite),
            ("sqlite3", Engine::Sqlite),
        ];
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|&(_, engine)| engine)
            .ok_or_else(|| UnknownEngine(s.to_owned()))
    }
}

/// The name given to `Engine::from_str` is not a database engine Qila knows.
///
/// Pass one of `postgres`, `postgresql`, `mysql`, `mariadb`, `sqlite` or `sqlite3`. For any other
/// database, use [`classify`], which does not need to know the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown database engine {0:?}: expected postgres, mysql or sqlite")]
pub struct UnknownEngine(String);

impl UnknownEngine {
    /// The name that was given.
    pub fn name(&self) -> &str {
        &self.0
    }
}

/// Every kind found in a string of statements, across every reading of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Summary {
    kinds: u8,
    lifts_read_only: bool,
}

impl Summary {
    /// The strongest kind present (see [`classify`]); [`StatementKind::Read`] when empty.
    pub fn kind(&self) -> StatementKind {
        [
            StatementKind::Write,
            StatementKind::Read,
            StatementKind::Session,
            StatementKind::Transaction,
        ]
        .into_iter()
        .find(|&kind| self.contains(kind))
        .unwrap_or(StatementKind::Read)
    }

    /// Whether at least one statement is of `kind`.
    pub fn contains(&self, kind: StatementKind) -> bool {
        self.kinds & kind.bit() != 0
    }

    /// Whether the string holds no statement at all (only whitespace, comments and `;`).
    pub fn is_empty(&self) -> bool {
        self.kinds == 0
    }

    /// Whether a statement may turn read-only mode off for the session or the transaction:
    /// `READ WRITE` in a `SET ... TRANSACTION`, `BEGIN` or `START TRANSACTION`; a `SET`, `RESET`
    /// or `PRAGMA` naming a `*read_only*` or `query_only` setting, whatever the value; `RESET ALL`
    /// and `DISCARD ALL`. Errs on the side of `true`.
    pub fn lifts_read_only(&self) -> bool {
        self.lifts_read_only
    }

    fn add(&mut self, effect: Effect) {
        self.kinds |= effect.kind.bit();
        self.lifts_read_only |= effect.lifts;
    }

    fn union(self, other: Summary) -> Summary {
        Summary {
            kinds: self.kinds | other.kinds,
            lifts_read_only: self.lifts_read_only | other.lifts_read_only,
        }
    }
}

/// What `sql` does, for any of the supported engines: the strongest kind among its statements
/// (see the [module docs](self) for the rules and the fail-closed choices).
pub fn classify(sql: &str) -> StatementKind {
    summarize(sql).kind()
}

/// What `sql` does when `engine` runs it. The same as [`classify`] except that the string is read
/// only the ways `engine` reads it.
pub fn classify_for(sql: &str, engine: Engine) -> StatementKind {
    summarize_for(sql, engine).kind()
}

/// Every kind present in `sql`, for any of the supported engines.
pub fn summarize(sql: &str) -> Summary {
    summarize_readings(sql.as_bytes(), &READINGS).0
}

/// Every kind present in `sql` when `engine` runs it.
pub fn summarize_for(sql: &str, engine: Engine) -> Summary {
    summarize_readings(sql.as_bytes(), engine.readings()).0
}

/// The union over the distinct readings of `sql`, and how many readings were made.
fn summarize_readings(sql: &[u8], readings: &[Rules]) -> (Summary, usize) {
    let present = Present::of(sql);
    let mut done = [None; READINGS.len()];
    let mut count = 0;
    let mut summary = Summary::default();
    for rules in readings {
        let rules = rules.restrict(present);
        if done[..count].contains(&Some(rules)) {
            continue;
        }
        done[count] = Some(rules);
        count += 1;
        summary = summary.union(read(sql, rules));
    }
    (summary, count)
}

/// One reading of `sql`: statement by statement.
fn read(sql: &[u8], rules: Rules) -> Summary {
    let mut cur = Cursor::new(sql, rules);
    let mut summary = Summary::default();
    loop {
        if let Some(effect) = statement(&mut cur) {
            summary.add(effect);
        }
        if !cur.end_statement() {
            return summary;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------

/// How MySQL's `/*! ... */` comments are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exec {
    /// They are comments (PostgreSQL, SQLite).
    Never,
    /// `/*! ... */` is code, `/*!80000 ... */` a comment (a server older than the version).
    Unversioned,
    /// Both are code (a server at least as new as the version).
    Always,
}

/// One way of splitting SQL into tokens: an engine with some of its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rules {
    /// `\` escapes the next byte in `'...'`.
    backslash_single: bool,
    /// `\` escapes the next byte in `"..."`.
    backslash_double: bool,
    /// `E'...'` takes backslash escapes.
    escape_strings: bool,
    /// `$$...$$` and `$tag$...$tag$` are strings.
    dollar_quotes: bool,
    /// `#` starts a comment.
    hash_comments: bool,
    /// `--` starts a comment only before a space or a control character.
    dash_needs_space: bool,
    /// `/* /* */ */` nests.
    nested_comments: bool,
    /// How `/*! ... */` is read.
    exec_comments: Exec,
    /// `[...]` is a name.
    brackets: bool,
    /// `` `...` `` is a name.
    backticks: bool,
    /// A line comment also ends at `\r`.
    line_ends_cr: bool,
    /// A line comment also ends at a NUL byte.
    line_ends_nul: bool,
}

const POSTGRES: Rules = Rules {
    backslash_single: false,
    backslash_double: false,
    escape_strings: true,
    dollar_quotes: true,
    hash_comments: false,
    dash_needs_space: false,
    nested_comments: true,
    exec_comments: Exec::Never,
    brackets: false,
    backticks: false,
    line_ends_cr: true,
    line_ends_nul: false,
};

const MYSQL: Rules = Rules {
    backslash_single: true,
    backslash_double: true,
    escape_strings: false,
    dollar_quotes: false,
    hash_comments: true,
    dash_needs_space: true,
    nested_comments: false,
    exec_comments: Exec::Always,
    brackets: false,
    backticks: true,
    line_ends_cr: false,
    line_ends_nul: true,
};

const SQLITE: Rules = Rules {
    backslash_single: false,
    backslash_double: false,
    escape_strings: false,
    dollar_quotes: false,
    hash_comments: false,
    dash_needs_space: false,
    nested_comments: false,
    exec_comments: Exec::Never,
    brackets: true,
    backticks: true,
    line_ends_cr: false,
    line_ends_nul: false,
};

/// Every reading [`classify`] makes; [`Engine::readings`] slices it.
const READINGS: [Rules; 9] = [
    POSTGRES,
    // standard_conforming_strings = off
    Rules {
        backslash_single: true,
        ..POSTGRES
    },
    // MySQL and MariaDB in the default mode, with ANSI_QUOTES ("..." is a name, without
    // backslash escapes) and with NO_BACKSLASH_ESCAPES; on a server new enough to run every
    // versioned comment, then on one too old for some.
    mysql(true, true, Exec::Always),
    mysql(true, false, Exec::Always),
    mysql(false, false, Exec::Always),
    mysql(true, true, Exec::Unversioned),
    mysql(true, false, Exec::Unversioned),
    mysql(false, false, Exec::Unversioned),
    SQLITE,
];

const fn mysql(backslash_single: bool, backslash_double: bool, exec_comments: Exec) -> Rules {
    Rules {
        backslash_single,
        backslash_double,
        exec_comments,
        ..MYSQL
    }
}

/// Which of the bytes that readings disagree on occur in a string.
#[derive(Debug, Clone, Copy, Default)]
struct Present {
    backslash: bool,
    double_quote: bool,
    escape_string: bool,
    dollar: bool,
    hash: bool,
    dash_dash: bool,
    block_comment: bool,
    exec_comment: bool,
    bracket: bool,
    backtick: bool,
    cr: bool,
    nul: bool,
}

impl Present {
    fn of(sql: &[u8]) -> Present {
        let mut p = Present::default();
        let mut prev = 0u8;
        for (i, &b) in sql.iter().enumerate() {
            match b {
                b'\\' => p.backslash = true,
                b'"' => p.double_quote = true,
                b'\'' if matches!(prev, b'e' | b'E') => p.escape_string = true,
                b'$' => p.dollar = true,
                b'#' => p.hash = true,
                b'-' if prev == b'-' => p.dash_dash = true,
                b'*' if prev == b'/' => {
                    p.block_comment = true;
                    if matches!(sql.get(i + 1), Some(b'!' | b'M')) {
                        p.exec_comment = true;
                    }
                }
                b'[' => p.bracket = true,
                b'`' => p.backtick = true,
                b'\r' => p.cr = true,
                0 => p.nul = true,
                _ => {}
            }
            prev = b;
        }
        p
    }
}

impl Rules {
    /// These rules with every difference that cannot matter for the bytes present taken out, so
    /// that readings which would split a string the same way compare equal.
    fn restrict(mut self, p: Present) -> Rules {
        if !p.backslash {
            self.backslash_single = false;
            self.backslash_double = false;
            self.escape_strings = false;
        }
        self.backslash_double &= p.double_quote;
        self.escape_strings &= p.escape_string;
        self.dollar_quotes &= p.dollar;
        self.hash_comments &= p.hash;
        self.dash_needs_space &= p.dash_dash;
        self.nested_comments &= p.block_comment;
        if !p.exec_comment {
            self.exec_comments = Exec::Never;
        }
        self.brackets &= p.bracket;
        self.backticks &= p.backtick;
        self.line_ends_cr &= p.cr;
        self.line_ends_nul &= p.nul;
        self
    }
}

/// A token. Comments and whitespace are not tokens; every slice borrows the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// A keyword or an unquoted name.
    Word(&'a [u8]),
    /// A quoted name (`"..."`, `` `...` ``, `[...]`) or a MySQL `"..."` string: what is inside.
    Quoted(&'a [u8]),
    /// A string literal, quotes included.
    Str(&'a [u8]),
    /// A number.
    Num(&'a [u8]),
    /// Any other byte.
    Punct(u8),
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Splits SQL into tokens under one set of [`Rules`].
#[derive(Debug, Clone)]
struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    rules: Rules,
    /// Inside a MySQL `/*! ... */` that is read as code: the next `*/` ends it.
    in_exec: bool,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a [u8], rules: Rules) -> Self {
        Lexer {
            src,
            pos: 0,
            rules,
            in_exec: false,
        }
    }

    fn at(&self, offset: usize) -> Option<u8> {
        self.src.get(self.pos + offset).copied()
    }

    fn next_token(&mut self) -> Option<Tok<'a>> {
        loop {
            let b = self.at(0)?;
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => self.pos += 1,
                b'-' if self.at(1) == Some(b'-') && self.dash_comment() => self.line_comment(2),
                b'#' if self.rules.hash_comments => self.line_comment(1),
                b'/' if self.at(1) == Some(b'*') => self.block_comment(),
                b'*' if self.in_exec && self.at(1) == Some(b'/') => {
                    self.in_exec = false;
                    self.pos += 2;
                }
                b'\'' => return Some(Tok::Str(self.quoted(b'\'', self.rules.backslash_single).0)),
                b'"' => {
                    return Some(Tok::Quoted(
                        self.quoted(b'"', self.rules.backslash_double).1,
                    ));
                }
                b'`' if self.rules.backticks => {
                    return Some(Tok::Quoted(self.quoted(b'`', false).1));
                }
                b'[' if self.rules.brackets => return Some(Tok::Quoted(self.bracketed())),
                b'$' if self.rules.dollar_quotes => {
                    if let Some(tok) = self.dollar_quoted() {
                        return Some(tok);
                    }
                    self.pos += 1;
                    return Some(Tok::Punct(b'$'));
                }
                b'0'..=b'9' => return Some(self.number()),
                b'.' if self.at(1).is_some_and(|c| c.is_ascii_digit()) => {
                    return Some(self.number());
                }
                _ if is_ident_start(b) => return Some(self.word()),
                _ => {
                    self.pos += 1;
                    return Some(Tok::Punct(b));
                }
            }
        }
    }

    /// Whether the `--` at the cursor starts a comment (MySQL wants a space or control after it).
    fn dash_comment(&self) -> bool {
        !self.rules.dash_needs_space || self.at(2).is_none_or(|c| c <= b' ' || c == 0x7f)
    }

    /// Skips a comment running to the end of the line; `skip` is the length of its opener.
    fn line_comment(&mut self, skip: usize) {
        let from = self.pos + skip;
        let rest = &self.src[from..];
        let end = match (self.rules.line_ends_cr, self.rules.line_ends_nul) {
            (false, false) => memchr(b'\n', rest),
            (true, false) => memchr2(b'\n', b'\r', rest),
            (false, true) => memchr2(b'\n', 0, rest),
            (true, true) => memchr3(b'\n', b'\r', 0, rest),
        };
        // The line end itself is left for the whitespace (or, for NUL, punctuation) rule.
        self.pos = end.map_or(self.src.len(), |off| from + off);
    }

    /// Skips a `/* ... */` comment, or enters a MySQL executable comment.
    fn block_comment(&mut self) {
        let s = self.src;
        let start = self.pos;
        if self.rules.exec_comments != Exec::Never {
            let marker = match (s.get(start + 2), s.get(start + 3)) {
                (Some(b'!'), _) => Some(start + 3),
                (Some(b'M'), Some(b'!')) => Some(start + 4),
                _ => None,
            };
            if let Some(mut i) = marker {
                let versioned = s.get(i).is_some_and(u8::is_ascii_digit);
                if self.rules.exec_comments == Exec::Always || !versioned {
                    while s.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                    self.pos = i;
                    self.in_exec = true;
                    return;
                }
            }
        }
        if !self.rules.nested_comments {
            self.pos =
                memmem::find(&s[start + 2..], b"*/").map_or(s.len(), |off| start + 2 + off + 2);
            return;
        }
        let mut depth = 1usize;
        let mut i = start + 2;
        while depth > 0 {
            let Some(off) = memchr2(b'/', b'*', &s[i..]) else {
                i = s.len();
                break;
            };
            let j = i + off;
            match (s[j], s.get(j + 1)) {
                (b'/', Some(b'*')) => {
                    depth += 1;
                    i = j + 2;
                }
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    i = j + 2;
                }
                _ => i = j + 1,
            }
        }
        self.pos = i;
    }

    /// Reads a quoted token opened by `quote` at the cursor. A doubled quote stands for itself;
    /// with `backslash`, `\` escapes the next byte. Returns the whole token and what is inside.
    /// Unterminated, it runs to the end of the input.
    fn quoted(&mut self, quote: u8, backslash: bool) -> (&'a [u8], &'a [u8]) {
        let s = self.src;
        let start = self.pos;
        let mut i = start + 1;
        loop {
            let found = if backslash {
                memchr2(quote, b'\\', &s[i..])
            } else {
                memchr(quote, &s[i..])
            };
            let Some(off) = found else {
                self.pos = s.len();
                return (&s[start..], &s[start + 1..]);
            };
            let j = i + off;
            if s[j] == b'\\' {
                i = (j + 2).min(s.len());
            } else if s.get(j + 1) == Some(&quote) {
                i = j + 2;
            } else {
                self.pos = j + 1;
                return (&s[start..=j], &s[start + 1..j]);
            }
        }
    }

    /// Reads a SQLite `[name]`, which ends at the first `]`.
    fn bracketed(&mut self) -> &'a [u8] {
        let s = self.src;
        let start = self.pos + 1;
        match memchr(b']', &s[start..]) {
            Some(off) => {
                self.pos = start + off + 1;
                &s[start..start + off]
            }
            None => {
                self.pos = s.len();
                &s[start..]
            }
        }
    }

    /// Reads a PostgreSQL `$$...$$` or `$tag$...$tag$` string at the cursor, or returns `None`
    /// if the `$` does not open one (`$1`, a lone `$`).
    fn dollar_quoted(&mut self) -> Option<Tok<'a>> {
        let s = self.src;
        let start = self.pos;
        let mut i = start + 1;
        if s.get(i).is_some_and(|&c| is_ident_start(c)) {
            while s.get(i).is_some_and(|&c| c != b'$' && is_ident_char(c)) {
                i += 1;
            }
        }
        if s.get(i) != Some(&b'$') {
            return None;
        }
        let tag = &s[start..=i];
        let body = i + 1;
        self.pos = memmem::find(&s[body..], tag).map_or(s.len(), |off| body + off + tag.len());
        Some(Tok::Str(&s[start..self.pos]))
    }

    fn number(&mut self) -> Tok<'a> {
        let s = self.src;
        let start = self.pos;
        let digits = |mut i: usize| {
            while s.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            i
        };
        let mut i = digits(start);
        if s.get(i) == Some(&b'.') {
            i = digits(i + 1);
        }
        if matches!(s.get(i), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(s.get(i + 1), Some(b'+' | b'-')));
            if s.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
                i = digits(i + 1 + sign);
            }
        }
        self.pos = i;
        Tok::Num(&s[start..i])
    }

    fn word(&mut self) -> Tok<'a> {
        let s = self.src;
        let start = self.pos;
        let mut i = start + 1;
        while s.get(i).is_some_and(|&c| is_ident_char(c)) {
            i += 1;
        }
        self.pos = i;
        let w = &s[start..i];
        if self.rules.escape_strings && matches!(w, b"e" | b"E") && s.get(i) == Some(&b'\'') {
            self.quoted(b'\'', true);
            return Tok::Str(&s[start..self.pos]);
        }
        Tok::Word(w)
    }
}

/// Tokens of one statement at a time, with one token of look-ahead.
#[derive(Debug, Clone)]
struct Cursor<'a> {
    lex: Lexer<'a>,
    /// The next token, once looked at (`Some(None)`: the end of the input).
    peeked: Option<Option<Tok<'a>>>,
}

impl<'a> Cursor<'a> {
    fn new(src: &'a [u8], rules: Rules) -> Self {
        Cursor {
            lex: Lexer::new(src, rules),
            peeked: None,
        }
    }

    /// The next token of this statement, without taking it; `None` at `;` or the end.
    fn peek(&mut self) -> Option<Tok<'a>> {
        let lex = &mut self.lex;
        match *self.peeked.get_or_insert_with(|| lex.next_token()) {
            Some(Tok::Punct(b';')) => None,
            tok => tok,
        }
    }

    /// Takes the next token of this statement; `None` at `;` or the end.
    fn next(&mut self) -> Option<Tok<'a>> {
        let tok = self.peek();
        if tok.is_some() {
            self.peeked = None;
        }
        tok
    }

    /// Skips the rest of this statement and its `;`. Returns whether input remains.
    fn end_statement(&mut self) -> bool {
        while self.next().is_some() {}
        matches!(self.peeked.take(), Some(Some(_)))
    }
}

// ---------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------

fn is(w: &[u8], keyword: &str) -> bool {
    w.eq_ignore_ascii_case(keyword.as_bytes())
}

fn is_any(w: &[u8], keywords: &[&str]) -> bool {
    keywords.iter().any(|k| is(w, k))
}

fn is_word(tok: Option<Tok<'_>>, keyword: &str) -> bool {
    matches!(tok, Some(Tok::Word(w)) if is(w, keyword))
}

fn contains_ignore_case(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| is(w, needle))
}

/// What one statement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Effect {
    kind: StatementKind,
    /// It may turn read-only mode off (see [`Summary::lifts_read_only`]).
    lifts: bool,
}

impl Effect {
    const READ: Effect = Effect::of(StatementKind::Read);
    const WRITE: Effect = Effect::of(StatementKind::Write);

    const fn of(kind: StatementKind) -> Effect {
        Effect { kind, lifts: false }
    }
}

/// What a statement's first keyword makes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    /// Reads, unless the rest says otherwise.
    Query,
    /// Reads, whatever follows.
    Read,
    /// `EXPLAIN`, `DESCRIBE`, `DESC`.
    Explain,
    Prepare,
    Declare,
    Copy,
    Pragma,
    /// `SET`, `RESET`, `DISCARD` and the like.
    Session,
    Transaction,
    /// Writes (also every keyword not in [`HEADS`]).
    Write,
}

/// First keywords. Anything else is [`Head::Write`].
const HEADS: &[(&str, Head)] = &[
    ("SELECT", Head::Query),
    ("WITH", Head::Query),
    ("VALUES", Head::Query),
    ("TABLE", Head::Query),
    ("SHOW", Head::Read),
    ("HELP", Head::Read),
    ("FETCH", Head::Read),
    ("MOVE", Head::Read),
    ("EXPLAIN", Head::Explain),
    ("DESCRIBE", Head::Explain),
    ("DESC", Head::Explain),
    ("PREPARE", Head::Prepare),
    ("DECLARE", Head::Declare),
    ("COPY", Head::Copy),
    ("PRAGMA", Head::Pragma),
    ("SET", Head::Session),
    ("RESET", Head::Session),
    ("DISCARD", Head::Session),
    ("USE", Head::Session),
    ("DEALLOCATE", Head::Session),
    ("LISTEN", Head::Session),
    ("UNLISTEN", Head::Session),
    ("CLOSE", Head::Session),
    ("UNLOCK", Head::Session),
    ("DETACH", Head::Session),
    ("BEGIN", Head::Transaction),
    ("START", Head::Transaction),
    ("COMMIT", Head::Transaction),
    ("END", Head::Transaction),
    ("ROLLBACK", Head::Transaction),
    ("ABORT", Head::Transaction),
    ("SAVEPOINT", Head::Transaction),
    ("RELEASE", Head::Transaction),
    ("SAVE", Head::Transaction),
    ("XA", Head::Transaction),
    // Writes, listed for the reader: they would be writes anyway.
    ("INSERT", Head::Write),
    ("UPDATE", Head::Write),
    ("DELETE", Head::Write),
    ("MERGE", Head::Write),
    ("REPLACE", Head::Write),
    ("UPSERT", Head::Write),
    ("CREATE", Head::Write),
    ("ALTER", Head::Write),
    ("DROP", Head::Write),
    ("RENAME", Head::Write),
    ("TRUNCATE", Head::Write),
    ("COMMENT", Head::Write),
    ("GRANT", Head::Write),
    ("REVOKE", Head::Write),
    ("VACUUM", Head::Write),
    ("ANALYZE", Head::Write),
    ("CLUSTER", Head::Write),
    ("REINDEX", Head::Write),
    ("LOCK", Head::Write),
    ("REFRESH", Head::Write),
    ("CALL", Head::Write),
    ("EXEC", Head::Write),
    ("EXECUTE", Head::Write),
    ("DO", Head::Write),
    ("LOAD", Head::Write),
    ("HANDLER", Head::Write),
    ("NOTIFY", Head::Write),
    ("ATTACH", Head::Write),
];

fn head_of(w: &[u8]) -> Head {
    HEADS
        .iter()
        .find(|(k, _)| is(w, k))
        .map_or(Head::Write, |&(_, head)| head)
}

/// Keywords that make a read a write wherever they stand (not after a `.`, where they are names).
const WRITE_WORDS: &[&str] = &[
    "UPDATE", "DELETE", "MERGE", "UPSERT", "INTO", "CREATE", "DROP", "ALTER", "GRANT", "REVOKE",
    "EXEC", "EXECUTE",
];

/// Keywords that make a read a write unless they call a function (MySQL's `INSERT(str, ...)`,
/// `REPLACE(str, ...)`, `TRUNCATE(x, d)`).
const WRITE_WORDS_UNLESS_CALLED: &[&str] = &["INSERT", "REPLACE", "TRUNCATE"];

/// Functions with side effects.
const SIDE_EFFECT_FUNCTIONS: &[&str] = &[
    // PostgreSQL sequences.
    "nextval",
    "setval",
    // PostgreSQL large objects.
    "lo_import",
    "lo_export",
    "lo_unlink",
    "lo_create",
    "lo_creat",
    "lo_put",
    "lo_from_bytea",
    "lo_truncate",
    "lo_truncate64",
    "lowrite",
    // PostgreSQL server administration.
    "pg_terminate_backend",
    "pg_cancel_backend",
    "pg_reload_conf",
    "pg_rotate_logfile",
    "pg_promote",
    "pg_switch_wal",
    "pg_switch_xlog",
    "pg_start_backup",
    "pg_stop_backup",
    "pg_backup_start",
    "pg_backup_stop",
    "pg_wal_replay_pause",
    "pg_wal_replay_resume",
    "pg_drop_replication_slot",
    "pg_replication_slot_advance",
    "pg_logical_slot_get_changes",
    "pg_logical_slot_get_binary_changes",
    "pg_logical_emit_message",
    "pg_import_system_collations",
    "pg_file_write",
    "pg_file_rename",
    "pg_file_unlink",
    "pg_file_sync",
    // Settings and notifications.
    "set_config",
    "pg_notify",
    // Functions that run the SQL text they are given.
    "query_to_xml",
    "query_to_xml_and_xmlschema",
    // MySQL named locks.
    "get_lock",
    "release_lock",
    "release_all_locks",
    // SQLite.
    "load_extension",
    "writefile",
];

/// Families of functions with side effects, by prefix.
const SIDE_EFFECT_PREFIXES: &[&str] = &[
    "pg_advisory_",
    "pg_try_advisory_",
    "pg_stat_reset",
    "pg_create_",
    "pg_copy_",
    "pg_replication_origin_",
    "dblink",
];

fn has_side_effects(name: &[u8]) -> bool {
    is_any(name, SIDE_EFFECT_FUNCTIONS)
        || SIDE_EFFECT_PREFIXES
            .iter()
            .any(|p| name.len() >= p.len() && is(&name[..p.len()], p))
}

/// Whether `tok`, between `prev` and `next`, makes a read a write.
fn writes_at(prev: Option<Tok<'_>>, tok: Tok<'_>, next: Option<Tok<'_>>) -> bool {
    let called = next == Some(Tok::Punct(b'('));
    match tok {
        Tok::Word(w) => {
            if called && has_side_effects(w) {
                return true;
            }
            if prev == Some(Tok::Punct(b'.')) {
                return false;
            }
            if is_any(w, WRITE_WORDS) || (!called && is_any(w, WRITE_WORDS_UNLESS_CALLED)) {
                return true;
            }
            if is(w, "FOR") {
                return matches!(next, Some(Tok::Word(n)) if is_any(n, &["UPDATE", "SHARE", "KEY", "NO"]));
            }
            is(w, "LOCK") && is_word(next, "IN")
        }
        Tok::Quoted(name) => called && has_side_effects(name),
        _ => false,
    }
}

/// Whether `tok` names a read-only setting.
fn names_read_only(tok: Tok<'_>) -> bool {
    match tok {
        Tok::Word(w) | Tok::Quoted(w) => {
            contains_ignore_case(w, "read_only") || contains_ignore_case(w, "query_only")
        }
        _ => false,
    }
}

/// What the scan of a statement's tail found.
#[derive(Debug, Default)]
struct Found {
    writes: bool,
    lifts: bool,
}

/// Scans the rest of the statement for anything that writes; for session statements
/// (`session`), also for server-wide settings and for anything that lifts read-only mode.
fn scan(cur: &mut Cursor<'_>, session: bool) -> Found {
    let mut found = Found::default();
    let mut prev = None;
    while let Some(tok) = cur.next() {
        let next = cur.peek();
        if writes_at(prev, tok, next) {
            found.writes = true;
            if !session {
                break;
            }
        }
        if session {
            if matches!(tok, Tok::Word(w) if is_any(w, &["GLOBAL", "PERSIST", "PERSIST_ONLY"])) {
                found.writes = true;
            }
            if names_read_only(tok) || (is_word(prev, "READ") && is_word(Some(tok), "WRITE")) {
                found.lifts = true;
            }
        }
        prev = Some(tok);
    }
    found
}

/// Classifies the next statement; `None` if it is empty.
fn statement(cur: &mut Cursor<'_>) -> Option<Effect> {
    let mut explained = false;
    let mut analyzed = false;
    let mut prefixed = false;
    let mut parens = false;
    let effect = loop {
        let Some(tok) = cur.next() else {
            // Nothing (more) to run: an explained nothing reads, a dangling prefix is not
            // understood, and an empty statement is no statement.
            return if explained {
                Some(Effect::READ)
            } else if prefixed || parens {
                Some(Effect::WRITE)
            } else {
                None
            };
        };
        let w = match tok {
            Tok::Punct(b'(') => {
                parens = true;
                continue;
            }
            Tok::Word(w) => w,
            _ => break Effect::WRITE,
        };
        let head = head_of(w);
        if parens && head != Head::Query {
            break Effect::WRITE;
        }
        match head {
            Head::Explain => {
                explained = true;
                analyzed |= explain_options(cur);
            }
            Head::Prepare => match prepare(cur) {
                Some(effect) => break effect,
                None => prefixed = true,
            },
            Head::Declare => match declare(cur) {
                Some(effect) => break effect,
                None => prefixed = true,
            },
            Head::Query => {
                break Effect::of(if scan(cur, false).writes {
                    StatementKind::Write
                } else {
                    StatementKind::Read
                });
            }
            Head::Read => break Effect::READ,
            Head::Copy => break copy(cur),
            Head::Pragma => break pragma(cur),
            Head::Session => break session(w, cur),
            Head::Transaction => break transaction(w, cur),
            Head::Write => break Effect::WRITE,
        }
    };
    Some(if explained && !analyzed {
        Effect::READ
    } else {
        effect
    })
}

/// Reads `EXPLAIN`'s options; returns whether it analyses (runs the statement).
fn explain_options(cur: &mut Cursor<'_>) -> bool {
    let mut analyzed = false;
    if cur.peek() == Some(Tok::Punct(b'(')) {
        cur.next();
        let mut depth = 1usize;
        while let Some(tok) = cur.next() {
            match tok {
                Tok::Punct(b'(') => depth += 1,
                Tok::Punct(b')') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Tok::Word(w) if depth == 1 && is_any(w, &["ANALYZE", "ANALYSE"]) => {
                    analyzed |= !is_false(cur.peek());
                }
                _ => {}
            }
        }
    }
    loop {
        match cur.peek() {
            Some(Tok::Word(w)) if is_any(w, &["ANALYZE", "ANALYSE"]) => analyzed = true,
            Some(Tok::Word(w))
                if is_any(w, &["VERBOSE", "EXTENDED", "PARTITIONS", "QUERY", "PLAN"]) => {}
            Some(Tok::Word(w)) if is(w, "FORMAT") => {
                cur.next();
                if cur.peek() == Some(Tok::Punct(b'=')) {
                    cur.next();
                }
                if !matches!(cur.peek(), Some(Tok::Word(_))) {
                    continue;
                }
            }
            _ => return analyzed,
        }
        cur.next();
    }
}

/// Whether an option value is false as PostgreSQL reads it (`false`, `off`, `0`).
fn is_false(tok: Option<Tok<'_>>) -> bool {
    match tok {
        Some(Tok::Word(w)) => is_any(w, &["FALSE", "OFF"]),
        Some(Tok::Num(n)) => n == b"0",
        Some(Tok::Str(s)) if s.len() >= 2 => is_any(&s[1..s.len() - 1], &["FALSE", "OFF", "0"]),
        _ => false,
    }
}

/// Skips to the `)` closing a `(` already taken. Returns whether it was found.
fn skip_group(cur: &mut Cursor<'_>) -> bool {
    let mut depth = 1usize;
    while let Some(tok) = cur.next() {
        match tok {
            Tok::Punct(b'(') => depth += 1,
            Tok::Punct(b')') => {
                depth -= 1;
                if depth == 0 {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// `PREPARE name [(types)] AS statement` (returns `None`: the statement follows),
/// `PREPARE TRANSACTION 'id'`, or anything else (a write).
fn prepare(cur: &mut Cursor<'_>) -> Option<Effect> {
    match cur.next() {
        Some(Tok::Word(w)) if is(w, "TRANSACTION") => return Some(transaction(w, cur)),
        Some(Tok::Word(_) | Tok::Quoted(_)) => {}
        _ => return Some(Effect::WRITE),
    }
    if cur.peek() == Some(Tok::Punct(b'(')) {
        cur.next();
        skip_group(cur);
    }
    if is_word(cur.next(), "AS") {
        None
    } else {
        Some(Effect::WRITE)
    }
}

/// `DECLARE name [options] CURSOR [options] FOR query` (returns `None`: the query follows), or
/// anything else, such as a T-SQL variable (a write).
fn declare(cur: &mut Cursor<'_>) -> Option<Effect> {
    const OPTIONS: &[&str] = &[
        "BINARY",
        "ASENSITIVE",
        "INSENSITIVE",
        "NO",
        "SCROLL",
        "WITH",
        "WITHOUT",
        "HOLD",
        "LOCAL",
        "GLOBAL",
        "FORWARD_ONLY",
        "STATIC",
        "KEYSET",
        "DYNAMIC",
        "FAST_FORWARD",
        "READ_ONLY",
        "SCROLL_LOCKS",
        "OPTIMISTIC",
        "TYPE_WARNING",
    ];
    if !matches!(cur.next(), Some(Tok::Word(_) | Tok::Quoted(_))) {
        return Some(Effect::WRITE);
    }
    let mut cursor = false;
    while let Some(Tok::Word(w)) = cur.next() {
        if is(w, "CURSOR") {
            cursor = true;
        } else if cursor && is(w, "FOR") {
            return None;
        } else if !is_any(w, OPTIONS) {
            break;
        }
    }
    Some(Effect::WRITE)
}

/// PostgreSQL `COPY`: a read only when it copies out to the client (`TO STDOUT`) and its query,
/// if any, reads.
fn copy(cur: &mut Cursor<'_>) -> Effect {
    let mut probe = cur.clone();
    let mut depth = 0usize;
    let to_stdout = loop {
        match probe.next() {
            None => break false,
            Some(Tok::Punct(b'(')) => depth += 1,
            Some(Tok::Punct(b')')) => depth = depth.saturating_sub(1),
            Some(Tok::Word(w)) if depth == 0 && is(w, "FROM") => break false,
            Some(Tok::Word(w)) if depth == 0 && is(w, "TO") => {
                break is_word(probe.next(), "STDOUT");
            }
            Some(_) => {}
        }
    };
    if !to_stdout {
        return Effect::WRITE;
    }
    if cur.peek() != Some(Tok::Punct(b'(')) {
        return Effect::READ;
    }
    while cur.peek() == Some(Tok::Punct(b'(')) {
        cur.next();
    }
    match cur.next() {
        Some(Tok::Word(w)) if head_of(w) == Head::Query && !scan(cur, false).writes => Effect::READ,
        _ => Effect::WRITE,
    }
}

/// SQLite `PRAGMA [schema.]name [= value | (value)]`.
fn pragma(cur: &mut Cursor<'_>) -> Effect {
    /// Pragmas that take an argument and only report.
    const QUERIES_WITH_ARGUMENT: &[&str] = &[
        "table_info",
        "table_xinfo",
        "table_list",
        "index_info",
        "index_xinfo",
        "index_list",
        "foreign_key_list",
        "foreign_key_check",
        "integrity_check",
        "quick_check",
    ];
    /// Pragmas that act without an argument.
    const ACTIONS: &[&str] = &[
        "optimize",
        "incremental_vacuum",
        "wal_checkpoint",
        "shrink_memory",
    ];
    let mut name = match cur.next() {
        Some(Tok::Word(w) | Tok::Quoted(w)) => w,
        _ => return Effect::WRITE,
    };
    if cur.peek() == Some(Tok::Punct(b'.')) {
        cur.next();
        name = match cur.next() {
            Some(Tok::Word(w) | Tok::Quoted(w)) => w,
            _ => return Effect::WRITE,
        };
    }
    let sets = Effect {
        kind: StatementKind::Write,
        lifts: contains_ignore_case(name, "query_only"),
    };
    match cur.next() {
        None if is_any(name, ACTIONS) => Effect::WRITE,
        None => Effect::READ,
        Some(Tok::Punct(b'(')) if is_any(name, QUERIES_WITH_ARGUMENT) => {
            if skip_group(cur) && cur.peek().is_none() {
                Effect::READ
            } else {
                Effect::WRITE
            }
        }
        Some(Tok::Punct(b'=' | b'(')) => sets,
        Some(_) => Effect::WRITE,
    }
}

/// `SET`, `RESET`, `DISCARD`, `USE` and the other statements that change only the session.
fn session(head: &[u8], cur: &mut Cursor<'_>) -> Effect {
    let first = cur.peek();
    let server_wide = if is(head, "SET") {
        // SET PASSWORD changes an account, SET DEFAULT ROLE a user's defaults.
        ["PASSWORD", "DEFAULT"].iter().any(|k| is_word(first, k))
    } else if is(head, "RESET") {
        // MySQL: RESET MASTER deletes binary logs, RESET PERSIST rewrites the option file.
        ["MASTER", "SLAVE", "REPLICA", "BINARY", "PERSIST", "QUERY"]
            .iter()
            .any(|k| is_word(first, k))
    } else {
        false
    };
    if server_wide {
        return Effect::WRITE;
    }
    let resets_all = is_any(head, &["RESET", "DISCARD"]) && is_word(first, "ALL");
    let found = scan(cur, true);
    Effect {
        kind: if found.writes {
            StatementKind::Write
        } else {
            StatementKind::Session
        },
        lifts: found.lifts || resets_all,
    }
}

/// `BEGIN`, `START TRANSACTION`, `COMMIT`, `ROLLBACK [TO]`, `SAVEPOINT`, `RELEASE`, `XA`: a
/// transaction statement when every word is one such statements take, a write otherwise.
fn transaction<'a>(head: &'a [u8], cur: &mut Cursor<'a>) -> Effect {
    const WORDS: &[&str] = &[
        "TRANSACTION",
        "TRAN",
        "WORK",
        "ISOLATION",
        "LEVEL",
        "READ",
        "WRITE",
        "ONLY",
        "COMMITTED",
        "UNCOMMITTED",
        "REPEATABLE",
        "SERIALIZABLE",
        "SNAPSHOT",
        "DEFERRABLE",
        "NOT",
        "DEFERRED",
        "IMMEDIATE",
        "EXCLUSIVE",
        "AND",
        "NO",
        "CHAIN",
        "RELEASE",
        "WITH",
        "CONSISTENT",
        "SAVEPOINT",
        "TO",
        "PREPARED",
        "DISTRIBUTED",
        "START",
        "BEGIN",
        "END",
        "PREPARE",
        "COMMIT",
        "ROLLBACK",
        "RECOVER",
        "ONE",
        "PHASE",
        "SUSPEND",
        "FOR",
        "MIGRATE",
        "RESUME",
        "JOIN",
        "CONVERT",
        "XID",
        "MARK",
    ];
    /// Words after which a savepoint or transaction name may stand.
    const NAMED_BY: &[&str] = &["SAVEPOINT", "TO", "RELEASE", "TRANSACTION", "TRAN"];
    let mut prev = Tok::Word(head);
    if is(head, "START") {
        match cur.next() {
            Some(tok @ Tok::Word(w)) if is(w, "TRANSACTION") => prev = tok,
            // START SLAVE, START REPLICA, START GROUP_REPLICATION.
            _ => return Effect::WRITE,
        }
    }
    let mut lifts = false;
    while let Some(tok) = cur.next() {
        let fits = match tok {
            Tok::Word(w) => {
                lifts |= is(w, "WRITE") && is_word(Some(prev), "READ");
                let named = matches!(prev, Tok::Word(p) if is_any(p, NAMED_BY));
                is_any(w, WORDS)
                    || (named && !is_any(w, WRITE_WORDS) && !is_any(w, WRITE_WORDS_UNLESS_CALLED))
            }
            Tok::Quoted(_) | Tok::Str(_) | Tok::Num(_) | Tok::Punct(b',') => true,
            Tok::Punct(_) => false,
        };
        if !fits {
            return Effect::WRITE;
        }
        prev = tok;
    }
    Effect {
        kind: StatementKind::Transaction,
        lifts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(sql: &str, rules: Rules) -> Vec<Tok<'_>> {
        let mut lex = Lexer::new(sql.as_bytes(), rules);
        std::iter::from_fn(|| lex.next_token()).collect()
    }

    fn words(sql: &str, rules: Rules) -> Vec<&str> {
        tokens(sql, rules)
            .into_iter()
            .filter_map(|t| match t {
                Tok::Word(w) => Some(std::str::from_utf8(w).unwrap()),
                _ => None,
            })
            .collect()
    }

    const PG_LEGACY: Rules = READINGS[1];
    const MYSQL_ANSI: Rules = READINGS[3];
    const MYSQL_NO_BACKSLASH: Rules = READINGS[4];
    const MYSQL_OLD_SERVER: Rules = READINGS[5];

    #[test]
    fn strings_and_escapes() {
        assert_eq!(tokens("'it''s'", POSTGRES), [Tok::Str(b"'it''s'")]);
        // A backslash escapes the quote in MySQL, not in standard PostgreSQL or SQLite.
        assert_eq!(tokens(r"'a\' b", MYSQL), [Tok::Str(br"'a\' b")]);
        assert_eq!(
            tokens(r"'a\' b", POSTGRES),
            [Tok::Str(br"'a\'"), Tok::Word(b"b")]
        );
        assert_eq!(
            tokens(r"'a\' b", SQLITE),
            [Tok::Str(br"'a\'"), Tok::Word(b"b")]
        );
        assert_eq!(tokens(r"'a\' b", PG_LEGACY), [Tok::Str(br"'a\' b")]);
        assert_eq!(
            tokens(r"'a\' b", MYSQL_NO_BACKSLASH),
            [Tok::Str(br"'a\'"), Tok::Word(b"b")]
        );
        // E'...' takes escapes in PostgreSQL; e alone is a word.
        assert_eq!(
            tokens(r"E'\'' x", POSTGRES),
            [Tok::Str(br"E'\''"), Tok::Word(b"x")]
        );
        assert_eq!(
            tokens(r"e'\'' x", POSTGRES),
            [Tok::Str(br"e'\''"), Tok::Word(b"x")]
        );
        assert_eq!(
            tokens("e 'x'", POSTGRES),
            [Tok::Word(b"e"), Tok::Str(b"'x'")]
        );
        assert_eq!(
            tokens("be'x'", POSTGRES),
            [Tok::Word(b"be"), Tok::Str(b"'x'")]
        );
        // A trailing backslash does not run past the end.
        assert_eq!(tokens("'\\", MYSQL), [Tok::Str(b"'\\")]);
    }

    #[test]
    fn quoted_names() {
        assert_eq!(
            tokens(r#""a""b" x"#, POSTGRES),
            [Tok::Quoted(br#"a""b"#), Tok::Word(b"x")]
        );
        assert_eq!(tokens(r#""a\" x""#, MYSQL), [Tok::Quoted(br#"a\" x"#)]);
        assert_eq!(
            tokens(r#""a\" x""#, MYSQL_ANSI),
            [Tok::Quoted(br"a\"), Tok::Word(b"x"), Tok::Quoted(b"")]
        );
        assert_eq!(tokens("`a``b`", MYSQL), [Tok::Quoted(b"a``b")]);
        assert_eq!(
            tokens("[order details]", SQLITE),
            [Tok::Quoted(b"order details")]
        );
        // PostgreSQL subscripts are not names.
        assert_eq!(
            tokens("a[1]", POSTGRES),
            [
                Tok::Word(b"a"),
                Tok::Punct(b'['),
                Tok::Num(b"1"),
                Tok::Punct(b']')
            ]
        );
        assert_eq!(
            tokens("`x`", POSTGRES),
            [Tok::Punct(b'`'), Tok::Word(b"x"), Tok::Punct(b'`')]
        );
    }

    #[test]
    fn dollar_quotes() {
        assert_eq!(
            tokens("$$a;b$$ x", POSTGRES),
            [Tok::Str(b"$$a;b$$"), Tok::Word(b"x")]
        );
        assert_eq!(
            tokens("$fn$ $$ $fn$", POSTGRES),
            [Tok::Str(b"$fn$ $$ $fn$")]
        );
        assert_eq!(tokens("$1", POSTGRES), [Tok::Punct(b'$'), Tok::Num(b"1")]);
        assert_eq!(tokens("$", POSTGRES), [Tok::Punct(b'$')]);
        assert_eq!(tokens("$a", POSTGRES), [Tok::Punct(b'$'), Tok::Word(b"a")]);
        // Inside a name, $ is a name character, not a quote.
        assert_eq!(tokens("a$$b", POSTGRES), [Tok::Word(b"a$$b")]);
        // Unterminated: to the end.
        assert_eq!(tokens("$q$ DELETE", POSTGRES), [Tok::Str(b"$q$ DELETE")]);
        // Not a quote in MySQL or SQLite.
        assert_eq!(words("$$ DELETE $$", MYSQL), ["DELETE"]);
        assert_eq!(words("$$ DELETE $$", SQLITE), ["DELETE"]);
    }

    #[test]
    fn comments() {
        assert_eq!(words("-- x\nSELECT", POSTGRES), ["SELECT"]);
        assert_eq!(words("/* a /* b */ c */ SELECT", POSTGRES), ["SELECT"]);
        assert_eq!(words("/* a /* b */ c */ SELECT", MYSQL), ["c", "SELECT"]);
        assert_eq!(words("/* a /* b */ c */ SELECT", SQLITE), ["c", "SELECT"]);
        assert_eq!(words("/**/ SELECT /*/ x */", POSTGRES), ["SELECT"]);
        // # only in MySQL.
        assert_eq!(words("# x\nSELECT", MYSQL), ["SELECT"]);
        assert_eq!(words("# x\nSELECT", POSTGRES), ["x", "SELECT"]);
        // MySQL wants a space after --.
        assert_eq!(
            tokens("1--1", MYSQL),
            [
                Tok::Num(b"1"),
                Tok::Punct(b'-'),
                Tok::Punct(b'-'),
                Tok::Num(b"1")
            ]
        );
        assert_eq!(tokens("1--1", POSTGRES), [Tok::Num(b"1")]);
        assert_eq!(tokens("1-- 1", MYSQL), [Tok::Num(b"1")]);
        assert_eq!(tokens("1--", MYSQL), [Tok::Num(b"1")]);
        // Line ends: \r ends a PostgreSQL comment, not a SQLite one.
        assert_eq!(words("-- x\rDELETE", POSTGRES), ["DELETE"]);
        assert!(words("-- x\rDELETE", SQLITE).is_empty());
        // MySQL executable comments are code, versioned ones only on a new enough server.
        assert_eq!(words("/*!40101 SET x */", MYSQL), ["SET", "x"]);
        assert_eq!(words("/*M!100100 SET x */", MYSQL), ["SET", "x"]);
        assert!(words("/*!40101 SET x */", MYSQL_OLD_SERVER).is_empty());
        assert_eq!(words("/*! SET x */", MYSQL_OLD_SERVER), ["SET", "x"]);
        assert!(words("/*!40101 SET x */", POSTGRES).is_empty());
        assert!(words("/*+ INDEX(t) */", MYSQL).is_empty());
        // Unterminated comments run to the end.
        assert!(words("/* DELETE", POSTGRES).is_empty());
        assert!(words("/* /* */ DELETE", POSTGRES).is_empty());
        assert_eq!(words("/* /* */ DELETE", SQLITE), ["DELETE"]);
    }

    #[test]
    fn numbers_and_words() {
        assert_eq!(
            tokens("1.5e-3 .5 1FOR 2e", POSTGRES),
            [
                Tok::Num(b"1.5e-3"),
                Tok::Num(b".5"),
                Tok::Num(b"1"),
                Tok::Word(b"FOR"),
                Tok::Num(b"2"),
                Tok::Word(b"e"),
            ]
        );
        assert_eq!(
            tokens("t.übung", POSTGRES),
            [
                Tok::Word(b"t"),
                Tok::Punct(b'.'),
                Tok::Word("übung".as_bytes())
            ]
        );
    }

    #[test]
    fn statements_split_outside_quotes() {
        let mut cur = Cursor::new(b"SELECT ';'; ; DELETE", POSTGRES);
        assert_eq!(statement(&mut cur), Some(Effect::READ));
        assert!(cur.end_statement());
        assert_eq!(statement(&mut cur), None);
        assert!(cur.end_statement());
        assert_eq!(statement(&mut cur), Some(Effect::WRITE));
        assert!(!cur.end_statement());
    }

    #[test]
    fn ordinary_sql_is_read_once() {
        let orm = r#"SELECT "django_session"."session_key" FROM "django_session" WHERE "expire_date" > '2024-01-01' LIMIT 21"#;
        assert_eq!(summarize_readings(orm.as_bytes(), &READINGS).1, 1);
        // Each byte the engines disagree on brings back only the readings it tells apart.
        assert_eq!(summarize_readings(b"SELECT $1", &READINGS).1, 2);
        assert_eq!(summarize_readings(br"SELECT 'a\b'", &READINGS).1, 2);
        assert_eq!(
            summarize_readings(br#"SELECT 'a\b', "c\d""#, &READINGS).1,
            3
        );
        assert_eq!(
            summarize_readings(br#"SELECT 'a\b', "c\d" /*!1 x */"#, &READINGS).1,
            9
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let big_comment = "/* ".repeat(350_000);
        let slashes = "/*".repeat(512 * 1024);
        let big_parens = "(".repeat(1 << 20);
        let explains = "EXPLAIN ".repeat(100_000);
        let dollars = "$a".repeat(300_000);
        let quotes = "'".repeat(1 << 20);
        let cases: &[(&str, StatementKind)] = &[
            ("", StatementKind::Read),
            (";;;", StatementKind::Read),
            ("'", StatementKind::Write),
            ("SELECT 'unterminated", StatementKind::Read),
            ("SELECT \"unterminated", StatementKind::Read),
            (
                "DELETE FROM t WHERE a = 'unterminated",
                StatementKind::Write,
            ),
            ("$", StatementKind::Write),
            ("SELECT $", StatementKind::Read),
            ("SELECT 1 $$", StatementKind::Read),
            ("\0", StatementKind::Write),
            ("SELECT 1\0", StatementKind::Read),
            ("SELECT 1 # \0; DELETE FROM t", StatementKind::Write),
            ("\0\0; SELECT 1", StatementKind::Write),
            ("/*", StatementKind::Read),
            ("SELECT 1 /* DELETE", StatementKind::Read),
            ("E'", StatementKind::Write),
            ("[", StatementKind::Write),
            ("`", StatementKind::Write),
            ("/*!", StatementKind::Read),
            ("/*M!", StatementKind::Read),
            ("-", StatementKind::Write),
            (&big_comment, StatementKind::Read),
            // A comment to PostgreSQL, "/*/" then "*" to MySQL and SQLite.
            (&slashes, StatementKind::Write),
            (&big_parens, StatementKind::Write),
            (&explains, StatementKind::Read),
            (&dollars, StatementKind::Write),
            (&quotes, StatementKind::Write),
        ];
        for &(sql, kind) in cases {
            let shown = sql.get(..sql.len().min(40)).unwrap_or(sql);
            assert_eq!(classify(sql), kind, "{shown:?}");
            for engine in [Engine::Postgres, Engine::MySql, Engine::Sqlite] {
                let _ = classify_for(sql, engine);
            }
        }
        // Arbitrary bytes, cut at every position.
        let messy =
            "SELECT E'\\'' $x$ ; /* /* */ # -- \r\n `a` [b] \"c\\\" $$ ; \0 /*!1 DELETE */ 'x";
        for i in 0..=messy.len() {
            if let Some(prefix) = messy.get(..i) {
                let _ = classify(prefix);
            }
        }
    }

    #[test]
    fn engine_names() {
        assert_eq!("PostgreSQL".parse::<Engine>(), Ok(Engine::Postgres));
        assert_eq!("mariadb".parse::<Engine>(), Ok(Engine::MySql));
        assert_eq!("sqlite3".parse::<Engine>(), Ok(Engine::Sqlite));
        let err = "oracle".parse::<Engine>().unwrap_err();
        assert_eq!(err.name(), "oracle");
        assert_eq!(
            err.to_string(),
            "unknown database engine \"oracle\": expected postgres, mysql or sqlite"
        );
        for engine in [Engine::Postgres, Engine::MySql, Engine::Sqlite] {
            assert_eq!(engine.as_str().parse::<Engine>(), Ok(engine));
            let on = engine.read_only_session_statement();
            let off = engine.read_write_session_statement();
            assert!(summarize_for(off, engine).lifts_read_only(), "{off}");
            assert_ne!(on, off);
        }
    }

    #[test]
    fn summary() {
        let s = summarize("BEGIN; SET LOCAL x = 1; SELECT 1; COMMIT");
        assert_eq!(s.kind(), StatementKind::Read);
        assert!(s.contains(StatementKind::Transaction) && s.contains(StatementKind::Session));
        assert!(!s.contains(StatementKind::Write));
        assert!(summarize("-- nothing\n;").is_empty());
        assert_eq!(
            summarize("BEGIN; SET LOCAL x = 1").kind(),
            StatementKind::Session
        );
        assert_eq!(StatementKind::Transaction.to_string(), "transaction");
        assert!(StatementKind::Write.is_write() && !StatementKind::Session.is_write());
    }
}
