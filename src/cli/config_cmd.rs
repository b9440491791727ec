//! `aftermath config check`: validate the configuration and say what it resolved to.

use std::path::{Path, PathBuf};

use super::stdout::outln;
use crate::config::deliver::Target;
use crate::config::{Config, DEFAULT_FILE};
use crate::error::Result;

#[derive(Debug, clap::Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration file, reporting every problem with its key path
    Check,
}

pub fn run(cmd: ConfigCommand, path: Option<PathBuf>) -> Result<()> {
    match cmd {
        ConfigCommand::Check => {
            let path = path.unwrap_or_else(|| PathBuf::from(DEFAULT_FILE));
            let c = Config::load(Path::new(&path))?;
            outln!("{}: ok", path.display());
            outln!("  store:   {}", c.store.display());
            outln!("  reports: {}", c.reports.display());
            outln!(
                "  inputs:  {}",
                c.inputs
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            outln!(
                "  teams:   {}",
                c.teams
                    .values()
                    .map(|t| format!("{} ({})", t.name, t.timezone))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            // Destinations by name and kind, with the variables they read (never their values).
            for d in &c.deliver {
                let var = match &d.target {
                    Target::Slack { url_env }
                    | Target::Teams { url_env }
                    | Target::Webhook { url_env } => {
                        format!("${url_env}")
                    }
                    Target::Email(s) => format!(
                        "{}:{}{}",
                        s.host,
                        s.port,
                        s.password_env
                            .as_ref()
                            .map_or(String::new(), |e| format!(", ${e}"))
                    ),
                };
                outln!(
                    "  deliver: {} ({}, {var}): {}",
                    d.name,
                    d.kind(),
                    d.reports.join(", ")
                );
            }
            Ok(())
        }
    }
}
