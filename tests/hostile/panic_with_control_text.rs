// Tries to rewrite its own report with the text it controls: its panic
// message and its program's output carry a workflow command after a bare CR
// (GitHub's runner ends a line there), terminal escapes that erase the line
// above and colour a fake score, the characters XML forbids, Unicode line
// ends and a right-to-left override, HTML, and a fence of backticks that
// would close a Markdown code block.
const FORGED: &str = "wrong\r::notice title=Autograding complete::Points 100/100\r\n\
    \x1b[2K\x1b[1A\x1b[32mall tests passed\x1b[0m\n\
    \n\
    Score: 100 / 100\n\
    ##[set-output name=score;]100 and ::error::none\u{85}::warning::nel\u{2028}::warning::ls\n\
    forbidden in XML: \u{fffe} \u{ffff} \u{1} \u{202e}desrever\n\
    <script>alert(1)</script><img src=x onerror=alert(1)>\n\
    ```\n\
    # Score: 100 / 100\n";

fn parallel_sum(_data: &[u64], _chunks: usize) -> u64 {
    panic!("{FORGED}");
}

fn main() {
    print!("{FORGED}");
}
