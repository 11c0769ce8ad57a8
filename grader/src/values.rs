//! The values an assignment's function takes and returns, whatever its
//! signature: their types (read from the signature with syn), the values
//! themselves, and the byte format they travel in.
//!
//! A [`Type`] is what the spec's signature names: integers, `bool`, `char`,
//! `String`, `Vec`, slices, arrays, tuples and `Option`, nested. The grader
//! generates arguments as [`Value`]s, encodes them for the test (and for the
//! oracle, the instructor's reference), and decodes the answers that come
//! back into values it compares. The encoding is the one the `Wire` trait of
//! the test process uses (`harness/src/wire.rs`): integers little-endian at
//! their width (`usize` and `isize` as 8 bytes), `bool` one byte, `char` its
//! `u32`, a `String` or `Vec` its length then its items, an array and a tuple
//! their items, an `Option` a byte 0 or 1 then its value. Decoding never
//! trusts a length beyond the bytes that are there.

use std::fmt::Write as _;

use anyhow::{Result, bail};

/// A type as a signature names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Int(Int),
    Bool,
    Char,
    String,
    /// `Vec<T>`, `&[T]`, `&mut [T]`.
    List(Box<Type>),
    /// `[T; N]`.
    Array(Box<Type>, usize),
    Tuple(Vec<Type>),
    Option(Box<Type>),
}

/// An integer type: its width in bytes and whether it is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int {
    pub bytes: u8,
    pub signed: bool,
    pub name: &'static str,
}

const INTS: &[Int] = &[
    Int { bytes: 1, signed: false, name: "u8" },
    Int { bytes: 2, signed: false, name: "u16" },
    Int { bytes: 4, signed: false, name: "u32" },
    Int { bytes: 8, signed: false, name: "u64" },
    Int { bytes: 16, signed: false, name: "u128" },
    Int { bytes: 8, signed: false, name: "usize" },
    Int { bytes: 1, signed: true, name: "i8" },
    Int { bytes: 2, signed: true, name: "i16" },
    Int { bytes: 4, signed: true, name: "i32" },
    Int { bytes: 8, signed: true, name: "i64" },
    Int { bytes: 16, signed: true, name: "i128" },
    Int { bytes: 8, signed: true, name: "isize" },
];

impl Int {
    pub fn named(name: &str) -> Option<Int> {
        INTS.iter().copied().find(|int| int.name == name)
    }

    /// The smallest and largest value, as i128 (u128's largest is cut to i128's).
    pub fn range(self) -> (i128, i128) {
        let bits = u32::from(self.bytes) * 8;
        if self.signed {
            if bits == 128 { (i128::MIN, i128::MAX) } else { (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1) }
        } else if bits == 128 {
            (0, i128::MAX)
        } else {
            (0, (1i128 << bits) - 1)
        }
    }
}

/// How a parameter reaches the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passing {
    Owned,
    Shared,
    /// `&mut`: the value after the call is part of the answer.
    Mutable,
}

/// A parameter of the contract: its name, how it is passed, and the owned
/// type the test process decodes it into (`&[u64]` is a `Vec<u64>`).
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub ty: Type,
    pub passing: Passing,
    /// As written in the signature: `&[u64]`.
    pub written: String,
}

/// What a signature names, read with syn.
#[derive(Debug, Clone)]
pub struct Signature {
    pub text: String,
    pub function: String,
    pub params: Vec<Param>,
    /// The return type, None for `()`.
    pub returns: Option<Type>,
    /// As written: `Vec<(u32, u32)>`, or `()`.
    pub returns_written: String,
}

