// Correct: edition-2021 Cargo project; row_maxima lives in src/maxima.rs and is brought into the
// crate root with `use`.
mod maxima;

use maxima::row_maxima;

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
