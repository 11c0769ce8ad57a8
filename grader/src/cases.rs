//! The spec's vocabulary for a case's arguments, and the generator that makes
//! them: what an instructor writes under `args:` instead of Rust.
//!
//! Each argument is one generator, read from YAML:
//!
//! - a literal: `8`, `[[3, 7, 2], [9, 1, 4]]`, `"i32::MIN"`, `"hello"`, `true`,
//!   `~` (None); a tuple is written as a list;
//! - an integer expression: `threads` (the test's thread count), numbers,
//!   `i32::MIN`-style bounds, `+ - * / %`, parentheses, and `rand(a, b)`,
//!   `max(a, b)`, `min(a, b)`: `"2 * threads + 3"`;
//! - `{int: [lo, hi]}`: a random integer between two expressions;
//! - `{seq: [first, last]}`: the integers first..=last;
//! - `{vec: {len, of, distinct, set, total, one}}`: a vector of `len` items
//!   (an expression, or `[lo, hi]`) made by the item generator `of` (any
//!   integer of the item type when left out); `distinct: K` first draws K
//!   items and then takes every item from those; `set` overwrites places
//!   (`{at: first | last | middle | "every 3" | "first half" | 2, to: G}`);
//!   `total: max` makes integer items add up to exactly their type's
//!   largest value; `one: G` puts one item of `G` at a random place;
//! - `{cycle: [G1, G2, …]}` as an item generator: item i comes from G(i mod n).
//!
//! The generator is seeded per case and thread count (see [`crate::rng`]),
//! so the same seed always makes the same arguments.

use anyhow::{Context, Result, bail};
use serde_norway::Value as Yaml;

use crate::rng::Rng;
use crate::values::{Int, Type, Value};

/// One argument's generator.
#[derive(Debug, Clone)]
pub enum Gen {
    Literal(Yaml),
    Expr(Expr),
    Int { low: Expr, high: Expr },
    Seq { first: Expr, last: Expr },
    Vec(Box<VecGen>),
    Cycle(Vec<Gen>),
}

#[derive(Debug, Clone)]
pub struct VecGen {
    len: Length,
    of: Option<Gen>,
    distinct: Option<Expr>,
    set: Vec<(Place, Gen)>,
    total_max: bool,
    one: Option<Gen>,
}

#[derive(Debug, Clone)]
enum Length {
    Exactly(Expr),
    Between(Expr, Expr),
}

#[derive(Debug, Clone, PartialEq)]
enum Place {
    First,
    Last,
    Middle,
    Every(usize),
    FirstHalf,
    Index(usize),
}

/// Reads a generator from the spec. Errors name what is wrong in the words of
/// the vocabulary; the caller adds where.
pub fn parse(yaml: &Yaml) -> Result<Gen> {
    match yaml {
        Yaml::Mapping(map) if map.len() == 1 => {
            let (key, value) = map.iter().next().context("a one-key map")?;
            let key = key.as_str().context("a generator's key is a word")?;
            match key {
                "int" => {
                    let (low, high) = pair(value, "int")?;
                    Ok(Gen::Int { low, high })
                }
                "seq" => {
                    let (first, last) = pair(value, "seq")?;
                    Ok(Gen::Seq { first, last })
                }
                "vec" => parse_vec(value).map(|vec| Gen::Vec(Box::new(vec))),
                "cycle" => match value {
                    Yaml::Sequence(items) if !items.is_empty() => items.iter().map(parse).collect::<Result<_>>().map(Gen::Cycle),
                    _ => bail!("`cycle` takes a list of generators"),
                },
                other => bail!("`{other}` is not a generator: use int, seq, vec or cycle, or a literal value"),
            }
        }
        Yaml::Mapping(_) => bail!("a generator is a map of one key (int, seq, vec or cycle)"),
        Yaml::String(text) => match Expr::parse(text) {
            Ok(expr) if expr.uses_threads_or_random() || text.contains("::") || expr.is_arithmetic() => Ok(Gen::Expr(expr)),
            _ => Ok(Gen::Literal(yaml.clone())),
        },
        _ => Ok(Gen::Literal(yaml.clone())),
    }
}

fn pair(value: &Yaml, what: &str) -> Result<(Expr, Expr)> {
    match value {
        Yaml::Sequence(items) if items.len() == 2 => Ok((Expr::from_yaml(&items[0])?, Expr::from_yaml(&items[1])?)),
        _ => bail!("`{what}` takes two bounds: [low, high]"),
    }
}