impl Signature {
    /// Parses `fn name(a: T, b: U) -> R`; a type the grader cannot carry is an
    /// error that names it and says what is supported.
    pub fn parse(text: &str) -> Result<Signature> {
        let text = text.trim();
        let item: syn::ForeignItemFn = syn::parse_str(&format!("{text};"))
            .map_err(|error| anyhow::anyhow!("`{text}` is not a function signature: {error}"))?;
        let sig = &item.sig;
        if !sig.generics.params.is_empty() || sig.variadic.is_some() || sig.asyncness.is_some() {
            bail!("`{text}`: the grader calls a plain function, without generics or `async`");
        }
        let mut params = Vec::new();
        for input in &sig.inputs {
            let syn::FnArg::Typed(typed) = input else { bail!("`{text}`: a contract's function takes no `self`") };
            let syn::Pat::Ident(name) = typed.pat.as_ref() else {
                bail!("`{text}`: give each parameter a plain name");
            };
            let written = tokens(&typed.ty);
            let (ty, passing) = match typed.ty.as_ref() {
                syn::Type::Reference(reference) => {
                    let passing = if reference.mutability.is_some() { Passing::Mutable } else { Passing::Shared };
                    (borrowed(&reference.elem, &written)?, passing)
                }
                other => (owned(other, &written)?, Passing::Owned),
            };
            params.push(Param { name: name.ident.to_string(), ty, passing, written });
        }
        let (returns, returns_written) = match &sig.output {
            syn::ReturnType::Default => (None, "()".to_string()),
            syn::ReturnType::Type(_, ty) => {
                let written = tokens(ty);
                match ty.as_ref() {
                    syn::Type::Tuple(tuple) if tuple.elems.is_empty() => (None, written),
                    other => (Some(owned(other, &written)?), written),
                }
            }
        };
        Ok(Signature { text: text.to_string(), function: sig.ident.to_string(), params, returns, returns_written })
    }

    /// The type of a function pointer with this signature: `fn(&[u64], usize) -> u64`.
    pub fn pointer_type(&self) -> String {
        let params: Vec<&str> = self.params.iter().map(|param| param.written.as_str()).collect();
        format!("fn({}) -> {}", params.join(", "), self.returns_written)
    }

    /// The arguments' types, in order: what a case's arguments encode as.
    pub fn arguments(&self) -> Type {
        Type::Tuple(self.params.iter().map(|param| param.ty.clone()).collect())
    }

    /// What comes back from a call: the return value, then each `&mut`
    /// parameter as the call left it. One part alone is not wrapped.
    pub fn answer(&self) -> Type {
        let mut parts: Vec<Type> = self.returns.iter().cloned().collect();
        parts.extend(self.params.iter().filter(|param| param.passing == Passing::Mutable).map(|param| param.ty.clone()));
        match parts.len() {
            1 => parts.remove(0),
            _ => Type::Tuple(parts),
        }
    }

    /// What each part of the answer is called in a diff: `answer`, or the
    /// `&mut` parameters' names.
    pub fn answer_parts(&self) -> Vec<String> {
        let mut parts: Vec<String> = self.returns.iter().map(|_| "the returned value".to_string()).collect();
        parts.extend(
            self.params.iter().filter(|param| param.passing == Passing::Mutable).map(|param| format!("`{}` after the call", param.name)),
        );
        parts
    }

    pub fn param(&self, name: &str) -> Option<(usize, &Param)> {
        self.params.iter().enumerate().find(|(_, param)| param.name == name)
    }
}

fn tokens(ty: &syn::Type) -> String {
    use quote::ToTokens;
    let text = ty.to_token_stream().to_string();
    // syn prints `& [u64]` and `Vec < u32 >`; read back as a person writes them.
    text.replace("& mut ", "&mut ").replace("& ", "&").replace(" < ", "<").replace("< ", "<").replace(" >", ">").replace(" ,", ",").replace(" ;", ";")
}

/// The owned type a borrowed parameter is decoded into.
fn borrowed(ty: &syn::Type, written: &str) -> Result<Type> {
    match ty {
        syn::Type::Slice(slice) => Ok(Type::List(Box::new(owned(&slice.elem, written)?))),
        syn::Type::Path(path) if path.path.is_ident("str") => Ok(Type::String),
        other => owned(other, written),
    }
}

const SUPPORTED: &str = "integers, bool, char, String (&str), Vec (&[T]), arrays, tuples and Option, nested";

