//! `grader_harness`: the code in which every test of a submission runs.
//!
//! The grader compiles the student's code as the library `submission`, with a
//! generated `__grader_probe` module appended that knows the assignment's
//! function, and links it with this crate through a `main` of one line that
//! calls [`run`] with the probe's two functions. One run is one test, in its
//! own process, started by the grader's supervisor, or forked for it by
//! this same program started once as a fork server (zygote.rs). Its stdin says what to do
//! (a [`Mode`], then that mode's input):
//!
//! - call: decode the arguments, call the student's function once, and write
//!   what happened on file descriptor 3;
//! - program: run the student's own `fn main`;
//! - explore and repeat: the race modes (see race.rs); exploring needs the
//!   `shuttle` feature, which the race build's copy of this crate has.
//!
//! This process links student code, so nothing it writes is believed by
//! itself: the record on fd 3 carries the function's answer, which the
//! grader compares with an expected answer that never enters the sandbox,
//! and failures (a panic, a deadlock), which only cost points. How many
//! threads the function spawned, and how the process ended, the supervisor
//! observes from outside.

mod race;
mod zygote;

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::process::ExitCode;
use std::sync::Mutex;

use grader_protocol::{Mode, RaceCase, RaceReport, Record, Wire, decode};

/// The probe's call: the encoded arguments in, the encoded answer out, or
/// None when the arguments do not decode as the contract's.
pub type Call = fn(&[u8]) -> Option<Vec<u8>>;

/// The probe's run of the student's `fn main`: its exit status, or None when
/// there is no `fn main`.
pub type Program = fn() -> Option<ExitCode>;

const RESULT_FD: i32 = 3;

/// Panic messages longer than this are cut here; the grader caps them again.
const PANIC_TEXT: usize = 4096;

unsafe extern "C" {
    fn fcntl(fd: i32, cmd: i32, ...) -> i32;
    fn signal(signal: i32, handler: usize) -> usize;
}
const SIGBUS: i32 = 7;
const SIGSEGV: i32 = 11;
const SIG_DFL: usize = 0;
const SIG_IGN: usize = 1;
const F_GETFD: i32 = 1;
const F_SETFD: i32 = 2;
const FD_CLOEXEC: i32 = 1;

/// The first panic seen while the student's function ran: the root cause, where
/// a later `join().unwrap()` would only say "a thread panicked".
static FIRST_PANIC: Mutex<Option<String>> = Mutex::new(None);
/// The last panic: under shuttle, the grader's or shuttle's own verdict.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs one test: reads its request on stdin, does it, writes the one record
/// on fd 3, and returns the status the process ends with.
pub fn run(call: Call, program: Program) -> ExitCode {
    restore_fault_signals();
    if zygote::started_as_server() {
        // Returns in each forked test, set up as if started on its own.
        zygote::serve();
    }
    let Some(mut channel) = result_channel() else {
        eprintln!("the harness is started by the grader, which gives it a result channel on fd 3");
        return ExitCode::from(2);
    };
    let Some(input) = input() else {
        return report(&mut channel, &Record::BadCase("cannot read the case".into()), 3);
    };
    match request(&input) {
        Ok(Request::Call(args)) => call_once(call, args, &mut channel),
        Ok(Request::Program) => match program() {
            Some(status) => status,
            None => report(&mut channel, &Record::NoMain, 3),
        },
        Ok(Request::Race(mode, case)) => race(mode, &case, call, &mut channel),
        Err(bad_case) => report(&mut channel, &bad_case, 3),
    }
}

/// Rust's runtime maps a signal stack for each thread it starts, and unmaps
/// it when the thread ends, whenever SIGSEGV and SIGBUS are at their
/// defaults as it starts: a third of what a thread costs, in tests that
/// start thousands. So both are ignored from an `.init_array` entry, which
/// runs before the runtime does, and [`restore_fault_signals`] sets them
/// back before any student code runs. A fault still ends the test with
/// SIGSEGV or SIGBUS, without Rust's message naming the thread.
#[used]
#[unsafe(link_section = ".init_array")]
static IGNORE_FAULTS: extern "C" fn() = ignore_faults;

extern "C" fn ignore_faults() {
    for fault in [SIGSEGV, SIGBUS] {
        // SAFETY: sets the disposition of a signal, before anything else runs.
        unsafe { signal(fault, SIG_IGN) };
    }
}