fn parse_vec(value: &Yaml) -> Result<VecGen> {
    let Yaml::Mapping(map) = value else { bail!("`vec` takes a map: {{len, of, distinct, set, total, one}}") };
    let mut vec = VecGen { len: Length::Exactly(Expr::Num(0)), of: None, distinct: None, set: Vec::new(), total_max: false, one: None };
    let mut saw_len = false;
    for (key, value) in map {
        let key = key.as_str().context("a `vec` field is a word")?;
        match key {
            "len" => {
                saw_len = true;
                vec.len = match value {
                    Yaml::Sequence(items) if items.len() == 2 => {
                        Length::Between(Expr::from_yaml(&items[0])?, Expr::from_yaml(&items[1])?)
                    }
                    other => Length::Exactly(Expr::from_yaml(other)?),
                };
            }
            "of" => vec.of = Some(parse(value).context("in `of`")?),
            "distinct" => vec.distinct = Some(Expr::from_yaml(value)?),
            "total" => match value.as_str() {
                Some("max") => vec.total_max = true,
                _ => bail!("`total` takes `max`: the items add up to their type's largest value"),
            },
            "one" => vec.one = Some(parse(value).context("in `one`")?),
            "set" => {
                let Yaml::Sequence(places) = value else { bail!("`set` takes a list of {{at, to}}") };
                for place in places {
                    let at = place.get("at").context("each `set` entry names a place: at")?;
                    let to = place.get("to").context("each `set` entry names a value: to")?;
                    vec.set.push((Place::parse(at)?, parse(to).context("in `to`")?));
                }
            }
            other => bail!("`{other}` is not a `vec` field: use len, of, distinct, set, total or one"),
        }
    }
    if !saw_len {
        bail!("a `vec` needs a `len`");
    }
    Ok(vec)
}

impl Place {
    fn parse(yaml: &Yaml) -> Result<Place> {
        if let Some(index) = yaml.as_u64() {
            return Ok(Place::Index(index as usize));
        }
        let text = yaml.as_str().context("a place is first, last, middle, \"every N\", \"first half\" or an index")?;
        Ok(match text {
            "first" => Place::First,
            "last" => Place::Last,
            "middle" => Place::Middle,
            "first half" => Place::FirstHalf,
            other => match other.strip_prefix("every ").and_then(|step| step.trim().parse::<usize>().ok()) {
                Some(step) if step > 0 => Place::Every(step),
                _ => bail!("`{other}` is not a place: use first, last, middle, \"every N\", \"first half\" or an index"),
            },
        })
    }

    fn indices(&self, len: usize) -> Vec<usize> {
        if len == 0 {
            return Vec::new();
        }
        match self {
            Place::First => vec![0],
            Place::Last => vec![len - 1],
            Place::Middle => vec![len / 2],
            Place::Every(step) => (0..len).step_by(*step).collect(),
            Place::FirstHalf => (0..len.div_ceil(2)).collect(),
            Place::Index(index) => (*index < len).then_some(*index).into_iter().collect(),
        }
    }
}

/// What a generator needs: the randomness and the test's thread count.
pub struct Making<'a> {
    pub rng: &'a mut Rng,
    pub threads: usize,
}

impl Gen {
    /// Whether this generator can make values of `ty`, checked without making
    /// any: a spec's mistakes show when it is loaded, not halfway through a grading.
    pub fn fits(&self, ty: &Type) -> Result<()> {
        match (self, ty) {
            (Gen::Literal(yaml), ty) => literal(yaml, ty).map(|_| ()),
            (Gen::Expr(expr), Type::Int(_)) => {
                if !expr.uses_threads_or_random() {
                    int_value(ty, expr.constant()?)?;
                }
                Ok(())
            }
            (Gen::Int { .. }, Type::Int(_)) => Ok(()),
            (Gen::Seq { .. }, Type::List(item)) if matches!(item.as_ref(), Type::Int(_)) => Ok(()),
            (Gen::Vec(vec), Type::List(item) | Type::Array(item, _)) => {
                if let Some(of) = &vec.of {
                    of.fits(item).context("in `of`")?;
                } else if !matches!(item.as_ref(), Type::Int(_)) {
                    bail!("a `vec` of {} needs `of`: only integers have a default", item.rust());
                }
                if vec.total_max && !matches!(item.as_ref(), Type::Int(_)) {
                    bail!("`total: max` needs integer items, not {}", item.rust());
                }
                if let Some(one) = &vec.one {
                    one.fits(item).context("in `one`")?;
                }
                for (_, to) in &vec.set {
                    to.fits(item).context("in `set`")?;
                }
                Ok(())
            }
            (Gen::Cycle(gens), ty) => gens.iter().try_for_each(|each| each.fits(ty)),
            (Gen::Expr(_) | Gen::Int { .. }, other) => bail!("an integer generator cannot make {}", other.rust()),
            (Gen::Seq { .. }, other) => bail!("`seq` makes a list of integers, not {}", other.rust()),
            (Gen::Vec(_), other) => bail!("`vec` makes a list, not {}", other.rust()),
        }
    }

    /// A value of `ty`.
    pub fn make(&self, ty: &Type, making: &mut Making) -> Result<Value> {
        self.make_item(ty, making, 0)
    }

