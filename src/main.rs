//! The `aftermath` binary: parse the arguments, run the command, map the result to an exit code.

fn main() {
    std::process::exit(aftermath::cli::main());
}
