//! Whether a column type change keeps every value: the one rule that decides if a type change is
//! destructive. Only obvious widenings count (a longer string, a bigger integer, more digits);
//! every other change, including ones a server might convert losslessly, counts as narrowing.

/// A type text split into its base name, numeric arguments and what follows.
struct Parsed {
    base: String,
    args: Vec<u64>,
    suffix: String,
    array: bool,
}

fn parse(text: &str) -> Option<Parsed> {
    let mut lower = text.trim().to_ascii_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    let array = lower.ends_with("[]");
    if array {
        lower.truncate(lower.len() - 2);
    }
    let (base, args, suffix) = match lower.find('(') {
        Some(open) => {
            let close = lower.get(open..)?.find(')')? + open;
            let args = lower.get(open + 1..close)?;
            let args = args.split(',').map(|a| a.trim().parse::<u64>().ok()).collect::<Option<Vec<_>>>()?;
            (lower.get(..open)?.trim().to_string(), args, lower.get(close + 1..)?.trim().to_string())
        }
        None => {
            let (base, suffix) = split_suffix(&lower);
            (base, Vec::new(), suffix)
        }
    };
    Some(Parsed { base, args, suffix, array })
}

/// `int unsigned` → (`int`, `unsigned`); `character varying` stays whole.
fn split_suffix(text: &str) -> (String, String) {
    for word in [" unsigned zerofill", " unsigned", " zerofill"] {
        if let Some(base) = text.strip_suffix(word) {
            return (base.to_string(), word.trim().to_string());
        }
    }
    (text.to_string(), String::new())
}

/// The rank of an integer type (its size in bytes).
fn integer_rank(base: &str) -> Option<u8> {
    Some(match base {
        "tinyint" => 1,
        "smallint" | "int2" => 2,
        "mediumint" => 3,
        "integer" | "int" | "int4" => 4,
        "bigint" | "int8" => 8,
        _ => return None,
    })
}

/// How many characters (or bytes) a string or binary type holds, and its family.
fn string_capacity(p: &Parsed) -> Option<(bool, u64)> {
    let n = p.args.first().copied();
    let (binary, capacity) = match p.base.as_str() {
        "character varying" | "varchar" | "nvarchar" => (false, n.unwrap_or(u64::MAX)),
        "character" | "char" | "bpchar" | "nchar" => (false, n.unwrap_or(1)),
        // 255 bytes: 63 characters of four bytes (a `varchar(n)` counts characters).
        "tinytext" => (false, 63),
        "text" => (false, u64::MAX - 2),
        "mediumtext" => (false, u64::MAX - 1),
        "longtext" | "clob" => (false, u64::MAX),
        "binary" | "varbinary" => (true, n.unwrap_or(1)),
        "tinyblob" => (true, 255),
        "blob" => (true, u64::MAX - 2),
        "mediumblob" => (true, u64::MAX - 1),
        "longblob" | "bytea" => (true, u64::MAX),
        _ => return None,
    };
    Some((binary, capacity))
}

fn is_temporal(base: &str) -> bool {
    matches!(base, "datetime" | "timestamp" | "time")
}

fn is_numeric(base: &str) -> bool {
    matches!(base, "numeric" | "decimal")
}

fn float_rank(base: &str) -> Option<u8> {
    match base {
        "real" | "float4" | "float" => Some(4),
        "double precision" | "float8" | "double" => Some(8),
        _ => None,
    }
}

/// A MySQL `enum('a','b')` or `set(…)` type: its kind and its quoted values as written.
fn enum_values(text: &str) -> Option<(String, Vec<String>)> {
    let text = text.trim();
    let open = text.find('(')?;
    let kind = text[..open].trim().to_ascii_lowercase();
    if kind != "enum" && kind != "set" {
        return None;
    }
    let inner = text[open + 1..].strip_suffix(')')?;
    let (mut values, mut current, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('\'', true) if chars.peek() == Some(&'\'') => {
                current.push_str("''");
                chars.next();
            }
            ('\'', _) => quoted = !quoted,
            (',', false) => values.push(std::mem::take(&mut current)),
            (c, true) => current.push(c),
            _ => {}
        }
    }
    values.push(current);
    Some((kind, values))
}