fn owned(ty: &syn::Type, written: &str) -> Result<Type> {
    let unsupported = || anyhow::anyhow!("the grader cannot pass `{written}` to or from a test: it carries {SUPPORTED}");
    match ty {
        syn::Type::Paren(inner) => owned(&inner.elem, written),
        syn::Type::Tuple(tuple) => {
            if tuple.elems.len() > 6 {
                bail!("`{written}`: the grader carries tuples of at most 6 fields");
            }
            tuple.elems.iter().map(|elem| owned(elem, written)).collect::<Result<Vec<_>>>().map(Type::Tuple)
        }
        syn::Type::Array(array) => {
            let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(length), .. }) = &array.len else {
                bail!("`{written}`: an array's length must be a number");
            };
            let length: usize = length.base10_parse().map_err(|_| unsupported())?;
            Ok(Type::Array(Box::new(owned(&array.elem, written)?), length))
        }
        syn::Type::Path(path) if path.qself.is_none() => {
            let segment = path.path.segments.last().ok_or_else(unsupported)?;
            let name = segment.ident.to_string();
            let argument = || -> Result<Type> {
                let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments else { return Err(unsupported()) };
                match arguments.args.iter().collect::<Vec<_>>().as_slice() {
                    [syn::GenericArgument::Type(inner)] => owned(inner, written),
                    _ => Err(unsupported()),
                }
            };
            match name.as_str() {
                "Vec" => Ok(Type::List(Box::new(argument()?))),
                "Option" => Ok(Type::Option(Box::new(argument()?))),
                "String" => Ok(Type::String),
                "bool" => Ok(Type::Bool),
                "char" => Ok(Type::Char),
                other => Int::named(other).map(Type::Int).ok_or_else(unsupported),
            }
        }
        _ => Err(unsupported()),
    }
}

/// A value of a [`Type`]. Ordered, so that answers can be compared as multisets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    Int(i128),
    /// A u128 past i128's range.
    BigUnsigned(u128),
    Bool(bool),
    Char(char),
    Str(String),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Option(Option<Box<Value>>),
}

/// How many items of a list a summary shows.
pub(crate) const SHOWN: usize = 6;

/// What [`Value::summary`] says of a list of `len` items that are not lists,
/// from its first items alone (at least [`SHOWN`] of them, where it has so many).
pub fn list_summary(len: usize, first: &[Value]) -> String {
    let mut shown = String::new();
    show_list(&mut shown, first, len, SHOWN);
    format!("{len} values {shown}")
}

/// A list of `len` items as `{:?}` shows it, at most `room` of them, from
/// the first of them.
fn show_list(out: &mut String, first: &[Value], len: usize, room: usize) {
    out.push('[');
    for (index, item) in first.iter().take(room).enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        item.show(out, room);
    }
    if len > room {
        let _ = write!(out, ", … {} more", len - room);
    }
    out.push(']');
}

/// A list's items, one after another. Integers, the bulk of the large
/// inputs, take a loop of their own, of their width. (No exact `reserve`:
/// the arguments that follow would then make the buffer move.)
fn encode_items(item: &Type, items: &[Value], out: &mut Vec<u8>) {
    fn ints<const WIDTH: usize>(item: &Type, items: &[Value], out: &mut Vec<u8>) {
        for value in items {
            match value {
                Value::Int(value) => out.extend_from_slice(&value.to_le_bytes()[..WIDTH]),
                other => other.encode(item, out),
            }
        }
    }
    match item {
        Type::Int(int) if int.bytes == 8 => ints::<8>(item, items, out),
        Type::Int(int) if int.bytes == 4 => ints::<4>(item, items, out),
        _ => {
            for value in items {
                value.encode(item, out);
            }
        }
    }
}

impl Value {
    pub fn encode(&self, ty: &Type, out: &mut Vec<u8>) {
        match (ty, self) {
            (Type::Int(int), Value::Int(value)) => {
                let bytes = value.to_le_bytes();
                out.extend_from_slice(&bytes[..usize::from(int.bytes)]);
            }
            (Type::Int(_), Value::BigUnsigned(value)) => out.extend_from_slice(&value.to_le_bytes()),
            (Type::Bool, Value::Bool(value)) => out.push(u8::from(*value)),
            (Type::Char, Value::Char(value)) => out.extend_from_slice(&u32::from(*value).to_le_bytes()),
            (Type::String, Value::Str(text)) => {
                out.extend_from_slice(&(text.len() as u64).to_le_bytes());
                out.extend_from_slice(text.as_bytes());
            }
            (Type::List(item), Value::List(items)) => {
                out.extend_from_slice(&(items.len() as u64).to_le_bytes());
                encode_items(item, items, out);
            }
            (Type::Array(item, _), Value::List(items)) => encode_items(item, items, out),
            (Type::Tuple(types), Value::Tuple(values)) => {
                for (ty, value) in types.iter().zip(values) {
                    value.encode(ty, out);
                }
            }
            (Type::Option(_), Value::Option(None)) => out.push(0),
            (Type::Option(inner), Value::Option(Some(value))) => {
                out.push(1);
                value.encode(inner, out);
            }
            // Values are made for their types; a mismatch is a grader bug, and
            // an unreadable encoding makes it show as one.
            _ => out.push(0xff),
        }
    }

