//! The harness: the program in which every test of a submission runs.
//!
//! The grader compiles the student's code as the library `submission`, with a
//! generated `__grader_probe` module appended that knows the assignment's
//! function, and links this file against it. One run of the harness is one
//! test, in its own process, started by the grader's supervisor. Its stdin
//! says what to do (a [`Mode`], then that mode's input):
//!
//! - call: decode the arguments, call the student's function once, and write
//!   what happened on file descriptor 3;
//! - program: run the student's own `fn main`;
//! - explore and repeat: the race modes (see race.rs).
//!
//! This process links student code, so nothing it writes is believed by
//! itself: the record on fd 3 carries the function's answer, which the
//! grader compares with an expected answer that never enters the sandbox,
//! and failures (a panic, a deadlock), which only cost points. How many
//! threads the function spawned, and how the process ended, the supervisor
//! observes from outside.

mod race;
#[path = "record.rs"]
mod record;
#[path = "wire.rs"]
mod wire;

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::process::ExitCode;
use std::sync::Mutex;

use record::{Mode, RaceCase, Record};
use wire::Wire;

const RESULT_FD: i32 = 3;

/// Panic messages longer than this are cut here; the grader caps them again.
const PANIC_TEXT: usize = 4096;

unsafe extern "C" {
    fn fcntl(fd: i32, cmd: i32, ...) -> i32;
}
const F_GETFD: i32 = 1;
const F_SETFD: i32 = 2;
const FD_CLOEXEC: i32 = 1;

/// The first panic seen while the student's function ran: the root cause, where
/// a later `join().unwrap()` would only say "a thread panicked".
static FIRST_PANIC: Mutex<Option<String>> = Mutex::new(None);
/// The last panic: under shuttle, the grader's or shuttle's own verdict.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn main() -> ExitCode {
    let Some(mut channel) = result_channel() else {
        eprintln!("the harness is started by the grader, which gives it a result channel on fd 3");
        return ExitCode::from(2);
    };
    let Some(input) = input() else {
        return report(&mut channel, &Record::BadCase("cannot read the case".into()), 3);
    };
    let mut rest = input.as_slice();
    match Mode::take(&mut rest) {
        Some(Mode::Call) => call(rest, &mut channel),
        Some(Mode::Program) => program(&mut channel),
        Some(mode @ (Mode::Explore | Mode::Repeat)) => race(mode, rest, &mut channel),
        None => report(&mut channel, &Record::BadCase("the case names no mode".into()), 3),
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

fn call(input: &[u8], channel: &mut File) -> ExitCode {
    record_panics();
    let outcome = std::panic::catch_unwind(|| submission::__grader_probe::call(input));
    match outcome {
        Ok(Some(answer)) => report(channel, &Record::Returned(answer), 0),
        Ok(None) => report(channel, &Record::BadCase("the case does not match the contract".into()), 3),
        Err(payload) => {
            let message = take_first_panic().unwrap_or_else(|| panic_text(payload.as_ref()));
            report(channel, &Record::Panicked(message), 101)
        }
    }
}

fn race(mode: Mode, input: &[u8], channel: &mut File) -> ExitCode {
    let Some(case) = record::decode::<RaceCase>(input) else {
        return report(channel, &Record::BadCase("cannot read the race case".into()), 3);
    };
    record_panics();
    let found = match mode {
        Mode::Repeat => race::repeat(&case, submission::__grader_probe::call, take_first_panic),
        _ => explore(&case),
    };
    report(channel, &Record::Race(found), 0)
}

#[cfg(grader_shuttle)]
fn explore(case: &RaceCase) -> record::RaceReport {
    race::explore(case, submission::__grader_probe::call, forget_panics, take_first_panic, take_last_panic)
}

#[cfg(not(grader_shuttle))]
fn explore(_: &RaceCase) -> record::RaceReport {
    record::RaceReport {
        failure: Some(record::Failure {
            kind: record::FailureKind::Panic,
            scheduler: "none".into(),
            message: "this harness was built without shuttle".into(),
            schedule: String::new(),
        }),
        ..Default::default()
    }
}

#[cfg_attr(not(grader_shuttle), allow(dead_code))]
fn forget_panics() {
    for panic in [&FIRST_PANIC, &LAST_PANIC] {
        if let Ok(mut panic) = panic.lock() {
            *panic = None;
        }
    }
}

#[cfg_attr(not(grader_shuttle), allow(dead_code))]
fn take_last_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|mut last| last.take())
}

fn take_first_panic() -> Option<String> {
    FIRST_PANIC.lock().ok().and_then(|mut first| first.take())
}

fn program(channel: &mut File) -> ExitCode {
    match submission::__grader_probe::program() {
        Some(status) => status,
        None => report(channel, &Record::NoMain, 3),
    }
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