/// The student's code runs with SIGSEGV and SIGBUS at their defaults.
fn restore_fault_signals() {
    // Named here so that the object holding the `.init_array` entry is
    // always linked in, whichever codegen unit it landed in.
    std::hint::black_box(&IGNORE_FAULTS);
    for fault in [SIGSEGV, SIGBUS] {
        // SAFETY: sets the default disposition of a signal.
        unsafe { signal(fault, SIG_DFL) };
    }
}

/// What a test process is asked to do, read from its stdin.
#[derive(Debug, PartialEq)]
enum Request<'a> {
    /// Call the function once with these encoded arguments.
    Call(&'a [u8]),
    Program,
    /// Explore or repeat.
    Race(Mode, RaceCase),
}

/// Reads the request; a request the harness cannot read is answered with
/// the record that says so.
fn request(input: &[u8]) -> Result<Request<'_>, Record> {
    let mut rest = input;
    match Mode::take(&mut rest) {
        Some(Mode::Call) => Ok(Request::Call(rest)),
        Some(Mode::Program) => Ok(Request::Program),
        Some(mode @ (Mode::Explore | Mode::Repeat)) => match decode::<RaceCase>(rest) {
            Some(case) => Ok(Request::Race(mode, case)),
            None => Err(Record::BadCase("cannot read the race case".into())),
        },
        None => Err(Record::BadCase("the case names no mode".into())),
    }
}

fn result_channel() -> Option<File> {
    // SAFETY: fcntl on a descriptor number only inspects or flags it.
    unsafe {
        if fcntl(RESULT_FD, F_GETFD) == -1 || fcntl(RESULT_FD, F_SETFD, FD_CLOEXEC) == -1 {
            return None;
        }
        Some(File::from_raw_fd(RESULT_FD))
    }
}

/// The test's input, all of stdin.
fn input() -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::stdin().lock().read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

fn call_once(call: Call, args: &[u8], channel: &mut File) -> ExitCode {
    record_panics();
    match std::panic::catch_unwind(|| call(args)) {
        Ok(Some(answer)) => report(channel, &Record::Returned(answer), 0),
        Ok(None) => report(channel, &Record::BadCase("the case does not match the contract".into()), 3),
        Err(payload) => {
            let message = take_first_panic().unwrap_or_else(|| panic_text(payload.as_ref()));
            report(channel, &Record::Panicked(message), 101)
        }
    }
}

fn race(mode: Mode, case: &RaceCase, call: Call, channel: &mut File) -> ExitCode {
    record_panics();
    let found = match mode {
        Mode::Repeat => race::repeat(case, call, take_first_panic),
        _ => explore(case, call),
    };
    report(channel, &Record::Race(found), 0)
}

#[cfg(feature = "shuttle")]
fn explore(case: &RaceCase, call: Call) -> RaceReport {
    race::explore(case, call, forget_panics, take_first_panic, take_last_panic)
}

#[cfg(not(feature = "shuttle"))]
fn explore(_: &RaceCase, _: Call) -> RaceReport {
    RaceReport {
        failure: Some(grader_protocol::Failure {
            kind: grader_protocol::FailureKind::Panic,
            scheduler: "none".into(),
            message: "this harness was built without shuttle".into(),
            schedule: String::new(),
        }),
        ..Default::default()
    }
}

#[cfg_attr(not(feature = "shuttle"), allow(dead_code))]
fn forget_panics() {
    for panic in [&FIRST_PANIC, &LAST_PANIC] {
        if let Ok(mut panic) = panic.lock() {
            *panic = None;
        }
    }
}

#[cfg_attr(not(feature = "shuttle"), allow(dead_code))]
fn take_last_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|mut last| last.take())
}

fn take_first_panic() -> Option<String> {
    FIRST_PANIC.lock().ok().and_then(|mut first| first.take())
}

/// Writes the one record and returns the exit status the harness ends with.
fn report(channel: &mut File, record: &Record, status: u8) -> ExitCode {
    let mut bytes = Vec::new();
    record.put(&mut bytes);
    if channel.write_all(&bytes).and_then(|()| channel.flush()).is_err() {
        return ExitCode::from(4);
    }
    ExitCode::from(status)
}

