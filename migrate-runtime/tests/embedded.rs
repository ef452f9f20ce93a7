//! The macro's embedded table equals what migrate-core loads from the same folder: the
//! compile-time and run-time views of a folder cannot drift apart.

use std::path::Path;

use migrate_runtime::{Migrations, embed_migrations};

static VALID: Migrations = embed_migrations!("tests/fixtures/valid");

#[test]
fn embedded_equals_what_core_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = migrate_runtime::tool::core::load_dir(&root.join("tests/fixtures/valid"), root);
    let graph = loaded.graph.expect("the fixture is valid");
    assert_eq!(VALID.len(), graph.len());
    for (embedded, &node) in VALID.revisions().zip(graph.topological_order()) {
        let r = graph.revision(node);
        assert_eq!(embedded.id(), r.id.as_str());
        assert_eq!(embedded.parents().collect::<Vec<_>>(), r.parents.iter().map(|p| p.as_str()).collect::<Vec<_>>());
        assert_eq!(
            embedded.depends_on().collect::<Vec<_>>(),
            r.depends_on.iter().map(|p| p.as_str()).collect::<Vec<_>>()
        );
        assert_eq!(embedded.branch_labels().collect::<Vec<_>>(), r.branch_labels);
        assert_eq!(embedded.message(), r.message);
        assert_eq!(embedded.transactional(), r.transactional);
        assert_eq!(embedded.up().sql, r.up.sql);
        assert_eq!(embedded.up().first_line as usize, r.up.first_line);
        assert_eq!(embedded.down().map(|d| d.sql), r.down.as_ref().map(|d| d.sql.as_str()));
        assert_eq!(embedded.down().map(|d| d.first_line as usize), r.down.as_ref().map(|d| d.first_line));
        assert_eq!(embedded.checksum(), r.checksum.0);
        assert_eq!(embedded.path(), r.source.path);
        assert_eq!(embedded.file_name(), r.source.file_name);
    }
    let rebuilt = VALID.graph().expect("the embedded graph");
    assert_eq!(rebuilt.len(), graph.len());
    assert_eq!(rebuilt.heads().len(), 1);
}

#[test]
fn embedded_in_topological_order_with_metadata() {
    let ids: Vec<&str> = VALID.revisions().map(|r| r.id()).collect();
    assert_eq!(ids, ["a1", "b2", "c3", "d4"]);
    assert_eq!(VALID.heads().iter().map(|r| r.id()).collect::<Vec<_>>(), ["d4"]);
    let b2 = VALID.get("b2").expect("b2");
    assert!(b2.down().is_none(), "b2 is irreversible");
    assert_eq!(b2.up().sql.trim_end(), "ALTER TABLE users ADD COLUMN email TEXT; -- a comment; with a semicolon");
    assert!(!VALID.get("c3").expect("c3").transactional());
    assert_eq!(VALID.get("c3").expect("c3").depends_on().collect::<Vec<_>>(), ["b2"]);
    assert_eq!(VALID.table(), "migrate_history");
    assert_eq!(VALID.dir(), "tests/fixtures/valid");
}

static DIALECTS: Migrations = embed_migrations!("tests/fixtures/dialects");

/// Sections marked for one dialect reach the binary as core reads them, each at its line.
#[test]
fn dialect_sections_are_embedded() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let graph = migrate_runtime::tool::core::load_dir(&root.join("tests/fixtures/dialects"), root)
        .graph
        .expect("the fixture is valid");
    for (embedded, &node) in DIALECTS.revisions().zip(graph.topological_order()) {
        let r = graph.revision(node);
        let from_core: Vec<_> =
            r.variants.iter().map(|v| (v.dialect, v.up, v.section.sql.as_str(), v.section.first_line as u32)).collect();
        let embedded: Vec<_> = embedded.variants().map(|(d, up, s)| (d, up, s.sql, s.first_line)).collect();
        assert_eq!(embedded, from_core, "{}", r.id);
    }
    let v2 = DIALECTS.get("v2").expect("v2");
    assert_eq!(v2.variants().count(), 2);
    let rebuilt = DIALECTS.graph().expect("the embedded graph");
    for dialect in migrate_runtime::Dialect::ALL {
        let (ours, core) = (rebuilt.on_dialect(dialect), graph.on_dialect(dialect));
        for n in 0..core.len() {
            assert_eq!(ours.revision(n).up, core.revision(n).up, "{dialect}");
            assert_eq!(ours.revision(n).down, core.revision(n).down, "{dialect}");
            assert_eq!(ours.revision(n).checksum, core.revision(n).checksum, "{dialect}");
        }
    }
}
