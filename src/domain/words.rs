//! Counts that agree with their nouns: "1 win", "2 wins", "1 reply", "3 replies".

/// `n` and the noun in the form that agrees with it.
pub fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `n` and a regular noun: "1 touch", "2 touches", "1 reply", "2 replies", "3 attempts".
pub fn count(n: i64, noun: &str) -> String {
    if n == 1 {
        return format!("1 {noun}");
    }
    let many = if noun.ends_with("ch") || noun.ends_with('s') || noun.ends_with('x') {
        format!("{noun}es")
    } else if let Some(stem) = noun
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'o']))
    {
        format!("{stem}ies")
    } else {
        format!("{noun}s")
    };
    format!("{n} {many}")
}

/// Blocks as a person reads them — done, and planned (a block can be done without having
/// been planned): "2 blocks done · 3 planned", "1 block done (none planned)", "no blocks".
pub fn blocks_done_of_planned(done: i64, planned: i64) -> String {
    match (done, planned) {
        (0, 0) => "no blocks".to_owned(),
        (done, 0) => format!("{} done (none planned)", count(done, "block")),
        (done, planned) => format!("{} done · {planned} planned", count(done, "block")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_read_as_words_never_as_a_fraction() {
        assert_eq!(blocks_done_of_planned(1, 0), "1 block done (none planned)");
        assert_eq!(blocks_done_of_planned(2, 3), "2 blocks done · 3 planned");
        assert_eq!(blocks_done_of_planned(0, 1), "0 blocks done · 1 planned");
        assert_eq!(blocks_done_of_planned(0, 0), "no blocks");
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(1, "win"), "1 win");
        assert_eq!(count(2, "win"), "2 wins");
        assert_eq!(count(0, "touch"), "0 touches");
        assert_eq!(count(3, "reply"), "3 replies");
        assert_eq!(count(2, "day"), "2 days");
        assert_eq!(count(1, "working day"), "1 working day");
        assert_eq!(plural(2, "person", "people"), "2 people");
    }
}
