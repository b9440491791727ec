//! The "dirty" inputs: a small file per reader with one bad row of every kind the ingester rejects
//! (each beside good rows), so the rejected log, its reasons and the thresholds can be seen working.
//! Every line here is expected to be either stored or rejected with a reason; none may vanish.

use std::path::Path;

use crate::error::{IoContext, Result};

const INCIDENTS_CSV: &str = "\
incident_id,source,source_id,title,team,service,severity,status,kind,detected_at,resolved_at,reopen_count,updated_at
csv:DIRTY-OK-1,csv,DIRTY-OK-1,Checkout latency spike,payments,payments-api,P2,resolved,normal,2026-06-02T10:00:00Z,2026-06-02T11:30:00Z,0,2026-06-02T11:30:00Z
csv:DIRTY-2,csv,DIRTY-2,Bad detection time,payments,payments-api,P2,resolved,normal,yesterday at noon,2026-06-02T11:30:00Z,0,
csv:DIRTY-3,csv,DIRTY-3,,payments,payments-api,P3,open,normal,2026-06-03T10:00:00Z,,0,
csv:DIRTY-4,csv,DIRTY-4,Unknown status,search,search-api,P3,closed-ish,normal,2026-06-03T10:00:00Z,,0,
csv:DIRTY-5,csv,DIRTY-5,Unknown kind,search,search-api,P3,open,drill,2026-06-03T10:00:00Z,,0,
csv:DIRTY-6,csv,DIRTY-6,Negative reopen count,search,search-api,P3,resolved,normal,2026-06-03T10:00:00Z,2026-06-03T12:00:00Z,-1,
csv:DIRTY-7,csv,DIRTY-7,Too few fields
other:DIRTY-8,csv,DIRTY-8,Id from another source,search,search-api,P3,open,normal,2026-06-04T10:00:00Z,,0,
csv:DIRTY-9,csv,DIRTY-9,Impossible date,search,search-api,P3,open,normal,2026-02-30T10:00:00Z,,0,
csv:DIRTY-OK-10,csv,DIRTY-OK-10,Epoch milliseconds are fine,identity,auth,critical,resolved,normal,1780653600000,1780657200000,0,1780657200000
";

const ALERTS_NDJSON: &str = r#"{"alert_id":"csv:dirty-ok-1","source":"csv","rule":"disk_space_low","title":"disk space low on db-3","team":"payments","severity":"SEV4","fingerprint":"dirty-fp-1","fired_at":"2026-06-02T03:00:00+02:00","paged":false,"notifications":0,"labels":{"host":"db-3"},"updated_at":"2026-06-02T03:00:00+02:00"}
{"alert_id":"csv:dirty-2","source":"csv","rule":"cpu_high","fingerprint":"dirty-fp-2","fired_at":1780653600.5,"paged":true}
{"alert_id":"csv:dirty-3","source":"csv","rule":"cpu_high","fingerprint":"dirty-fp-3","fired_at":"2026-06-02T03:00:00Z","paged":"sometimes"}
{"alert_id":"csv:dirty-4","source":"csv","rule":"cpu_high","fingerprint":"dirty-fp-4","fired_at":"2026-06-02T03:00:00Z","paged":true,"notifications":-2}
{"alert_id":"csv:dirty-5","source":"csv","rule":"cpu_high","fingerprint":"dirty-fp-5","fired_at":"2026-06-02T03:00:00Z","paged":true,"labels":"host=db-1"}
{"alert_id":"csv:dirty-6","source":"csv","fingerprint":"dirty-fp-6","fired_at":"2026-06-02T03:00:00Z","paged":true}
{"alert_id":"csv:dirty-7","source":"csv","rule":"cpu_high","fingerprint":"dirty-fp-7","fired_at":"2026-06-02T03:00:00Z","paged":true
["not", "an", "object"]
{"alert_id":"csv:dirty-ok-9","source":"csv","rule":"cpu_high","title":"cpu high on web-2","team":"storefront","severity":"high","fingerprint":"dirty-fp-9","fired_at":1780653600000000000,"resolved_at":"0001-01-01T00:00:00Z","paged":true,"notifications":3}
"#;

pub fn write(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).at(dir)?;
    let p = dir.join("incidents.csv");
    std::fs::write(&p, INCIDENTS_CSV).at(&p)?;
    let p = dir.join("alerts.ndjson");
    std::fs::write(&p, ALERTS_NDJSON).at(&p)
}