fn record_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("<unnamed>");
        let location = info.location().map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()));
        let text = format!("thread '{name}' panicked{}: {}", location.unwrap_or_default(), panic_text(info.payload()));
        if let Ok(mut first) = FIRST_PANIC.lock() {
            first.get_or_insert(text.clone());
        }
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(text);
        }
        default_hook(info);
    }));
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let text = if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a value that is not text".to_string()
    };
    cut(text)
}

fn cut(mut text: String) -> String {
    if text.len() > PANIC_TEXT {
        let mut end = PANIC_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str(" …");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use grader_protocol::encode;

    /// `stack_t` of Linux.
    #[repr(C)]
    struct SignalStack {
        base: *mut u8,
        flags: i32,
        size: usize,
    }

    unsafe extern "C" {
        fn sigaltstack(new: *const SignalStack, old: *mut SignalStack) -> i32;
    }

    const SS_DISABLE: i32 = 2;

    /// The `.init_array` entry ran before Rust's runtime (this test program
    /// links this crate as the harness does): a new thread has no signal
    /// stack of its own.
    #[test]
    fn threads_start_without_a_signal_stack() {
        let disabled = std::thread::spawn(|| {
            let mut old = SignalStack { base: std::ptr::null_mut(), flags: 0, size: 0 };
            // SAFETY: reads this thread's signal stack into a live struct.
            let read = unsafe { sigaltstack(std::ptr::null(), &mut old) };
            read == 0 && old.flags & SS_DISABLE != 0
        })
        .join()
        .unwrap();
        assert!(disabled, "Rust's runtime gave a new thread a signal stack");
    }

    fn with_mode(mode: Mode, rest: &[u8]) -> Vec<u8> {
        [encode(&mode), rest.to_vec()].concat()
    }

    #[test]
    fn a_call_request_hands_on_the_arguments_after_the_mode() {
        let input = with_mode(Mode::Call, &[1, 2, 3]);
        assert_eq!(request(&input), Ok(Request::Call(&[1, 2, 3])));
        assert_eq!(request(&with_mode(Mode::Program, &[])), Ok(Request::Program));
    }

    #[test]
    fn a_race_request_carries_its_decoded_case() {
        let case = RaceCase { args: vec![9], iterations: 300, pct_depth: 3, seed: 17, schedule: "ab".into(), budget_ms: 5000 };
        for mode in [Mode::Explore, Mode::Repeat] {
            assert_eq!(request(&with_mode(mode, &encode(&case))), Ok(Request::Race(mode, case.clone())));
        }
    }

    #[test]
    fn an_unreadable_request_is_a_bad_case() {
        let bad = |why: &str| Err(Record::BadCase(why.into()));
        assert_eq!(request(&[]), bad("the case names no mode"));
        assert_eq!(request(b"z"), bad("the case names no mode"));
        assert_eq!(request(&with_mode(Mode::Explore, &[1, 2])), bad("cannot read the race case"));
        let case = RaceCase { args: vec![], iterations: 1, pct_depth: 0, seed: 0, schedule: String::new(), budget_ms: 0 };
        let mut long = with_mode(Mode::Repeat, &encode(&case));
        long.push(0);
        assert_eq!(request(&long), bad("cannot read the race case"));
    }

    #[test]
    fn a_long_panic_message_is_cut_on_a_character_boundary() {
        assert_eq!(cut("short".into()), "short");
        assert_eq!(cut("x".repeat(PANIC_TEXT)), "x".repeat(PANIC_TEXT));
        let cut_text = cut("x".repeat(PANIC_TEXT + 1));
        assert_eq!(cut_text, format!("{} …", "x".repeat(PANIC_TEXT)));
        // "é" is two bytes: one straddles the limit and is left out whole.
        let accented = format!("{}{}", "x".repeat(PANIC_TEXT - 1), "é".repeat(10));
        assert_eq!(cut(accented), format!("{} …", "x".repeat(PANIC_TEXT - 1)));
    }

    #[test]
    fn a_panic_payload_becomes_text() {
        assert_eq!(panic_text(&"static text"), "static text");
        assert_eq!(panic_text(&String::from("formatted 7")), "formatted 7");
        assert_eq!(panic_text(&42u32), "a panic with a value that is not text");
    }
}
