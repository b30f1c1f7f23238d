//! The `momentum` binary: parses the command line and hands over to the library.
use clap::Parser;

fn main() -> std::process::ExitCode {
    momentum::cli::main(momentum::config::Cli::parse())
}
