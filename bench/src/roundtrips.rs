//! Counting the statements a piece of code sends, from sqlx's own query log: a tracing layer
//! that counts events with target `sqlx::query` while counting is on.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tracing_subscriber::layer::{Context, SubscriberExt as _};
use tracing_subscriber::util::SubscriberInitExt as _;

/// Shared switch and tally.
#[derive(Clone, Default)]
pub struct Counter {
    on: Arc<AtomicBool>,
    seen: Arc<AtomicUsize>,
}

impl Counter {
    /// Runs `f` and returns its output with the number of statements it sent.
    pub async fn count<T>(&self, f: impl Future<Output = T>) -> (T, usize) {
        self.seen.store(0, Ordering::SeqCst);
        self.on.store(true, Ordering::SeqCst);
        let out = f.await;
        self.on.store(false, Ordering::SeqCst);
        (out, self.seen.load(Ordering::SeqCst))
    }
}

struct Layer(Counter);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Layer {
    fn register_callsite(&self, metadata: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
        // Only sqlx's query log is of interest: other events cost nothing while timing.
        if metadata.target().starts_with("sqlx::query") {
            tracing::subscriber::Interest::always()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if self.0.on.load(Ordering::SeqCst) && event.metadata().target().starts_with("sqlx::query") {
            self.0.seen.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Installs the counting layer as the global subscriber.
pub fn install() -> Counter {
    let counter = Counter::default();
    tracing_subscriber::registry().with(Layer(counter.clone())).init();
    counter
}
