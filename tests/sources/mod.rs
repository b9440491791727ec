//! Connector tests: the shared conformance check every connector passes (`conformance.rs`), and
//! per source the exact rows its fixtures must give and what the real payloads in
//! `../shared/formats` must give when that folder is present.

mod conformance;

mod alertmanager;
mod csvmap;
mod firehydrant;
mod grafana;
mod incidentio;
mod opsgenie;
mod pagerduty;
mod servicenow;
mod statuspage;
mod streaming;
