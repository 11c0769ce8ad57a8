//! Source: read the student's files as Rust before the grader adds anything.
//!
//! Staging appends the probe module to the crate root (and the race build a
//! `use` line to every file), so a file must be whole: one that does not
//! parse could swallow what is appended (a dangling `#[cfg(any())]` on its
//! last line removes the grader's probe, and the file supplies its own). Such
//! a submission is refused with the parser's message. Then every token of
//! every file is looked at, macro definitions and invocations included, for
//! the few forms that reach below Rust into the linker or the machine: an
//! exported or linker-placed symbol (`#[no_mangle]`, `#[export_name]`,
//! `#[link_section]`, `#[used]`), an `extern` block or `#[link]`, inline
//! assembly, a replacement allocator, an `include!` of a file that is not part
//! of the submission, and names the grader reserves. They let code run before
//! `main`, replace libc's functions or the harness's own, and so forge what
//! the grader observes; no solution of these exercises needs them.
//!
//! This module only reads: it never changes a file, and a refusal is an
//! answer for the student, not an error of the grader's. No input may stop
//! the grader either: syn parses by recursion, so how deep a file nests is
//! measured first, without recursion, and the parse runs on a large stack.
//!
//! Macros are why the check works on tokens rather than on syn's items: a
//! `macro_rules!` body or an invocation's arguments are token streams that
//! syn does not parse as items. A macro cannot make up an identifier, so the
//! names that are never ordinary code (`no_mangle`, `global_asm`, ...) are
//! refused wherever they appear. The ordinary words among them (`used`,
//! `link`, `naked`, `asm`, `extern`) are refused only in the shape that does
//! harm, and, since a macro of the student's own can put its arguments into
//! any shape, anywhere in the arguments of such a macro.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};

use crate::submission::{SourceFile, Submission};

/// Why a submission is not compiled, for the student: one paragraph that
/// names the file, line and column.
#[derive(Debug)]
pub struct Refusal {
    pub message: String,
}

const WHOLE_FILES: &str = "the grader compiles whole files only";
const SYMBOLS: &str = "exported or linker-placed symbols could interfere with how the grader observes your code, \
     and no solution to this exercise needs one";
const FOREIGN: &str = "declaring or linking outside functions (libc's or the grader's own) could interfere with \
     how the grader observes your code, and no solution to this exercise needs it; use std instead";
const ASSEMBLY: &str =
    "assembly could interfere with how the grader observes your code, and no solution to this exercise needs it";
const ALLOCATOR: &str = "a replacement allocator runs inside the grader's harness and could interfere with how it \
     observes your code, and no solution to this exercise needs one";
const PARSER_FAILED: &str = "the grader's Rust parser failed on this submission, which is the grader's fault, not \
     yours: please tell your instructor";
const RESERVED: &str = "names that start with `__grader` belong to the code the grader adds to yours; rename it";
const PASSED_TO_MACRO: &str = "the grader cannot see what a macro of your own makes of it, and it does not accept \
     attributes, `extern` blocks, assembly or includes that would reach outside Rust; rename it or write the code \
     without the macro";
const INCLUDE_OUTSIDE: &str = "the grader compiles only the .rs files of the submission, so nothing else can be \
     included; put what you need in the source";
const MODULE_OUTSIDE: &str = "the grader compiles only the .rs files of the submission, so a module must be one \
     of them";
const INCLUDE_UNKNOWN: &str = "the grader accepts an include only of a file of the submission named by a plain \
     string, such as `include!(\"table.rs\")`";

/// Names that are never ordinary code: refused wherever they appear, so that
/// no macro can assemble an attribute or an invocation out of them.
const NEVER: &[(&str, &str)] = &[
    ("no_mangle", SYMBOLS),
    ("export_name", SYMBOLS),
    ("link_section", SYMBOLS),
    ("link_name", FOREIGN),
    ("global_allocator", ALLOCATOR),
    ("global_asm", ASSEMBLY),
    ("naked_asm", ASSEMBLY),
];

/// Attribute names that are ordinary words elsewhere (`let used = 3;`).
const ATTRIBUTES: &[(&str, &str)] = &[("used", SYMBOLS), ("link", FOREIGN), ("naked", ASSEMBLY)];

/// Macros refused when invoked (or renamed, which would hide the invocation).
const INCLUDES: &[&str] = &["include", "include_str", "include_bytes"];
const ASM: &str = "asm";

/// Words a macro of the student's own may not receive: it could turn them
/// into any of the refused forms.
const NOT_FOR_MACROS: &[&str] = &["extern", "asm", "used", "link", "naked", "include", "include_str", "include_bytes"];

/// Checks every file of the submission: the crate root and every file another
/// file names must parse as a whole file, and no file may hold a refused form.
/// Returns the first problem, in file order, as the student's message.
pub fn check(submission: &Submission) -> Result<(), Refusal> {
    on_a_deep_stack(|| check_files(submission), Err(Refusal { message: PARSER_FAILED.to_string() }))
}

fn check_files(submission: &Submission) -> Result<(), Refusal> {
    let _spans = SpanTable;
    let read: Vec<Result<TokenStream, Problem>> = submission.files.iter().map(read).collect();
    let lexed: Vec<Option<TokenStream>> = read.iter().map(|read| read.as_ref().ok().cloned()).collect();
    let macros = StudentMacros::of(lexed.iter().flatten());
    let names: Vec<Names> = lexed.iter().map(|tokens| Names::of(tokens.as_ref())).collect();
    let mut problems = Vec::new();
    for (index, (file, read)) in submission.files.iter().zip(read).enumerate() {
        let required = file.path == submission.root || named_elsewhere(&submission.files, &names, index);
        // A file that cannot be read and that nothing names is not compiled either.
        let tokens = match read {
            Ok(tokens) => tokens,
            Err(problem) if required => {
                problems.push(problem);
                continue;
            }
            Err(_) => continue,
        };
        if required && let Err(problem) = parse_whole(&file.path, tokens.clone()) {
            problems.push(problem);
        }
        let mut scan = Scan { file: &file.path, files: &submission.files, macros: &macros, found: Vec::new() };
        scan.walk(tokens, None);
        problems.extend(scan.found);
    }
    match problems.split_first() {
        None => Ok(()),
        Some((first, rest)) => {
            let mut message = first.to_string();
            let others: HashSet<_> =
                rest.iter().filter(|problem| problem.at != first.at).map(|problem| &problem.at).collect();
            match others.len() {
                0 => {}
                1 => message.push_str(" (1 more place in the submission is refused too)"),
                more => message.push_str(&format!(" ({more} more places in the submission are refused too)")),
            }
            Err(Refusal { message })
        }
    }
}

/// Where the submission uses `unsafe`, for a person to look at: a data race
/// behind `unsafe impl Sync` or an `UnsafeCell` is one the controlled
/// scheduler cannot see. One line each, `src/main.rs:12: an unsafe block`,
/// in file order; empty for most submissions.
pub fn unsafe_uses(submission: &Submission) -> Vec<String> {
    on_a_deep_stack(|| unsafe_in(submission), Vec::new())
}