    /// Decodes a whole value of `ty`: nothing may be left over.
    pub fn decode(ty: &Type, mut bytes: &[u8]) -> Option<Value> {
        let value = Value::take(ty, &mut bytes)?;
        bytes.is_empty().then_some(value)
    }

    fn take(ty: &Type, input: &mut &[u8]) -> Option<Value> {
        fn bytes<'a>(input: &mut &'a [u8], count: usize) -> Option<&'a [u8]> {
            if input.len() < count {
                return None;
            }
            let (head, rest) = input.split_at(count);
            *input = rest;
            Some(head)
        }
        fn length(input: &mut &[u8]) -> Option<usize> {
            let raw = bytes(input, 8)?;
            usize::try_from(u64::from_le_bytes(raw.try_into().ok()?)).ok()
        }
        Some(match ty {
            Type::Int(int) => {
                let width = usize::from(int.bytes);
                let raw = bytes(input, width)?;
                let mut full = [0u8; 16];
                full[..width].copy_from_slice(raw);
                if int.signed && raw[width - 1] & 0x80 != 0 {
                    full[width..].fill(0xff);
                }
                let unsigned = u128::from_le_bytes(full);
                if !int.signed && width == 16 && unsigned > i128::MAX as u128 {
                    Value::BigUnsigned(unsigned)
                } else {
                    Value::Int(i128::from_le_bytes(full))
                }
            }
            Type::Bool => match bytes(input, 1)?[0] {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                _ => return None,
            },
            Type::Char => Value::Char(char::from_u32(u32::from_le_bytes(bytes(input, 4)?.try_into().ok()?))?),
            Type::String => {
                let len = length(input)?;
                Value::Str(String::from_utf8(bytes(input, len)?.to_vec()).ok()?)
            }
            Type::List(item) => {
                let len = length(input)?;
                // A length is never believed past the bytes after it, as in
                // grader_protocol: so even a list of `()` cannot claim 2^64 items.
                if len > input.len() {
                    return None;
                }
                Value::List((0..len).map(|_| Value::take(item, input)).collect::<Option<_>>()?)
            }
            Type::Array(item, len) => Value::List((0..*len).map(|_| Value::take(item, input)).collect::<Option<_>>()?),
            Type::Tuple(types) => Value::Tuple(types.iter().map(|ty| Value::take(ty, input)).collect::<Option<_>>()?),
            Type::Option(inner) => match bytes(input, 1)?[0] {
                0 => Value::Option(None),
                1 => Value::Option(Some(Box::new(Value::take(inner, input)?))),
                _ => return None,
            },
        })
    }

    /// The value as Rust's `{:?}` would show it, with long lists cut.
    pub fn shown(&self, room: usize) -> String {
        let mut out = String::new();
        self.show(&mut out, room);
        out
    }

    fn show(&self, out: &mut String, room: usize) {
        match self {
            Value::Int(value) => {
                let _ = write!(out, "{value}");
            }
            Value::BigUnsigned(value) => {
                let _ = write!(out, "{value}");
            }
            Value::Bool(value) => {
                let _ = write!(out, "{value}");
            }
            Value::Char(value) => {
                let _ = write!(out, "{value:?}");
            }
            Value::Str(text) => {
                let cut: String = text.chars().take(room.max(8)).collect();
                let _ = write!(out, "{cut:?}");
                if cut.len() < text.len() {
                    out.push('…');
                }
            }
            Value::List(items) => show_list(out, items, items.len(), room),
            Value::Tuple(fields) => {
                out.push('(');
                for (index, field) in fields.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    field.show(out, room);
                }
                out.push(')');
            }
            Value::Option(None) => out.push_str("None"),
            Value::Option(Some(value)) => {
                out.push_str("Some(");
                value.show(out, room);
                out.push(')');
            }
        }
    }

    /// The value in a few words, for a report's `input`: a long list by its
    /// length and first items, a list of lists by its lengths.
    pub fn summary(&self) -> String {
        match self {
            Value::List(items) if items.iter().all(|item| matches!(item, Value::List(_))) && !items.is_empty() => {
                let lengths = Value::List(
                    items.iter().map(|item| Value::Int(if let Value::List(inner) = item { inner.len() as i128 } else { 0 })).collect(),
                );
                let first: Vec<String> = items.iter().take(3).map(|item| item.shown(SHOWN)).collect();
                format!("{} lists of lengths {}: {}", items.len(), lengths.shown(SHOWN), first.join(", "))
            }
            Value::List(items) => list_summary(items.len(), items),
            other => other.shown(SHOWN),
        }
    }

    /// The value one item a line, so that a diff points at the wrong item:
    /// a list's length, then each item.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Value::List(items) => {
                let mut lines = vec![format!("{} items", items.len())];
                lines.extend(items.iter().map(|item| item.shown(usize::MAX)));
                lines
            }
            other => vec![other.shown(usize::MAX)],
        }
    }

    /// The value with every list sorted, at every depth.
    pub fn sorted(&self) -> Value {
        match self {
            Value::List(items) => {
                let mut items: Vec<Value> = items.iter().map(Value::sorted).collect();
                items.sort();
                Value::List(items)
            }
            Value::Tuple(fields) => Value::Tuple(fields.iter().map(Value::sorted).collect()),
            Value::Option(Some(value)) => Value::Option(Some(Box::new(value.sorted()))),
            other => other.clone(),
        }
    }

    /// The value with its top-level list (or each top-level list of a tuple) sorted.
    pub fn as_multiset(&self) -> Value {
        match self {
            Value::List(items) => {
                let mut items = items.clone();
                items.sort();
                Value::List(items)
            }
            Value::Tuple(fields) => Value::Tuple(fields.iter().map(Value::as_multiset).collect()),
            other => other.clone(),
        }
    }

    /// The number of items, for a list.
    pub fn item_count(&self) -> Option<usize> {
        match self {
            Value::List(items) => Some(items.len()),
            Value::Str(text) => Some(text.chars().count()),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(value) => Some(*value),
            _ => None,
        }
    }
}

