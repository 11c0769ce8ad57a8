//! The byte format of every value that crosses between the grader and a test
//! process: a function's arguments, its answer, and the records around them.
//!
//! Each type has one encoding, with no tags beyond those written here and no
//! padding, so the grader can also read and write it from a type named only
//! at run time:
//!
//! - integers (`u8` to `u128`, `i8` to `i128`) in fixed width, little-endian;
//!   `usize` and `isize` as 8 bytes, like `u64` and `i64`;
//! - `bool` as one byte, 0 or 1; `char` as its `u32` scalar value;
//! - `String` as its byte length (a `usize`), then its UTF-8 bytes;
//! - `Vec<T>` as its length (a `usize`), then its items; `[T; N]` as its N
//!   items, with no length;
//! - a tuple of up to 6 fields as its fields in order, `()` as nothing;
//! - `Option<T>` as a byte 0 (`None`), or 1 followed by the value.
//!
//! Decoding takes no byte on trust: anything else where a `bool`, a `char`,
//! UTF-8 or an `Option`'s tag should be gives `None`, and so does a length
//! that claims more items than there are bytes left, so a hostile length can
//! neither allocate much nor run a loop for long. (The one cost: a `Vec` of
//! items that encode as nothing, such as `()`, decodes only as long as bytes
//! follow it.) Nothing here panics on any input.

/// A value with a byte encoding: `put` appends it, `take` reads one from the
/// front of `input` and moves `input` past it.
pub trait Wire: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn take(input: &mut &[u8]) -> Option<Self>;
}

/// The first `count` bytes of `input`, which moves past them.
fn take_bytes<'a>(input: &mut &'a [u8], count: usize) -> Option<&'a [u8]> {
    let (head, rest) = input.split_at_checked(count)?;
    *input = rest;
    Some(head)
}

/// Takes `N` bytes as an array.
fn take_array<const N: usize>(input: &mut &[u8]) -> Option<[u8; N]> {
    take_bytes(input, N)?.try_into().ok()
}

macro_rules! fixed_width {
    ($($int:ty),*) => {$(
        impl Wire for $int {
            fn put(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn take(input: &mut &[u8]) -> Option<Self> {
                take_array(input).map(<$int>::from_le_bytes)
            }
        }
    )*};
}

fixed_width!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128);

/// `usize` and `isize` travel as 8 bytes whatever the platform's width, so
/// both sides agree; a value the reader's `usize` cannot hold is refused.
macro_rules! pointer_width {
    ($($int:ty as $wide:ty),*) => {$(
        impl Wire for $int {
            fn put(&self, out: &mut Vec<u8>) {
                // Lossless where `usize` is at most 64 bits, every target Rust has.
                (*self as $wide).put(out);
            }
            fn take(input: &mut &[u8]) -> Option<Self> {
                <$int>::try_from(<$wide>::take(input)?).ok()
            }
        }
    )*};
}

pointer_width!(usize as u64, isize as i64);

impl Wire for bool {
    fn put(&self, out: &mut Vec<u8>) {
        u8::from(*self).put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        match u8::take(input)? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Wire for char {
    fn put(&self, out: &mut Vec<u8>) {
        u32::from(*self).put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        char::from_u32(u32::take(input)?)
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        let len = usize::take(input)?;
        String::from_utf8(take_bytes(input, len)?.to_vec()).ok()
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        for item in self {
            item.put(out);
        }
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        let len = usize::take(input)?;
        // A length is believed only as far as there are bytes for its items.
        if len > input.len() {
            return None;
        }
        let mut items = Vec::with_capacity(len);
        for _ in 0..len {
            items.push(T::take(input)?);
        }
        Some(items)
    }
}

impl<T: Wire, const N: usize> Wire for [T; N] {
    fn put(&self, out: &mut Vec<u8>) {
        for item in self {
            item.put(out);
        }
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        let mut items = Vec::with_capacity(N);
        for _ in 0..N {
            items.push(T::take(input)?);
        }
        items.try_into().ok()
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => 0u8.put(out),
            Some(value) => {
                1u8.put(out);
                value.put(out);
            }
        }
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        match u8::take(input)? {
            0 => Some(None),
            1 => Some(Some(T::take(input)?)),
            _ => None,
        }
    }
}

macro_rules! tuple {
    ($($field:ident $index:tt),*) => {
        impl<$($field: Wire),*> Wire for ($($field,)*) {
            #[allow(unused_variables)]
            fn put(&self, out: &mut Vec<u8>) {
                $(self.$index.put(out);)*
            }
            #[allow(unused_variables, clippy::unused_unit)]
            fn take(input: &mut &[u8]) -> Option<Self> {
                Some(($($field::take(input)?,)*))
            }
        }
    };
}

tuple!();
tuple!(A 0);
tuple!(A 0, B 1);
tuple!(A 0, B 1, C 2);
tuple!(A 0, B 1, C 2, D 3);
tuple!(A 0, B 1, C 2, D 3, E 4);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5);