fn unsafe_in(submission: &Submission) -> Vec<String> {
    let _spans = SpanTable;
    let mut found = Vec::new();
    for file in &submission.files {
        if let Ok(tokens) = lex(&file.text) {
            find_unsafe(&file.path, tokens, &mut found);
        }
    }
    found
}

fn find_unsafe(path: &Path, tokens: TokenStream, found: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(ident) if plain(ident) == "unsafe" => {
                let line = ident.span().start().line;
                let what = match tokens.get(index + 1) {
                    Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => "an unsafe block".to_string(),
                    Some(TokenTree::Ident(next)) if plain(next) == "impl" => {
                        // `unsafe impl Sync for Total`, up to the body.
                        let words: Vec<String> = tokens[index..]
                            .iter()
                            .take_while(|token| !matches!(token, TokenTree::Group(group) if group.delimiter() == Delimiter::Brace))
                            .map(|token| token.to_string())
                            .collect();
                        format!("`{}`", words.join(" ").replace(" < ", "<").replace(" >", ">").replace(" ,", ","))
                    }
                    Some(TokenTree::Ident(next)) if plain(next) == "fn" => "an unsafe fn".to_string(),
                    Some(TokenTree::Ident(next)) if plain(next) == "trait" => "an unsafe trait".to_string(),
                    _ => continue,
                };
                found.push(format!("{}:{line}: {what}", path.display()));
            }
            TokenTree::Group(group) => find_unsafe(path, group.stream(), found),
            _ => {}
        }
    }
}

/// The race build's one edit, for a file whose modules call `thread_local!`
/// by its bare name: that name comes from the real std's macros, which no
/// `--extern std` can replace, so the race build's thread-locals would be one
/// per OS thread, shared by all of shuttle's threads. Each such module gets
/// `use std::thread_local;`, which takes the shim's (shuttle's) macro instead:
/// the file's own module at its end, an inline module just before its closing
/// brace, so no line moves. Found on the tokens, never by matching text.
/// None when the file needs nothing (or does not lex).
pub fn with_shuttle_thread_locals(text: &str) -> Option<String> {
    on_a_deep_stack(|| thread_local_imports(text), None)
}

fn thread_local_imports(text: &str) -> Option<String> {
    let _spans = SpanTable;
    let stripped = strip_prefixes(text);
    let tokens = lex(text).ok()?;
    let mut closes = Vec::new();
    let mut file = ThreadLocals::default();
    file.scan(tokens, &mut closes);
    let mut inserts: Vec<(usize, &str)> = closes
        .into_iter()
        .filter_map(|close: Span| byte_offset(stripped, close.start()))
        .map(|offset| (text.len() - stripped.len() + offset, " use std::thread_local; "))
        .collect();
    if file.needs_import() {
        inserts.push((text.len(), if text.ends_with('\n') { "use std::thread_local;\n" } else { "\nuse std::thread_local;\n" }));
    }
    if inserts.is_empty() {
        return None;
    }
    inserts.sort_by_key(|&(offset, _)| std::cmp::Reverse(offset));
    let mut edited = text.to_string();
    for (offset, insert) in inserts {
        edited.insert_str(offset, insert);
    }
    Some(edited)
}

/// What one module's own tokens (not its inner modules') say of `thread_local`.
#[derive(Default)]
struct ThreadLocals {
    /// `thread_local!` called by its bare name.
    called: bool,
    /// The name is the module's own already: imported, or a macro of its own.
    named: bool,
}

impl ThreadLocals {
    fn needs_import(&self) -> bool {
        self.called && !self.named
    }

    /// Scans a module's tokens; an inner `mod name { … }` is scanned as a
    /// module of its own, and its closing brace is added to `closes` when it
    /// needs the import.
    fn scan(&mut self, tokens: TokenStream, closes: &mut Vec<Span>) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut in_use = false;
        for (index, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Ident(ident) => {
                    let word = plain(ident);
                    if word == "use" {
                        in_use = true;
                    } else if word == "thread_local" {
                        let bare = !(index > 0 && is_punct(tokens.get(index - 1), ':'));
                        let macro_rules = index >= 2 && is_punct(tokens.get(index - 1), '!')
                            && matches!(&tokens[index - 2], TokenTree::Ident(before) if plain(before) == "macro_rules");
                        if in_use || macro_rules {
                            self.named = true;
                        } else if bare && is_punct(tokens.get(index + 1), '!') {
                            self.called = true;
                        }
                    }
                }
                TokenTree::Punct(punct) if punct.as_char() == ';' => in_use = false,
                TokenTree::Group(group) => {
                    let is_module = group.delimiter() == Delimiter::Brace
                        && index >= 2
                        && matches!(&tokens[index - 1], TokenTree::Ident(_))
                        && matches!(&tokens[index - 2], TokenTree::Ident(word) if plain(word) == "mod");
                    if is_module {
                        let mut module = ThreadLocals::default();
                        module.scan(group.stream(), closes);
                        if module.needs_import() {
                            closes.push(group.span_close());
                        }
                    } else if in_use {
                        // `use std::{thread_local, …};`
                        let mut inner = ThreadLocals::default();
                        inner.scan(group.stream(), closes);
                        self.named |= inner.called || inner.named || contains_word(group.stream(), "thread_local");
                    } else {
                        self.scan(group.stream(), closes);
                    }
                }
                _ => {}
            }
        }
    }
}

fn contains_word(tokens: TokenStream, word: &str) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(ident) => plain(&ident) == word,
        TokenTree::Group(group) => contains_word(group.stream(), word),
        _ => false,
    })
}

/// The byte offset of a line and column (in characters) in `text`.
fn byte_offset(text: &str, at: proc_macro2::LineColumn) -> Option<usize> {
    let line_start = if at.line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(at.line - 2).map(|(index, _)| index + 1)?
    };
    let line = &text[line_start..];
    let column = line.char_indices().nth(at.column).map_or(line.len(), |(index, _)| index);
    Some(line_start + column)
}

/// The student's own declaration of `function` in a crate root's text, the
/// one the probe calls: its line and its signature on one line, from `fn` up
/// to the body. A function at the top level comes first, then one inside an
/// inline module (reached through a `use`).
pub fn declared_signature(root_text: &str, function: &str) -> Option<(usize, String)> {
    on_a_deep_stack(|| signature_in(root_text, function), None)
}

fn signature_in(root_text: &str, function: &str) -> Option<(usize, String)> {
    let _spans = SpanTable;
    let text = strip_prefixes(root_text);
    let tokens = lex(text).ok()?;
    if deepest_point(&tokens).is_some() {
        return None;
    }
    let file = syn::parse2::<syn::File>(tokens).ok()?;
    let found = find_function(&file.items, function)?;
    // Spans count bytes from the start of the text that was lexed.
    let start = found.sig.fn_token.span.byte_range().start;
    let end = found.block.brace_token.span.open().byte_range().start;
    let declaration = text.get(start..end)?;
    let line = found.sig.fn_token.span.start().line;
    Some((line, declaration.split_whitespace().collect::<Vec<_>>().join(" ")))
}

