// Correct: std is named through `use ::std as s;`; split_first_mut peels one output slot off at a
// time for each row's scoped thread.
use ::std as s;

fn row_maxima(matrix: &[Vec<i32>]) -> Vec<i32> {
    let mut out = s::vec![i32::MIN; matrix.len()];
    s::thread::scope(|scope| {
        let mut free: &mut [i32] = &mut out;
        for row in matrix {
            let (slot, rest) = s::mem::take(&mut free).split_first_mut().expect("one slot per row");
            free = rest;
            scope.spawn(move || {
                for &x in row {
                    *slot = (*slot).max(x);
                }
            });
        }
    });
    out
}

fn main() {
    let matrix = vec![vec![3, 7, 2], vec![9, 1, 4], vec![5, 5, 8]];
    println!("{:?}", row_maxima(&matrix));
}
