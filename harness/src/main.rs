//! The harness: the program in which every test of a submission runs.
//!
//! The grader compiles the student's code as the library `submission`, with a
//! generated `__grader_probe` module appended that knows the assignment's
//! function, and links this file against it. One run of the harness is one
//! test, in its own process:
//!
//! - `harness call CASE_FILE` decodes the arguments in CASE_FILE, calls the
//!   student's function once, and reports what happened on file descriptor 3;
//! - `harness program` runs the student's own `fn main`;
//! - `harness explore CASE_FILE` and `harness repeat CASE_FILE` are the race
//!   modes (see race.rs).
//!
//! File descriptor 3 is the result channel: a pipe that only the grader reads.
//! The harness closes it on exec so that nothing the student starts inherits it,
//! and writes one record there only after the function has returned, so a
//! `process::exit` halfway or a forged line on stdout earns nothing. The harness
//! judges nothing itself: the grader computes the expected answers and compares.

mod race;
mod threads;
#[path = "wire.rs"]
mod wire;

use std::fs::File;
use std::io::Write;
use std::os::fd::FromRawFd;
use std::process::ExitCode;
use std::sync::Mutex;

use wire::Wire;

const RESULT_FD: i32 = 3;

/// Record tags, one byte at the start of what the harness writes on the result
/// channel; the grader's `run` module reads the same tags.
const RETURNED: u8 = b'R';
const PANICKED: u8 = b'P';
const NO_MAIN: u8 = b'N';
const BAD_CASE: u8 = b'I';
const RACE: u8 = b'X';

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
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("call") if args.len() == 3 => call(&args[2], &mut channel),
        Some("program") => program(&mut channel),
        Some(mode @ ("explore" | "repeat")) if args.len() == 3 => race(mode, &args[2], &mut channel),
        _ => {
            eprintln!("usage: harness call CASE_FILE | harness program | harness explore|repeat CASE_FILE");
            ExitCode::from(2)
        }
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

fn call(case_file: &str, channel: &mut File) -> ExitCode {
    let Ok(input) = std::fs::read(case_file) else {
        return report(channel, BAD_CASE, format!("cannot read {case_file}").as_bytes(), 3);
    };
    record_first_panic();
    threads::start_counting();
    let outcome = std::panic::catch_unwind(|| submission::__grader_probe::call(&input));
    match outcome {
        Ok(Some(answer)) => report(channel, RETURNED, &answer, 0),
        Ok(None) => report(channel, BAD_CASE, b"the case file does not match the contract", 3),
        Err(payload) => {
            let message = take_first_panic().unwrap_or_else(|| panic_text(payload.as_ref()));
            report(channel, PANICKED, message.as_bytes(), 101)
        }
    }
}

fn race(mode: &str, case_file: &str, channel: &mut File) -> ExitCode {
    let Some(case) = race::RaceCase::read(case_file) else {
        return report(channel, BAD_CASE, format!("cannot read {case_file}").as_bytes(), 3);
    };
    record_first_panic();
    threads::start_counting();
    let finding = match mode {
        "repeat" => race::repeat(&case, submission::__grader_probe::call, take_first_panic),
        _ => explore(&case),
    };
    report(channel, RACE, &finding.encode(), 0)
}

#[cfg(grader_shuttle)]
fn explore(case: &race::RaceCase) -> race::Finding {
    race::explore(case, submission::__grader_probe::call, forget_panics, take_first_panic, take_last_panic)
}

#[cfg(not(grader_shuttle))]
fn explore(_: &race::RaceCase) -> race::Finding {
    let mut finding = race::Finding::nothing("none", 0);
    finding.message = "this harness was built without shuttle".to_string();
    finding
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
        None => report(channel, NO_MAIN, b"", 3),
    }
}

/// Writes one record (tag, threads spawned, most threads alive at once, payload)
/// and returns the exit status the harness ends with.
fn report(channel: &mut File, tag: u8, payload: &[u8], status: u8) -> ExitCode {
    let (spawned, peak) = threads::counts().unwrap_or((u64::MAX, u64::MAX));
    let mut record = Vec::with_capacity(payload.len() + 32);
    tag.put(&mut record);
    spawned.put(&mut record);
    peak.put(&mut record);
    payload.to_vec().put(&mut record);
    if channel.write_all(&record).and_then(|()| channel.flush()).is_err() {
        return ExitCode::from(4);
    }
    ExitCode::from(status)
}

fn record_first_panic() {
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
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a value that is not text".to_string()
    }
}