fn find_function<'a>(items: &'a [syn::Item], function: &str) -> Option<&'a syn::ItemFn> {
    let top = items.iter().find_map(|item| match item {
        syn::Item::Fn(found) if found.sig.ident == function => Some(found),
        _ => None,
    });
    top.or_else(|| {
        items.iter().find_map(|item| match item {
            syn::Item::Mod(syn::ItemMod { content: Some((_, inner)), .. }) => find_function(inner, function),
            _ => None,
        })
    })
}

/// How deep syn may have to recurse into one file: a bracket, an operator
/// or a type argument (`&`, `!`, `-`, `*`, `|`, `<`, `=`, `return`, ...)
/// that opens a nested expression, type or pattern costs a level, counted
/// along each path of brackets and within one statement or list item. Real
/// code stays far below; a file of 200 nested parentheses would overflow the
/// 2 MiB stack of a batch worker in a debug build, and a grader that crashes
/// grades nobody.
const DEEPEST: usize = 256;
/// The stack the parse runs on, ample for DEEPEST levels (about 16 KiB each
/// for a type in a debug build). Only what is used is ever committed.
const PARSE_STACK: usize = 64 << 20;

const OPENING_WORDS: &[&str] = &["return", "break", "move", "dyn", "impl", "box", "mut", "const", "async"];

/// Runs `work` on a thread of its own with PARSE_STACK of stack (on this one
/// where no thread can be started); `if_it_panics` stands in for the outcome
/// of a parser that panicked, so that no input can stop the grader.
fn on_a_deep_stack<T: Send>(work: impl FnOnce() -> T + Send, if_it_panics: T) -> T {
    let work = std::sync::Mutex::new(Some(work));
    let take = || work.lock().ok().and_then(|mut work| work.take());
    let joined = std::thread::scope(|scope| {
        let thread =
            std::thread::Builder::new().stack_size(PARSE_STACK).spawn_scoped(scope, || take().map(|work| work()));
        thread.ok().map(|thread| thread.join())
    });
    match joined {
        Some(Ok(Some(outcome))) => outcome,
        Some(_) => if_it_panics,
        None => take().map_or(if_it_panics, |work| work()),
    }
}

/// Where the nesting of a file first passes DEEPEST, found without
/// recursion: the check is what keeps later recursion within the stack.
fn deepest_point(tokens: &TokenStream) -> Option<Span> {
    // Per open bracket: its tokens, the depth at its start, the openers in the current statement.
    let mut open = vec![(tokens.clone().into_iter(), 0usize, 0usize)];
    let mut after_joint_equals = false;
    while let Some((tokens, start, run)) = open.last_mut() {
        let Some(token) = tokens.next() else {
            open.pop();
            continue;
        };
        let (opens, span) = match &token {
            TokenTree::Group(group) => (true, group.span_open()),
            TokenTree::Punct(punct) => {
                let char = punct.as_char();
                let closes_arm = char == '>' && after_joint_equals;
                after_joint_equals = char == '=' && punct.spacing() == proc_macro2::Spacing::Joint;
                if matches!(char, ';' | ',') || closes_arm {
                    // A new statement, item or match arm: syn parses the next one after this one.
                    *run = 0;
                    continue;
                }
                (matches!(char, '&' | '*' | '!' | '-' | '|' | '<' | '='), punct.span())
            }
            TokenTree::Ident(ident) => (OPENING_WORDS.iter().any(|word| ident == word), ident.span()),
            TokenTree::Literal(_) => (false, Span::call_site()),
        };
        if !opens {
            continue;
        }
        let depth = *start + *run + 1;
        if depth > DEEPEST {
            return Some(span);
        }
        match token {
            TokenTree::Group(group) => open.push((group.stream().into_iter(), depth, 0)),
            _ => *run += 1,
        }
    }
    None
}

/// proc-macro2 keeps the text of everything it lexed in a table of its
/// thread's, for spans to point into; a batch grades thousands of files on
/// the same threads, so the table is emptied when a check ends. No span may
/// outlive this guard.
struct SpanTable;

impl Drop for SpanTable {
    fn drop(&mut self) {
        proc_macro2::extra::invalidate_current_thread_spans();
    }
}

/// A place in a file and what is wrong there.
struct Problem {
    at: Place,
    what: String,
    why: String,
}

#[derive(PartialEq, Eq, Hash)]
struct Place {
    file: PathBuf,
    line: usize,
    column: usize,
}

impl Place {
    fn of(file: &Path, span: Span) -> Place {
        let start = span.start();
        Place { file: file.to_path_buf(), line: start.line.max(1), column: start.column + 1 }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Place { file, line, column } = &self.at;
        write!(f, "{}:{line}:{column}: {}: {}", file.display(), self.what, self.why)
    }
}

/// The text rustc reads, without a byte-order mark or a `#!` line (whose
/// newline is kept, so lines keep their numbers), as `syn::parse_file` does.
fn strip_prefixes(text: &str) -> &str {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match text.strip_prefix("#!") {
        Some(rest) if !rest.trim_start().starts_with('[') => text.find('\n').map_or("", |newline| &text[newline..]),
        _ => text,
    }
}

fn lex(text: &str) -> Result<TokenStream, proc_macro2::LexError> {
    TokenStream::from_str(strip_prefixes(text))
}

/// A file's tokens, or why they cannot be had: they do not lex, or they nest
/// too deeply to be parsed safely.
fn read(file: &SourceFile) -> Result<TokenStream, Problem> {
    let tokens = lex(&file.text).map_err(|error| Problem {
        at: Place::of(&file.path, error.span()),
        what: "the file does not parse as Rust".to_string(),
        why: format!("a bracket, quote or comment is not closed, or a character is out of place; {WHOLE_FILES}"),
    })?;
    match deepest_point(&tokens) {
        None => Ok(tokens),
        Some(span) => Err(Problem {
            at: Place::of(&file.path, span),
            what: "the code here is nested too deeply for the grader to read".to_string(),
            why: format!(
                "more than {DEEPEST} brackets, operators or type arguments are open at once; split it into smaller \
                 expressions or functions"
            ),
        }),
    }
}

fn parse_whole(path: &Path, tokens: TokenStream) -> Result<(), Problem> {
    let last: Vec<TokenTree> = tokens.clone().into_iter().collect();
    syn::parse2::<syn::File>(tokens).map(|_| ()).map_err(|error| {
        let what = "the file does not parse as Rust".to_string();
        // syn has no place for the end of its input; the last tokens say what is unfinished.
        let why = error.to_string();
        let (span, why) = match last.as_slice() {
            _ if !why.starts_with("unexpected end of input") => (error.span(), why),
            [.., TokenTree::Punct(hash), TokenTree::Group(_)] if hash.as_char() == '#' => {
                (hash.span(), "this attribute has no item after it, where the file ends".to_string())
            }
            [.., end] => (end.span(), format!("the file ends in the middle of an item ({why})")),
            [] => (error.span(), why),
        };
        Problem { at: Place::of(path, span), what, why: format!("{why}; {WHOLE_FILES}") }
    })
}

