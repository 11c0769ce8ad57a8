#[allow(unused_imports)] // needed once you write the function
use std::thread;

/// Returns the largest value of each row of `matrix`, in row order
/// (`i32::MIN` for an empty row). Rows are handled on scoped threads that
/// each write into their own `&mut` slot of a pre-sized output vector.
#[allow(unused_variables)] // remove this line once you use the parameter
fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    todo!("pre-size the output, then give each scoped thread its own rows and `&mut` slots")
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