    /// A value of `ty`, appended to `out` in its encoding, with what the
    /// plan needs to know of it. A plain list of integers (a `seq`, or a
    /// `vec` of integers between fixed bounds), the bulk of the large
    /// inputs, is written straight into its encoding with the same draws
    /// as [`Gen::make`]: a million items held as values would take 32 MB to
    /// make, fault in and free, several times the work of drawing them.
    pub fn make_encoded(&self, ty: &Type, making: &mut Making, out: &mut Vec<u8>) -> Result<Made> {
        if let Some(made) = self.make_int_list(ty, making, out)? {
            return Ok(made);
        }
        let value = self.make(ty, making)?;
        value.encode(ty, out);
        Ok(Made { int: value.as_int(), items: value.item_count(), summary: value.summary() })
    }

    /// [`Gen::make_encoded`] for a plain list of integers; `None`, having
    /// drawn nothing, for any other generator or type.
    fn make_int_list(&self, ty: &Type, making: &mut Making, out: &mut Vec<u8>) -> Result<Option<Made>> {
        let (item, fixed) = match ty {
            Type::List(item) => (item.as_ref(), None),
            Type::Array(item, len) => (item.as_ref(), Some(*len)),
            _ => return Ok(None),
        };
        let Type::Int(int) = item else { return Ok(None) };
        match self {
            Gen::Seq { first, last } if fixed.is_none() => {
                let (first, last) = (first.eval(making)?, last.eval(making)?);
                if last.saturating_sub(first) > 50_000_000 {
                    bail!("`seq` of more than 50,000,000 items");
                }
                // Empty when last is below first, however far below.
                let len = last.saturating_sub(first).saturating_add(1).max(0) as usize;
                let mut list = IntList::start(*int, len, true, out);
                for value in first..=last {
                    check_fits(*int, value)?;
                    list.push(value);
                }
                Ok(Some(list.finish()))
            }
            Gen::Vec(vec) if vec.plain_ints() => vec.make_int_list(item, *int, fixed, making, out).map(Some),
            _ => Ok(None),
        }
    }

    fn make_item(&self, ty: &Type, making: &mut Making, index: usize) -> Result<Value> {
        match self {
            Gen::Literal(yaml) => literal(yaml, ty),
            Gen::Expr(expr) => int_value(ty, expr.eval(making)?),
            Gen::Int { low, high } => {
                let (low, high) = Gen::int_range(low, high, ty, making)?;
                Ok(Value::Int(random_between(making.rng, low, high)))
            }
            Gen::Seq { first, last } => {
                let Type::List(item) = ty else { bail!("`seq` makes a list, but the parameter is {}", ty.rust()) };
                let (first, last) = (first.eval(making)?, last.eval(making)?);
                if last.saturating_sub(first) > 50_000_000 {
                    bail!("`seq` of more than 50,000,000 items");
                }
                (first..=last).map(|value| int_value(item, value)).collect::<Result<_>>().map(Value::List)
            }
            Gen::Cycle(gens) => gens[index % gens.len()].make_item(ty, making, index),
            Gen::Vec(vec) => vec.make(ty, making),
        }
    }
}

impl VecGen {
    fn make(&self, ty: &Type, making: &mut Making) -> Result<Value> {
        let (item, fixed) = match ty {
            Type::List(item) => (item.as_ref(), None),
            Type::Array(item, len) => (item.as_ref(), Some(*len)),
            Type::String => bail!("`vec` makes a list; give a String as a literal"),
            other => bail!("`vec` makes a list, but the parameter is {}", other.rust()),
        };
        let len = self.length(fixed, making)?;
        let of = self.item_gen();
        let mut items = if self.total_max {
            total_to_max(item, len, making)?
        } else if let Some(distinct) = &self.distinct {
            let count = (distinct.eval(making)?.max(1)) as usize;
            let pool: Vec<Value> = (0..count).map(|index| of.make_item(item, making, index)).collect::<Result<_>>()?;
            (0..len).map(|_| pool[random_between(making.rng, 0, pool.len() as i128 - 1) as usize].clone()).collect()
        } else if let Gen::Int { low, high } = &*of
            && len > 0
            && !low.uses_random()
            && !high.uses_random()
        {
            // The same draws as item by item, with the bounds worked out once:
            // a million-item input in a fraction of the time.
            let (low, high) = Gen::int_range(low, high, item, making)?;
            (0..len).map(|_| Value::Int(random_between(making.rng, low, high))).collect()
        } else {
            (0..len).map(|index| of.make_item(item, making, index)).collect::<Result<Vec<_>>>()?
        };
        if let Some(one) = &self.one
            && !items.is_empty()
        {
            let at = random_between(making.rng, 0, items.len() as i128 - 1) as usize;
            items[at] = one.make_item(item, making, at)?;
        }
        for (place, to) in &self.set {
            for index in place.indices(items.len()) {
                items[index] = to.make_item(item, making, index)?;
            }
        }
        Ok(Value::List(items))
    }