/// Whether another file could bring this one into the crate as a module: a
/// `mod` names it by its stem (its folder for `mod.rs`), a `#[path]` by its
/// file name in a string. A file that nothing names is not compiled, so a
/// leftover draft that does not parse costs nothing; nor does a file that is
/// only included (`include!("table.rs")`), which may hold an expression.
fn named_elsewhere(files: &[SourceFile], names: &[Names], index: usize) -> bool {
    let path = &files[index].path;
    let file_name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
    let stem = if file_name == "mod.rs" { path.parent().and_then(Path::file_name) } else { path.file_stem() };
    let stem = stem.and_then(|stem| stem.to_str()).unwrap_or_default();
    names.iter().enumerate().filter(|(other, _)| *other != index).any(|(_, names)| {
        names.identifiers.contains(stem) || names.strings.iter().any(|string| string.contains(file_name))
    })
}

/// The identifiers and string literals of one file, but for the paths given
/// to `include!` and its kin.
#[derive(Default)]
struct Names {
    identifiers: HashSet<String>,
    strings: Vec<String>,
}

impl Names {
    fn of(tokens: Option<&TokenStream>) -> Names {
        let mut names = Names::default();
        if let Some(tokens) = tokens {
            collect_names(tokens.clone(), &mut names.identifiers, &mut names.strings);
        }
        names
    }
}

fn collect_names(stream: TokenStream, names: &mut HashSet<String>, strings: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(ident) => {
                names.insert(plain(ident));
            }
            TokenTree::Literal(literal) => strings.push(literal.to_string()),
            TokenTree::Group(group) => {
                let included = invoked_macro(&tokens, index).is_some_and(|name| INCLUDES.contains(&name.as_str()));
                if !included {
                    collect_names(group.stream(), names, strings);
                }
            }
            TokenTree::Punct(_) => {}
        }
    }
}

/// An identifier as the compiler resolves it: `r#asm` is `asm`.
fn plain(ident: &Ident) -> String {
    let text = ident.to_string();
    text.strip_prefix("r#").map(str::to_string).unwrap_or(text)
}

/// The macros a submission defines (`macro_rules! name`) or may have renamed
/// (`use ... as name`); `any` when one is defined under a name that comes
/// from another macro's arguments, which then could be any invocation.
struct StudentMacros {
    names: HashSet<String>,
    any: bool,
}

impl StudentMacros {
    fn of<'a>(files: impl Iterator<Item = &'a TokenStream>) -> StudentMacros {
        let mut macros = StudentMacros { names: HashSet::new(), any: false };
        for tokens in files {
            macros.collect(tokens.clone());
        }
        macros
    }

    fn collect(&mut self, stream: TokenStream) {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        for (index, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Ident(ident) if ident == "macro_rules" && is_punct(tokens.get(index + 1), '!') => {
                    match tokens.get(index + 2) {
                        Some(TokenTree::Ident(name)) => {
                            self.names.insert(plain(name));
                        }
                        _ => self.any = true,
                    }
                }
                TokenTree::Ident(ident) if ident == "as" => {
                    if let Some(TokenTree::Ident(name)) = tokens.get(index + 1) {
                        self.names.insert(plain(name));
                    }
                }
                TokenTree::Group(group) => self.collect(group.stream()),
                _ => {}
            }
        }
    }

    fn contains(&self, name: &str) -> bool {
        self.any || self.names.contains(name)
    }
}

fn is_punct(token: Option<&TokenTree>, char: char) -> bool {
    matches!(token, Some(TokenTree::Punct(punct)) if punct.as_char() == char)
}

/// One file's walk over its tokens.
struct Scan<'a> {
    file: &'a Path,
    files: &'a [SourceFile],
    macros: &'a StudentMacros,
    found: Vec<Problem>,
}

