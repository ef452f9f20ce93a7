//! `Runner`: the embedded revisions with the options of one operation — what an application
//! uses to move its database anywhere (`MIGRATIONS.runner().lock_timeout(…).upgrade_to(…)`).

use std::time::Duration;

use migrate_core::parse_target;

use crate::backend::DbPool;
use crate::engine::{self, DriftPolicy, Options, Report, Resolution, StampMode, TransactionMode};
use crate::error::MigrateError;
use crate::history::Status;
use crate::lock::LockStrategy;
use crate::migrations::Migrations;

/// The embedded revisions and the options an operation runs with. Made by
/// [`Migrations::runner`]; each setter returns the runner, each operation borrows it.
#[derive(Debug, Clone)]
pub struct Runner<'m> {
    migrations: &'m Migrations,
    options: Options,
}

impl<'m> Runner<'m> {
    pub(crate) fn new(migrations: &'m Migrations) -> Self {
        Self { migrations, options: migrations.options() }
    }

    /// How long to wait for another process's migration lock (default 10 minutes); then the
    /// operation fails with `lock-timeout`, naming the holder.
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.options.lock_timeout = timeout;
        self
    }

    /// Which migration lock to take (default: `lock` of `[package.metadata.migrate]`, else
    /// `auto`).
    pub fn lock(mut self, lock: LockStrategy) -> Self {
        self.options.lock = lock;
        self
    }

    /// How long a lease lasts without renewal (default 30 s; at least 1 s).
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.options = self.options.with_lease_ttl(ttl);
        self
    }

    /// One transaction per revision (default: `transaction` of `[package.metadata.migrate]`, else
    /// `revision`) or one for the whole run ([`TransactionMode::Run`]: all or nothing).
    pub fn transaction(mut self, mode: TransactionMode) -> Self {
        self.options.transaction = mode;
        self
    }

    /// Refuse (default) or allow an applied revision whose file changed.
    pub fn drift(mut self, drift: DriftPolicy) -> Self {
        self.options.drift = drift;
        self
    }

    /// The command the `resolve` hint of an error names (default `cargo migrate`; a binary
    /// answering `myapp migrate` says so).
    pub fn hint_command(mut self, command: impl Into<String>) -> Self {
        self.options.hint_command = command.into();
        self
    }

    /// The options this runner runs with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Applies every pending revision (see [`Migrations::upgrade`]).
    ///
    /// # Errors
    /// A failed statement (with revision, file and line), drift, an unresolved or diverged
    /// history, a lock timeout, a database error.
    pub async fn upgrade<'p>(&self, pool: impl Into<DbPool<'p>>) -> Result<Report, MigrateError> {
        self.upgrade_boxed(pool.into()).await
    }

    /// The body of [`Runner::upgrade`], boxed behind a non-generic function: its state machine
    /// is compiled once, in this crate. Awaited straight from the generic method, it was
    /// compiled again in every application that calls it, which made each release rebuild of
    /// an application several seconds longer (bench/RESULTS.md, section 4).
    fn upgrade_boxed<'a>(&'a self, pool: DbPool<'a>) -> Boxed<'a, Report> {
        Box::pin(async move {
            if self.migrations.is_empty() {
                let graph = self.migrations.graph()?;
                return engine::upgrade(pool, graph, &migrate_core::Target::HEADS, &self.options).await;
            }
            // Up to date: one statement against what the macro computed; no graph is built.
            let expected = self.migrations.expected(pool.dialect())?;
            engine::upgrade_embedded(pool, expected, || self.migrations.graph(), &self.options).await
        })
    }

    /// Upgrades to `target` (`head`, `heads`, an id or prefix, `+1`, `LABEL@head`, …).
    ///
    /// # Errors
    /// As [`Runner::upgrade`], and a target that does not parse or resolve (`target`).
    pub async fn upgrade_to<'p>(&self, pool: impl Into<DbPool<'p>>, target: &str) -> Result<Report, MigrateError> {
        engine::upgrade(pool.into(), self.migrations.graph()?, &parse_target(target)?, &self.options).await
    }

    /// Downgrades to `target` (`base`, an id, `-1`, `LABEL@base`, …): removes the applied
    /// revisions that descend from it, children first.
    ///
    /// # Errors
    /// As [`Runner::upgrade`]; an irreversible revision in the way (`plan`, refused before
    /// anything runs); a target that is not applied.
    pub async fn downgrade<'p>(&self, pool: impl Into<DbPool<'p>>, target: &str) -> Result<Report, MigrateError> {
        engine::downgrade(pool.into(), self.migrations.graph()?, &parse_target(target)?, &self.options).await
    }

    /// Records `target`'s lineage as applied (on its branch) without running anything;
    /// [`StampMode::Purge`] first empties the history table.
    ///
    /// # Errors
    /// A target that does not resolve; a lock timeout; a database error.
    pub async fn stamp<'p>(
        &self,
        pool: impl Into<DbPool<'p>>,
        target: &str,
        mode: StampMode,
    ) -> Result<Report, MigrateError> {
        engine::stamp(pool.into(), self.migrations.graph()?, &[parse_target(target)?], mode, &self.options).await
    }

    /// Settles a revision left `started` or `failed` (an id or a unique prefix).
    ///
    /// # Errors
    /// `nothing-to-resolve` when no such row exists (or a prefix matches several); a lock
    /// timeout; a database error.
    pub async fn resolve<'p>(
        &self,
        pool: impl Into<DbPool<'p>>,
        revision: &str,
        resolution: Resolution,
    ) -> Result<(), MigrateError> {
        engine::resolve(pool.into(), revision, resolution, &self.options).await
    }

    /// Upgrades every database of `urls` (tenants) to every head, at most `fanout.jobs` at a
    /// time, each on a pool of its own; `progress` is called as each finishes. Each database's
    /// error is its outcome (URLs and messages redacted); nothing fails as a whole.
    ///
    /// # Errors
    /// [`MigrateError::Invalid`] only if the embedded revisions do not form a graph (ruled out
    /// by `embed_migrations!`).
    pub async fn upgrade_each(
        &self,
        urls: &[String],
        fanout: crate::fanout::FanoutOptions,
        progress: impl FnMut(&crate::fanout::FanoutOutcome),
    ) -> Result<Vec<crate::fanout::FanoutOutcome>, MigrateError> {
        let graph = self.migrations.graph()?;
        Ok(crate::fanout::upgrade_each(urls, graph, &migrate_core::Target::HEADS, &self.options, fanout, progress)
            .await)
    }

    /// The database's status (see [`Migrations::status`]).
    ///
    /// # Errors
    /// A database error, or a history row this version cannot read.
    pub async fn status<'p>(&self, pool: impl Into<DbPool<'p>>) -> Result<Status, MigrateError> {
        self.status_boxed(pool.into()).await
    }

    /// The body of [`Runner::status`], compiled once here (see `upgrade_boxed`).
    fn status_boxed<'a>(&'a self, pool: DbPool<'a>) -> Boxed<'a, Status> {
        Box::pin(async move { engine::status(pool, self.migrations.graph()?, &self.options).await })
    }
}

/// A future compiled in this crate, whatever crate awaits it.
type Boxed<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, MigrateError>> + Send + 'a>>;
