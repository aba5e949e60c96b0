//! Independent pieces of input compressed side by side, one compressor
//! per thread, and handed back in order.

use crate::format::{Format, Level};
use crate::par::Workers;
use crate::Compressor;
use std::io;

/// One thread's compressor and the stream it wrote last.
struct Lane {
    compressor: Compressor,
    out: Vec<u8>,
    result: crate::Result<usize>,
}

/// Compressors for pieces of a batch, on a number of threads.
pub(crate) struct Lanes {
    format: Format,
    level: Level,
    workers: Workers,
    lanes: Vec<Lane>,
}

impl Lanes {
    pub(crate) fn new(format: Format, level: Level, threads: usize) -> Self {
        Lanes { format, level, workers: Workers::new(threads), lanes: Vec::new() }
    }

    pub(crate) fn set_threads(&mut self, threads: usize) {
        self.workers = Workers::new(threads);
    }

    pub(crate) fn format(&self) -> Format {
        self.format
    }

    pub(crate) fn level(&self) -> Level {
        self.level
    }

    /// Pieces a batch should have (see [`Workers::batch_jobs`]).
    pub(crate) fn batch_pieces(&self) -> usize {
        self.workers.batch_jobs()
    }

    /// Compresses `input` in pieces of `piece` bytes, each into a raw
    /// stream of its own, side by side; then hands `emit` each piece and
    /// its stream, in order.
    pub(crate) fn compress(
        &mut self,
        input: &[u8],
        piece: usize,
        mut emit: impl FnMut(&[u8], &[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        let pieces = input.len().div_ceil(piece);
        while self.lanes.len() < pieces {
            let compressor = Compressor::new(self.format, self.level);
            self.lanes.push(Lane { compressor, out: Vec::new(), result: Ok(0) });
        }
        let mut jobs: Vec<(&mut Lane, &[u8])> = self.lanes.iter_mut().zip(input.chunks(piece)).collect();
        self.workers.run(&mut jobs, |(lane, input)| {
            let bound = crate::max_compressed_size(lane.compressor.format(), input.len());
            if lane.out.len() < bound {
                lane.out.resize(bound, 0);
            }
            lane.result = lane.compressor.compress_into(input, &mut lane.out);
        });
        for (lane, input) in self.lanes.iter().zip(input.chunks(piece)) {
            let n = lane.result.clone()?;
            emit(input, &lane.out[..n])?;
        }
        Ok(())
    }
}
