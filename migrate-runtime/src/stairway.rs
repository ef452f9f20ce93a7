//! The stairway (pytest-alembic's `test_up_down_consistency`): on an empty database, each
//! revision in order goes up, down and up again, and the schema after its down section must be
//! the schema before its up section. A revision whose down section forgets an index, drops the
//! wrong object or fails on this database is found here, in a test, instead of in the middle of
//! a rollback. `cargo migrate test` runs it on scratch databases; an application runs it on a
//! database of its own tests with [`Migrations::test_stairway`](crate::Migrations::test_stairway).

use migrate_core::{RevisionGraph, RevisionId};

use crate::backend::DbPool;
use crate::catalog::read_schema;
use crate::engine::{self, Options};
use crate::error::MigrateError;
use migrate_core::schema::describe_differences;

/// What a stairway did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stairway {
    /// Every revision, in the order it went up (all are applied at the end).
    pub revisions: Vec<RevisionId>,
    /// The revisions with no down section on this database: up only, nothing compared.
    pub irreversible: Vec<RevisionId>,
}

/// Runs the stairway over `graph` on the database of `pool`, which must have nothing applied
/// (an empty database: its schema before the first revision is the base the first comparison
/// starts from). Leaves every revision applied.
///
/// # Errors
/// A database with revisions applied already ([`MigrateError::Usage`]); a statement that fails
/// going up or down ([`MigrateError::Statement`]: revision, file, line, direction, the
/// database's message); a down section that does not undo its up section
/// ([`MigrateError::DownMismatch`], with the objects that differ); a database error.
pub async fn stairway(pool: DbPool<'_>, graph: &RevisionGraph, options: &Options) -> Result<Stairway, MigrateError> {
    let graph = &*graph.on_dialect(pool.dialect());
    let status = engine::status(pool, graph, options).await?;
    if !status.current.is_empty() {
        return Err(MigrateError::Usage(
            "the stairway starts from an empty database, and this one has revisions applied: use a new database".into(),
        ));
    }
    let history = options.table.rsplit('.').next().unwrap_or(&options.table).to_owned();
    let mut done = Stairway::default();
    for &node in graph.topological_order() {
        let r = graph.revision(node);
        let before = read_schema(pool, &history).await?;
        engine::run_only(pool, graph, node, true, options).await?;
        if r.down.is_none() {
            done.irreversible.push(r.id.clone());
        } else {
            engine::run_only(pool, graph, node, false, options).await?;
            let after = read_schema(pool, &history).await?;
            let differ = describe_differences(&before, &after);
            if !differ.is_empty() {
                return Err(MigrateError::DownMismatch {
                    revision: r.id.to_string(),
                    path: r.source.path.clone(),
                    dialect: pool.dialect(),
                    differences: differ,
                });
            }
            engine::run_only(pool, graph, node, true, options).await?;
        }
        done.revisions.push(r.id.clone());
    }
    Ok(done)
}

#[cfg(all(test, feature = "macros", feature = "sqlite"))]
mod tests {
    use crate::{AnyPool, MigrateError, Migrations};

    static VALID: Migrations = crate::embed_migrations!("tests/fixtures/valid");
    static BROKEN: Migrations = crate::embed_migrations!("tests/fixtures/stairway_broken");
    static DIALECTS: Migrations = crate::embed_migrations!("tests/fixtures/dialects");

    #[tokio::test]
    async fn every_revision_goes_up_down_and_up_again() {
        for m in [&VALID, &DIALECTS] {
            let pool = AnyPool::connect("sqlite::memory:").await.expect("open");
            let done = m.test_stairway(&pool).await.expect("the stairway passes");
            assert_eq!(done.revisions.len(), m.len());
            assert!(m.status(&pool).await.expect("status").is_up_to_date(), "everything applied at the end");
            let again = m.test_stairway(&pool).await.expect_err("not on a database with revisions applied");
            assert!(matches!(again, MigrateError::Usage(_)), "{again}");
            pool.close().await;
        }
    }

    #[tokio::test]
    async fn a_down_section_that_forgets_an_index_is_named() {
        let pool = AnyPool::connect("sqlite::memory:").await.expect("open");
        let e = BROKEN.test_stairway(&pool).await.expect_err("the index stays");
        let MigrateError::DownMismatch { revision, path, differences, .. } = &e else { panic!("{e}") };
        assert_eq!((revision.as_str(), path.as_str()), ("s2", "tests/fixtures/stairway_broken/0002_s2.sql"));
        assert_eq!(differences, &["added index ix_items_sku on items"]);
        assert_eq!(e.code(), "down-mismatch");
        pool.close().await;
    }
}
