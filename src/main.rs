//! The `aftermath` binary: parse the arguments, run the command, map the result to an exit code.

/// See Cargo.toml: freed memory goes back to the system, so a step's peak is not carried into the
/// next one.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(aftermath::cli::main());
}