/// Decodes a whole value: nothing may be left over.
pub fn decode<T: Wire>(mut bytes: &[u8]) -> Option<T> {
    let value = T::take(&mut bytes)?;
    bytes.is_empty().then_some(value)
}

/// Encodes a value on its own.
pub fn encode<T: Wire>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    value.put(&mut bytes);
    bytes
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fmt::Debug;

    /// `value` encodes to `bytes` and [`round_trips`].
    fn round_trip<T: Wire + PartialEq + Debug>(value: T, bytes: &[u8]) {
        assert_eq!(encode(&value), bytes, "the encoding of {value:?}");
        round_trips(value);
    }

    /// `value` decodes back to itself, and no shorter prefix of its
    /// encoding, nor a longer input, decodes as a whole value.
    pub(crate) fn round_trips<T: Wire + PartialEq + Debug>(value: T) {
        let encoded = encode(&value);
        assert_eq!(decode::<T>(&encoded).as_ref(), Some(&value));
        for end in 0..encoded.len() {
            assert_eq!(decode::<T>(&encoded[..end]), None, "{value:?} cut to {end} bytes");
        }
        let mut longer = encoded.clone();
        longer.push(0);
        assert_eq!(decode::<T>(&longer), None, "{value:?} with a byte after it");
    }

    fn le(value: u64) -> [u8; 8] {
        value.to_le_bytes()
    }

    fn concat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    #[test]
    fn integers_are_fixed_width_little_endian() {
        round_trip(0xabu8, &[0xab]);
        round_trip(0x1234u16, &[0x34, 0x12]);
        round_trip(0x1234_5678u32, &[0x78, 0x56, 0x34, 0x12]);
        round_trip(u64::MAX - 1, &le(u64::MAX - 1));
        round_trip(u128::MAX / 3, &(u128::MAX / 3).to_le_bytes());
        round_trip(-1i8, &[0xff]);
        round_trip(-2i16, &[0xfe, 0xff]);
        round_trip(i32::MIN, &i32::MIN.to_le_bytes());
        round_trip(-5i64, &(-5i64).to_le_bytes());
        round_trip(i128::MIN + 7, &(i128::MIN + 7).to_le_bytes());
    }

    #[test]
    fn usize_and_isize_take_eight_bytes() {
        round_trip(7usize, &le(7));
        round_trip(usize::MAX, &le(u64::MAX));
        round_trip(-3isize, &(-3i64).to_le_bytes());
        round_trip(isize::MIN, &i64::MIN.to_le_bytes());
    }

    #[test]
    fn a_bool_is_one_byte_zero_or_one() {
        round_trip(false, &[0]);
        round_trip(true, &[1]);
        assert_eq!(decode::<bool>(&[2]), None);
        assert_eq!(decode::<bool>(&[0xff]), None);
    }

    #[test]
    fn a_char_is_its_scalar_value() {
        round_trip('a', &[0x61, 0, 0, 0]);
        round_trip('€', &0x20acu32.to_le_bytes());
        round_trip(char::MAX, &0x10_ffffu32.to_le_bytes());
        // A surrogate and a value past the last scalar are no chars.
        assert_eq!(decode::<char>(&0xd800u32.to_le_bytes()), None);
        assert_eq!(decode::<char>(&0x11_0000u32.to_le_bytes()), None);
    }

    #[test]
    fn a_string_is_its_byte_length_then_utf8() {
        round_trip(String::new(), &le(0));
        round_trip("hé".to_string(), &concat(&[&le(3), "hé".as_bytes()]));
        assert_eq!(decode::<String>(&concat(&[&le(2), &[0xc3, 0x28]])), None, "invalid UTF-8");
        assert_eq!(decode::<String>(&concat(&[&le(u64::MAX), b"abc"])), None, "a length past the bytes");
    }

    #[test]
    fn a_vec_is_its_length_then_its_items() {
        round_trip(Vec::<u64>::new(), &le(0));
        round_trip(vec![1u32, 2], &concat(&[&le(2), &[1, 0, 0, 0, 2, 0, 0, 0]]));
        round_trip(vec![vec![-1i32], vec![]], &concat(&[&le(2), &le(1), &[0xff; 4], &le(0)]));
    }

    #[test]
    fn a_length_is_believed_no_further_than_the_bytes_that_follow() {
        assert_eq!(decode::<Vec<u8>>(&concat(&[&le(u64::MAX), &[1, 2]])), None);
        assert_eq!(decode::<Vec<u64>>(&concat(&[&le(2), &le(1)])), None);
        // Items that encode as nothing cannot outnumber the bytes after the length.
        let mut units = Vec::new();
        vec![(); 3].put(&mut units);
        assert_eq!(units, le(3));
        assert_eq!(decode::<Vec<()>>(&units), None);
        assert_eq!(<(Vec<()>, [u8; 3])>::take(&mut &concat(&[&le(3), &[1, 2, 3]])[..]), Some((vec![(); 3], [1, 2, 3])));
    }

    #[test]
    fn an_array_is_its_items_without_a_length() {
        round_trip([1u16, 2, 3], &[1, 0, 2, 0, 3, 0]);
        round_trip([[true; 2]; 2], &[1, 1, 1, 1]);
        round_trip([0u64; 0], &[]);
        round_trip([(); 4], &[]);
    }

    #[test]
    fn a_tuple_is_its_fields_in_order() {
        round_trip((), &[]);
        round_trip((5u8,), &[5]);
        round_trip((1u8, true), &[1, 1]);
        round_trip((1u8, 2u16, 'c'), &[1, 2, 0, 0x63, 0, 0, 0]);
        round_trip((1u8, 2u8, 3u8, 4u8), &[1, 2, 3, 4]);
        round_trip((1u8, 2u8, 3u8, 4u8, false), &[1, 2, 3, 4, 0]);
        round_trip((1u8, 2u8, 3u8, 4u8, 5u8, (6u8, ())), &[1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn an_option_is_a_tag_byte_then_its_value() {
        round_trip(None::<u32>, &[0]);
        round_trip(Some(7u32), &[1, 7, 0, 0, 0]);
        round_trip(Some(None::<bool>), &[1, 0]);
        round_trip(Some(()), &[1]);
        assert_eq!(decode::<Option<u8>>(&[2, 7]), None);
    }

    #[test]
    fn no_input_makes_decoding_panic() {
        // Every short input, and a run of pseudo-random ones, through a type
        // with every kind of field: each either decodes or gives None.
        type Everything = (Vec<(String, Option<char>)>, [bool; 2], (i128, usize), Vec<Vec<u8>>);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..200 {
            for _ in 0..50 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        // Mostly small bytes, so lengths and tags are often plausible.
                        if state.is_multiple_of(4) { state as u8 } else { (state % 3) as u8 }
                    })
                    .collect();
                let _ = decode::<Everything>(&bytes);
            }
        }
    }
}