    /// The list's length, drawn where it is a range, checked against an array's.
    fn length(&self, fixed: Option<usize>, making: &mut Making) -> Result<usize> {
        let len = match &self.len {
            Length::Exactly(expr) => expr.eval(making)?,
            Length::Between(low, high) => {
                let (low, high) = (low.eval(making)?.max(0), high.eval(making)?.max(0));
                random_between(making.rng, low, high.max(low))
            }
        }
        .max(0) as usize;
        if len > 50_000_000 {
            bail!("a `vec` of {len} items is more than a test can take");
        }
        if let Some(fixed) = fixed
            && fixed != len
        {
            bail!("an array of {fixed} items cannot take {len}");
        }
        Ok(len)
    }

    /// What makes each item: `of`, or any integer of the item type.
    fn item_gen(&self) -> std::borrow::Cow<'_, Gen> {
        match &self.of {
            Some(of) => std::borrow::Cow::Borrowed(of),
            None => std::borrow::Cow::Owned(Gen::Int { low: Expr::Min, high: Expr::Max }),
        }
    }

    /// Whether each item is drawn on its own between bounds fixed for the
    /// whole list, so that no item needs another to be made.
    fn plain_ints(&self) -> bool {
        let fixed_bounds = match &self.of {
            None => true,
            Some(Gen::Int { low, high }) => !low.uses_random() && !high.uses_random(),
            Some(_) => false,
        };
        fixed_bounds && !self.total_max && self.distinct.is_none()
    }

    /// [`VecGen::make`] for [`VecGen::plain_ints`], straight into `out`:
    /// the same draws in the same order, the same checks.
    fn make_int_list(&self, item: &Type, int: Int, fixed: Option<usize>, making: &mut Making, out: &mut Vec<u8>) -> Result<Made> {
        let len = self.length(fixed, making)?;
        let mut list = IntList::start(int, len, fixed.is_none(), out);
        if len > 0
            && let Gen::Int { low, high } = self.item_gen().as_ref()
        {
            let (low, high) = Gen::int_range(low, high, item, making)?;
            for _ in 0..len {
                list.push(random_between(making.rng, low, high));
            }
        }
        if let Some(one) = &self.one
            && len > 0
        {
            let at = random_between(making.rng, 0, len as i128 - 1) as usize;
            list.put(at, one.make_item(item, making, at)?)?;
        }
        for (place, to) in &self.set {
            for index in place.indices(len) {
                list.put(index, to.make_item(item, making, index)?)?;
            }
        }
        Ok(list.finish())
    }
}

/// What the plan needs to know of an argument it has made and encoded.
pub struct Made {
    /// The value, where it is an integer (a thread count, say).
    pub int: Option<i128>,
    /// How many items it has, where it is a list or a string.
    pub items: Option<usize>,
    /// The value in a few words, for staff reports.
    pub summary: String,
}

/// A list of integers being written into its encoding: its length (unless
/// it is an array), then each item in the item type's width.
struct IntList<'a> {
    int: Int,
    len: usize,
    out: &'a mut Vec<u8>,
    /// Where the first item starts in `out`.
    start: usize,
}

