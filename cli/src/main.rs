//! `msxca`: compress and decompress Windows' XPRESS and LZNT1 formats.
//!
//! `args` states the command line; each command has its file, over the
//! input, output and error handling they share (`io`).

mod args;
mod bench;
mod carve;
mod compress;
mod decompress;
mod info;
mod io;

use args::{Cli, Command};
use io::{check_output, Failure};
use msxca::Format;
use std::process::ExitCode;

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Compress { format, level, crc, chained, io } => {
            check_output(&io.output, io.force)?;
            compress::compress(format.map(Format::from), level, crc, chained, io.threads(), &io)
        }
        Command::Decompress { format, size, io } => {
            check_output(&io.output, io.force)?;
            decompress::decompress(format.map(Format::from), size, io.threads(), &io)
        }
        Command::Info { size, file } => info::info(&file, size),
        Command::Carve { image, outdir, max_size } => carve::carve(&image, &outdir, max_size),
        Command::Bench { files } => bench::bench(&files),
    }
}

fn main() -> ExitCode {
    // A bug must still end in one clean line, never a panic message.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = Cli::parse_checked();
    match std::panic::catch_unwind(|| run(cli.command)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(Failure(message))) => {
            eprintln!("msxca: {message}");
            ExitCode::from(1)
        }
        Err(_) => {
            eprintln!("msxca: internal error (please report it with the input that caused it)");
            ExitCode::from(1)
        }
    }
}
