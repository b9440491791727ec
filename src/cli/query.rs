//! `aftermath query "SQL"`: run SQL over the store and print or write the result.

use std::io::Write;
use std::path::PathBuf;

use super::Context;
use super::stdout::Stdout;
use crate::error::{Error, IoContext, Result};
use crate::output::{Format, write_frame};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The SQL, e.g. "SELECT team, count(*) AS n FROM incidents GROUP BY team ORDER BY n DESC"
    pub sql: String,
    /// Output format
    #[arg(long, default_value = "table")]
    pub format: Format,
    /// Write to this file instead of standard output (required for parquet)
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(ctx: &Context, args: Args) -> Result<()> {
    let format = args.format;
    if !ctx.store.exists() {
        return Err(Error::store(
            ctx.store.root(),
            "no store here yet; run `aftermath ingest <files>` or `aftermath run` first",
        ));
    }
    let mut df = crate::query::run(&ctx.store, &args.sql)?;
    match &args.out {
        Some(path) => {
            let mut f = std::io::BufWriter::new(std::fs::File::create(path).at(path)?);
            write_frame(&mut df, format, &mut f)?;
            f.flush().at(path)?;
            eprintln!("wrote {} row(s) to {}", df.height(), path.display());
        }
        None if format == Format::Parquet => {
            return Err(Error::input(
                "--format parquet",
                None,
                "Parquet is binary: give --out FILE",
            ));
        }
        None => {
            let mut out = std::io::BufWriter::new(Stdout);
            write_frame(&mut df, format, &mut out)?;
            out.flush().at("<stdout>")?;
        }
    }
    Ok(())
}