impl<'a> IntList<'a> {
    fn start(int: Int, len: usize, prefixed: bool, out: &'a mut Vec<u8>) -> IntList<'a> {
        if prefixed {
            out.extend_from_slice(&(len as u64).to_le_bytes());
        }
        // Room for a few small arguments after it too, which would
        // otherwise make the whole buffer move.
        out.reserve(len * usize::from(int.bytes) + 64);
        let start = out.len();
        IntList { int, len, out, start }
    }

    fn push(&mut self, value: i128) {
        self.out.extend_from_slice(&value.to_le_bytes()[..usize::from(self.int.bytes)]);
    }

    /// Overwrites item `index` with `value`, an item made for the type.
    fn put(&mut self, index: usize, value: Value) -> Result<()> {
        let Value::Int(value) = value else { bail!("an integer list cannot hold {}", value.shown(8)) };
        let width = usize::from(self.int.bytes);
        let at = self.start + index * width;
        self.out[at..at + width].copy_from_slice(&value.to_le_bytes()[..width]);
        Ok(())
    }

    fn finish(self) -> Made {
        let width = usize::from(self.int.bytes);
        let ty = Type::Int(self.int);
        // The list is all there is after `start`: its first items, as a summary shows them.
        let first: Vec<Value> =
            self.out[self.start..].chunks_exact(width).take(crate::values::SHOWN).filter_map(|bytes| Value::decode(&ty, bytes)).collect();
        Made { int: None, items: Some(self.len), summary: crate::values::list_summary(self.len, &first) }
    }
}

/// `len` integers near their type's maximum divided by `len` that add up to
/// exactly that maximum: the total fits, but nothing narrower holds it.
fn total_to_max(item: &Type, len: usize, making: &mut Making) -> Result<Vec<Value>> {
    let int = int_type(item)?;
    let (_, max) = int.range();
    if len == 0 {
        return Ok(Vec::new());
    }
    let share = max / len as i128;
    let wiggle = (share / 4).min(1 << 32);
    let mut items: Vec<i128> = (1..len).map(|_| share - random_between(making.rng, 0, wiggle)).collect();
    let rest = max - items.iter().sum::<i128>();
    let at = random_between(making.rng, 0, (len - 1) as i128) as usize;
    items.insert(at, rest);
    Ok(items.into_iter().map(Value::Int).collect())
}

/// A number in `low..=high`. The span of all of i128 is more than i128
/// holds, so both steps wrap: the result is in range all the same.
fn random_between(rng: &mut Rng, low: i128, high: i128) -> i128 {
    let span = high.wrapping_sub(low) as u128;
    if span == 0 {
        return low;
    }
    let draw = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
    let offset = if span == u128::MAX { draw } else { draw % (span + 1) };
    low.wrapping_add(offset as i128)
}

fn int_type(ty: &Type) -> Result<Int> {
    match ty {
        Type::Int(int) => Ok(*int),
        other => bail!("an integer was given where the parameter is {}", other.rust()),
    }
}

fn int_value(ty: &Type, value: i128) -> Result<Value> {
    check_fits(int_type(ty)?, value)?;
    Ok(Value::Int(value))
}

fn check_fits(int: Int, value: i128) -> Result<()> {
    let (min, max) = int.range();
    if value < min || value > max {
        bail!("{value} does not fit in {}", int.name);
    }
    Ok(())
}

/// A literal written in YAML, as a value of `ty`.
pub fn literal(yaml: &Yaml, ty: &Type) -> Result<Value> {
    match (ty, yaml) {
        (Type::Option(_), Yaml::Null) => Ok(Value::Option(None)),
        (Type::Option(inner), other) => Ok(Value::Option(Some(Box::new(literal(other, inner)?)))),
        (Type::Int(_), Yaml::Number(number)) => {
            let value = number.as_i64().map(i128::from).or(number.as_u64().map(i128::from));
            int_value(ty, value.with_context(|| format!("{number} is not an integer"))?)
        }
        (Type::Int(_), Yaml::String(text)) => int_value(ty, Expr::parse(text)?.constant()?),
        (Type::Bool, Yaml::Bool(value)) => Ok(Value::Bool(*value)),
        (Type::Char, Yaml::String(text)) if text.chars().count() == 1 => Ok(Value::Char(text.chars().next().unwrap_or(' '))),
        (Type::String, Yaml::String(text)) => Ok(Value::Str(text.clone())),
        (Type::List(item), Yaml::Sequence(items)) => items.iter().map(|yaml| literal(yaml, item)).collect::<Result<_>>().map(Value::List),
        (Type::Array(item, len), Yaml::Sequence(items)) if items.len() == *len => {
            items.iter().map(|yaml| literal(yaml, item)).collect::<Result<_>>().map(Value::List)
        }
        (Type::Tuple(fields), Yaml::Sequence(items)) if items.len() == fields.len() => {
            fields.iter().zip(items).map(|(field, yaml)| literal(yaml, field)).collect::<Result<_>>().map(Value::Tuple)
        }
        (ty, yaml) => bail!("{} is not a value of {}", serde_norway::to_string(yaml).unwrap_or_default().trim(), ty.rust()),
    }
}

/// An integer expression over `threads`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(i128),
    Threads,
    /// The type's own smallest or largest value, where an `int` leaves a bound out.
    Min,
    Max,
    Binary(Box<Expr>, char, Box<Expr>),
    Call(String, Vec<Expr>),
}

impl Expr {
    fn from_yaml(yaml: &Yaml) -> Result<Expr> {
        match yaml {
            Yaml::Number(number) => Ok(Expr::Num(
                number.as_i64().map(i128::from).or(number.as_u64().map(i128::from)).with_context(|| format!("{number} is not an integer"))?,
            )),
            Yaml::String(text) => Expr::parse(text),
            _ => bail!("a number or an expression was expected"),
        }
    }

    pub fn parse(text: &str) -> Result<Expr> {
        let tokens = lex(text)?;
        let mut parser = Parser { tokens, at: 0 };
        let expr = parser.sum().with_context(|| format!("`{text}` is not an expression"))?;
        if parser.at != parser.tokens.len() {
            bail!("`{text}` is not an expression: something is left after {}", parser.at);
        }
        Ok(expr)
    }

    fn uses_random(&self) -> bool {
        match self {
            Expr::Call(name, args) => name == "rand" || args.iter().any(Expr::uses_random),
            Expr::Binary(left, _, right) => left.uses_random() || right.uses_random(),
            _ => false,
        }
    }

    fn uses_threads_or_random(&self) -> bool {
        match self {
            Expr::Threads | Expr::Call(..) => true,
            Expr::Binary(left, _, right) => left.uses_threads_or_random() || right.uses_threads_or_random(),
            _ => false,
        }
    }

    fn is_arithmetic(&self) -> bool {
        matches!(self, Expr::Binary(..) | Expr::Num(_))
    }

    fn constant(&self) -> Result<i128> {
        if self.uses_threads_or_random() {
            bail!("a literal cannot depend on the thread count or on chance");
        }
        let mut rng = Rng::for_case(0, "", 0);
        self.eval(&mut Making { rng: &mut rng, threads: 0 })
    }