impl Scan<'_> {
    fn refuse(&mut self, span: Span, what: String, why: &str) {
        let at = Place::of(self.file, span);
        if !self.found.iter().any(|problem| problem.at == at) {
            self.found.push(Problem { at, what, why: why.to_string() });
        }
    }

    /// Walks a token stream; `macro_name` is set inside the arguments of a
    /// macro of the student's own.
    fn walk(&mut self, stream: TokenStream, macro_name: Option<&str>) {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        for (index, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Punct(punct) if punct.as_char() == '#' => {
                    let bracket = if is_punct(tokens.get(index + 1), '!') { index + 2 } else { index + 1 };
                    if let Some(TokenTree::Group(group)) = tokens.get(bracket)
                        && group.delimiter() == Delimiter::Bracket
                    {
                        self.attribute(group.stream(), &|inner| format!("#[{inner}]"));
                    }
                }
                TokenTree::Ident(ident) => self.ident(&tokens, index, ident, macro_name),
                TokenTree::Group(group) => {
                    let own_name;
                    let inner = match invoked_macro(&tokens, index) {
                        Some(name) if self.macros.contains(&name) => {
                            own_name = name;
                            Some(own_name.as_str())
                        }
                        // `$callback!(...)`: a macro chosen by a macro's arguments.
                        None if is_punct(tokens.get(index.wrapping_sub(1)), '!')
                            && is_punct(tokens.get(index.wrapping_sub(3)), '$') =>
                        {
                            Some("$")
                        }
                        _ => macro_name,
                    };
                    self.walk(group.stream(), inner);
                }
                _ => {}
            }
        }
    }

    fn ident(&mut self, tokens: &[TokenTree], index: usize, ident: &Ident, macro_name: Option<&str>) {
        let name = plain(ident);
        let invoked =
            is_punct(tokens.get(index + 1), '!') && matches!(tokens.get(index + 2), Some(TokenTree::Group(_)));
        if name.starts_with("__grader") {
            self.refuse(ident.span(), format!("the name `{name}` is not accepted"), RESERVED);
        } else if let Some((_, why)) = NEVER.iter().find(|(never, _)| *never == name) {
            self.refuse(ident.span(), format!("`{name}` is not accepted"), why);
        } else if let Some(macro_name) = macro_name.filter(|_| NOT_FOR_MACROS.contains(&name.as_str())) {
            let to = if macro_name == "$" { "a macro".to_string() } else { format!("the macro `{macro_name}!`") };
            self.refuse(ident.span(), format!("`{name}` passed to {to} is not accepted"), PASSED_TO_MACRO);
        } else if ident == "extern" && !extern_function_or_crate(&tokens[index + 1..]) {
            self.refuse(ident.span(), "an `extern` block is not accepted".to_string(), FOREIGN);
        } else if name == ASM && invoked {
            self.refuse(ident.span(), "`asm!` is not accepted".to_string(), ASSEMBLY);
        } else if INCLUDES.contains(&name.as_str()) && invoked {
            if let Some(TokenTree::Group(arguments)) = tokens.get(index + 2) {
                self.include(ident, arguments.stream());
            }
        } else if ident == "use" && !is_punct(tokens.get(index + 1), '<') {
            let end = tokens[index..]
                .iter()
                .position(|token| is_punct(Some(token), ';'))
                .map_or(tokens.len(), |end| index + end);
            self.renamed_macros(&tokens[index + 1..end]);
        }
    }

    /// An attribute's contents, seen through `unsafe(...)` and every
    /// `cfg_attr(condition, ...)`; `shown` wraps a name as the student wrote it.
    fn attribute(&mut self, stream: TokenStream, shown: &dyn Fn(&str) -> String) {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        // The last segment of the path: `#[core::prelude::v1::global_allocator]`.
        let mut index = 0;
        while is_punct(tokens.get(index), ':')
            || (matches!(tokens.get(index), Some(TokenTree::Ident(_))) && is_punct(tokens.get(index + 1), ':'))
        {
            index += 1;
        }
        let Some(TokenTree::Ident(ident)) = tokens.get(index) else { return };
        let name = plain(ident);
        let arguments = match tokens.get(index + 1) {
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Parenthesis => Some(group.stream()),
            _ => None,
        };
        match (name.as_str(), arguments) {
            ("unsafe", Some(inner)) => self.attribute(inner, &|inner| shown(&format!("unsafe({inner})"))),
            ("cfg_attr", Some(inner)) => {
                for attribute in split_commas(inner).into_iter().skip(1) {
                    self.attribute(attribute, &|inner| shown(&format!("cfg_attr(…, {inner})")));
                }
            }
            ("path", None) if is_punct(tokens.get(index + 1), '=') => {
                let named = string_value(&tokens[index + 2..]);
                if !named.as_deref().is_some_and(|named| self.names_a_module_file(named)) {
                    let what =
                        format!("`{}` names a file that is not part of the submission, which is", shown("path = …"));
                    self.refuse(ident.span(), format!("{what} not accepted"), MODULE_OUTSIDE);
                }
            }
            (name, arguments) => {
                let refused = ATTRIBUTES.iter().chain(NEVER).find(|(refused, _)| *refused == name);
                if let Some((_, why)) = refused {
                    let tail = if arguments.is_some() {
                        "(…)"
                    } else if is_punct(tokens.get(index + 1), '=') {
                        " = …"
                    } else {
                        ""
                    };
                    self.refuse(ident.span(), format!("`{}` is not accepted", shown(&format!("{name}{tail}"))), why);
                }
            }
        }
    }

    /// `include!("table.rs")` is accepted when the path, from the folder of
    /// the file that holds the invocation (where rustc looks), is a file of
    /// the submission; those files are checked like any other.
    fn include(&mut self, ident: &Ident, arguments: TokenStream) {
        let name = plain(ident);
        let mut tokens: Vec<TokenTree> = arguments.into_iter().collect();
        if is_punct(tokens.last(), ',') {
            tokens.pop();
        }
        let Some(path) = string_value(&tokens) else {
            self.refuse(ident.span(), format!("`{name}!` with this argument is not accepted"), INCLUDE_UNKNOWN);
            return;
        };
        let folder = self.file.parent().unwrap_or(Path::new(""));
        let included = within(&folder.join(&path));
        if !included.is_some_and(|included| self.files.iter().any(|file| file.path == included)) {
            let what =
                format!("`{name}!({path:?})` names a file that is not part of the submission, which is not accepted");
            self.refuse(ident.span(), what, INCLUDE_OUTSIDE);
        }
    }

    /// Whether a `#[path]` can name a file of the submission. Where rustc
    /// looks depends on the inline modules around the declaration, so the
    /// path is taken without its leading `..`: it must be relative and end a
    /// submission file's path. Any other path could not build anyway, since
    /// only the submission's .rs files are staged, but rustc would still
    /// read it, and quote it in its errors.
    fn names_a_module_file(&self, named: &str) -> bool {
        let named = Path::new(named);
        if named.has_root() {
            return false;
        }
        let tail: PathBuf =
            named.components().skip_while(|part| matches!(part, Component::ParentDir | Component::CurDir)).collect();
        within(&tail).is_some_and(|tail| {
            !tail.as_os_str().is_empty() && self.files.iter().any(|file| file.path.ends_with(&tail))
        })
    }

    /// `use core::arch::asm as nop;` would let `nop!` run assembly unseen.
    fn renamed_macros(&mut self, tree: &[TokenTree]) {
        for (index, token) in tree.iter().enumerate() {
            match token {
                TokenTree::Ident(ident) if matches!(tree.get(index + 1), Some(TokenTree::Ident(next)) if next == "as") =>
                {
                    let name = plain(ident);
                    if name == ASM || INCLUDES.contains(&name.as_str()) {
                        let why = if name == ASM { ASSEMBLY } else { INCLUDE_UNKNOWN };
                        self.refuse(ident.span(), format!("renaming `{name}!` is not accepted"), why);
                    }
                }
                TokenTree::Group(group) => self.renamed_macros(&group.stream().into_iter().collect::<Vec<_>>()),
                _ => {}
            }
        }
    }
}

/// The name of the macro whose arguments are `tokens[index]`: `name!(...)`.
/// `macro_rules! name { ... }` is a definition; its body is code to look at.
fn invoked_macro(tokens: &[TokenTree], index: usize) -> Option<String> {
    if !is_punct(tokens.get(index.checked_sub(1)?), '!') {
        return None;
    }
    match tokens.get(index.checked_sub(2)?)? {
        TokenTree::Ident(name) if name != "macro_rules" && !is_punct(tokens.get(index.wrapping_sub(3)), '$') => {
            Some(plain(name))
        }
        _ => None,
    }
}

