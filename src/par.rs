//! Threads for the streaming encoders and decoders: a batch of independent
//! jobs (LZNT1 pieces, frame blocks, WOF chunks) run side by side and come
//! back in order, so the output is the same whatever the thread count.
//!
//! With the `parallel` feature a pool of `threads` workers runs them; with
//! one thread, or without the feature, they run on the calling thread.

/// The cores this process may use: the thread count that `with_threads(0)`
/// and the command line's default take.
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Runs batches of jobs on a fixed number of threads.
pub(crate) struct Workers {
    threads: usize,
    #[cfg(feature = "parallel")]
    pool: Option<rayon::ThreadPool>,
}

impl core::fmt::Debug for Workers {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Workers").field("threads", &self.threads).finish()
    }
}

impl Workers {
    /// `threads` workers (0: [`available_threads`]). One runs everything on
    /// the calling thread; so do more without the `parallel` feature, or
    /// when the system refuses to start them.
    pub(crate) fn new(threads: usize) -> Self {
        let threads = if threads == 0 { available_threads() } else { threads };
        #[cfg(feature = "parallel")]
        {
            let pool =
                (threads > 1).then(|| rayon::ThreadPoolBuilder::new().num_threads(threads).build().ok()).flatten();
            let threads = if pool.is_some() { threads } else { 1 };
            Workers { threads, pool }
        }
        #[cfg(not(feature = "parallel"))]
        {
            let _ = threads;
            Workers { threads: 1 }
        }
    }

    /// How many jobs a batch should have: several per thread, so that
    /// when one job takes longer than the others the threads that are
    /// done take the next ones, rather than wait; one on one thread.
    pub(crate) fn batch_jobs(&self) -> usize {
        if self.threads == 1 {
            1
        } else {
            4 * self.threads
        }
    }

    /// Runs `work` on every job, in parallel where there are workers, and
    /// returns when all are done.
    pub(crate) fn run<T: Send>(&self, jobs: &mut [T], work: impl Fn(&mut T) + Sync + Send) {
        #[cfg(feature = "parallel")]
        if let Some(pool) = &self.pool {
            use rayon::prelude::*;
            if jobs.len() > 1 {
                pool.install(|| jobs.par_iter_mut().for_each(&work));
                return;
            }
        }
        jobs.iter_mut().for_each(work);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_runs_once_whatever_the_thread_count() {
        for threads in [1, 2, 3, 0] {
            let workers = Workers::new(threads);
            assert!(workers.batch_jobs() >= 1);
            let mut jobs: Vec<(u64, u64)> = (0..37).map(|i| (i, 0)).collect();
            workers.run(&mut jobs, |(i, out)| *out += *i * *i + 1);
            assert!(jobs.iter().all(|&(i, out)| out == i * i + 1), "{threads} threads");
        }
    }
}
