/// The sum of the squares of `data`, split over at most `chunks` scoped threads.
fn NAME(data: &[u64], chunks: usize) -> u64 {
    todo!("split data into pieces and sum their squares on scoped threads ({} values, {chunks} chunks)", data.len())
}

fn main() {
    let data: Vec<u64> = (1..=1000).collect();
    println!("sum of squares = {}", NAME(&data, 4));
}
