//! Fan-out: one upgrade over many databases (tenants), at most `jobs` at a time, each on a pool
//! of its own, with an outcome per database. Stops starting new ones after the first failure
//! unless told to keep going. URLs are shown redacted everywhere.

use std::sync::Arc;
use std::time::{Duration, Instant};

use migrate_core::{RevisionGraph, Target};

use crate::backend::AnyPool;
use crate::engine::{self, Options, Report};
use crate::error::{MigrateError, redact_secret, redact_url};

/// What happened to one database of a fan-out.
#[derive(Debug)]
#[non_exhaustive]
pub enum FanoutResult {
    /// Upgraded (possibly with nothing to do: `report.steps` is then empty).
    Done(Report),
    /// Failed: the error, passwords redacted from its text by [`FanoutOutcome::message`].
    Failed(MigrateError),
    /// Not started: an earlier database failed and `keep_going` was off.
    NotStarted,
}

/// One database's outcome.
#[derive(Debug)]
pub struct FanoutOutcome {
    /// Its position in the input list (0-based).
    pub index: usize,
    /// Its URL, password replaced by `***`.
    pub database: String,
    /// What happened.
    pub result: FanoutResult,
    /// How long it took (connection included).
    pub duration: Duration,
    /// The error's text with the URL's password redacted (empty unless it failed).
    pub message: String,
}

/// How a fan-out runs.
#[derive(Debug, Clone, Copy)]
pub struct FanoutOptions {
    /// At most this many databases at a time (at least 1).
    pub jobs: usize,
    /// Go on after a failure (default: stop starting new ones).
    pub keep_going: bool,
    /// How long to wait for each server to answer a connection.
    pub connect_timeout: Duration,
}

/// Upgrades every database of `urls` to `target` over `graph` with `options`, at most
/// `fanout.jobs` at a time; calls `progress` as each finishes (in finishing order) and returns
/// every outcome in input order. Never fails as a whole: each database's error is its outcome.
pub async fn upgrade_each(
    urls: &[String],
    graph: &RevisionGraph,
    target: &Target,
    options: &Options,
    fanout: FanoutOptions,
    mut progress: impl FnMut(&FanoutOutcome),
) -> Vec<FanoutOutcome> {
    let graph = Arc::new(graph.clone());
    let target = Arc::new(target.clone());
    let options = Arc::new(options.clone());
    let mut outcomes: Vec<Option<FanoutOutcome>> = (0..urls.len()).map(|_| None).collect();
    let mut running = tokio::task::JoinSet::new();
    let mut next = 0;
    let mut stop = false;
    loop {
        while !stop && next < urls.len() && running.len() < fanout.jobs.max(1) {
            let (index, url) = (next, urls[next].clone());
            let (graph, target, options) = (Arc::clone(&graph), Arc::clone(&target), Arc::clone(&options));
            let timeout = fanout.connect_timeout;
            running.spawn(async move {
                let started = Instant::now();
                let result = match AnyPool::connect_timeout(&url, timeout).await {
                    Ok(pool) => {
                        let result = engine::upgrade(pool.as_db(), &graph, &target, &options).await;
                        pool.close().await;
                        result
                    }
                    Err(e) => Err(e),
                };
                let message = result.as_ref().err().map(|e| redact_secret(&e.to_string(), &url)).unwrap_or_default();
                let result = match result {
                    Ok(report) => FanoutResult::Done(report),
                    Err(e) => FanoutResult::Failed(e),
                };
                FanoutOutcome { index, database: redact_url(&url), result, duration: started.elapsed(), message }
            });
            next += 1;
        }
        let Some(joined) = running.join_next().await else { break };
        let outcome = match joined {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::error!(error = %e, "a fan-out task ended abnormally");
                continue;
            }
        };
        if matches!(outcome.result, FanoutResult::Failed(_)) && !fanout.keep_going {
            stop = true;
        }
        progress(&outcome);
        let index = outcome.index;
        outcomes[index] = Some(outcome);
    }
    outcomes
        .into_iter()
        .enumerate()
        .map(|(index, o)| {
            o.unwrap_or_else(|| FanoutOutcome {
                index,
                database: redact_url(&urls[index]),
                result: FanoutResult::NotStarted,
                duration: Duration::ZERO,
                message: String::new(),
            })
        })
        .collect()
}