    pub fn eval(&self, making: &mut Making) -> Result<i128> {
        Ok(match self {
            Expr::Num(value) => *value,
            Expr::Threads => making.threads as i128,
            Expr::Min | Expr::Max => bail!("the type's own bounds stand only for a missing `int` bound"),
            Expr::Binary(left, op, right) => {
                let (left, right) = (left.eval(making)?, right.eval(making)?);
                let overflow = || anyhow::anyhow!("{left} {op} {right} overflows");
                match op {
                    '+' => left.checked_add(right).ok_or_else(overflow)?,
                    '-' => left.checked_sub(right).ok_or_else(overflow)?,
                    '*' => left.checked_mul(right).ok_or_else(overflow)?,
                    '/' if right != 0 => left / right,
                    '%' if right != 0 => left % right,
                    _ => bail!("{left} {op} {right}: division by zero"),
                }
            }
            Expr::Call(name, args) => {
                let args: Vec<i128> = args.iter().map(|arg| arg.eval(making)).collect::<Result<_>>()?;
                match (name.as_str(), args.as_slice()) {
                    ("rand", [low, high]) if low <= high => random_between(making.rng, *low, *high),
                    ("rand", [low, high]) => bail!("rand({low}, {high}): the low bound is above the high one"),
                    ("max", [a, b]) => (*a).max(*b),
                    ("min", [a, b]) => (*a).min(*b),
                    (other, args) => bail!("`{other}` with {} arguments is not a function: use rand, max or min", args.len()),
                }
            }
        })
    }
}

impl Gen {
    /// An `int` generator's range for `ty`, within the type's own.
    fn int_range(low: &Expr, high: &Expr, ty: &Type, making: &mut Making) -> Result<(i128, i128)> {
        let int = int_type(ty)?;
        let (min, max) = int.range();
        let (low, high) = Gen::bounds(low, high, int, making)?;
        let (low, high) = (low.max(min), high.min(max));
        if low > high {
            bail!("an empty range: from {low} to {high}");
        }
        Ok((low, high))
    }

