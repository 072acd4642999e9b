//! Password hashing off the async runtime, on a small fixed pool of threads.
//!
//! argon2id needs 19 MiB per hash. On tokio's blocking pool (up to 512
//! threads) a burst of 50 concurrent sign-ins grew the server to gigabytes of
//! RSS, because every new thread got its own allocator arena (see
//! BENCHMARKS.md). A fixed pool, where each worker reuses one argon2 buffer,
//! bounds memory to about threads × 19 MiB and queues the rest; when the
//! queue is full the caller gets [`Busy`] (503) instead of the server running
//! out of memory.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

/// A job runs with its worker's reusable argon2 memory.
type Job = Box<dyn FnOnce(&mut etterlev_auth::Workspace) + Send>;

/// Too many password operations are waiting.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("too many sign-ins at the same time; try again shortly")]
pub struct Busy;

pub struct HashPool {
    jobs: SyncSender<Job>,
}

impl HashPool {
    /// `threads` workers and room for `queue` waiting jobs.
    pub fn new(threads: usize, queue: usize) -> Self {
        let (jobs, rx) = sync_channel::<Job>(queue);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = Arc::clone(&rx);
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || worker(&rx));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        HashPool { jobs }
    }

    /// One worker per core (at most four): hashing is CPU-bound.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores.min(4), 256)
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut etterlev_auth::Workspace) -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |ws| {
            let _ = tx.send(f(ws));
        });
        match self.jobs.try_send(job) {
            Ok(()) => rx.await.map_err(|_| Busy),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(Busy),
        }
    }

    /// Checks a password against a stored hash; with no stored hash it checks
    /// against a dummy so that the time taken does not reveal whether the
    /// account exists, and returns false.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, Busy> {
        self.run(move |ws| {
            let phc = stored.as_deref().unwrap_or_else(|| etterlev_auth::dummy_hash());
            etterlev_auth::verify_password_in(ws, &password, phc) && stored.is_some()
        })
        .await
    }

    pub async fn hash(&self, password: String) -> Result<Result<String, etterlev_auth::PasswordError>, Busy> {
        self.run(move |ws| etterlev_auth::hash_password_in(ws, &password)).await
    }
}

fn worker(rx: &Mutex<Receiver<Job>>) {
    let mut workspace = etterlev_auth::Workspace::default();
    loop {
        // Hold the lock only while taking a job, not while running it.
        let job = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(&mut workspace),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verifies_and_refuses_when_full() {
        let pool = HashPool::new(1, 1);
        let phc = pool
            .hash("korrekt hest batteri stift".into())
            .await
            .expect("not busy")
            .expect("hash");
        assert!(
            pool.verify("korrekt hest batteri stift".into(), Some(phc.clone()))
                .await
                .expect("not busy")
        );
        assert!(!pool.verify("feil".into(), Some(phc)).await.expect("not busy"));
        assert!(!pool.verify("x".into(), None).await.expect("not busy"));
        // One running and one queued: further work is refused, not piled up.
        let results = futures::future::join_all((0..6).map(|_| pool.verify("x".into(), None))).await;
        assert!(results.iter().any(|r| r.is_err()), "a full queue answers Busy");
        assert!(results.iter().any(|r| r.is_ok()), "queued work still completes");
    }
}