/// Whether changing a column from type `from` to type `to` keeps every value: equal types,
/// `varchar(n)` → `varchar(m ≥ n)` or `text`, a bigger integer (display widths ignored,
/// signedness kept), more digits of `numeric`, `real` → `double precision`. Unknown or
/// unparsable texts are never widening.
pub(crate) fn is_widening(from: &str, to: &str) -> bool {
    if from.trim().eq_ignore_ascii_case(to.trim()) {
        return true;
    }
    if let (Some(a), Some(b)) = (enum_values(from), enum_values(to)) {
        // MySQL `enum(…)`/`set(…)`: every old value still allowed.
        return a.0 == b.0 && a.1.iter().all(|v| b.1.contains(v));
    }
    let (Some(a), Some(b)) = (parse(from), parse(to)) else { return false };
    if a.array != b.array {
        return false;
    }
    if let (Some(ra), Some(rb)) = (integer_rank(&a.base), integer_rank(&b.base)) {
        return (a.suffix == b.suffix && rb >= ra) || (a.suffix == "unsigned" && b.suffix.is_empty() && rb > ra);
    }
    if let (Some((bin_a, ca)), Some((bin_b, cb))) = (string_capacity(&a), string_capacity(&b)) {
        return bin_a == bin_b && cb >= ca && a.suffix == b.suffix;
    }
    if is_numeric(&a.base) && is_numeric(&b.base) {
        return match (a.args.as_slice(), b.args.as_slice()) {
            (_, []) => b.base == "numeric",
            ([p1], [p2, s2]) => p2.saturating_sub(*s2) >= *p1,
            ([p1], [p2]) => p2 >= p1,
            ([p1, s1], [p2, s2]) => s2 >= s1 && p2.saturating_sub(*s2) >= p1.saturating_sub(*s1),
            _ => false,
        };
    }
    if is_temporal(&a.base) && a.base == b.base && a.suffix == b.suffix {
        // `datetime` → `datetime(3)`: more fractional digits.
        return b.args.first().copied().unwrap_or(0) >= a.args.first().copied().unwrap_or(0);
    }
    if let (Some(fa), Some(fb)) = (float_rank(&a.base), float_rank(&b.base)) {
        return fb >= fa && a.args.is_empty() && b.args.is_empty();
    }
    // A number written as text keeps its digits in an unbounded text column.
    let number = integer_rank(&a.base).is_some() || is_numeric(&a.base) || float_rank(&a.base).is_some();
    let unbounded_text = matches!(b.base.as_str(), "text" | "mediumtext" | "longtext" | "clob")
        || (matches!(b.base.as_str(), "character varying" | "varchar") && b.args.is_empty());
    number && !a.array && unbounded_text
}

#[cfg(test)]
mod tests {
    use super::is_widening;

    #[test]
    fn widening_changes() {
        for (a, b) in [
            ("character varying(20)", "character varying(40)"),
            ("character varying(20)", "text"),
            ("varchar(20)", "text"),
            ("integer", "bigint"),
            ("smallint", "integer"),
            ("int(11)", "bigint(20)"),
            ("int(10) unsigned", "bigint(20) unsigned"),
            ("numeric(10,2)", "numeric(12,2)"),
            ("real", "double precision"),
            ("integer[]", "bigint[]"),
            ("character varying(20)", "character varying"),
            ("INTEGER", "TEXT"),
            ("datetime", "datetime(3)"),
            ("timestamp(3)", "timestamp(6)"),
            ("enum('sad','happy')", "enum('sad','happy','ok')"),
            ("enum('a,b','it''s')", "enum('it''s','a,b','c')"),
            ("numeric(10,2)", "text"),
        ] {
            assert!(is_widening(a, b), "{a} -> {b}");
        }
    }

    #[test]
    fn narrowing_changes() {
        for (a, b) in [
            ("character varying(40)", "character varying(20)"),
            ("text", "character varying(20)"),
            ("bigint", "integer"),
            ("int(11)", "int(11) unsigned"),
            ("numeric(10,2)", "numeric(10,3)"),
            ("timestamp without time zone", "timestamp with time zone"),
            ("varchar(10)", "varbinary(10)"),
            ("enum('a','b')", "enum('a')"),
            ("varchar(200)", "tinytext"),
            ("datetime(6)", "datetime"),
        ] {
            assert!(!is_widening(a, b), "{a} -> {b}");
        }
    }
}