/// The text of a lone string literal (`"x.rs"`, `r"x.rs"`).
fn string_value(tokens: &[TokenTree]) -> Option<String> {
    match tokens {
        [TokenTree::Literal(literal)] => match syn::Lit::new(literal.clone()) {
            syn::Lit::Str(string) => Some(string.value()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the tokens after `extern` make `extern crate` or an `extern fn`
/// (a definition or a pointer type, with or without an ABI string), the
/// shapes that declare nothing from outside Rust.
fn extern_function_or_crate(after: &[TokenTree]) -> bool {
    match after {
        [TokenTree::Ident(next), ..] => next == "crate" || next == "fn",
        [TokenTree::Literal(_), TokenTree::Ident(next), ..] => next == "fn",
        _ => false,
    }
}

fn split_commas(stream: TokenStream) -> Vec<TokenStream> {
    let mut parts = vec![TokenStream::new()];
    for token in stream {
        if is_punct(Some(&token), ',') {
            parts.push(TokenStream::new());
        } else if let Some(last) = parts.last_mut() {
            last.extend([token]);
        }
    }
    parts
}

/// A relative path with `.` and `..` resolved, or None when it is absolute or
/// climbs out of the submission.
fn within(path: &Path) -> Option<PathBuf> {
    let mut resolved = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => resolved.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !resolved.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_one(text: &str) -> Result<(), String> {
        check(&Submission::from_source("main.rs", text)).map_err(|refusal| refusal.message)
    }

    #[track_caller]
    fn refused(text: &str, expected: &str) -> String {
        match check_one(text) {
            Err(message) => {
                assert!(message.contains(expected), "expected `{expected}` in: {message}");
                message
            }
            Ok(()) => panic!("accepted, but should be refused for `{expected}`:\n{text}"),
        }
    }

    #[track_caller]
    fn accepted(text: &str) {
        if let Err(message) = check_one(text) {
            panic!("refused: {message}\n{text}");
        }
    }

    /// A project folder whose crate root is the first file.
    fn project(files: &[(&str, &str)]) -> Submission {
        let mut submission = Submission::from_source(files[0].0, "");
        submission.files =
            files.iter().map(|(path, text)| SourceFile { path: PathBuf::from(path), text: text.to_string() }).collect();
        submission
    }

    #[test]
    fn a_dangling_attribute_at_the_end_is_a_parse_error_with_its_place() {
        let message = refused("fn main() {}\n\n#[cfg(any())]\n", "main.rs:3:1: the file does not parse as Rust: ");
        assert!(message.contains(WHOLE_FILES), "{message}");
        refused("fn main() {}\n#[cfg(any())]", "does not parse");
        refused("fn main() {}\n#![cfg(any())]\n", "does not parse");
    }

    #[test]
    fn a_file_that_supplies_its_own_probe_is_refused() {
        let forged = "fn parallel_sum(_: &[u64], _: usize) -> u64 { 0 }\n\
                      mod __grader_probe { pub fn call(_: &[u8]) -> Option<Vec<u8>> { None } }\n\
                      #[cfg(any())]\n";
        refused(forged, "does not parse");
        // Even in a file that parses, the grader's names are its own.
        let message =
            refused(&forged.replace("#[cfg(any())]\n", ""), "main.rs:2:5: the name `__grader_probe` is not accepted");
        assert!(message.contains("rename it"), "{message}");
    }

    #[test]
    fn unclosed_brackets_and_strings_are_parse_errors() {
        refused("fn main() {\n", "does not parse as Rust: a bracket, quote or comment is not closed");
        refused("fn main() { let s = \"open; }\n", "does not parse as Rust");
        refused("fn main() {}\n/* never closed\n", "does not parse as Rust");
    }

    #[test]
    fn exported_and_linker_placed_symbols_are_refused_in_every_spelling() {
        let message =
            refused("#[no_mangle]\npub extern \"C\" fn write() {}\n", "main.rs:1:3: `#[no_mangle]` is not accepted");
        assert!(message.contains(SYMBOLS), "{message}");
        refused("#[unsafe(no_mangle)]\nfn write() {}\n", "`#[unsafe(no_mangle)]` is not accepted");
        refused("#[cfg_attr(all(), no_mangle)]\nfn write() {}\n", "`#[cfg_attr(…, no_mangle)]` is not accepted");
        refused("#[cfg_attr(all(), unsafe(no_mangle))]\nfn write() {}\n", "`#[cfg_attr(…, unsafe(no_mangle))]`");
        refused("#[cfg_attr(unix, allow(dead_code), cfg_attr(all(), used))]\nstatic X: u8 = 0;\n", "cfg_attr(…, used)");
        refused("#[export_name = \"write\"]\nfn w() {}\n", "`#[export_name = …]` is not accepted");
        refused("#[unsafe(export_name = \"write\")]\nfn w() {}\n", "`#[unsafe(export_name = …)]`");
        refused("#[r#no_mangle]\nfn write() {}\n", "`#[no_mangle]` is not accepted");
        let constructor = "#[link_section = \".init_array\"]\n#[used]\nstatic INIT: extern \"C\" fn() = init;\nextern \"C\" fn init() {}\n";
        let message = refused(constructor, "main.rs:1:3: `#[link_section = …]` is not accepted");
        assert!(message.contains("(1 more place in the submission is refused too)"), "{message}");
        refused("#[used]\nstatic KEEP: u8 = 0;\n", "main.rs:1:3: `#[used]` is not accepted");
        refused("mod m {\n    #![no_mangle]\n}\n", "`#[no_mangle]`");
    }

    #[test]
    fn an_attribute_made_by_a_macro_is_refused() {
        let generated = "macro_rules! exported {\n    ($name:ident) => {\n        #[no_mangle]\n        pub fn $name() {}\n    };\n}\nexported!(write);\n";
        refused(generated, "main.rs:3:11: `#[no_mangle]` is not accepted");
        // The attribute's name handed to the macro as an argument.
        let handed = "macro_rules! tagged { ($a:ident) => { #[$a] pub fn write() {} }; }\ntagged!(no_mangle);\n";
        refused(handed, "main.rs:2:9: `no_mangle` is not accepted");
        let used = "macro_rules! tagged { ($a:ident) => { #[$a] static X: u8 = 0; }; }\ntagged!(used);\n";
        refused(used, "`used` passed to the macro `tagged!` is not accepted");
        let forwarded = "macro_rules! item { ($i:item) => { $i }; }\nitem! { #[link_section = \".init_array\"] static X: u8 = 0; }\n";
        refused(forwarded, "main.rs:2:11: `#[link_section = …]`");
        refused("thread_local! { #[used] static X: u8 = 0; }\n", "`#[used]`");
    }

    #[test]
    fn extern_blocks_and_links_are_refused() {
        let message = refused(
            "extern \"C\" {\n    fn write(fd: i32, buf: *const u8, n: usize) -> isize;\n}\n",
            "main.rs:1:1: an `extern` block",
        );
        assert!(message.contains(FOREIGN), "{message}");
        refused("unsafe extern \"C\" {}\n", "main.rs:1:8: an `extern` block");
        refused("extern {}\n", "an `extern` block");
        refused("extern \"C\" { fn __real_pthread_create(); }\n", "an `extern` block");
        refused("#[link(name = \"c\")]\nunsafe extern \"C\" {}\n", "main.rs:1:3: `#[link(…)]` is not accepted");
        refused("fn f() {\n    #[link_name = \"write\"]\n    fn g() {}\n}\n", "`#[link_name = …]`");
        refused("macro_rules! block { () => { extern \"C\" { fn write(); } }; }\n", "an `extern` block");
        let spliced =
            "macro_rules! block { ($k:tt $abi:tt fn) => { $k $abi { fn write(); } }; }\nblock!(extern \"C\" fn);\n";
        refused(spliced, "main.rs:2:8: `extern` passed to the macro `block!` is not accepted");
    }

    #[test]
    fn assembly_is_refused_however_it_is_named() {
        let message =
            refused("fn f() { unsafe { std::arch::asm!(\"nop\") } }\n", "main.rs:1:30: `asm!` is not accepted");
        assert!(message.contains(ASSEMBLY), "{message}");
        refused("core::arch::global_asm!(\".globl write\");\n", "`global_asm` is not accepted");
        refused("use std::arch::asm;\nfn f() { unsafe { asm!(\"nop\") } }\n", "main.rs:2:19: `asm!`");
        refused("fn f() { unsafe { core::arch::r#asm!(\"nop\") } }\n", "`asm!` is not accepted");
        refused("use core::arch::asm as nothing;\n", "renaming `asm!` is not accepted");
        refused("use core::arch::{asm as nothing};\n", "renaming `asm!` is not accepted");
        refused(
            "#[unsafe(naked)]\nextern \"C\" fn f() { core::arch::naked_asm!(\"ret\") }\n",
            "`#[unsafe(naked)]` is not accepted",
        );
        refused(
            "macro_rules! call { ($m:ident) => { unsafe { $m!(\"nop\") } }; }\nfn f() { call!(asm) }\n",
            "`asm` passed to the macro `call!`",
        );
        let callback = "macro_rules! call { ($m:ident, $($t:tt)*) => { $m!($($t)*) }; }\nfn f() { call!(unsafe_nop, extern \"C\" {}) }\n";
        refused(callback, "`extern` passed to the macro `call!`");
        let renamed = "macro_rules! call { ($($t:tt)*) => {}; }\nuse call as println;\nfn f() { println!(asm) }\n";
        refused(renamed, "`asm` passed to the macro `println!`");
    }

    #[test]
    fn a_replacement_allocator_is_refused() {
        refused(
            "#[global_allocator]\nstatic A: std::alloc::System = std::alloc::System;\n",
            "`#[global_allocator]` is not accepted",
        );
        refused(
            "#[core::prelude::v1::global_allocator]\nstatic A: std::alloc::System = std::alloc::System;\n",
            "`#[global_allocator]`",
        );
    }

    #[test]
    fn includes_are_accepted_only_of_the_submission_s_own_files() {
        refused(
            "const S: &str = include_str!(\"/etc/passwd\");\n",
            "`include_str!(\"/etc/passwd\")` names a file that is not part of the submission",
        );
        refused("const S: &[u8] = include_bytes!(\"../secret\");\n", "not part of the submission");
        refused("include!(concat!(env!(\"HOME\"), \"/x.rs\"));\n", "`include!` with this argument is not accepted");
        refused("macro_rules! inc { ($p:expr) => { include_str!($p) }; }\n", "`include_str!` with this argument");
        refused("use std::include_str as text;\n", "renaming `include_str!`");
        let own = project(&[
            ("src/main.rs", "mod table;\nconst T: &[u64] = &include!(\"table_data.rs\");\nfn main() {}\n"),
            ("src/table.rs", "pub const T: &str = include_str!(\"../src/./main.rs\");\n"),
            ("src/table_data.rs", "[1, 2, 3]\n"),
        ]);
        check(&own).unwrap();
        let outside = project(&[
            ("src/main.rs", "mod table;\nfn main() {}\n"),
            ("src/table.rs", "const T: &str = include_str!(\"../Cargo.toml\");\n"),
        ]);
        let message = check(&outside).unwrap_err().message;
        assert!(message.starts_with("src/table.rs:1:17: `include_str!(\"../Cargo.toml\")` names a file"), "{message}");
    }

    #[test]
    fn every_file_the_crate_can_reach_must_parse_and_a_leftover_draft_need_not() {
        let reached = project(&[
            ("src/main.rs", "mod pool;\nfn main() {}\n"),
            ("src/pool/mod.rs", "pub fn f() {}\n#[cfg(any())]\n"),
        ]);
        let message = check(&reached).unwrap_err().message;
        assert!(message.starts_with("src/pool/mod.rs:2:1: the file does not parse as Rust"), "{message}");
        let by_path = project(&[("src/main.rs", "#[path = \"x/helper.rs\"]\nmod h;\n"), ("src/x/helper.rs", "fn (\n")]);
        assert!(check(&by_path).is_err());
        let grader_s = project(&[("src/main.rs", "#[path = \"../.grader/probe.rs\"]\nmod p;\n")]);
        let message = check(&grader_s).unwrap_err().message;
        assert!(message.starts_with("src/main.rs:1:3: `#[path = …]` names a file that is not part of"), "{message}");
        refused("#[path = \"/etc/passwd\"]\nmod p;\n", "`#[path = …]` names a file");
        refused("#[cfg_attr(unix, path = \"/tmp/x.rs\")]\nmod p;\n", "`#[cfg_attr(…, path = …)]` names a file");
        let own = project(&[
            ("src/lib.rs", "mod util;\npub fn g() { util::h::f() }\n"),
            ("src/util.rs", "#[path = \"x/helper.rs\"]\npub mod h;\n"),
            ("src/x/helper.rs", "pub fn f() {}\n"),
        ]);
        check(&own).unwrap();
        let draft = project(&[("src/main.rs", "fn main() {}\n"), ("src/old_attempt.rs", "fn half_written( {\n")]);
        check(&draft).unwrap();
        // Not compiled, but still not allowed to hold a refused form.
        let hidden = project(&[("src/main.rs", "fn main() {}\n"), ("src/notes.rs", "#[no_mangle] fn write() {}\n")]);
        assert!(check(&hidden).unwrap_err().message.starts_with("src/notes.rs:1:3: `#[no_mangle]`"));
    }

    #[test]
    fn ordinary_code_with_these_words_is_accepted() {
        accepted(
            r##"//! Mentions #[no_mangle], extern "C" { } and asm!("nop") in a comment.
extern crate std as s;
extern crate core;
use std::sync::atomic::{AtomicUsize, Ordering};
/// Not `#[used]`, not `#[link(name = "c")]`.
mod asm {
    pub fn used() -> usize { 1 }
}
mod link {}
use self::asm::used as also_used;
pub extern "C" fn callback(x: u32) -> u32 { x }
unsafe extern "C" fn unsafe_callback() {}
type Callback = extern "C" fn(u32) -> u32;
type Plain = extern fn();
fn link() {}
#[inline(always)]
fn naked(asm: u64) -> u64 { asm as u64 }
#[allow(unused)]
#[must_use]
#[cfg_attr(test, derive(Debug))]
#[doc = "no_mangle link_section used"]
struct Counter { used: usize, link: Option<usize>, naked: bool }
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let used = 3;
    let link = used + 1;
    let naked = link > 2;
    let asm = if naked { 1 } else { 0 };
    let extern_count = AtomicUsize::new(0);
    extern_count.fetch_add(asm, Ordering::SeqCst);
    let message = "#[no_mangle] extern \"C\" { fn write(); } include!(\"/etc/passwd\")";
    println!("{used} {link} {naked} {message} {}", also_used());
    assert!(used > 0, "{}", link);
    assert_eq!(vec![used, link].len(), 2);
    let _ = (chunks, callback as extern "C" fn(u32) -> u32);
    data.iter().sum()
}
macro_rules! square { ($x:expr) => { $x * $x }; }
macro_rules! documented { ($(#[$meta:meta])* $name:ident) => { $(#[$meta])* struct $name; }; }
documented!(#[derive(Clone)] Forwarded);
fn uses_square() -> u64 { square!(3) + naked(2) }
fn precise() -> impl Sized + use<> { 1u8 }
fn main() { link(); let _ = (uses_square(), precise(), Counter { used: 0, link: None, naked: false }); }
"##,
        );
        accepted("#!/usr/bin/env run-cargo-script\nfn main() {}\n");
        accepted("\u{feff}fn main() {}\n");
    }

    #[test]
    fn code_nested_too_deeply_is_refused_without_overflowing_the_grader_s_stack() {
        let deep = [
            format!("fn f() {{ let x = {}1{}; }}", "(".repeat(100_000), ")".repeat(100_000)),
            format!("fn f() {{ let x = {}true; }}", "!".repeat(100_000)),
            format!("type T = {}u8{};", "Vec<".repeat(5_000), ">".repeat(5_000)),
            format!("type T = {}u8;", "&".repeat(5_000)),
            format!("fn f() {{ let c = {}1; }}", "|| ".repeat(5_000)),
            format!("fn f() {{ {}1; }}", "return ".repeat(5_000)),
            format!("{}{}", "mod a { ".repeat(5_000), "}".repeat(5_000)),
            format!("fn f() {{ {}1; }}", "a = ".repeat(5_000)),
        ];
        for text in &deep {
            refused(text, "main.rs:1:");
            refused(text, "is nested too deeply for the grader to read");
            assert_eq!(declared_signature(text, "f"), None);
        }
        // Just within the limit, the parser has the stack it needs.
        let within = DEEPEST - 10;
        for (open, close) in [("(", ")"), ("Vec<", ">"), ("&", ""), ("!", ""), ("|| ", ""), ("{", "}")] {
            let nested = format!("{}u8{}", open.repeat(within), close.repeat(within));
            let _ = check_one(&format!("type T = {nested};\nfn f() {{ let x = {nested}; }}\n"));
        }
        // Deep for people, shallow for the parser.
        let arms: String = (0..300).map(|arm| format!("{arm} => {{ {arm} }}\n")).collect();
        accepted(&format!("fn f(x: u32) -> u32 {{ match x {{ {arms} _ => 0 }} }}"));
        accepted(&format!("fn f() -> u64 {{ {}1{} }}", "(".repeat(60), ")".repeat(60)));
        accepted(&format!("fn f(a: bool) -> u64 {{ 1{} }}", " + 1".repeat(5_000)));
        accepted(&format!("fn f(a: bool) {{ if a {{}} {} }}", "else if a {} ".repeat(2_000)));
        accepted(&format!("type T = {}u8{};", "Vec<".repeat(40), ">".repeat(40)));
    }

    #[test]
    fn any_prefix_of_a_real_solution_gets_an_answer_and_no_panic() {
        let text = include_str!("../../assignments/worker_pool/reference.rs");
        let mut refused = 0;
        for (end, _) in text.char_indices().step_by(5) {
            let prefix = &text[..end];
            refused += usize::from(check_one(prefix).is_err());
            let _ = declared_signature(prefix, "worker_pool");
        }
        assert!(refused > 0);
        assert_eq!(check_one(text), Ok(()));
    }

    #[test]
    fn the_declared_signature_is_found_by_parsing() {
        let text = "// fn parallel_sum(broken\nfn helper() { parallel_sum(&[], 1); }\n\npub fn parallel_sum(\n    data: &[u32],\n    chunks: usize,\n) -> u32 where u32: Copy {\n    0\n}\n";
        let (line, declared) = declared_signature(text, "parallel_sum").unwrap();
        assert_eq!(line, 4);
        assert_eq!(declared, "fn parallel_sum( data: &[u32], chunks: usize, ) -> u32 where u32: Copy");
        let nested = "mod inner {\n    pub fn parallel_sum(d: &[u8]) -> u8 { 0 }\n}\nuse inner::parallel_sum;\n";
        assert_eq!(
            declared_signature(nested, "parallel_sum"),
            Some((2, "fn parallel_sum(d: &[u8]) -> u8".to_string()))
        );
        assert_eq!(declared_signature("fn parallel_sum_helper() {}", "parallel_sum"), None);
        assert_eq!(declared_signature("fn parallel_sum( {", "parallel_sum"), None);
        let shebang = "#!/bin/run\nfn f() -> u8 { 0 }\n";
        assert_eq!(declared_signature(shebang, "f"), Some((2, "fn f() -> u8".to_string())));
    }

    #[test]
    fn bare_thread_locals_get_the_shims_macro_without_moving_a_line() {
        let source = "thread_local! { static A: u8 = 0; }\nmod pool {\n    thread_local!(static B: u8 = 0);\n    mod deeper { fn f() { thread_local! { static C: u8 = 0; } } }\n}\nmod quiet { fn g() {} }\nmod own {\n    use std::thread_local;\n    thread_local! { static D: u8 = 0; }\n}\n";
        let edited = with_shuttle_thread_locals(source).expect("bare calls are found");
        assert_eq!(edited.lines().count(), source.lines().count() + 1, "{edited}");
        for (before, after) in source.lines().zip(edited.lines()) {
            assert!(after.starts_with(before.trim_end_matches('}')), "{before:?} became {after:?}");
        }
        assert!(edited.ends_with("\nuse std::thread_local;\n"), "{edited}");
        assert!(edited.contains("} }  use std::thread_local; }\n"), "{edited}");
        assert!(edited.contains("mod quiet { fn g() {} }\n"), "{edited}");
        assert_eq!(edited.matches("use std::thread_local;").count(), 4, "the root, pool, deeper and own's own: {edited}");
        assert_eq!(with_shuttle_thread_locals("fn f() { std::thread_local! { static A: u8 = 0; } }"), None);
        assert_eq!(with_shuttle_thread_locals("fn f() {}"), None);
    }

    #[test]
    fn unsafe_blocks_and_impls_are_listed_with_their_lines() {
        let text = "use std::cell::UnsafeCell;\nstruct Total(UnsafeCell<u64>);\nunsafe impl Sync for Total {}\nfn f(t: &Total) -> u64 {\n    unsafe { *t.0.get() }\n}\nfn g() { let unsafe_count = 1; }\n";
        let submission = Submission::from_source("main.rs", text);
        assert_eq!(unsafe_uses(&submission), ["main.rs:3: `unsafe impl Sync for Total`", "main.rs:5: an unsafe block"]);
        assert!(unsafe_uses(&Submission::from_source("main.rs", "fn f() {}")).is_empty());
    }
}
