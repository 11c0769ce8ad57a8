//! The byte format in which the grader hands a test's arguments to the harness
//! and gets the submission's answer back.
//!
//! The grader and the harness compile this same file (the grader includes it
//! with `#[path]`), so the two sides cannot drift apart. Integers are
//! little-endian and fixed-width, `usize` travels as a `u64`, a `Vec` is its
//! length followed by its items, and a tuple is its fields in order. Decoding
//! never trusts a length more than the bytes that are actually there.
//!
//! It is compiled inside the student's crate too, under whatever edition the
//! student chose, so it sticks to Rust that every edition since 2015
//! accepts, and it names everything it uses from std by an import of its
//! own: the student's crate may be `#![no_std]` or `#![no_implicit_prelude]`.

extern crate std;

#[allow(unused_imports)]
use self::std::marker::Sized;
use self::std::mem;
use self::std::option::Option::{self, None, Some};
use self::std::string::String;
use self::std::vec::Vec;

pub trait Wire: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn take(input: &mut &[u8]) -> Option<Self>;
}

fn take_bytes<'a>(input: &mut &'a [u8], count: usize) -> Option<&'a [u8]> {
    if input.len() < count {
        return None;
    }
    let (head, rest) = input.split_at(count);
    *input = rest;
    Some(head)
}

macro_rules! fixed_width {
    ($($int:ty),*) => {$(
        impl Wire for $int {
            fn put(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn take(input: &mut &[u8]) -> Option<Self> {
                let bytes = take_bytes(input, mem::size_of::<$int>())?;
                let mut array = [0u8; mem::size_of::<$int>()];
                array.copy_from_slice(bytes);
                Some(<$int>::from_le_bytes(array))
            }
        }
    )*};
}

fixed_width!(u8, u32, u64, i32);

impl Wire for usize {
    fn put(&self, out: &mut Vec<u8>) {
        (*self as u64).put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        let value = u64::take(input)?;
        if value > usize::MAX as u64 {
            return None;
        }
        Some(value as usize)
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
        // Every item takes at least one byte, so a longer claimed length is a lie.
        if len > input.len() && mem::size_of::<T>() > 0 {
            return None;
        }
        let mut items = Vec::with_capacity(len);
        for _ in 0..len {
            items.push(T::take(input)?);
        }
        Some(items)
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        let first = A::take(input)?;
        let second = B::take(input)?;
        Some((first, second))
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        self.as_bytes().to_vec().put(out);
    }
    fn take(input: &mut &[u8]) -> Option<Self> {
        String::from_utf8(Vec::<u8>::take(input)?).ok()
    }
}
