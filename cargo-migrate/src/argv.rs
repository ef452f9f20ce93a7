//! Argument normalisation: `cargo migrate x`, `cargo-migrate migrate x` and `cargo-migrate x`
//! parse alike. Cargo runs `cargo-migrate migrate x` for `cargo migrate x`.

use std::ffi::OsString;

/// Drops the `migrate` word cargo inserts after the program name.
pub fn normalize(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "migrate") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize(args.iter().map(OsString::from)).into_iter().map(|a| a.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn cargo_and_direct_invocations_agree() {
        assert_eq!(norm(&["cargo-migrate", "migrate", "heads"]), ["cargo-migrate", "heads"]);
        assert_eq!(norm(&["cargo-migrate", "heads"]), ["cargo-migrate", "heads"]);
        assert_eq!(norm(&["cargo-migrate", "new", "-m", "migrate"]), ["cargo-migrate", "new", "-m", "migrate"]);
    }
}