    /// The `int` generator's bounds stand for the item type's own when left out.
    fn bounds(low: &Expr, high: &Expr, int: Int, making: &mut Making) -> Result<(i128, i128)> {
        let (min, max) = int.range();
        let low = if *low == Expr::Min { min } else { low.eval(making)? };
        let high = if *high == Expr::Max { max } else { high.eval(making)? };
        Ok((low, high))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Num(i128),
    Word(String),
    Op(char),
}

fn lex(text: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c.is_whitespace() || c == '_' && at > 0 && chars[at - 1].is_ascii_digit() {
            at += 1;
        } else if c.is_ascii_digit() {
            let mut value: i128 = 0;
            while at < chars.len() && (chars[at].is_ascii_digit() || chars[at] == '_') {
                if chars[at] != '_' {
                    value = value.checked_mul(10).and_then(|value| value.checked_add(i128::from(chars[at] as u8 - b'0'))).context("a number too large")?;
                }
                at += 1;
            }
            tokens.push(Token::Num(value));
        } else if c.is_alphabetic() {
            let start = at;
            while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_' || chars[at] == ':') {
                at += 1;
            }
            tokens.push(Token::Word(chars[start..at].iter().collect()));
        } else if "+-*/%(),".contains(c) {
            tokens.push(Token::Op(c));
            at += 1;
        } else {
            bail!("`{c}` has no place in an expression");
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn sum(&mut self) -> Result<Expr> {
        let mut left = self.product()?;
        while let Some(Token::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr> {
        let mut left = self.unary()?;
        while let Some(Token::Op(op @ ('*' | '/' | '%'))) = self.peek().cloned() {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr> {
        if self.peek() == Some(&Token::Op('-')) {
            self.at += 1;
            return Ok(Expr::Binary(Box::new(Expr::Num(0)), '-', Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr> {
        let token = self.peek().cloned().context("the expression ends too soon")?;
        self.at += 1;
        match token {
            Token::Num(value) => Ok(Expr::Num(value)),
            Token::Op('(') => {
                let inner = self.sum()?;
                self.expect(')')?;
                Ok(inner)
            }
            Token::Word(word) if word == "threads" => Ok(Expr::Threads),
            Token::Word(word) if word.contains("::") => type_bound(&word).map(Expr::Num),
            Token::Word(word) => {
                self.expect('(')?;
                let mut args = vec![self.sum()?];
                while self.peek() == Some(&Token::Op(',')) {
                    self.at += 1;
                    args.push(self.sum()?);
                }
                self.expect(')')?;
                Ok(Expr::Call(word, args))
            }
            Token::Op(op) => bail!("`{op}` where a value was expected"),
        }
    }

    fn expect(&mut self, op: char) -> Result<()> {
        match self.peek() {
            Some(Token::Op(found)) if *found == op => {
                self.at += 1;
                Ok(())
            }
            _ => bail!("`{op}` was expected"),
        }
    }
}

/// `i32::MIN`, `u64::MAX` and the like.
fn type_bound(word: &str) -> Result<i128> {
    let (name, bound) = word.split_once("::").context("a bound is written TYPE::MIN or TYPE::MAX")?;
    let int = Int::named(name).with_context(|| format!("`{name}` is not an integer type"))?;
    let (min, max) = int.range();
    match bound {
        "MIN" => Ok(min),
        "MAX" => Ok(max),
        other => bail!("`{name}::{other}`: only MIN and MAX are known"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Signature;

    fn generator(yaml: &str) -> Gen {
        parse(&serde_norway::from_str(yaml).unwrap()).unwrap()
    }

    fn make(yaml: &str, ty: &str, threads: usize) -> Value {
        let signature = Signature::parse(&format!("fn f(x: {ty})")).unwrap();
        let mut rng = Rng::for_case(7, "case", threads);
        generator(yaml).make(&signature.params[0].ty, &mut Making { rng: &mut rng, threads }).unwrap()
    }

    #[test]
    fn expressions_follow_arithmetic_and_the_thread_count() {
        let mut rng = Rng::for_case(1, "x", 0);
        let mut making = Making { rng: &mut rng, threads: 8 };
        assert_eq!(Expr::parse("2 * threads + 3").unwrap().eval(&mut making).unwrap(), 19);
        assert_eq!(Expr::parse("(threads - 1) % 3").unwrap().eval(&mut making).unwrap(), 1);
        assert_eq!(Expr::parse("max(threads, 1) * 1_000").unwrap().eval(&mut making).unwrap(), 8000);
        assert_eq!(Expr::parse("i32::MIN").unwrap().eval(&mut making).unwrap(), i128::from(i32::MIN));
        assert_eq!(Expr::parse("-5").unwrap().eval(&mut making).unwrap(), -5);
        let drawn = Expr::parse("rand(3, 5)").unwrap().eval(&mut making).unwrap();
        assert!((3..=5).contains(&drawn));
        assert!(Expr::parse("2 +").is_err());
        assert!(Expr::parse("nope(1)").unwrap().eval(&mut making).is_err());
    }

    #[test]
    fn a_vector_of_ints_draws_what_item_by_item_drawing_does() {
        // A cycle of one generator goes item by item; a plain `of` takes the
        // quick way when its bounds need no draw of their own.
        for (of, ty) in [("{int: [0, 1099511627776]}", "&[u64]"), ("{int: [-5, \"threads * 3\"]}", "Vec<i32>"), ("{}", "&[u8]")] {
            let of = if of == "{}" { "{int: [\"u8::MIN\", \"u8::MAX\"]}" } else { of };
            let quick = make(&format!("{{vec: {{len: 500, of: {of}}}}}"), ty, 4);
            let slow = make(&format!("{{vec: {{len: 500, of: {{cycle: [{of}]}}}}}}"), ty, 4);
            assert_eq!(quick, slow, "{of}");
        }
        // An empty range is no error where no item is drawn from it.
        assert_eq!(make("{vec: {len: 0, of: {int: [0, \"threads - 1\"]}}}", "&[u64]", 0), Value::List(Vec::new()));
    }

    #[test]
    fn lists_made_straight_into_bytes_are_the_values_made_and_encoded() {
        // Each generator and type twice: as a value then encoded, and written
        // straight into its encoding. Bytes, facts, errors and the draws left
        // for the next argument must all agree.
        let generators = [
            "{seq: [1, 1000]}",
            "{seq: [\"threads\", \"threads * 3\"]}",
            "{seq: [5, 1]}",
            "{seq: [\"i128::MAX\", \"i128::MIN\"]}",
            "{seq: [250, 260]}",
            "{vec: {len: 300, of: {int: [0, 1099511627776]}}}",
            "{vec: {len: [0, 40]}}",
            "{vec: {len: 0, of: {int: [0, \"threads - 1\"]}}}",
            "{vec: {len: [\"2 * threads\", 30], of: {int: [-9, 9]}, set: [{at: \"every 3\", to: 0}, {at: last, to: 7}, {at: \"first half\", to: \"threads\"}]}}",
            "{vec: {len: 12, of: {int: [-3, 3]}, one: {int: [100, 120]}, set: [{at: middle, to: -1}, {at: 40, to: 2}]}}",
            "{vec: {len: 4, of: 9}}",
            "{vec: {len: 6, of: {int: [0, \"rand(1, 5)\"]}}}",
            "{vec: {len: 5, distinct: 2}}",
            "{vec: {len: 3, total: max}}",
            "{vec: {len: 7, one: 300}}",
            "[4, 5, 6]",
        ];
        let types = ["&[u64]", "Vec<i32>", "&[u8]", "&[i128]", "Vec<u128>", "[i16; 4]", "[u64; 12]", "&[usize]"];
        let mut fast_ones = 0;
        for yaml in generators {
            for ty in types {
                let signature = Signature::parse(&format!("fn f(x: {ty})")).unwrap();
                let ty = &signature.params[0].ty;
                let (generator, mut slow_rng, mut fast_rng) = (generator(yaml), Rng::for_case(3, "c", 4), Rng::for_case(3, "c", 4));
                let slow = generator.make(ty, &mut Making { rng: &mut slow_rng, threads: 4 }).map(|value| {
                    let mut bytes = vec![1, 2];
                    value.encode(ty, &mut bytes);
                    (bytes, value.as_int(), value.item_count(), value.summary())
                });
                let mut bytes = vec![1, 2];
                let made = generator.make_int_list(ty, &mut Making { rng: &mut fast_rng, threads: 4 }, &mut bytes);
                let fast = match made {
                    Ok(None) => continue,
                    Ok(Some(made)) => Ok((bytes, made.int, made.items, made.summary)),
                    Err(error) => Err(error),
                };
                fast_ones += 1;
                match (slow, fast) {
                    (Ok(slow), Ok(fast)) => assert!(slow == fast, "{yaml} as {}: {slow:?} against {fast:?}", ty.rust()),
                    (Err(slow), Err(fast)) => assert_eq!(slow.to_string(), fast.to_string(), "{yaml} as {}", ty.rust()),
                    (slow, fast) => panic!("{yaml} as {}: {slow:?} against {fast:?}", ty.rust()),
                }
                assert_eq!(slow_rng.next_u64(), fast_rng.next_u64(), "{yaml} as {}: the draws after it", ty.rust());
            }
        }
        // Not a check that passes by never taking the quick way.
        assert!(fast_ones >= 40, "{fast_ones}");
        // Through make_encoded, what is no plain list of integers is made as a value.
        let signature = Signature::parse("fn f(x: &[Vec<i32>], n: usize)").unwrap();
        let mut bytes = Vec::new();
        let mut rng = Rng::for_case(3, "c", 4);
        let mut making = Making { rng: &mut rng, threads: 4 };
        let rows = generator("{vec: {len: 2, of: {vec: {len: 3}}}}").make_encoded(&signature.params[0].ty, &mut making, &mut bytes).unwrap();
        let count = generator("\"threads\"").make_encoded(&signature.params[1].ty, &mut making, &mut bytes).unwrap();
        assert_eq!((rows.items, count.int, count.summary.as_str()), (Some(2), Some(4), "4"));
        assert!(rows.summary.starts_with("2 lists of lengths [3, 3]"), "{}", rows.summary);
        assert_eq!(bytes.len(), 8 + 2 * (8 + 3 * 4) + 8);
    }

    #[test]
    fn vectors_take_their_length_items_places_and_totals() {
        let Value::List(items) = make("{vec: {len: 10, of: {int: [5, 9]}, set: [{at: first, to: 0}, {at: \"every 4\", to: 1}]}}", "&[u64]", 2) else {
            panic!()
        };
        assert_eq!(items.len(), 10);
        assert_eq!((items[0].clone(), items[4].clone(), items[8].clone()), (Value::Int(1), Value::Int(1), Value::Int(1)));
        assert!(items.iter().all(|item| (0..=9).contains(&item.as_int().unwrap())));
        let Value::List(items) = make("{vec: {len: \"2 * threads + 1\", total: max}}", "&[u64]", 3) else { panic!() };
        assert_eq!(items.len(), 7);
        assert_eq!(items.iter().map(|item| item.as_int().unwrap()).sum::<i128>(), i128::from(u64::MAX));
        let Value::List(items) = make("{vec: {len: 50, distinct: 3}}", "Vec<u32>", 1) else { panic!() };
        let mut seen = items.clone();
        seen.sort();
        seen.dedup();
        assert!(seen.len() <= 3);
        let rows = make("{vec: {len: 4, of: {cycle: [{vec: {len: 0}}, {vec: {len: 2, of: {int: [-1, 1]}}}]}}}", "&[Vec<i32>]", 1);
        assert_eq!(rows.item_count(), Some(4));
        assert_eq!(make("{seq: [1, 4]}", "&[u64]", 1), Value::List((1..=4).map(Value::Int).collect()));
        assert_eq!(make("\"threads\"", "usize", 6), Value::Int(6));
        assert_eq!(make("[[3, 7], []]", "&[Vec<i32>]", 1).item_count(), Some(2));
        assert_eq!(make("\"i32::MIN\"", "i32", 1), Value::Int(i128::from(i32::MIN)));
        // Any i128 at all: a span one more than i128 holds.
        assert_eq!(make("{vec: {len: 3}}", "Vec<i128>", 1).item_count(), Some(3));
    }

    #[test]
    fn a_value_that_does_not_fit_its_type_is_an_error() {
        let signature = Signature::parse("fn f(x: u8)").unwrap();
        let mut rng = Rng::for_case(7, "case", 1);
        let mut making = Making { rng: &mut rng, threads: 1 };
        assert!(generator("300").make(&signature.params[0].ty, &mut making).is_err());
        assert!(parse(&serde_norway::from_str("{vector: 1}").unwrap()).is_err());
    }
}
