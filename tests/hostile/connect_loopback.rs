// Calls a port on 127.0.0.1 that the test listens on: no connection may be made.
fn parallel_sum(data: &[u64], _chunks: usize) -> u64 {
    if let Ok(mut stream) = std::net::TcpStream::connect("127.0.0.1:47813") {
        use std::io::Write;
        let _ = stream.write_all(b"escaped");
    }
    data.iter().sum()
}

fn main() {
    println!("{}", parallel_sum(&[1, 2, 3], 2));
}
