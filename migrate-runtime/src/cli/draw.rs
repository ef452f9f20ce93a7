//! ASCII drawing of the revision DAG, newest first, like `git log --graph`: `*` marks a
//! revision, `|` a line of history, `/` and `\` lines that join or split (merges, branches).
//!
//! Pure: takes the rows to draw and each row's parents, returns the lines.

/// One output line: the drawing, and the row it shows (`None` for a connecting line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphLine {
    /// The drawing (no trailing spaces).
    pub art: String,
    /// The index into the rows of the revision on this line.
    pub row: Option<usize>,
}

/// Draws `rows` (newest first: every row comes before its parents). `parents[i]` lists the
/// row indices row `i` revises (rows not drawn are left out by the caller).
pub fn draw(parents: &[Vec<usize>]) -> Vec<GraphLine> {
    let mut columns: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for (row, row_parents) in parents.iter().enumerate() {
        if !columns.contains(&row) {
            columns.push(row);
        }
        let at: Vec<usize> = (0..columns.len()).filter(|&c| columns[c] == row).collect();
        let c0 = at[0];
        if at.len() > 1 {
            // Children in several columns converge on this row.
            let targets: Vec<usize> = (0..columns.len())
                .map(|c| if at.contains(&c) { c0 } else { c - at.iter().filter(|&&a| a < c && a != c0).count() })
                .collect();
            out.extend(transition(&targets));
            columns = (0..columns.len()).filter(|c| !at[1..].contains(c)).map(|c| columns[c]).collect();
        }
        let art: Vec<&str> = (0..columns.len()).map(|c| if c == c0 { "*" } else { "|" }).collect();
        out.push(GraphLine { art: art.join(" "), row: Some(row) });
        let k = row_parents.len();
        // Edges from the old columns to the new ones: column c0 splits into its k parents.
        let mut edges: Vec<(usize, usize)> = Vec::new();
        for c in 0..columns.len() {
            if c == c0 {
                edges.extend((0..k).map(|p| (c0, c0 + p)));
            } else {
                edges.push((c, if c < c0 { c } else { c + k - 1 }));
            }
        }
        let mut next = columns[..c0].to_vec();
        next.extend_from_slice(row_parents);
        next.extend_from_slice(&columns[c0 + 1..]);
        columns = next;
        out.extend(transition_edges(edges));
    }
    out
}

/// Lines that move each column `c` to `targets[c]`.
fn transition(targets: &[usize]) -> Vec<GraphLine> {
    transition_edges(targets.iter().enumerate().map(|(c, &t)| (c, t)).collect())
}

/// Lines that move edges one position per line until each reaches its target.
fn transition_edges(mut edges: Vec<(usize, usize)>) -> Vec<GraphLine> {
    let mut out = Vec::new();
    while edges.iter().any(|(at, to)| at != to) {
        let width = 2 * edges.iter().map(|&(at, to)| at.max(to)).max().unwrap_or(0) + 2;
        let mut line = vec![' '; width];
        for (at, to) in &mut edges {
            if *to < *at {
                line[2 * *at - 1] = '/';
                *at -= 1;
            } else if *to > *at {
                line[2 * *at + 1] = '\\';
                *at += 1;
            } else {
                line[2 * *at] = '|';
            }
        }
        let art: String = line.into_iter().collect();
        out.push(GraphLine { art: art.trim_end().to_owned(), row: None });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(parents: &[Vec<usize>], names: &[&str]) -> String {
        draw(parents)
            .into_iter()
            .map(|l| match l.row {
                Some(r) => format!("{} {}", l.art, names[r]),
                None => l.art,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn straight_line() {
        assert_eq!(render(&[vec![1], vec![2], vec![]], &["c", "b", "a"]), "* c\n* b\n* a");
    }

    #[test]
    fn branch_and_merge() {
        // m merges x and y, both children of a.
        let drawn = render(&[vec![1, 2], vec![3], vec![3], vec![]], &["m", "x", "y", "a"]);
        assert_eq!(drawn, "* m\n|\\\n* | x\n| * y\n|/\n* a");
    }

    #[test]
    fn two_heads_and_three_way_merge() {
        let drawn = render(&[vec![2], vec![2], vec![]], &["h1", "h2", "a"]);
        assert_eq!(drawn, "* h1\n| * h2\n|/\n* a");
        let three = render(&[vec![1, 2, 3], vec![4], vec![4], vec![4], vec![]], &["m", "x", "y", "z", "a"]);
        assert_eq!(three, "* m\n|\\\n| |\\\n* | | x\n| * | y\n| | * z\n|/ /\n|/\n* a");
    }
}