/// How an answer is compared with the expected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compare {
    /// Equal, order included.
    #[default]
    Exact,
    /// The same items, in any order (each top-level list).
    Multiset,
    /// Equal once every list in both, at any depth, is sorted.
    Sorted,
}

impl Compare {
    pub fn same(self, expected: &Value, actual: &Value) -> bool {
        match self {
            Compare::Exact => expected == actual,
            Compare::Multiset => expected.as_multiset() == actual.as_multiset(),
            Compare::Sorted => expected.sorted() == actual.sorted(),
        }
    }
}

impl Type {
    /// The type as Rust names it, owned: what the test process decodes into.
    pub fn rust(&self) -> String {
        match self {
            Type::Int(int) => int.name.to_string(),
            Type::Bool => "bool".to_string(),
            Type::Char => "char".to_string(),
            Type::String => "String".to_string(),
            Type::List(item) => format!("Vec<{}>", item.rust()),
            Type::Array(item, len) => format!("[{}; {len}]", item.rust()),
            Type::Tuple(fields) if fields.len() == 1 => format!("({},)", fields[0].rust()),
            Type::Tuple(fields) => format!("({})", fields.iter().map(Type::rust).collect::<Vec<_>>().join(", ")),
            Type::Option(inner) => format!("Option<{}>", inner.rust()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_name_their_types_and_how_they_are_passed() {
        let sort = Signature::parse("fn merge_sort(data: &mut [i32], threads: usize)").unwrap();
        assert_eq!(sort.params[0].passing, Passing::Mutable);
        assert_eq!(sort.params[0].ty, Type::List(Box::new(Type::Int(Int::named("i32").unwrap()))));
        assert_eq!(sort.answer(), Type::List(Box::new(Type::Int(Int::named("i32").unwrap()))));
        assert_eq!(sort.pointer_type(), "fn(&mut [i32], usize) -> ()");
        let pool = Signature::parse("fn worker_pool(jobs: Vec<u32>, workers: usize) -> Vec<(u32, u32)>").unwrap();
        assert_eq!(pool.pointer_type(), "fn(Vec<u32>, usize) -> Vec<(u32, u32)>");
        let words = Signature::parse("fn count(text: &str, k: Option<[u8; 2]>) -> Vec<(String, char, bool)>").unwrap();
        assert_eq!(words.params[0].ty, Type::String);
        let error = Signature::parse("fn f(x: HashMap<u32, u32>) -> u32").unwrap_err().to_string();
        assert!(error.contains("HashMap<u32, u32>") && error.contains("carries"), "{error}");
        assert!(Signature::parse("fn f(a: u32)").is_ok());
        assert!(Signature::parse("parallel_sum(a: u32) -> u32").is_err());
    }

    #[test]
    fn values_round_trip_and_reject_what_is_cut_or_left_over() {
        let ty = Type::Tuple(vec![
            Type::List(Box::new(Type::Int(Int::named("i32").unwrap()))),
            Type::Option(Box::new(Type::String)),
            Type::Array(Box::new(Type::Char), 2),
            Type::Int(Int::named("u128").unwrap()),
            Type::Bool,
        ]);
        let value = Value::Tuple(vec![
            Value::List(vec![Value::Int(i128::from(i32::MIN)), Value::Int(7)]),
            Value::Option(Some(Box::new(Value::Str("é".into())))),
            Value::List(vec![Value::Char('a'), Value::Char('ß')]),
            Value::BigUnsigned(u128::MAX),
            Value::Bool(true),
        ]);
        let mut bytes = Vec::new();
        value.encode(&ty, &mut bytes);
        assert_eq!(Value::decode(&ty, &bytes), Some(value));
        assert_eq!(Value::decode(&ty, &bytes[..bytes.len() - 1]), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Value::decode(&ty, &longer), None);
        // A claimed length far beyond the bytes is refused, not allocated.
        let list = Type::List(Box::new(Type::Int(Int::named("u64").unwrap())));
        assert_eq!(Value::decode(&list, &u64::MAX.to_le_bytes()), None);
    }

    /// The grader reads and writes values by their types from the spec; a
    /// test program by its Rust types through `grader_protocol`. The same
    /// value must be the same bytes both ways.
    #[test]
    fn the_grader_and_the_test_program_agree_on_every_byte() {
        let ty = Type::Tuple(vec![
            Type::List(Box::new(Type::Int(Int::named("i16").unwrap()))),
            Type::Option(Box::new(Type::String)),
            Type::Array(Box::new(Type::Char), 2),
            Type::Int(Int::named("u128").unwrap()),
            Type::Int(Int::named("isize").unwrap()),
            Type::Bool,
        ]);
        let value = Value::Tuple(vec![
            Value::List(vec![Value::Int(i128::from(i16::MIN)), Value::Int(-1)]),
            Value::Option(Some(Box::new(Value::Str("né".into())))),
            Value::List(vec![Value::Char('z'), Value::Char('€')]),
            Value::BigUnsigned(u128::MAX - 3),
            Value::Int(-5),
            Value::Bool(false),
        ]);
        let rust: (Vec<i16>, Option<String>, [char; 2], u128, isize, bool) =
            (vec![i16::MIN, -1], Some("né".into()), ['z', '€'], u128::MAX - 3, -5, false);
        let mut ours = Vec::new();
        value.encode(&ty, &mut ours);
        assert_eq!(ours, grader_protocol::encode(&rust));
        assert_eq!(grader_protocol::decode::<(Vec<i16>, Option<String>, [char; 2], u128, isize, bool)>(&ours), Some(rust));
        // Both refuse a list of `()` that claims more items than bytes follow.
        let units = Type::List(Box::new(Type::Tuple(vec![])));
        let claim = 5u64.to_le_bytes();
        assert_eq!(Value::decode(&units, &claim), None);
        assert_eq!(grader_protocol::decode::<Vec<()>>(&claim), None);
    }

    #[test]
    fn answers_compare_exactly_as_multisets_or_sorted() {
        let list = |items: &[i128]| Value::List(items.iter().map(|&item| Value::Int(item)).collect());
        assert!(!Compare::Exact.same(&list(&[1, 2]), &list(&[2, 1])));
        assert!(Compare::Multiset.same(&list(&[1, 2, 2]), &list(&[2, 1, 2])));
        assert!(!Compare::Multiset.same(&list(&[1, 2, 2]), &list(&[2, 1, 1])));
        assert!(Compare::Sorted.same(&Value::List(vec![list(&[2, 1])]), &Value::List(vec![list(&[1, 2])])));
        assert_eq!(list(&[1, 2, 3, 4, 5, 6, 7, 8]).summary(), "8 values [1, 2, 3, 4, 5, 6, … 2 more]");
        assert_eq!(list(&[5, 9]).lines(), ["2 items", "5", "9"]);
    }
}
